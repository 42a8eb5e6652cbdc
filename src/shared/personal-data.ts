import type { Role } from './roles';

/**
 * Personal data (个人信息保护法): a department's contacts are shown in full only to those who
 * chase or are the department — the coordinating office, the admin, and the department's own
 * liaison. Everyone else (leaders reading a breakdown) sees enough to recognise, not to use.
 */
export const rolesSeeingContactsInFull: readonly Role[] = ['admin', 'coordinator', 'liaison'];

/** 13812345678 → 138****5678; 010-88561234 → 010-****1234; anything short keeps its last 2 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return `${'*'.repeat(Math.max(digits.length - 2, 1))}${digits.slice(-2)}`;
  const area = phone.includes('-') ? `${phone.split('-')[0]}-` : digits.slice(0, 3);
  return `${area}****${digits.slice(-4)}`;
}

/** wang.laoshi@example.edu.cn → w***@example.edu.cn: the domain says which institution, the name is hidden. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
