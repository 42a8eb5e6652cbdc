import { PassThrough, Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  AppError,
  type AppErrorParams,
  type ErrorCode,
  type FieldIssue,
} from '../../shared/errors';

/**
 * A few worker threads that take tasks one at a time, so that work of hundreds of milliseconds
 * (reading an upload, writing an export) stalls no other request on the server's event loop.
 * The uploads' readers (document-pool.ts) and the exports' writers (document-writer-pool.ts) are
 * two such pools, each with its own limits and refusals.
 */
export interface WorkerPoolOptions {
  /** Tasks run at the same time, each in its own worker thread; 0 runs them on the main thread. */
  workers: number;
  /** Tasks that may wait for a worker; one more is refused at once (the pool's `busy` error). */
  queue: number;
  /** A worker still busy after this long is terminated and its task refused (`tooHeavy`). */
  timeoutMs: number;
  /** The heap a worker may use (`resourceLimits.maxOldGenerationSizeMb`); beyond it, `tooHeavy`. */
  memoryMb: number;
}

export interface WorkerPoolSpec<Task, Result> {
  /** The worker's script; it answers every `{ id, task }` with `{ id, result }` or `{ id, error }` (worker-serve.mjs). */
  script: URL;
  options: WorkerPoolOptions;
  /** The refusal when every worker is busy and the queue is full. */
  busy: ErrorCode;
  /** The refusal when a worker runs out of time or memory, or dies. */
  tooHeavy: ErrorCode;
  /** The task done on the main thread, when `workers` is 0. */
  runHere(task: Task): Promise<Result>;
}

export interface WorkerPool<Task, Result> {
  run(task: Task): Promise<Result>;
  /**
   * A task whose result is an async iterable of bytes, as a stream that starts with its first
   * chunk: a refusal before it rejects (so the reply is a proper error), a failure after it
   * destroys the stream. The task holds its worker, and its time limit, until the last chunk.
   */
  stream(task: Task): Promise<Readable>;
  /** Sets the pool's options; workers started before are replaced once idle. */
  configure(next: Partial<WorkerPoolOptions>): void;
  /** Starts the workers now, so that the first task does not wait for one to load. */
  warm(): void;
  /** What the pool is doing, for tests and the health of a running server. */
  load(): { running: number; waiting: number; workers: number };
  options(): WorkerPoolOptions;
}

interface Job<Task, Result> {
  id: number;
  task: Task;
  resolve(result: Result): void;
  reject(error: unknown): void;
  /** For a streamed task: each chunk as it arrives. */
  chunk?(bytes: Uint8Array): void;
}

interface Slot<Task, Result> {
  worker: Worker;
  generation: number;
  job: Job<Task, Result> | null;
  timer: NodeJS.Timeout | null;
  gone: boolean;
}

type Answer<Result> =
  | { id: number; chunk: Uint8Array }
  | { id: number; result: Result }
  | {
      id: number;
      error:
        | { code: ErrorCode; params: AppErrorParams; issues: FieldIssue[] }
        | { message: string };
    };

export function createWorkerPool<Task, Result>(
  spec: WorkerPoolSpec<Task, Result>,
): WorkerPool<Task, Result> {
  let options = spec.options;
  let generation = 0;
  let nextId = 1;
  const slots: Slot<Task, Result>[] = [];
  const waiting: Job<Task, Result>[] = [];

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

  function spawn(): Slot<Task, Result> {
    const worker = new Worker(spec.script, {
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
    const slot: Slot<Task, Result> = { worker, generation, job: null, timer: null, gone: false };
    slots.push(slot);
    worker.on('message', (answer: Answer<Result>) => finish(slot, answer));
    worker.on('error', (error: Error & { code?: string }) =>
      fail(slot, error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new AppError(spec.tooHeavy) : error),
    );
    worker.on('exit', () => fail(slot, new AppError(spec.tooHeavy)));
    worker.unref();
    return slot;
  }

  function start(slot: Slot<Task, Result>, job: Job<Task, Result>): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => fail(slot, new AppError(spec.tooHeavy)), options.timeoutMs);
    slot.worker.postMessage({ id: job.id, task: job.task });
  }

  function finish(slot: Slot<Task, Result>, answer: Answer<Result>): void {
    const job = slot.job;
    if (!job || job.id !== answer.id) return;
    if ('chunk' in answer) {
      job.chunk?.(answer.chunk);
      return;
    }
    clearTimeout(slot.timer!);
    slot.job = null;
    slot.timer = null;
    slot.worker.unref();
    if ('result' in answer) job.resolve(answer.result);
    else if ('code' in answer.error)
      job.reject(new AppError(answer.error.code, answer.error.params, answer.error.issues));
    else job.reject(new Error(`A worker's task failed: ${answer.error.message}`));
    if (slot.generation !== generation) retire(slot);
    dispatch();
  }

  /** The worker ran out of time or memory, or died: its task is refused, the worker replaced. */
  function fail(slot: Slot<Task, Result>, error: unknown): void {
    if (slot.gone) return;
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    retire(slot);
    job?.reject(error);
    dispatch();
  }

  function retire(slot: Slot<Task, Result>): void {
    if (slot.gone) return;
    slot.gone = true;
    slot.job = null;
    slots.splice(slots.indexOf(slot), 1);
    void slot.worker.terminate();
  }

  function queue(job: Omit<Job<Task, Result>, 'id'>): void {
    const idle = slots.some((slot) => !slot.job && slot.generation === generation);
    const busy = slots.filter((slot) => slot.job).length;
    if (!idle && busy >= options.workers && waiting.length >= options.queue) {
      job.reject(new AppError(spec.busy));
      return;
    }
    waiting.push({ ...job, id: nextId++ });
    dispatch();
  }

  return {
    run(task) {
      if (options.workers <= 0) return spec.runHere(task);
      return new Promise<Result>((resolve, reject) => queue({ task, resolve, reject }));
    },
    async stream(task) {
      if (options.workers <= 0)
        return Readable.from((await spec.runHere(task)) as AsyncIterable<Uint8Array>);
      const body = new PassThrough();
      return new Promise<Readable>((resolve, reject) => {
        let started = false;
        const start = () => {
          started = true;
          resolve(body);
        };
        queue({
          task,
          chunk(bytes) {
            if (!started) start();
            // A reader who went away leaves the rest unread; the task still ends in its time.
            if (!body.destroyed) body.write(bytes);
          },
          resolve() {
            if (!started) start();
            body.end();
          },
          reject(error) {
            if (started) body.destroy(error instanceof Error ? error : new Error(String(error)));
            else reject(error);
          },
        });
      });
    },
    configure(next) {
      options = { ...options, ...next };
      generation += 1;
      for (const slot of [...slots]) if (!slot.job) retire(slot);
      dispatch();
    },
    warm() {
      while (slots.filter((one) => one.generation === generation).length < options.workers) spawn();
    },
    load() {
      return {
        running: slots.filter((slot) => slot.job).length,
        waiting: waiting.length,
        workers: slots.length,
      };
    },
    options: () => options,
  };
}
