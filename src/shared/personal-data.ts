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
    case_handler: 'masked',
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
    case_handler: 'masked',
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
    case_handler: 'masked',
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
    case_handler: 'masked',
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

/**
 * A phone number masked whatever its form: 13812345678 → 138****5678; 010-88561234 → 010-****1234;
 * +86 138 1234 5678 → +86 138****5678; 88561234-8021 or 010-88561234 转 8021 → the extension
 * hidden too (****1234-**, 010-****1234-**); anything short keeps its last 2 digits. Only the
 * country code, the area code, a mobile number's first 3 digits and the last 4 of the number show.
 */
export function maskPhone(phone: string): string {
  const groups = phone.match(/\d+/g) ?? [];
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  if (total < 7) return `${'*'.repeat(Math.max(total - 2, 1))}${groups.join('').slice(-2)}`;
  let country = '';
  if (/^\s*(\+|00)/.test(phone) && groups.length > 1) {
    country = `+${groups.shift()!.replace(/^00/, '')} `;
  }
  let area = '';
  const first = groups[0]!;
  // An area code: 010, 0571; after a country code without its 0 (+86 10, +86 571), never a mobile's 138.
  const areaAfterCountry =
    country !== '' && first.length >= 2 && first.length <= 3 && !/^1\d\d$/.test(first);
  const areaAtHome = first.startsWith('0') && first.length >= 3 && first.length <= 4;
  if (groups.length > 1 && (areaAtHome || areaAfterCountry)) {
    area = `${groups.shift()}-`;
  } else if (first.startsWith('0') && groups.length === 1 && first.length >= 10) {
    const length = /^0[12]/.test(first) ? 3 : 4;
    area = `${first.slice(0, length)}-`;
    groups[0] = first.slice(length);
  }
  // The number itself: a mobile number is 11 digits, a landline 7 or 8; what follows is an extension.
  const mobile = area === '' && groups[0]!.startsWith('1');
  const wanted = mobile ? 11 : 7;
  let main = '';
  while (groups.length > 0 && main.length < wanted) main += groups.shift();
  const extension = groups.length > 0 ? '-**' : '';
  if (main.length < 7)
    return `${country}${area}${'*'.repeat(main.length - 2)}${main.slice(-2)}${extension}`;
  return `${country}${area}${mobile ? main.slice(0, 3) : ''}****${main.slice(-4)}${extension}`;
}

/** wang.laoshi@example.edu.cn → w***@example.edu.cn: the domain says which institution, the name is hidden. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
