// A document worker (io/document-pool.ts): reads one uploaded document at a time off the server's
// event loop and answers its blocks, or the refusal as { code, params, issues }. It loads the
// TypeScript reader through tsx, as bin/luoshi.mjs does, so that it runs the same under
// `npm start` (tsx), the CLI and vitest.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { readDocumentBlocksHere } = await import('./document-blocks-reader.ts');

parentPort.on('message', async (job) => {
  try {
    const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
    const blocks = await readDocumentBlocksHere({ bytes, fileName: job.fileName }, job.limits);
    parentPort.postMessage({ id: job.id, blocks });
  } catch (error) {
    parentPort.postMessage({
      id: job.id,
      error:
        error?.name === 'AppError'
          ? { code: error.code, params: error.params, issues: error.issues }
          : { message: String(error?.stack ?? error) },
    });
  }
});
