import { createHash } from 'node:crypto';

/** The SHA-256 of text (UTF-8) or bytes, as 64 hex digits: file fingerprints and token hashes. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
