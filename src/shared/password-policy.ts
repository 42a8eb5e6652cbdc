/**
 * The password rule of 等保 2.0 level 3 as this system applies it: at least 8 characters
 * from at least three of four classes, and not containing the user name.
 */
export const passwordMinLength = 8;

export type PasswordProblem = 'too_short' | 'too_few_kinds' | 'contains_username';

export function checkPassword(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if ([...password].length < passwordMinLength) problems.push('too_short');
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) => pattern.test(password)).length;
  if (kinds < 3) problems.push('too_few_kinds');
  const name = username.trim().toLowerCase();
  if (name.length >= 3 && password.toLowerCase().includes(name)) problems.push('contains_username');
  return problems;
}
