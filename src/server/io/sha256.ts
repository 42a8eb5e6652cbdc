import { createHash } from 'node:crypto';

/** The sha256 of some bytes or text, as hex (or base64url, for PKCE). */
export function sha256(data: string | Buffer, encoding: 'hex' | 'base64url' = 'hex'): string {
  return createHash('sha256').update(data).digest(encoding);
}
