import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../shared/errors';

/**
 * An encrypted backup archive: the plain tar, cut into chunks, each sealed with AES-256-GCM
 * (node:crypto). The key comes from a passphrase (scrypt) or from a key file (HKDF-SHA256), with
 * a fresh random salt per archive, so every archive has its own key and the chunk counter can be
 * the nonce. Every chunk's authenticated data names the header, the chunk's index and whether it
 * is the last one, so a chunk changed, moved, dropped or added, or an archive cut short, is
 * refused. A key check value in the header tells a wrong passphrase from a damaged archive.
 *
 * Layout: MAGIC · u32 header length · header (JSON) · chunks of
 * [u32: plaintext length, top bit = last chunk] [ciphertext] [16-byte GCM tag].
 */

export const ENCRYPTED_ARCHIVE_MAGIC = Buffer.from('LUOSHI-ENCRYPTED-BACKUP\n', 'ascii');
const ENVELOPE_VERSION = 1;
const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const LAST_CHUNK = 0x8000_0000;
const MAX_HEADER_BYTES = 4096;
/** scrypt at 2^17 × 8: 128 MiB and a fraction of a second per archive, OWASP's advice for scrypt. */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 };
/** What a header may ask of scrypt when read: an altered header must not exhaust the machine. */
const SCRYPT_READ_LIMITS = { N: 2 ** 20, r: 16, p: 4 };
export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_KEY_FILE_BYTES = 32;

export type ArchiveSecret =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'key-file'; bytes: Buffer };

interface EnvelopeHeader {
  version: number;
  cipher: 'aes-256-gcm';
  chunkBytes: number;
  kdf:
    | { name: 'scrypt'; N: number; r: number; p: number; salt: string }
    | { name: 'hkdf-sha256'; salt: string };
  /** HMAC-SHA256 of a fixed text under the derived check key: a wrong secret is told as such. */
  keyCheck: string;
}

export interface DerivedArchiveKey {
  header: Buffer;
  /** sha256 of MAGIC, the header length and the header: bound into every chunk. */
  headerDigest: Buffer;
  key: Buffer;
  chunkBytes: number;
  /** Where the first chunk starts. */
  dataOffset: number;
}

const KEY_CHECK_TEXT = 'luoshi backup archive key check';

export function checkArchiveSecret(secret: ArchiveSecret): void {
  if (secret.kind === 'passphrase' && [...secret.passphrase].length < MIN_PASSPHRASE_LENGTH)
    throw new AppError('backup.passphrase_too_short', { min: String(MIN_PASSPHRASE_LENGTH) });
  if (secret.kind === 'key-file' && secret.bytes.length < MIN_KEY_FILE_BYTES)
    throw new AppError('backup.key_file_unusable', {
      detail: `${secret.bytes.length} bytes, at least ${MIN_KEY_FILE_BYTES} needed`,
    });
}

/** A new key file's contents: 32 random bytes, base64, one line. */
export function newKeyFileContents(): string {
  return `${randomBytes(32).toString('base64')}\n`;
}

