import { and, eq, inArray, sql } from 'drizzle-orm';
import { warningColour, type WarningThresholds } from '../../../shared/supervision/escalation';
import { daysLate, type OverdueSubject } from '../../../shared/supervision/rules';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { dutiesOf } from '../breakdowns/breakdown.rules';
import { listPlanAssignmentTargets } from '../breakdowns/breakdown.repository';
import { departments } from '../departments/department.table';
import { queueMessages } from '../notifications/notification.outbox';
import { plans } from '../plans/plan.table';
import { items } from '../standards/standard.table';
import { users } from '../users/user.table';
import { departmentContacts, supervisionEscalations } from './supervision.table';

/** A leader cell may name several people: 张三、李四 / 张三,李四. */
const leaderNames = (cell: string) =>
  cell
    .split(/[、,，;；/\s]+/)
    .map((name) => name.trim())
    .filter(Boolean);

/**
 * 红色预警 escalation: late work that reached the red threshold goes, once, to its department's head
 * (the account with the head's e-mail) and to the responsible leaders its items name (leader
 * accounts by name). One message per person per department and sweep, whatever the number of
 * items; a subject is escalated once (`supervision_escalations`), so later sweeps stay quiet
 * until something else turns red.
 */
export function createEscalation({ db, clock }: { db: Database; clock: Clock }) {
  async function recipientsOf(
    organizationId: string,
    departmentId: string,
    subjects: OverdueSubject[],
  ): Promise<string[]> {
    const active = and(eq(users.organizationId, organizationId), eq(users.disabled, false));
    const [contact] = await db
      .select({ email: departmentContacts.headEmail })
      .from(departmentContacts)
      .where(
        and(
          eq(departmentContacts.organizationId, organizationId),
          eq(departmentContacts.departmentId, departmentId),
        ),
      );
    const heads = contact
      ? await db
          .select({ id: users.id })
          .from(users)
          .where(and(active, sql`lower(${users.email}) = lower(${contact.email})`))
      : [];
    const names = new Set<string>();
    for (const subject of subjects) {
      if (subject.itemNo === null) {
        // A late breakdown concerns every item the department leads: their leaders answer for it.
        const [department] = await db
          .select({ id: departments.id, kind: departments.kind })
          .from(departments)
          .where(eq(departments.id, departmentId));
        if (!department) continue;
        const duties = dutiesOf(department, await listPlanAssignmentTargets(db, subject.planId));
        const led = [...duties]
          .filter(([, duty]) => duty.role === 'lead')
          .map(([itemId]) => itemId);
        if (led.length === 0) continue;
        for (const item of await db
          .select({ leader: items.leader })
          .from(items)
          .where(inArray(items.id, led)))
          for (const name of leaderNames(item.leader)) names.add(name);
        continue;
      }
      const [item] = await db
        .select({ leader: items.leader })
        .from(items)
        .innerJoin(plans, eq(plans.standardId, items.standardId))
        .where(and(eq(plans.id, subject.planId), eq(items.no, subject.itemNo)));
      for (const name of leaderNames(item?.leader ?? '')) names.add(name);
    }
    const leaders =
      names.size === 0
        ? []
        : await db
            .select({ id: users.id })
            .from(users)
            .where(and(active, eq(users.role, 'leader'), inArray(users.displayName, [...names])));
    return [...new Set([...heads, ...leaders].map((user) => user.id))];
  }

  return {
    async escalateRed(
      organizationId: string,
      subjects: OverdueSubject[],
      thresholds: WarningThresholds,
      today: string,
    ): Promise<number> {
      const red = subjects.filter(
        (subject) => warningColour(daysLate(subject.dueOn, today), thresholds) === 'red',
      );
      if (red.length === 0) return 0;
      const known = new Set(
        (
          await db
            .select({ key: supervisionEscalations.subjectKey })
            .from(supervisionEscalations)
            .where(
              and(
                eq(supervisionEscalations.organizationId, organizationId),
                inArray(
                  supervisionEscalations.subjectKey,
                  red.map((subject) => subject.key),
                ),
              ),
            )
        ).map((row) => row.key),
      );
      const byDepartment = new Map<string, OverdueSubject[]>();
      for (const subject of red.filter((candidate) => !known.has(candidate.key)))
        byDepartment.set(subject.departmentId, [
          ...(byDepartment.get(subject.departmentId) ?? []),
          subject,
        ]);
      let messages = 0;
      for (const [departmentId, fresh] of byDepartment) {
        const userIds = await recipientsOf(organizationId, departmentId, fresh);
        // Nobody to tell yet (no head, no leader account): it is escalated once someone is named.
        if (userIds.length === 0) continue;
        messages += await db.transaction(async (tx) => {
          const taken = await tx
            .insert(supervisionEscalations)
            .values(
              fresh.map((subject) => ({
                organizationId,
                subjectKey: subject.key,
                departmentId,
                day: today,
                createdAt: clock.now(),
              })),
            )
            .onConflictDoNothing()
            .returning({ key: supervisionEscalations.subjectKey });
          // Another process escalated these first.
          if (taken.length === 0) return 0;
          const keys = new Set(taken.map((row) => row.key));
          const covered = fresh.filter((subject) => keys.has(subject.key));
          const longest = Math.max(...covered.map((subject) => daysLate(subject.dueOn, today)));
          return queueMessages(tx, clock, {
            organizationId,
            kind: 'supervision.red',
            eventKey: `${departmentId}:${[...keys].sort().join(',')}`,
            to: { userIds },
            planId: covered[0]!.planId,
            departmentId,
            facts: {
              subject: `${covered.length} 项工作逾期已达 ${thresholds.redDays} 天以上（最长 ${longest} 天）：${covered
                .slice(0, 5)
                .map((subject) => subject.what)
                .join('；')}${covered.length > 5 ? `；等 ${covered.length} 项` : ''}`,
            },
          });
        });
      }
      return messages;
    },
  };
}
