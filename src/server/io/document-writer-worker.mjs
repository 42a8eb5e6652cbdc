// A document writer (io/document-writer-pool.ts): writes one export at a time off the server's
// event loop and answers its bytes. It loads the TypeScript writers through tsx, as
// document-worker.mjs does, so that it runs the same under `npm start`, the CLI and vitest.
import { register } from 'tsx/esm/api';
import { serveTasks } from './worker-serve.mjs';

register();
const { documentWriters } = await import('./document-writers.ts');

serveTasks(async ({ writer, args }) => documentWriters[writer](...args));
