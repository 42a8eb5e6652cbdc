/**
 * Who a user is in an organization; one role per account. A liaison acts for one department; a
 * leader reads; a reviewer rates the quality report (item 57). The three powers (三权分立) are
 * separate roles: the system admin runs the institution's set-up, the security admin holds
 * accounts' roles and security, the auditor only reads the audit log. An overseer belongs to a
 * supervising organization (a province) and reads the institutions it oversees. A case handler
 * (举报受理人) alone reads and handles conduct reports (师德师风监督举报, item 26).
 */
export const roles = [
  'admin',
  'coordinator',
  'liaison',
  'leader',
  'reviewer',
  'security_admin',
  'auditor',
  'overseer',
  'case_handler',
] as const;
export type Role = (typeof roles)[number];

/** Roles that may see and change every department's work in their organization. */
export const organizationWideRoles: readonly Role[] = ['admin', 'coordinator'];
