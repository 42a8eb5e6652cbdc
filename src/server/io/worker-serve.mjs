// The worker's side of io/worker-pool.ts: answers every { id, task } with { id, result }, or with
// the refusal as { code, params, issues } (an AppError, rebuilt as the same on the main thread),
// or any other failure as { message }. A result's buffers are moved to the main thread, not copied.
import { parentPort } from 'node:worker_threads';

/** @param {(task: unknown) => Promise<unknown>} perform */
export function serveTasks(perform) {
  parentPort.on('message', async ({ id, task }) => {
    try {
      const result = await perform(task);
      parentPort.postMessage({ id, result }, transferablesOf(result));
    } catch (error) {
      parentPort.postMessage({
        id,
        error:
          error?.name === 'AppError'
            ? { code: error.code, params: error.params, issues: error.issues }
            : { message: String(error?.stack ?? error) },
      });
    }
  });
}

/** A Buffer of its own ArrayBuffer (not a slice of Node's shared pool) can be moved. */
function transferablesOf(result) {
  const isOwnBuffer = (value) =>
    value instanceof Uint8Array &&
    value.byteOffset === 0 &&
    value.byteLength === value.buffer.byteLength &&
    !(value.buffer instanceof SharedArrayBuffer);
  return isOwnBuffer(result) ? [result.buffer] : [];
}
