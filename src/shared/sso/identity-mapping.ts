/**
 * From what a campus identity provider says about a person to who they are here: the campus id
 * (工号/学号), name, e-mail and department name, by the attribute names an organization
 * configured. Pure.
 */
export interface AttributeMapping {
  /** The attribute holding the campus id; empty means the protocol's own user (CAS user, OIDC sub). */
  campusId: string;
  displayName: string;
  email: string;
  department: string;
}

export interface CampusIdentity {
  campusId: string;
  displayName: string | null;
  email: string | null;
  departmentName: string | null;
}

/** Attributes as either protocol gives them: CAS as lists of strings, OIDC claims as JSON values. */
export type IdentityAttributes = Record<string, unknown>;

function firstText(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'number') return String(first);
  if (typeof first !== 'string') return null;
  const trimmed = first.trim();
  return trimmed === '' ? null : trimmed;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The campus identity, or null when the configured campus-id attribute is missing. */
export function mapIdentity(
  subject: string,
  attributes: IdentityAttributes,
  mapping: AttributeMapping,
): CampusIdentity | null {
  const campusId = mapping.campusId ? firstText(attributes[mapping.campusId]) : firstText(subject);
  if (!campusId) return null;
  const email = mapping.email ? firstText(attributes[mapping.email]) : null;
  return {
    campusId,
    displayName: mapping.displayName
      ? (firstText(attributes[mapping.displayName])?.slice(0, 100) ?? null)
      : null,
    email: email && EMAIL.test(email) && email.length <= 200 ? email : null,
    departmentName: mapping.department ? firstText(attributes[mapping.department]) : null,
  };
}

/** A user name as the users of this system may have: 2–64 letters, digits and . _ @ -. */
export function usableAsUsername(campusId: string): boolean {
  return /^[A-Za-z0-9._@-]{2,64}$/.test(campusId);
}

const compact = (text: string) => text.replace(/\s+/g, '');

/**
 * The department a provider's department name stands for, by name or alias, spaces ignored
 * (as the users sheet matches them). Campus directories often give a path (学校/党委教师工作部):
 * then its last segment is tried too.
 */
export function findDepartmentByName<T extends { name: string; aliases: readonly string[] }>(
  departments: readonly T[],
  name: string,
): T | null {
  const wanted = [compact(name), compact(name.split(/[/／>＞]/).at(-1) ?? '')].filter(Boolean);
  for (const candidate of wanted) {
    const found = departments.find((department) =>
      [department.name, ...department.aliases].some((known) => compact(known) === candidate),
    );
    if (found) return found;
  }
  return null;
}
