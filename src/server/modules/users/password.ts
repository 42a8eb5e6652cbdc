import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to Argon2id; these are OWASP's recommended minimums for it.
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A hash to verify against when the user does not exist, so that the answer takes as long.
let decoyHash: Promise<string> | undefined;
export async function spendVerificationTime(password: string): Promise<void> {
  decoyHash ??= hashPassword('decoy-password-for-timing');
  await verifyPassword(await decoyHash, password);
}

/**
 * Letters and digits people read out on the phone without spelling them: no symbols, and none of
 * 0 O o 1 I l that look alike. Three classes satisfy the password policy (three of four).
 */
const alphabets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789'];

/**
 * A one-time password that satisfies the policy: 16 letters and digits with every class, in four
 * groups of four joined by hyphens (Kp7m-Xw3q-…), so it can be dictated and typed back.
 */
export function generateOneTimePassword(): string {
  const all = alphabets.join('');
  const characters = alphabets.map((alphabet) => alphabet[randomInt(alphabet.length)]!);
  while (characters.length < 16) characters.push(all[randomInt(all.length)]!);
  for (let index = characters.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [characters[index], characters[other]] = [characters[other]!, characters[index]!];
  }
  return characters.join('').replace(/(.{4})(?!$)/g, '$1-');
}
