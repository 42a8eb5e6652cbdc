import type { Role } from '../roles';

export type OrganizationKind = 'institution' | 'supervisor';

/**
 * An overseer belongs to a supervising organization and nobody else does: a supervising
 * organization has no departments or plans of its own, and an institution has nobody to oversee.
 */
export function roleFitsOrganization(role: Role, kind: OrganizationKind): boolean {
  return kind === 'supervisor' ? role === 'overseer' : role !== 'overseer';
}
