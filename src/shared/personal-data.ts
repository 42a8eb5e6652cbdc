import { roles, type Role } from './roles';

/**
 * Personal data (个人信息保护法): phones and e-mails are shown in full only to the roles that
 * use them; everyone else sees enough to recognise, not to use. The one table of who sees what,
 * by where the contact appears (every role is classified, so a new role must be decided here):
 * - departmentContact: a department's liaison or head (breakdowns, supervision contacts and log):
 *   in full to those who chase or are the department — the coordinating office, the admin, the
 *   department's own liaison; masked for leaders reading, reviewers, a supervising office;
 * - userAccount: a person's own contacts in 用户管理: in full to who manages accounts (the system
 *   admin, the security admin) and to the coordinating office, which reaches liaisons with them;
 * - auditEntry: contacts inside the audit log's before/after: masked for everyone (the auditor
 *   sees that a phone changed and its last digits, which is what an audit needs).
 */
export type ContactAccess = 'full' | 'masked';

export const contactAccess = {
  departmentContact: {
    admin: 'full',
    coordinator: 'full',
    liaison: 'full',
    leader: 'masked',
    reviewer: 'masked',
    security_admin: 'masked',
    auditor: 'masked',
    overseer: 'masked',
  },
  userAccount: {
    admin: 'full',
    coordinator: 'full',
    security_admin: 'full',
    liaison: 'masked',
    leader: 'masked',
    reviewer: 'masked',
    auditor: 'masked',
    overseer: 'masked',
  },
  // a teacher of the roster (教师名册): in full to who keeps it (the office, the admin importing
  // the HR export), each full read audited; masked for departments, leaders and everyone else
  teacherRecord: {
    admin: 'full',
    coordinator: 'full',
    liaison: 'masked',
    leader: 'masked',
    reviewer: 'masked',
    security_admin: 'masked',
    auditor: 'masked',
    overseer: 'masked',
  },
  auditEntry: {
    admin: 'masked',
    coordinator: 'masked',
    security_admin: 'masked',
    liaison: 'masked',
    leader: 'masked',
    reviewer: 'masked',
    auditor: 'masked',
    overseer: 'masked',
  },
} as const satisfies Record<string, Record<Role, ContactAccess>>;

export type ContactPlace = keyof typeof contactAccess;

/** Who sees a department's contacts in full. */
export const rolesSeeingContactsInFull: readonly Role[] = roles.filter(
  (role) => contactAccess.departmentContact[role] === 'full',
);

/** A phone and an e-mail as `role` may see them where they appear. */
export function contactsFor<T extends { phone?: string | null; email?: string | null }>(
  role: Role,
  place: ContactPlace,
  contacts: T,
): T {
  if (contactAccess[place][role] === 'full') return contacts;
  return {
    ...contacts,
    ...(contacts.phone === undefined
      ? {}
      : { phone: contacts.phone === null ? null : maskPhone(contacts.phone) }),
    ...(contacts.email === undefined
      ? {}
      : { email: contacts.email === null ? null : maskEmail(contacts.email) }),
  };
}

const phoneKey = /phone|mobile|手机|电话/i;
const emailKey = /e-?mail|邮箱/i;

/** A JSON value (an audit entry's before/after) with every phone and e-mail under it masked for `role`. */
export function maskContactsDeep(role: Role, place: ContactPlace, value: unknown): unknown {
  if (contactAccess[place][role] === 'full') return value;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, inner]) => {
        if (typeof inner === 'string' && phoneKey.test(key)) return [key, maskPhone(inner)];
        if (typeof inner === 'string' && emailKey.test(key)) return [key, maskEmail(inner)];
        return [key, walk(inner)];
      }),
    );
  };
  return walk(value);
}

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