function scryptAsync(
  passphrase: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      salt,
      64,
      { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

async function deriveKeys(
  secret: ArchiveSecret,
  kdf: EnvelopeHeader['kdf'],
): Promise<{ key: Buffer; check: Buffer }> {
  const salt = Buffer.from(kdf.salt, 'base64');
  let material: Buffer;
  if (kdf.name === 'scrypt') {
    if (secret.kind !== 'passphrase')
      throw new AppError('backup.wrong_key', { expected: 'passphrase' });
    material = await scryptAsync(secret.passphrase, salt, kdf);
  } else {
    if (secret.kind !== 'key-file')
      throw new AppError('backup.wrong_key', { expected: 'key file' });
    material = Buffer.from(hkdfSync('sha256', secret.bytes, salt, 'luoshi backup archive', 64));
  }
  const check = createHmac('sha256', material.subarray(32)).update(KEY_CHECK_TEXT).digest();
  return { key: material.subarray(0, 32), check };
}

function digestOf(header: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return createHash('sha256')
    .update(ENCRYPTED_ARCHIVE_MAGIC)
    .update(length)
    .update(header)
    .digest();
}

function nonceOf(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

function aadOf(headerDigest: Buffer, index: number, last: boolean): Buffer {
  const position = Buffer.alloc(9);
  position.writeBigUInt64BE(BigInt(index));
  position[8] = last ? 1 : 0;
  return Buffer.concat([headerDigest, position]);
}

/** The transform that seals a plain archive; its first bytes are the header. */
export async function createArchiveEncryptor(secret: ArchiveSecret): Promise<Transform> {
  checkArchiveSecret(secret);
  const salt = randomBytes(16).toString('base64');
  const kdf: EnvelopeHeader['kdf'] =
    secret.kind === 'passphrase'
      ? { name: 'scrypt', ...SCRYPT, salt }
      : { name: 'hkdf-sha256', salt };
  const { key, check } = await deriveKeys(secret, kdf);
  const header = Buffer.from(
    JSON.stringify({
      version: ENVELOPE_VERSION,
      cipher: 'aes-256-gcm',
      chunkBytes: CHUNK_BYTES,
      kdf,
      keyCheck: check.toString('base64'),
    } satisfies EnvelopeHeader),
    'utf8',
  );
  const headerDigest = digestOf(header);
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const seal = (plain: Buffer, last: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', key, nonceOf(index));
    cipher.setAAD(aadOf(headerDigest, index, last));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE((plain.length | (last ? LAST_CHUNK : 0)) >>> 0);
    index += 1;
    return Buffer.concat([length, sealed, cipher.getAuthTag()]);
  };
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32BE(header.length);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (!started) {
        this.push(Buffer.concat([ENCRYPTED_ARCHIVE_MAGIC, headerLength, header]));
        started = true;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Strictly more than a chunk: something is always left for the last chunk, sealed at the end.
      if (pendingBytes > CHUNK_BYTES) {
        let joined = Buffer.concat(pending);
        while (joined.length > CHUNK_BYTES) {
          this.push(seal(joined.subarray(0, CHUNK_BYTES), false));
          joined = joined.subarray(CHUNK_BYTES);
        }
        pending = [joined];
        pendingBytes = joined.length;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (!started) this.push(Buffer.concat([ENCRYPTED_ARCHIVE_MAGIC, headerLength, header]));
      this.push(seal(Buffer.concat(pending), true));
      callback();
    },
  });
}

/** Whether the file starts as an encrypted archive. */
export async function isEncryptedArchive(handle: FileHandle): Promise<boolean> {
  const start = Buffer.alloc(ENCRYPTED_ARCHIVE_MAGIC.length);
  const { bytesRead } = await handle.read(start, 0, start.length, 0);
  return bytesRead === start.length && start.equals(ENCRYPTED_ARCHIVE_MAGIC);
}

function tampered(detail: string): AppError {
  return new AppError('backup.archive_tampered', { detail });
}

/** Reads the header of an encrypted archive and derives its key, refusing a wrong secret. */
export async function deriveArchiveKey(
  handle: FileHandle,
  secret: ArchiveSecret | undefined,
): Promise<DerivedArchiveKey> {
  if (!secret) throw new AppError('backup.key_required');
  const prefix = Buffer.alloc(ENCRYPTED_ARCHIVE_MAGIC.length + 4);
  const { bytesRead } = await handle.read(prefix, 0, prefix.length, 0);
  if (bytesRead < prefix.length)
    throw new AppError('backup.archive_truncated', { detail: 'the header is cut short' });
  const headerLength = prefix.readUInt32BE(ENCRYPTED_ARCHIVE_MAGIC.length);
  if (headerLength > MAX_HEADER_BYTES) throw tampered('the header is of an impossible length');
  const header = Buffer.alloc(headerLength);
  const read = await handle.read(header, 0, headerLength, prefix.length);
  if (read.bytesRead < headerLength)
    throw new AppError('backup.archive_truncated', { detail: 'the header is cut short' });
  let parsed: EnvelopeHeader;
  try {
    parsed = JSON.parse(header.toString('utf8')) as EnvelopeHeader;
  } catch {
    throw tampered('the header is not readable');
  }
  if (parsed.version !== ENVELOPE_VERSION || parsed.cipher !== 'aes-256-gcm')
    throw new AppError('backup.unsupported_format', {
      format: `encrypted ${String(parsed.version)} ${String(parsed.cipher)}`,
    });
  const { kdf } = parsed;
  const validChunk =
    Number.isSafeInteger(parsed.chunkBytes) &&
    parsed.chunkBytes > 0 &&
    parsed.chunkBytes <= 16 * 1024 * 1024;
  const validKdf =
    (kdf?.name === 'hkdf-sha256' && typeof kdf.salt === 'string') ||
    (kdf?.name === 'scrypt' &&
      typeof kdf.salt === 'string' &&
      [kdf.N, kdf.r, kdf.p].every(Number.isSafeInteger) &&
      kdf.N > 1 &&
      kdf.N <= SCRYPT_READ_LIMITS.N &&
      kdf.r >= 1 &&
      kdf.r <= SCRYPT_READ_LIMITS.r &&
      kdf.p >= 1 &&
      kdf.p <= SCRYPT_READ_LIMITS.p);
  if (!validChunk || !validKdf || typeof parsed.keyCheck !== 'string')
    throw tampered('the header names impossible parameters');
  const { key, check } = await deriveKeys(secret, kdf);
  const expected = Buffer.from(parsed.keyCheck, 'base64');
  if (expected.length !== check.length || !timingSafeEqual(expected, check))
    throw new AppError('backup.wrong_key', {
      expected: kdf.name === 'scrypt' ? 'passphrase' : 'key file',
    });
  return {
    header,
    headerDigest: digestOf(header),
    key,
    chunkBytes: parsed.chunkBytes,
    dataOffset: prefix.length + headerLength,
  };
}

/** The transform that opens the chunks (read from `dataOffset` on) back into the plain archive. */
export function createArchiveDecryptor(derived: DerivedArchiveKey): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  let index = 0;
  let finished = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      try {
        for (;;) {
          if (buffered.length === 0) break;
          if (finished) throw tampered('bytes after the last block');
          if (buffered.length < 4) break;
          const word = buffered.readUInt32BE(0);
          const last = (word & LAST_CHUNK) !== 0;
          const length = word & ~LAST_CHUNK;
          if (length > derived.chunkBytes || (!last && length !== derived.chunkBytes))
            throw tampered(`block ${index + 1} has an impossible length`);
          const total = 4 + length + TAG_BYTES;
          if (buffered.length < total) break;
          const decipher = createDecipheriv('aes-256-gcm', derived.key, nonceOf(index));
          decipher.setAAD(aadOf(derived.headerDigest, index, last));
          decipher.setAuthTag(buffered.subarray(4 + length, total));
          let plain: Buffer;
          try {
            plain = Buffer.concat([
              decipher.update(buffered.subarray(4, 4 + length)),
              decipher.final(),
            ]);
          } catch {
            throw tampered(`block ${index + 1} fails its authentication`);
          }
          index += 1;
          finished = last;
          buffered = buffered.subarray(total);
          if (plain.length > 0) this.push(plain);
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      if (!finished || buffered.length > 0)
        callback(
          new AppError('backup.archive_truncated', {
            detail: `the encrypted archive ends after block ${index}, before its last block`,
          }),
        );
      else callback();
    },
  });
}
