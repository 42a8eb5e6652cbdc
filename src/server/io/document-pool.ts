import type { DocumentBlocks } from '../../shared/plan-import/document-blocks';
import { checkUpload, type ImportLimits } from './upload-limits';
import { createWorkerPool, type WorkerPoolOptions } from './worker-pool';

/**
 * How uploaded documents are read: in a few worker threads (worker-pool.ts), so that a document
 * that takes seconds and hundreds of MB to read stalls no other request. `workers: 0` reads on the
 * main thread (only to compare against, in a test). A full queue refuses at once (`upload.busy`);
 * a reader over its time or memory is stopped and the upload refused (`upload.too_heavy`).
 */
export type DocumentReaderOptions = WorkerPoolOptions;

export const defaultDocumentReaderOptions: DocumentReaderOptions = {
  workers: 1,
  queue: 4,
  timeoutMs: 60_000,
  memoryMb: 1536,
};

interface ReadTask {
  /** A Buffer here; in the worker it arrives as a Uint8Array (structured clone). */
  bytes: Buffer;
  fileName: string;
  limits: ImportLimits;
}

const readers = createWorkerPool<ReadTask, DocumentBlocks>({
  script: new URL('./document-worker.mjs', import.meta.url),
  options: defaultDocumentReaderOptions,
  busy: 'upload.busy',
  tooHeavy: 'upload.too_heavy',
  // Imported only when asked: the main thread need not load the readers' libraries.
  runHere: async ({ bytes, fileName, limits }) => {
    const { readDocumentBlocksHere } = await import('./document-blocks-reader');
    return readDocumentBlocksHere({ bytes, fileName }, limits);
  },
});

/** Sets the pool from the server's configuration; workers started before are replaced once idle. */
export function configureDocumentReaders(next: Partial<DocumentReaderOptions>): void {
  readers.configure(next);
}

/** What the pool is doing, for tests and the health of a running server. */
export function documentReaderLoad(): { reading: number; waiting: number; workers: number } {
  const { running, waiting, workers } = readers.load();
  return { reading: running, waiting, workers };
}

/**
 * An uploaded document as neutral blocks, read by a worker of the pool. The name and size are
 * checked here first; every refusal is an AppError, the worker's rebuilt as the same AppError.
 */
export async function readInWorker(
  input: { bytes: Buffer; fileName: string },
  limits: ImportLimits,
): Promise<DocumentBlocks> {
  checkUpload(input, limits);
  return readers.run({ bytes: input.bytes, fileName: input.fileName, limits });
}
