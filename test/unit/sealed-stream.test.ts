import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  isSealed,
  keyFromFile,
  openingKeys,
  openingStream,
  SEALED_HEADER_BYTES,
  SealedError,
  type SealingSecret,
  sealingKeys,
  sealingStream,
} from '../../src/server/io/sealed-stream';

const RECORD = 64 * 1024;
const TAG = 16;
// Cheap scrypt for the tests; the default cost is checked once below.
const cheap = { scrypt: { log2N: 10, r: 8, p: 1 } };
const passphrase: SealingSecret = { kind: 'passphrase', passphrase: '落实备份口令 correct horse' };
const key: SealingSecret = { kind: 'key', key: randomBytes(32) };

/** Feeds `bytes` to a stream in pieces of the given sizes (cycled), collects what comes out. */
async function through(
  stream: NodeJS.ReadWriteStream,
  bytes: Buffer,
  pieces: number[] = [7, 65536, 1, 100_000],
): Promise<{ output: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  for (let at = 0, turn = 0; at < bytes.length; turn += 1) {
    const size = pieces[turn % pieces.length]!;
    parts.push(bytes.subarray(at, at + size));
    at += size;
  }
  const out: Buffer[] = [];
  const error = await pipeline(
    Readable.from(parts),
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        done();
      },
    }),
  ).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { output: Buffer.concat(out), ...(error ? { error } : {}) };
}

async function seal(plain: Buffer, secret: SealingSecret = passphrase): Promise<Buffer> {
  const keys = await sealingKeys(secret, cheap);
  const { output, error } = await through(sealingStream(keys), plain);
  expect(error).toBeUndefined();
  return output;
}

async function open(sealed: Buffer, secret: SealingSecret = passphrase) {
  const keys = await openingKeys(sealed.subarray(0, SEALED_HEADER_BYTES), secret);
  return through(openingStream(keys), sealed, [65536 + 16, 3, 40_000]);
}

