import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Headers, pack } from 'tar-stream';

/**
 * A POSIX tar archive (ustar, with pax extended headers for a name that is long or not ASCII,
 * so any path and any UTF-8 file name fits), written and read entry by entry through streams,
 * so that memory holds one entry at a time whatever the size of the archive. Only regular files.
 * The bytes may pass through a transform on their way to or from the file (`through`), e.g. an
 * encryption; this module knows nothing of what it does.
 */

const BLOCK = 512;
const END_OF_ARCHIVE = 2 * BLOCK;

export interface TarWriter {
  add(name: string, data: Buffer): Promise<void>;
  /** Writes the end-of-archive blocks, flushes to disk and closes. */
  finish(): Promise<void>;
  /** Closes without finishing (after a failure). */
  abort(): Promise<void>;
}

/** A promise that rejects with the first failure of `work` and never resolves. */
function failureOf(work: Promise<unknown>): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    work.catch(reject);
  });
  failed.catch(() => undefined);
  return failed;
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}

/** Creates `file` (which must not exist), readable by its owner only. */
export async function createTarWriter(
  file: string,
  mtime: Date,
  { through }: { through?: Transform } = {},
): Promise<TarWriter> {
  const handle = await open(file, 'wx', 0o600);
  const archive = pack();
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writeAll(handle, chunk).then(() => done(), done);
    },
  });
  const written = through ? pipeline(archive, through, output) : pipeline(archive, output);
  const failed = failureOf(written);
  return {
    async add(name, data) {
      await Promise.race([
        new Promise<void>((resolve, reject) => {
          archive.entry(
            { name, size: data.length, mode: 0o644, mtime, type: 'file' },
            data,
            (error) => (error ? reject(error) : resolve()),
          );
        }),
        failed,
      ]);
    },
    async finish() {
      archive.finalize();
      await written;
      await handle.sync();
      await handle.close();
    },
    async abort() {
      archive.destroy();
      output.destroy();
      await written.catch(() => undefined);
      await handle.close();
    },
  };
}

/** Why an archive cannot be read: cut short, or not what was written. */
export class TarError extends Error {
  constructor(
    readonly kind: 'truncated' | 'corrupt',
    detail: string,
  ) {
    super(detail);
    this.name = 'TarError';
  }
}

/** What tar-stream says when it stops, as a TarError. */
function tarErrorOf(error: unknown): TarError {
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected end of data/i.test(message))
    return new TarError('truncated', 'the archive ends inside an entry');
  return new TarError('corrupt', `not a tar archive, or a damaged entry header (${message})`);
}

/** Counts the bytes on their way to the extractor. */
function byteCounter(): Transform & { total: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.total += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { total: number };
  counter.total = 0;
  return counter;
}

type Step =
  | { kind: 'entry'; header: Headers; stream: Readable; next: (error?: unknown) => void }
  | { kind: 'end' };

/**
 * The archive's entries in order, one in memory at a time; refuses entries larger than
 * `maxEntryBytes`, any entry that is not a regular file, and an archive without its
 * end-of-archive blocks (cut short at an entry's end).
 */
export async function* readTar(
  file: string,
  { maxEntryBytes, through }: { maxEntryBytes: number; through?: Transform },
): AsyncGenerator<{ name: string; data: Buffer }> {
  const input = createReadStream(file);
  const counter = byteCounter();
  const extractor = extract();
  const steps: Step[] = [];
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let rejectFailed: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => undefined);
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    rejectFailed(error);
  };
  const push = (step: Step) => {
    steps.push(step);
    wake?.();
  };
  // Registered before pipeline()'s own listeners: the first failure is the one reported, and
  // only the extractor's are about the tar itself (a failing `through` destroys the extractor too).
  input.on('error', fail);
  through?.on('error', fail);
  extractor.on('error', (error: unknown) => fail(tarErrorOf(error)));
  extractor.on('entry', (header: Headers, stream: Readable, next: (error?: unknown) => void) =>
    push({ kind: 'entry', header, stream, next }),
  );
  const stages = through
    ? pipeline(input, through, counter, extractor)
    : pipeline(input, counter, extractor);
  stages.then(
    () => push({ kind: 'end' }),
    (error: unknown) => fail(error),
  );

  const nextStep = async (): Promise<Step> => {
    for (;;) {
      const step = steps.shift();
      if (step) return step;
      await Promise.race([
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
        failed,
      ]);
      wake = undefined;
    }
  };

  try {
    /** Where the last entry's data (padded to a block) ends. */
    let end = 0;
    for (;;) {
      const step = await nextStep();
      if (step.kind === 'end') break;
      const { header, stream, next } = step;
      const name = header.name;
      const size = header.size ?? 0;
      if ((header.type ?? 'file') !== 'file')
        throw new TarError('corrupt', `${name} is not a regular file (${header.type})`);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new TarError('corrupt', `bad size of ${name}`);
      if (size > maxEntryBytes)
        throw new TarError(
          'corrupt',
          `${name} is larger (${size} bytes) than any entry a backup writes`,
        );
      const chunks: Buffer[] = [];
      await Promise.race([
        new Promise<void>((resolve, reject) => {
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', resolve);
          stream.on('error', reject);
        }),
        failed,
      ]);
      const data = Buffer.concat(chunks);
      if (data.length !== size) throw new TarError('truncated', `${name} ends early`);
      const offset = (stream as Readable & { offset?: unknown }).offset;
      end = typeof offset === 'number' ? offset + size + ((BLOCK - (size % BLOCK)) % BLOCK) : end;
      yield { name, data };
      next();
    }
    if (counter.total < end + END_OF_ARCHIVE)
      throw new TarError(
        'truncated',
        `no end-of-archive blocks after byte ${end}: the archive was cut short`,
      );
  } finally {
    input.destroy();
    extractor.destroy();
    await stages.catch(() => undefined);
  }
}
