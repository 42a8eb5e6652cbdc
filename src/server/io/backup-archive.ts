import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { AppError } from '../../shared/errors';
import {
  type ArchiveSecret,
  createArchiveDecryptor,
  createArchiveEncryptor,
  type DerivedArchiveKey,
  deriveArchiveKey,
  isEncryptedArchive,
} from './archive-encryption';

/**
 * The backup archive on disk: a tar written and read by `tar-stream` as a stream (pax headers
 * carry names of any length and any script), optionally sealed by `archive-encryption.ts`.
 * Memory holds one entry at a time, whatever the size of the archive.
 */

export interface ArchiveWriter {
  add(name: string, data: Buffer): Promise<void>;
  /** Writes the end of the archive, flushes it to disk and closes. */
  finish(): Promise<void>;
  /** Closes without finishing (after a failure). */
  abort(): Promise<void>;
}

/** A new archive at `file` (which must not exist: opened 'wx', 0600). */
export async function createArchiveWriter(
  file: string,
  { mtime, secret }: { mtime: Date; secret?: ArchiveSecret | undefined },
): Promise<ArchiveWriter> {
  // Derived before the file exists, so a refused passphrase leaves nothing behind.
  const encryptor: Transform | undefined = secret
    ? await createArchiveEncryptor(secret)
    : undefined;
  const handle = await open(file, 'wx', 0o600);
  const pack = tar.pack();
  const output = handle.createWriteStream({ autoClose: false });
  const written = encryptor ? pipeline(pack, encryptor, output) : pipeline(pack, output);
  // A broken pipe (a full disk) rejects every pending and later `add` instead of leaving it waiting.
  const broken = new Promise<never>((_, reject) => {
    written.catch(reject);
  });
  broken.catch(() => undefined);
  return {
    async add(name, data) {
      await Promise.race([
        new Promise<void>((resolve, reject) =>
          pack.entry(
            { name, size: data.length, mtime, mode: 0o644, type: 'file' },
            data,
            (error) => (error ? reject(error) : resolve()),
          ),
        ),
        broken,
      ]);
    },
    async finish() {
      pack.finalize();
      await written;
      await handle.sync();
      await handle.close();
    },
    async abort() {
      pack.destroy();
      await written.catch(() => undefined);
      await handle.close().catch(() => undefined);
    },
  };
}

export interface ArchiveEntry {
  name: string;
  data: Buffer;
}

export interface OpenedArchive {
  encrypted: boolean;
  /** The entries in order; may be read more than once (the key is derived once). */
  entries(): AsyncGenerator<ArchiveEntry>;
}

/**
 * Opens an archive for reading: a plain tar as it is, an encrypted one with its secret (a wrong
 * or missing secret is refused here, before any entry is read).
 */
export async function openArchive(
  file: string,
  { maxEntryBytes, secret }: { maxEntryBytes: number; secret?: ArchiveSecret | undefined },
): Promise<OpenedArchive> {
  const handle = await open(file, 'r');
  let derived: DerivedArchiveKey | undefined;
  try {
    if (await isEncryptedArchive(handle)) derived = await deriveArchiveKey(handle, secret);
  } finally {
    await handle.close();
  }
  return {
    encrypted: derived !== undefined,
    entries: () => {
      const source = derived
        ? [createReadStream(file, { start: derived.dataOffset }), createArchiveDecryptor(derived)]
        : [createReadStream(file)];
      return readTarEntries(source, maxEntryBytes);
    },
  };
}

function tarFailure(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (/unexpected end/i.test(message))
    return new AppError('backup.archive_truncated', { detail: message });
  return new AppError('backup.archive_corrupt', { detail: message.slice(0, 200) });
}

async function* readTarEntries(
  source: (Readable | Transform)[],
  maxEntryBytes: number,
): AsyncGenerator<ArchiveEntry> {
  const extract = tar.extract();
  const ready: { entry: ArchiveEntry; next: () => void }[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  extract.on('entry', (header, stream, next) => {
    if (header.type !== 'file') {
      failure ??= new AppError('backup.archive_corrupt', {
        detail: `an entry of type ${header.type} (${header.name})`,
      });
      notify();
      stream.resume();
      return;
    }
    if (header.size > maxEntryBytes) {
      failure ??= new AppError('backup.archive_corrupt', {
        detail: `${header.name} is larger (${header.size} bytes) than any entry a backup writes`,
      });
      notify();
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      ready.push({ entry: { name: header.name, data: Buffer.concat(chunks) }, next });
      notify();
    });
  });
  const streams = [...source, extract] as unknown as [Readable, ...Transform[]];
  const done = pipeline(streams).then(
    () => {
      ended = true;
      notify();
    },
    (error: unknown) => {
      failure ??= tarFailure(error);
      notify();
    },
  );
  try {
    for (;;) {
      if (failure) throw failure;
      const item = ready.shift();
      if (item) {
        yield item.entry;
        item.next();
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (!ended) {
      for (const stream of source) stream.destroy();
      extract.destroy();
    }
    await done;
  }
}
