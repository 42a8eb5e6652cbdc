// A document worker (io/document-pool.ts): reads one uploaded document at a time off the server's
// event loop and answers its blocks. It loads the TypeScript reader through tsx, as bin/luoshi.mjs
// does, so that it runs the same under `npm start` (tsx), the CLI and vitest.
import { register } from 'tsx/esm/api';
import { serveTasks } from './worker-serve.mjs';

register();
const { readDocumentBlocksHere } = await import('./document-blocks-reader.ts');

serveTasks(async ({ bytes, fileName, limits }) =>
  readDocumentBlocksHere(
    { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), fileName },
    limits,
  ),
);
