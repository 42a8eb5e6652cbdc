import { open, type FileHandle } from 'node:fs/promises';

/**
 * A plain POSIX ustar archive, written and read entry by entry through a file handle, so that
 * memory holds one entry at a time whatever the size of the archive. Only regular files.
 */

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** Splits a path into ustar's prefix (≤155) and name (≤100) at a slash. */
function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let cut = name.indexOf('/'); cut !== -1; cut = name.indexOf('/', cut + 1)) {
    const prefix = name.slice(0, cut);
    const base = name.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`name too long for a tar entry: ${name}`);
}

function header(name: string, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  const { prefix, base } = splitName(name);
  block.write(base, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

export interface TarWriter {
  add(name: string, data: Buffer): Promise<void>;
  /** Writes the end-of-archive blocks, flushes to disk and closes. */
  finish(): Promise<void>;
  /** Closes without finishing (after a failure). */
  abort(): Promise<void>;
}

export async function createTarWriter(file: string, mtime: Date): Promise<TarWriter> {
  const handle = await open(file, 'wx', 0o600);
  const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;
  return {
    async add(name, data) {
      await handle.write(header(name, data.length, mtime));
      await handle.write(data);
      const pad = padding(data.length);
      if (pad > 0) await handle.write(ZEROS.subarray(0, pad));
    },
    async finish() {
      await handle.write(ZEROS);
      await handle.sync();
      await handle.close();
    },
    abort: () => handle.close(),
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

async function readExactly(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0)
      throw new TarError(
        'truncated',
        `the archive ends inside an entry (at byte ${position + filled})`,
      );
    filled += bytesRead;
  }
  return buffer;
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** The archive's entries in order, one in memory at a time; refuses entries larger than `maxEntryBytes`. */
export async function* readTar(
  file: string,
  { maxEntryBytes }: { maxEntryBytes: number },
): AsyncGenerator<{ name: string; data: Buffer }> {
  const handle = await open(file, 'r');
  try {
    let position = 0;
    for (;;) {
      const block = await readExactly(handle, position, BLOCK);
      if (block.every((byte) => byte === 0)) return;
      const stored = Number.parseInt(field(block, 148, 8).trim(), 8);
      let sum = 0;
      for (let index = 0; index < BLOCK; index += 1)
        sum += index >= 148 && index < 156 ? 32 : block[index]!;
      if (stored !== sum) throw new TarError('corrupt', `bad header checksum at byte ${position}`);
      const base = field(block, 0, 100);
      const prefix = field(block, 345, 155);
      const name = prefix ? `${prefix}/${base}` : base;
      const size = Number.parseInt(field(block, 124, 12).trim(), 8);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new TarError('corrupt', `bad size of ${name}`);
      if (size > maxEntryBytes)
        throw new TarError(
          'corrupt',
          `${name} is larger (${size} bytes) than any entry a backup writes`,
        );
      const data = await readExactly(handle, position + BLOCK, size);
      position += BLOCK + size + ((BLOCK - (size % BLOCK)) % BLOCK);
      yield { name, data };
    }
  } finally {
    await handle.close();
  }
}
