import type { Readable } from 'node:stream';
import type { DocumentWriterName, DocumentWriters } from './document-writers';
import { createWorkerPool, type WorkerPoolOptions } from './worker-pool';

/**
 * How exports are written: in a worker thread (worker-pool.ts), so that a ledger or a task
 * breakdown of thousands of rows, which exceljs and docx build for hundreds of milliseconds,
 * stalls no other request. Only the rows cross to the worker and the file's bytes come back
 * (moved, not copied). `workers: 0` writes on the main thread (only to compare against, in a
 * bench or a test). A full queue refuses at once (`export.busy`); a writer over its time or
 * memory is stopped and the export refused (`export.too_heavy`).
 */
export type DocumentWriterOptions = WorkerPoolOptions;

export const defaultDocumentWriterOptions: DocumentWriterOptions = {
  workers: 1,
  queue: 32,
  timeoutMs: 60_000,
  memoryMb: 1024,
};

interface WriteTask {
  writer: DocumentWriterName;
  args: unknown[];
}

/** The writers that answer a whole file, and those that answer it chunk by chunk. */
type WritersAnswering<Answer> = {
  [Name in DocumentWriterName]: ReturnType<DocumentWriters[Name]> extends Answer ? Name : never;
}[DocumentWriterName];

const writers = createWorkerPool<WriteTask, Uint8Array | AsyncIterable<Uint8Array>>({
  script: new URL('./document-writer-worker.mjs', import.meta.url),
  options: defaultDocumentWriterOptions,
  busy: 'export.busy',
  tooHeavy: 'export.too_heavy',
  // Imported only when asked, so that the server's own heap need not hold every writer.
  runHere: async ({ writer, args }) => {
    const { documentWriters } = await import('./document-writers');
    return (
      documentWriters[writer] as (...any: unknown[]) => Promise<Buffer> | AsyncIterable<Uint8Array>
    )(...args);
  },
});

/** Sets the pool from the server's configuration; workers started before are replaced once idle. */
export function configureDocumentWriters(next: Partial<DocumentWriterOptions>): void {
  writers.configure(next);
}

/** Starts the writers at the server's start: a writer loads exceljs and docx for about a second. */
export function warmDocumentWriters(): void {
  writers.warm();
}

/** What the pool is doing, for tests and the health of a running server. */
export function documentWriterLoad(): { writing: number; waiting: number; workers: number } {
  const { running, waiting, workers } = writers.load();
  return { writing: running, waiting, workers };
}

/** A file written by `documentWriters[writer]` in a worker of the pool, as a Buffer. */
export async function writeDocument<Name extends WritersAnswering<Promise<Buffer>>>(
  writer: Name,
  ...args: Parameters<DocumentWriters[Name]>
): Promise<Buffer> {
  const bytes = await writers.run({ writer, args });
  if (!(bytes instanceof Uint8Array)) throw new Error(`${writer} streams: use streamDocument`);
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A large file written by `documentWriters[writer]` in a worker, as a stream that starts with its
 * first chunk (worker-pool.ts `stream`): the download begins while the rest is being written.
 */
export function streamDocument<Name extends WritersAnswering<AsyncIterable<Uint8Array>>>(
  writer: Name,
  ...args: Parameters<DocumentWriters[Name]>
): Promise<Readable> {
  return writers.stream({ writer, args });
}
