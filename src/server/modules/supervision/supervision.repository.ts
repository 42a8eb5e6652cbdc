import { and, desc, eq, gte, ilike, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { submissions } from '../breakdowns/breakdown.table';
import { plans } from '../plans/plan.table';
import { users } from '../users/user.table';
import {
  departmentContacts,
  notifications,
  supervisionLog,
  supervisionSettings,
  type DepartmentContact,
  type Notification,
  type SupervisionLogEntry,
  type SupervisionSettingsRow,
} from './supervision.table';

export async function findSettings(
  executor: Executor,
  organizationId: string,
): Promise<SupervisionSettingsRow | undefined> {
  const [row] = await executor
    .select()
    .from(supervisionSettings)
    .where(eq(supervisionSettings.organizationId, organizationId));
  return row;
}

/** Writes the settings only at `version` (0: none saved yet); undefined when someone else saved first. */
export async function saveSettingsAtVersion(
  executor: Executor,
  organizationId: string,
  version: number,
  values: Omit<typeof supervisionSettings.$inferInsert, 'organizationId' | 'version'>,
): Promise<SupervisionSettingsRow | undefined> {
  if (version === 0) {
    const [row] = await executor
      .insert(supervisionSettings)
      .values({ ...values, organizationId })
      .onConflictDoNothing()
      .returning();
    return row;
  }
  const [row] = await executor
    .update(supervisionSettings)
    .set({ ...values, version: sql`${supervisionSettings.version} + 1` })
    .where(
      and(
        eq(supervisionSettings.organizationId, organizationId),
        eq(supervisionSettings.version, version),
      ),
    )
    .returning();
  return row;
}

export async function listContacts(
  executor: Executor,
  organizationId: string,
): Promise<DepartmentContact[]> {
  return executor
    .select()
    .from(departmentContacts)
    .where(eq(departmentContacts.organizationId, organizationId));
}

export async function saveContactAtVersion(
  executor: Executor,
  values: {
    organizationId: string;
    departmentId: string;
    version: number;
    headName: string;
    headEmail: string;
    now: Date;
  },
): Promise<DepartmentContact | undefined> {
  const { organizationId, departmentId, version, headName, headEmail, now } = values;
  if (version === 0) {
    const [row] = await executor
      .insert(departmentContacts)
      .values({ organizationId, departmentId, headName, headEmail, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    return row;
  }
  const [row] = await executor
    .update(departmentContacts)
    .set({ headName, headEmail, updatedAt: now, version: sql`${departmentContacts.version} + 1` })
    .where(
      and(
        eq(departmentContacts.organizationId, organizationId),
        eq(departmentContacts.departmentId, departmentId),
        eq(departmentContacts.version, version),
      ),
    )
    .returning();
  return row;
}

/** Active users of some roles, for reminders. */
export async function listActiveUsers(
  executor: Executor,
  organizationId: string,
  roles: ('liaison' | 'coordinator')[],
) {
  return executor
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      role: users.role,
      departmentId: users.departmentId,
    })
    .from(users)
    .where(
      and(
        eq(users.organizationId, organizationId),
        inArray(users.role, roles),
        eq(users.disabled, false),
      ),
    );
}

/** The liaison e-mail each department named in its task breakdowns. */
export async function listSubmissionLiaisonEmails(executor: Executor, organizationId: string) {
  return executor
    .select({
      departmentId: submissions.departmentId,
      name: submissions.liaisonName,
      email: submissions.liaisonEmail,
    })
    .from(submissions)
    .where(
      and(eq(submissions.organizationId, organizationId), isNotNull(submissions.liaisonEmail)),
    );
}

/** Attempts that reached their recipient, for these subjects. */
export async function listSentAttempts(
  executor: Executor,
  organizationId: string,
  subjectKeys: string[],
) {
  if (subjectKeys.length === 0) return [];
  return executor
    .select({
      subjectKey: supervisionLog.subjectKey,
      level: supervisionLog.level,
      channel: supervisionLog.channel,
      recipient: supervisionLog.recipient,
      at: supervisionLog.createdAt,
    })
    .from(supervisionLog)
    .where(
      and(
        eq(supervisionLog.organizationId, organizationId),
        inArray(supervisionLog.subjectKey, subjectKeys),
        eq(supervisionLog.status, 'sent'),
      ),
    )
    .orderBy(desc(supervisionLog.createdAt));
}

export async function hasAttempts(
  executor: Executor,
  organizationId: string,
  subjectKey: string,
): Promise<boolean> {
  const [row] = await executor
    .select({ id: supervisionLog.id })
    .from(supervisionLog)
    .where(
      and(
        eq(supervisionLog.organizationId, organizationId),
        eq(supervisionLog.subjectKey, subjectKey),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * Takes the attempts for today; rows already taken (by an earlier sweep today, or by another
 * process right now) are not returned, and their subjects are not sent again.
 */
export async function claimAttempts(
  executor: Executor,
  rows: (typeof supervisionLog.$inferInsert)[],
): Promise<SupervisionLogEntry[]> {
  if (rows.length === 0) return [];
  return executor.insert(supervisionLog).values(rows).onConflictDoNothing().returning();
}

export async function finishAttempts(
  executor: Executor,
  ids: string[],
  outcome: { status: 'sent' | 'failed'; error: string | null; at: Date },
): Promise<void> {
  if (ids.length === 0) return;
  await executor
    .update(supervisionLog)
    .set({ status: outcome.status, error: outcome.error, finishedAt: outcome.at })
    .where(inArray(supervisionLog.id, ids));
}

export async function listLog(
  executor: Executor,
  organizationId: string,
  filter: {
    departmentId?: string | undefined;
    level?: SupervisionLogEntry['level'] | undefined;
    channel?: SupervisionLogEntry['channel'] | undefined;
    status?: SupervisionLogEntry['status'] | undefined;
    from?: string | undefined;
    to?: string | undefined;
    q?: string | undefined;
    limit: number;
  },
): Promise<SupervisionLogEntry[]> {
  const pattern = filter.q
    ? `%${filter.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`
    : null;
  return executor
    .select()
    .from(supervisionLog)
    .where(
      and(
        eq(supervisionLog.organizationId, organizationId),
        filter.departmentId ? eq(supervisionLog.departmentId, filter.departmentId) : undefined,
        filter.level ? eq(supervisionLog.level, filter.level) : undefined,
        filter.channel ? eq(supervisionLog.channel, filter.channel) : undefined,
        filter.status ? eq(supervisionLog.status, filter.status) : undefined,
        filter.from ? gte(supervisionLog.day, filter.from) : undefined,
        filter.to ? lte(supervisionLog.day, filter.to) : undefined,
        pattern
          ? or(
              ilike(supervisionLog.recipient, pattern),
              ilike(supervisionLog.summary, pattern),
              ilike(supervisionLog.departmentName, pattern),
            )
          : undefined,
      ),
    )
    .orderBy(desc(supervisionLog.createdAt), desc(supervisionLog.id))
    .limit(filter.limit);
}

export async function insertNotifications(
  executor: Executor,
  rows: (typeof notifications.$inferInsert)[],
): Promise<void> {
  if (rows.length > 0) await executor.insert(notifications).values(rows);
}

export async function listNotifications(
  executor: Executor,
  userId: string,
  limit: number,
): Promise<Notification[]> {
  return executor
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

export async function countUnread(executor: Executor, userId: string): Promise<number> {
  const [row] = await executor
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.count ?? 0;
}

/** Marks one of the user's notifications read; false when the user has no such notification. */
export async function markNotificationRead(
  executor: Executor,
  userId: string,
  id: string,
  at: Date,
): Promise<boolean> {
  const rows = await executor
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${at.toISOString()}::timestamptz)` })
    .where(and(eq(notifications.userId, userId), eq(notifications.id, id)))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

export async function markAllNotificationsRead(
  executor: Executor,
  userId: string,
  at: Date,
): Promise<void> {
  await executor
    .update(notifications)
    .set({ readAt: at })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
}

/** Organizations with at least one plan: the only ones with anything to supervise (a province office or a new tenant has none). */
export async function listOrganizationIdsWithPlans(executor: Executor): Promise<string[]> {
  const rows = await executor
    .selectDistinct({ organizationId: plans.organizationId })
    .from(plans)
    .orderBy(plans.organizationId);
  return rows.map((row) => row.organizationId);
}
