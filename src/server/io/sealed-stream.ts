import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  scrypt,
  type ScryptOptions,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * A sealed (encrypted and authenticated) byte stream, written and read in one pass with
 * node:crypto only. Layout, version 1:
 *
 *   header, 64 bytes:
 *     0  8  magic "LUOSEAL\0"
 *     8  1  version (1)
 *     9  1  key derivation: 1 = scrypt of a passphrase, 2 = a 32-byte key as it is
 *    10  1  scrypt log2(N)   11 1 scrypt r   12 1 scrypt p   (zero for a key)
 *    13  1  log2 of the record size (16: 64 KiB of plaintext per record)
 *    14  2  zero
 *    16 32  salt (random for every stream)
 *    48 16  key check: HKDF-SHA256(master, salt, "luoshi-sealed v1 key check"), 16 bytes
 *   records: AES-256-GCM under HKDF-SHA256(master, salt, "luoshi-sealed v1 content"), 32 bytes,
 *     each the ciphertext of one record of plaintext followed by its 16-byte tag; every record
 *     but the last holds exactly the record size, the last 0 … record size bytes. The nonce
 *     of record i is 3 zero bytes, i as 8 bytes big-endian, then 1 for the last record and 0
 *     otherwise; the header is the additional data of every record.
 *
 * The master key is scrypt(passphrase, salt) or the key itself. The content key is new for
 * every stream (its salt), so a counter is a safe nonce. Each record is authenticated before
 * any of its plaintext is passed on; a record moved, dropped or changed fails its tag, a stream
 * cut short at a record's end fails the last record's flag, and bytes after the last record
 * fail it too. A wrong passphrase or key is told apart by the key check.
 */

const MAGIC = Buffer.from('LUOSEAL\0', 'latin1');
const VERSION = 1;
const KDF_SCRYPT = 1;
const KDF_KEY = 2;
export const SEALED_HEADER_BYTES = 64;
const SALT_BYTES = 32;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const RECORD_LOG2 = 16;
const CONTENT_INFO = 'luoshi-sealed v1 content';
const CHECK_INFO = 'luoshi-sealed v1 key check';

/** scrypt's cost: 2^17 × 8 × 128 bytes = 128 MiB of memory per derivation, about half a second. */
export const DEFAULT_SCRYPT = { log2N: 17, r: 8, p: 1 } as const;
/** What a header may ask of a reader (it could be forged to ask for all the machine's memory). */
const SCRYPT_LIMITS = { log2N: [10, 22], r: [1, 32], p: [1, 16], memory: 1024 * 1024 * 1024 };

export type SealingSecret =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'key'; key: Buffer };

/** Why a sealed stream cannot be opened or read. */
export class SealedError extends Error {
  constructor(
    readonly kind: 'wrong_key' | 'unsupported' | 'corrupt' | 'truncated',
    detail: string,
  ) {
    super(detail);
    this.name = 'SealedError';
  }
}

/** Whether these first bytes of a file are a sealed stream's. */
export function isSealed(prefix: Buffer): boolean {
  return prefix.length >= MAGIC.length && prefix.subarray(0, MAGIC.length).equals(MAGIC);
}

/**
 * The key in a key file: exactly 32 bytes, or 64 hexadecimal digits (what `openssl rand -hex 32`
 * writes) with surrounding white space; undefined for anything else.
 */
export function keyFromFile(bytes: Buffer): Buffer | undefined {
  if (bytes.length === KEY_BYTES) return Buffer.from(bytes);
  const text = bytes.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  return undefined;
}

/** A fresh random key for a key file (raw bytes). */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

