/**
 * Who a user is in an organization. A liaison acts for one department; a leader reads;
 * a reviewer rates the quality report (item 57).
 */
export const roles = ['admin', 'coordinator', 'liaison', 'leader', 'reviewer'] as const;
export type Role = (typeof roles)[number];

/** Roles that may see and change every department's work in their organization. */
export const organizationWideRoles: readonly Role[] = ['admin', 'coordinator'];
