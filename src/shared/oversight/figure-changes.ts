/**
 * Which audit entries may change an institution's oversight figures. Signing in and out, account
 * and security administration, campus sign-on settings, downloads and the audit log's own
 * housekeeping never do: they must not make a province recompute an institution's snapshot every
 * time someone signs in. Everything else (the plan, breakdowns, reports, ratings, findings, and
 * writes recorded generically) may, and wakes a refresh.
 */
export const quietActionPrefixes = ['auth.', 'user.', 'sso.', 'export', 'audit.'] as const;
/** Writes the audit hook records generically (`action` 'write', the operation as entity type) that change no figure. */
export const quietWritePrefixes = ['auth.', 'users.', 'notifications.', 'sso.'] as const;