function scryptAsync(password: Buffer, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const hkdf = (master: Buffer, salt: Buffer, info: string, length: number) =>
  Buffer.from(hkdfSync('sha256', master, salt, info, length));

interface Parameters {
  kdf: typeof KDF_SCRYPT | typeof KDF_KEY;
  log2N: number;
  r: number;
  p: number;
  recordLog2: number;
  salt: Buffer;
}

async function masterKey(secret: SealingSecret, parameters: Parameters): Promise<Buffer> {
  if (parameters.kdf === KDF_KEY) {
    if (secret.kind !== 'key')
      throw new SealedError('wrong_key', 'this file is sealed with a key file, not a passphrase');
    if (secret.key.length !== KEY_BYTES)
      throw new SealedError('wrong_key', `a key is ${KEY_BYTES} bytes`);
    return secret.key;
  }
  if (secret.kind !== 'passphrase')
    throw new SealedError('wrong_key', 'this file is sealed with a passphrase, not a key file');
  const N = 2 ** parameters.log2N;
  return scryptAsync(Buffer.from(secret.passphrase.normalize('NFC'), 'utf8'), parameters.salt, {
    N,
    r: parameters.r,
    p: parameters.p,
    maxmem: 256 * N * parameters.r,
  });
}

/** The keys of one stream, derived once, for as many passes over it as needed. */
export interface SealedKeys {
  readonly header: Buffer;
  readonly contentKey: Buffer;
  readonly recordBytes: number;
}

/** Derives the keys of a new stream: a fresh salt, the secret's key derivation. */
export async function sealingKeys(
  secret: SealingSecret,
  { scrypt: cost = DEFAULT_SCRYPT }: { scrypt?: { log2N: number; r: number; p: number } } = {},
): Promise<SealedKeys> {
  const parameters: Parameters = {
    kdf: secret.kind === 'key' ? KDF_KEY : KDF_SCRYPT,
    ...(secret.kind === 'key' ? { log2N: 0, r: 0, p: 0 } : cost),
    recordLog2: RECORD_LOG2,
    salt: randomBytes(SALT_BYTES),
  };
  const master = await masterKey(secret, parameters);
  const header = Buffer.alloc(SEALED_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt8(VERSION, 8);
  header.writeUInt8(parameters.kdf, 9);
  header.writeUInt8(parameters.log2N, 10);
  header.writeUInt8(parameters.r, 11);
  header.writeUInt8(parameters.p, 12);
  header.writeUInt8(parameters.recordLog2, 13);
  parameters.salt.copy(header, 16);
  hkdf(master, parameters.salt, CHECK_INFO, 16).copy(header, 48);
  return {
    header,
    contentKey: hkdf(master, parameters.salt, CONTENT_INFO, KEY_BYTES),
    recordBytes: 2 ** parameters.recordLog2,
  };
}

function parseHeader(header: Buffer): Parameters {
  if (header.length < SEALED_HEADER_BYTES || !isSealed(header))
    throw new SealedError('corrupt', 'not a sealed file, or its header is cut short');
  const version = header.readUInt8(8);
  if (version !== VERSION)
    throw new SealedError(
      'unsupported',
      `sealed format version ${version} (this reads ${VERSION})`,
    );
  const kdf = header.readUInt8(9);
  const [log2N, r, p, recordLog2] = [10, 11, 12, 13].map((at) => header.readUInt8(at)) as [
    number,
    number,
    number,
    number,
  ];
  if (recordLog2 < 10 || recordLog2 > 24)
    throw new SealedError('unsupported', `a record size of 2^${recordLog2} bytes`);
  if (kdf === KDF_KEY) {
    if (log2N !== 0 || r !== 0 || p !== 0)
      throw new SealedError('corrupt', 'key derivation parameters on a key-file header');
  } else if (kdf === KDF_SCRYPT) {
    const within = (value: number, [low, high]: number[]) => value >= low! && value <= high!;
    if (
      !within(log2N, SCRYPT_LIMITS.log2N) ||
      !within(r, SCRYPT_LIMITS.r) ||
      !within(p, SCRYPT_LIMITS.p) ||
      128 * 2 ** log2N * r > SCRYPT_LIMITS.memory
    )
      throw new SealedError('unsupported', `scrypt N=2^${log2N}, r=${r}, p=${p}`);
  } else {
    throw new SealedError('unsupported', `key derivation ${kdf}`);
  }
  return {
    kdf,
    log2N,
    r,
    p,
    recordLog2,
    salt: Buffer.from(header.subarray(16, 16 + SALT_BYTES)),
  };
}

/**
 * The keys of an existing stream from its first SEALED_HEADER_BYTES bytes; a SealedError
 * `wrong_key` if the secret is not the one it was sealed with.
 */
export async function openingKeys(header: Buffer, secret: SealingSecret): Promise<SealedKeys> {
  const own = Buffer.from(header.subarray(0, SEALED_HEADER_BYTES));
  const parameters = parseHeader(own);
  const master = await masterKey(secret, parameters);
  if (!hkdf(master, parameters.salt, CHECK_INFO, 16).equals(own.subarray(48, 64)))
    throw new SealedError(
      'wrong_key',
      secret.kind === 'passphrase'
        ? 'the passphrase does not open it (or its header is damaged)'
        : 'the key does not open it (or its header is damaged)',
    );
  return {
    header: own,
    contentKey: hkdf(master, parameters.salt, CONTENT_INFO, KEY_BYTES),
    recordBytes: 2 ** parameters.recordLog2,
  };
}

function nonce(index: bigint, last: boolean): Buffer {
  const bytes = Buffer.alloc(12);
  bytes.writeBigUInt64BE(index, 3);
  bytes[11] = last ? 1 : 0;
  return bytes;
}

function sealRecord(keys: SealedKeys, index: bigint, last: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', keys.contentKey, nonce(index, last), {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(keys.header);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** The record's plaintext, or undefined if it does not authenticate as record `index`. */
function openRecord(
  keys: SealedKeys,
  index: bigint,
  last: boolean,
  sealed: Buffer,
): Buffer | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', keys.contentKey, nonce(index, last), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(keys.header);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return plain;
}

/** Bytes gathered until a record is complete. */
class Pending {
  private chunks: Buffer[] = [];
  length = 0;
  add(chunk: Buffer) {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  take(count: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length > count ? [all.subarray(count)] : [];
    this.length = all.length - count;
    return all.subarray(0, count);
  }
}

/** Seals what is written to it: the header, then the records. */
export function sealingStream(keys: SealedKeys): Transform {
  const pending = new Pending();
  let index = 0n;
  let started = false;
  const start = (stream: Transform) => {
    if (!started) stream.push(keys.header);
    started = true;
  };
  return new Transform({
    transform(this: Transform, chunk: Buffer, _encoding, done: TransformCallback) {
      start(this);
      pending.add(chunk);
      // A record is sealed as not-last only once a byte after it is known to exist.
      while (pending.length > keys.recordBytes) {
        this.push(sealRecord(keys, index, false, pending.take(keys.recordBytes)));
        index += 1n;
      }
      done();
    },
    flush(this: Transform, done: TransformCallback) {
      start(this);
      this.push(sealRecord(keys, index, true, pending.take(pending.length)));
      done();
    },
  });
}

/** Opens a sealed stream (from its first byte, header included) with keys from `openingKeys`. */
export function openingStream(keys: SealedKeys): Transform {
  const pending = new Pending();
  const sealedRecord = keys.recordBytes + TAG_BYTES;
  let index = 0n;
  let headerSeen = false;
  return new Transform({
    transform(this: Transform, chunk: Buffer, _encoding, done: TransformCallback) {
      pending.add(chunk);
      if (!headerSeen) {
        if (pending.length < SEALED_HEADER_BYTES) return done();
        if (!pending.take(SEALED_HEADER_BYTES).equals(keys.header))
          return done(
            new SealedError('corrupt', 'the header is not the one the key was read from'),
          );
        headerSeen = true;
      }
      while (pending.length > sealedRecord) {
        const plain = openRecord(keys, index, false, pending.take(sealedRecord));
        if (!plain)
          return done(
            new SealedError(
              'corrupt',
              `record ${index} (at byte ${SEALED_HEADER_BYTES + Number(index) * sealedRecord}) does not authenticate: the file was changed or damaged`,
            ),
          );
        this.push(plain);
        index += 1n;
      }
      done();
    },
    flush(this: Transform, done: TransformCallback) {
      if (!headerSeen) return done(new SealedError('truncated', 'the file ends inside its header'));
      const rest = pending.take(pending.length);
      const plain = openRecord(keys, index, true, rest);
      if (plain) {
        this.push(plain);
        return done();
      }
      done(
        new SealedError(
          'truncated',
          openRecord(keys, index, false, rest)
            ? `the file ends after record ${index}, which is not the last: it was cut short`
            : `its last record (${index}) does not authenticate: the file was cut short or changed`,
        ),
      );
    },
  });
}
