// The worker's side of io/worker-pool.ts: answers every { id, task } with { id, result }, or with
// the refusal as { code, params, issues } (an AppError, rebuilt as the same on the main thread),
// or any other failure as { message }. A result's buffers are moved to the main thread, not copied.
// A result that is an async iterable of bytes (a streamed export) goes as { id, chunk } messages of
// at least CHUNK_BYTES each, and then { id, result: null }.
import { parentPort } from 'node:worker_threads';

/** @param {(task: unknown) => Promise<unknown>} perform */
export function serveTasks(perform) {
  parentPort.on('message', async ({ id, task }) => {
    try {
      const result = await perform(task);
      if (isStream(result)) {
        await sendChunks(id, result);
        parentPort.postMessage({ id, result: null });
      } else parentPort.postMessage({ id, result }, transferablesOf(result));
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

/** Fewer, larger messages: each one is a turn of the main thread's event loop. */
const CHUNK_BYTES = 64 * 1024;

function isStream(result) {
  return (
    result !== null &&
    typeof result === 'object' &&
    !(result instanceof Uint8Array) &&
    typeof result[Symbol.asyncIterator] === 'function'
  );
}

async function sendChunks(id, stream) {
  let pending = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const chunk = Buffer.concat(pending, size);
    parentPort.postMessage({ id, chunk }, transferablesOf(chunk));
    pending = [];
    size = 0;
  };
  for await (const piece of stream) {
    pending.push(piece);
    size += piece.length;
    if (size >= CHUNK_BYTES) flush();
  }
  flush();
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
