/**
 * The password rule of 等保 2.0 level 3 as this system applies it: at least 8 characters
 * from at least three of four classes, and not containing the user name.
 */
export const passwordMinLength = 8;

export type PasswordProblem = 'too_short' | 'too_few_kinds' | 'contains_username';

export function checkPassword(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if ([...password].length < passwordMinLength) problems.push('too_short');
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length;
  if (kinds < 3) problems.push('too_few_kinds');
  const name = username.trim().toLowerCase();
  if (name.length >= 3 && password.toLowerCase().includes(name)) problems.push('contains_username');
  return problems;
}

/** Failed sign-ins in a row that lock an account, and for how long. */
export const maxFailedSignIns = 5;
export const lockoutMinutes = 15;
/** An administrator must choose a new password when theirs is older than this. */
export const adminPasswordMaxAgeDays = 90;

/** The three powers (三权分立): the privileged accounts whose passwords expire. */
const rolesWithExpiringPasswords: readonly string[] = ['admin', 'security_admin', 'auditor'];

/**
 * Whether the password set at `setAt` must be changed at `now`: only the administrators'
 * passwords expire (等保 level 3 asks it of privileged accounts).
 */
export function passwordExpired(role: string, setAt: Date, now: Date): boolean {
  return (
    rolesWithExpiringPasswords.includes(role) &&
    now.getTime() - setAt.getTime() > adminPasswordMaxAgeDays * 86_400_000
  );
}
