import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets (tokens, states, codes) are equal, in time that does not depend on where
 * they differ: both are hashed first, so their lengths leak nothing either.
 */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
