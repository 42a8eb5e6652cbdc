import { and, eq, inArray } from 'drizzle-orm';
import {
  composeMessage,
  type MessageFacts,
  type MessageKind,
} from '../../../shared/notifications/messages';
import type { Role } from '../../../shared/roles';
import type { Clock } from '../../clock';
import type { Executor } from '../../db/client';
import { departments } from '../departments/department.table';
import { insertJobOnce } from '../jobs/job.repository';
import { plans } from '../plans/plan.table';
import { users } from '../users/user.table';
import { messages } from './notification.table';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'notifications.deliver': { messageId: string };
  }
}

/** Whose turn it is: the office, a department's liaisons, the reviewers, or named people. */
export type Audience =
  | { office: true }
  | { liaisonsOf: string }
  | { role: Role }
  | { userIds: string[] };

export interface HandoverEvent {
  organizationId: string;
  kind: MessageKind;
  /** Names the step (e.g. the submission event's id): the same step never makes a second message. */
  eventKey: string;
  to: Audience;
  planId?: string | null;
  departmentId?: string | null;
  facts?: Omit<Partial<MessageFacts>, 'kind' | 'planName' | 'departmentName'>;
}

export const deliverJobKey = (messageId: string) => `message:${messageId}`;

async function recipients(executor: Executor, organizationId: string, to: Audience) {
  const active = and(eq(users.organizationId, organizationId), eq(users.disabled, false));
  const select = () => executor.select({ id: users.id, role: users.role }).from(users);
  if ('userIds' in to)
    return to.userIds.length === 0
      ? []
      : select().where(and(active, inArray(users.id, to.userIds)));
  if ('liaisonsOf' in to)
    return select().where(
      and(active, eq(users.role, 'liaison'), eq(users.departmentId, to.liaisonsOf)),
    );
  if ('role' in to) return select().where(and(active, eq(users.role, to.role)));
  // The office: its coordinators; an institution without one hears through its admins.
  const coordinators = await select().where(and(active, eq(users.role, 'coordinator')));
  return coordinators.length > 0
    ? coordinators
    : select().where(and(active, eq(users.role, 'admin')));
}

/**
 * Writes the messages of a handover to everyone whose turn it is, and a delivery job for each,
 * in the caller's transaction: the step and its messages are kept or lost together.
 */
export async function queueMessages(
  executor: Executor,
  clock: Clock,
  event: HandoverEvent,
): Promise<number> {
  const [plan] = event.planId
    ? await executor.select({ title: plans.title }).from(plans).where(eq(plans.id, event.planId))
    : [];
  const [department] = event.departmentId
    ? await executor
        .select({ name: departments.name })
        .from(departments)
        .where(eq(departments.id, event.departmentId))
    : [];
  const people = await recipients(executor, event.organizationId, event.to);
  if (people.length === 0) return 0;
  const facts: MessageFacts = {
    ...event.facts,
    kind: event.kind,
    planName: plan?.title ?? null,
    departmentName: department?.name ?? null,
    departmentId: event.departmentId ?? null,
  };
  const composed = composeMessage(facts);
  const now = clock.now();
  const inserted = await executor
    .insert(messages)
    .values(
      people.map((person) => ({
        organizationId: event.organizationId,
        recipientUserId: person.id,
        kind: event.kind,
        dedupeKey: `${event.kind}:${event.eventKey}:${person.id}`,
        planId: event.planId ?? null,
        planName: plan?.title ?? null,
        departmentId: event.departmentId ?? null,
        departmentName: department?.name ?? null,
        ...composed,
        facts,
        createdAt: now,
      })),
    )
    .onConflictDoNothing({ target: [messages.organizationId, messages.dedupeKey] })
    .returning({ id: messages.id });
  for (const message of inserted)
    await insertJobOnce(executor, {
      organizationId: event.organizationId,
      kind: 'notifications.deliver',
      payload: { messageId: message.id },
      dedupeKey: deliverJobKey(message.id),
      runAt: now,
      maxAttempts: 6,
      createdAt: now,
      updatedAt: now,
    });
  return inserted.length;
}