async function refusal(sealed: Buffer, secret: SealingSecret = passphrase): Promise<SealedError> {
  let error: unknown;
  try {
    error = (await open(sealed, secret)).error;
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(SealedError);
  return error as SealedError;
}

const flip = (bytes: Buffer, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

describe('io/sealed-stream (chunked AES-256-GCM)', () => {
  it('round-trips every length around the record size, with a passphrase and with a key', async () => {
    for (const secret of [passphrase, key]) {
      for (const length of [0, 1, RECORD - 1, RECORD, RECORD + 1, 3 * RECORD, 200_003]) {
        const plain = randomBytes(length);
        const sealed = await seal(plain, secret);
        const records = Math.max(1, Math.ceil(length / RECORD));
        expect(sealed.length, `${length}`).toBe(SEALED_HEADER_BYTES + length + records * TAG);
        expect(isSealed(sealed)).toBe(true);
        const { output, error } = await open(sealed, secret);
        expect(error, `${length}`).toBeUndefined();
        expect(output.equals(plain), `${length}`).toBe(true);
      }
    }
  });

  it('hides the plaintext, and seals the same bytes differently every time', async () => {
    const plain = Buffer.from(
      '{"title":"2024年教师思政工作实施方案","liaison":"王老师"}\n'.repeat(5000),
    );
    const first = await seal(plain);
    const second = await seal(plain);
    expect(first.indexOf(Buffer.from('实施方案'))).toBe(-1);
    expect(first.indexOf(Buffer.from('王老师'))).toBe(-1);
    expect(first.subarray(SEALED_HEADER_BYTES).equals(second.subarray(SEALED_HEADER_BYTES))).toBe(
      false,
    );
  });

  it('tells a wrong passphrase or key apart, before reading any record', async () => {
    const plain = randomBytes(100_000);
    const sealed = await seal(plain);
    const byKey = await seal(plain, key);
    for (const [bytes, secret] of [
      [sealed, { kind: 'passphrase', passphrase: '落实备份口令 correct horsE' }],
      [sealed, key],
      [byKey, { kind: 'key', key: randomBytes(32) }],
      [byKey, passphrase],
      // The salt changed: no key opens it.
      [flip(sealed, 20), passphrase],
    ] as const) {
      await expect(openingKeys(bytes.subarray(0, SEALED_HEADER_BYTES), secret)).rejects.toThrow(
        SealedError,
      );
      expect((await refusal(bytes, secret)).kind).toBe('wrong_key');
    }
  });

  it('refuses a changed, moved, dropped or cut record, and passes on no byte of a record that fails', async () => {
    const plain = randomBytes(4 * RECORD + 1000);
    const sealed = await seal(plain);
    const sealedRecord = RECORD + TAG;
    const recordAt = (index: number) => SEALED_HEADER_BYTES + index * sealedRecord;
    const record = (index: number) => sealed.subarray(recordAt(index), recordAt(index + 1));

    // One flipped byte in record 2: records 0 and 1 come out, nothing of record 2.
    const changed = flip(sealed, recordAt(2) + 100);
    const result = await open(changed);
    expect(result.error).toBeInstanceOf(SealedError);
    expect((result.error as SealedError).kind).toBe('corrupt');
    expect(result.output.equals(plain.subarray(0, 2 * RECORD))).toBe(true);
    // A flipped byte in a tag, and in the last record.
    expect((await refusal(flip(sealed, recordAt(1) - 1))).kind).toBe('corrupt');
    expect((await refusal(flip(sealed, sealed.length - 500))).kind).toBe('truncated');

    const header = sealed.subarray(0, SEALED_HEADER_BYTES);
    const last = sealed.subarray(recordAt(4));
    const swapped = Buffer.concat([header, record(1), record(0), record(2), record(3), last]);
    expect((await refusal(swapped)).kind).toBe('corrupt');
    const dropped = Buffer.concat([header, record(0), record(2), record(3), last]);
    expect((await refusal(dropped)).kind).toBe('corrupt');

    // Cut at a record's end: the record there was not sealed as the last.
    const atBoundary = await refusal(sealed.subarray(0, recordAt(3)));
    expect(atBoundary.kind).toBe('truncated');
    expect(atBoundary.message).toContain('cut short');
    expect((await refusal(sealed.subarray(0, recordAt(3) + 5000))).kind).toBe('truncated');
    expect((await refusal(sealed.subarray(0, SEALED_HEADER_BYTES))).kind).toBe('truncated');
    // Bytes after the last record.
    const appended = Buffer.concat([sealed, Buffer.from('more')]);
    expect(['corrupt', 'truncated']).toContain((await refusal(appended)).kind);
  });

  it('reads its parameters from the header, within limits a forged header cannot exceed', async () => {
    const sealed = await seal(randomBytes(10));
    expect((await refusal(flip(sealed, 0))).kind).toBe('corrupt');
    const version = Buffer.from(sealed);
    version[8] = 2;
    expect((await refusal(version)).kind).toBe('unsupported');
    const greedy = Buffer.from(sealed);
    greedy[10] = 30; // scrypt N = 2^30: 1 TiB of memory
    expect((await refusal(greedy)).kind).toBe('unsupported');
  });

  it('derives with the default scrypt cost (128 MiB) when none is given', async () => {
    const keys = await sealingKeys(passphrase);
    expect([...keys.header.subarray(8, 14)]).toEqual([1, 1, 17, 8, 1, 16]);
    const reopened = await openingKeys(keys.header, passphrase);
    expect(reopened.contentKey.equals(keys.contentKey)).toBe(true);
  });

  it('reads a key file of 32 bytes or 64 hex digits, and nothing else', () => {
    const raw = randomBytes(32);
    expect(keyFromFile(raw)?.equals(raw)).toBe(true);
    expect(keyFromFile(Buffer.from(`${raw.toString('hex')}\n`))?.equals(raw)).toBe(true);
    expect(keyFromFile(randomBytes(31))).toBeUndefined();
    expect(keyFromFile(Buffer.from('not a key'))).toBeUndefined();
    expect(keyFromFile(Buffer.from(`${raw.toString('hex')}00`))).toBeUndefined();
  });
});
