import { Worker } from 'node:worker_threads';
import {
  AppError,
  type AppErrorParams,
  type ErrorCode,
  type FieldIssue,
} from '../../shared/errors';
import type { DocumentBlocks } from '../../shared/plan-import/document-blocks';
import { checkUpload, type ImportLimits, readDocumentBlocksHere } from './document-blocks-reader';

/**
 * How uploaded documents are read: in a few worker threads, so that a document that takes
 * seconds and hundreds of MB to read stalls no other request. `workers: 0` reads on the main
 * thread (only to compare against, in a test).
 */
export interface DocumentReaderOptions {
  /** Documents read at the same time, each in its own worker thread. */
  workers: number;
  /** Documents that may wait for a worker; one more is refused at once (`upload.busy`). */
  queue: number;
  /** A worker still reading after this long is terminated (`upload.too_heavy`). */
  timeoutMs: number;
  /** The heap a worker may use (`resourceLimits.maxOldGenerationSizeMb`); beyond it, `upload.too_heavy`. */
  memoryMb: number;
}

export const defaultDocumentReaderOptions: DocumentReaderOptions = {
  workers: 1,
  queue: 4,
  timeoutMs: 60_000,
  memoryMb: 1536,
};

interface Job {
  id: number;
  bytes: Uint8Array;
  fileName: string;
  limits: ImportLimits;
  resolve(blocks: DocumentBlocks): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  generation: number;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  gone: boolean;
}

type Answer =
  | { id: number; blocks: DocumentBlocks }
  | {
      id: number;
      error:
        | { code: ErrorCode; params: AppErrorParams; issues: FieldIssue[] }
        | { message: string };
    };

let options = defaultDocumentReaderOptions;
let generation = 0;
let nextId = 1;
const slots: Slot[] = [];
const waiting: Job[] = [];

/** Sets the pool from the server's configuration; workers started before are replaced once idle. */
export function configureDocumentReaders(next: Partial<DocumentReaderOptions>): void {
  options = { ...options, ...next };
  generation += 1;
  for (const slot of [...slots]) if (!slot.job) retire(slot);
  dispatch();
}

/** What the pool is doing, for tests and the health of a running server. */
export function documentReaderLoad(): { reading: number; waiting: number; workers: number } {
  return {
    reading: slots.filter((slot) => slot.job).length,
    waiting: waiting.length,
    workers: slots.length,
  };
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
  if (options.workers <= 0) return readDocumentBlocksHere(input, limits);
  const idle = slots.some((slot) => !slot.job && slot.generation === generation);
  const busy = slots.filter((slot) => slot.job).length;
  if (!idle && busy >= options.workers && waiting.length >= options.queue)
    throw new AppError('upload.busy');
  return new Promise<DocumentBlocks>((resolve, reject) => {
    waiting.push({
      id: nextId++,
      bytes: input.bytes,
      fileName: input.fileName,
      limits,
      resolve,
      reject,
    });
    dispatch();
  });
}

function dispatch(): void {
  while (waiting.length > 0) {
    let slot = slots.find((one) => !one.job && one.generation === generation);
    if (!slot) {
      if (slots.filter((one) => one.generation === generation).length >= options.workers) return;
      slot = spawn();
    }
    start(slot, waiting.shift()!);
  }
}

function spawn(): Slot {
  const worker = new Worker(new URL('./document-worker.mjs', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
  });
  const slot: Slot = { worker, generation, job: null, timer: null, gone: false };
  slots.push(slot);
  worker.on('message', (answer: Answer) => finish(slot, answer));
  worker.on('error', (error: Error & { code?: string }) =>
    fail(
      slot,
      error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new AppError('upload.too_heavy') : error,
    ),
  );
  worker.on('exit', () => fail(slot, new AppError('upload.too_heavy')));
  worker.unref();
  return slot;
}

function start(slot: Slot, job: Job): void {
  slot.job = job;
  slot.worker.ref();
  slot.timer = setTimeout(() => fail(slot, new AppError('upload.too_heavy')), options.timeoutMs);
  slot.worker.postMessage({
    id: job.id,
    bytes: job.bytes,
    fileName: job.fileName,
    limits: job.limits,
  });
}

function finish(slot: Slot, answer: Answer): void {
  const job = slot.job;
  if (!job || job.id !== answer.id) return;
  clearTimeout(slot.timer!);
  slot.job = null;
  slot.timer = null;
  slot.worker.unref();
  if ('blocks' in answer) job.resolve(answer.blocks);
  else if ('code' in answer.error)
    job.reject(new AppError(answer.error.code, answer.error.params, answer.error.issues));
  else job.reject(new Error(`The document reader failed: ${answer.error.message}`));
  if (slot.generation !== generation) retire(slot);
  dispatch();
}

/** The worker ran out of time or memory, or died: its document is refused, the worker replaced. */
function fail(slot: Slot, error: unknown): void {
  if (slot.gone) return;
  const job = slot.job;
  if (slot.timer) clearTimeout(slot.timer);
  retire(slot);
  job?.reject(error);
  dispatch();
}

function retire(slot: Slot): void {
  if (slot.gone) return;
  slot.gone = true;
  slot.job = null;
  slots.splice(slots.indexOf(slot), 1);
  void slot.worker.terminate();
}
