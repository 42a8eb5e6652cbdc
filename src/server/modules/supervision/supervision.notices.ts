import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  answerNoticeBodySchema,
  issueNoticeBodySchema,
  NoticeView,
} from '../../../shared/api/supervision';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { noticeNumberText } from '../../../shared/supervision/escalation';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { writeDocument } from '../../io/document-writer-pool';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { findDepartmentInOrganization } from '../departments/department.repository';
import { assertEvidenceUsable } from '../evidence/evidence.service';
import { queueMessages } from '../notifications/notification.outbox';
import { organizations } from '../organizations/organization.table';
import type { SupervisionService } from './supervision.service';
import {
  supervisionNoticeCounters,
  supervisionNotices,
  type NoticeItem,
  type SupervisionNotice,
} from './supervision.table';

type IssueInput = z.output<typeof issueNoticeBodySchema>;
type AnswerInput = z.output<typeof answerNoticeBodySchema>;

const COLOUR_WORDS = { yellow: '黄色', orange: '橙色', red: '红色' } as const;

function toView(row: SupervisionNotice): NoticeView {
  return {
    id: row.id,
    year: row.year,
    number: row.number,
    numberText: noticeNumberText(row.year, row.number),
    department: { id: row.departmentId, name: row.departmentName },
    items: row.items,
    answerDueOn: row.answerDueOn,
    note: row.note,
    issuedOn: row.issuedOn,
    issuedByName: row.issuedByName,
    answered: row.answered,
    answer:
      row.answered && row.answerText !== null && row.answeredAt
        ? {
            text: row.answerText,
            evidenceIds: row.answerEvidenceIds,
            byName: row.answeredByName ?? '',
            at: row.answeredAt.toISOString(),
          }
        : null,
  };
}

/**
 * 督办通知单: the office issues a numbered notice to a department about all its late work (as the
 * overdue view shows it, with colours), the department's liaisons are told, and their answer
 * closes it. Numbers run per organization and calendar year in the institution's zone.
 */
export function createNoticeService({
  db,
  clock,
  supervision,
}: {
  db: Database;
  clock: Clock;
  supervision: SupervisionService;
}) {
  async function zoneOf(organizationId: string): Promise<string> {
    const [row] = await db
      .select({ timeZone: organizations.timeZone })
      .from(organizations)
      .where(eq(organizations.id, organizationId));
    return row?.timeZone ?? 'Asia/Shanghai';
  }

  async function findVisible(actor: Actor, id: string): Promise<SupervisionNotice> {
    const [row] = await db
      .select()
      .from(supervisionNotices)
      .where(
        and(
          eq(supervisionNotices.organizationId, actor.organizationId),
          eq(supervisionNotices.id, id),
        ),
      );
    // A liaison sees only their department's notices: another's is as if it did not exist.
    if (!row || (actor.role === 'liaison' && row.departmentId !== actor.departmentId))
      throw new AppError('supervision.notice_not_found');
    return row;
  }

  return {
    async list(actor: Actor, departmentId?: string): Promise<{ notices: NoticeView[] }> {
      const department = actor.role === 'liaison' ? (actor.departmentId ?? null) : departmentId;
      if (actor.role === 'liaison' && !department) return { notices: [] };
      const rows = await db
        .select()
        .from(supervisionNotices)
        .where(
          and(
            eq(supervisionNotices.organizationId, actor.organizationId),
            department ? eq(supervisionNotices.departmentId, department) : undefined,
          ),
        )
        .orderBy(desc(supervisionNotices.year), desc(supervisionNotices.number));
      return { notices: rows.map(toView) };
    },

    async issue(actor: Actor, input: IssueInput): Promise<NoticeView> {
      const department = await findDepartmentInOrganization(
        db,
        actor.organizationId,
        input.departmentId,
      );
      if (!department) throw new AppError('department.not_found');
      const zone = await zoneOf(actor.organizationId);
      const today = calendarDate(clock.now(), zone);
      if (input.answerDueOn <= today)
        throw new AppError('supervision.notice_answer_due_past', {
          answerDueOn: input.answerDueOn,
          today,
        });
      const late = (await supervision.lateWork(actor.organizationId))
        .filter((subject) => subject.departmentId === department.id)
        .sort((a, b) => b.daysLate - a.daysLate);
      if (late.length === 0)
        throw new AppError('supervision.nothing_late', { department: department.name });
      const items: NoticeItem[] = late.map((subject) => ({
        key: subject.key,
        kind: subject.kind,
        itemNo: subject.itemNo,
        what: subject.what,
        dueOn: subject.dueOn,
        daysLate: subject.daysLate,
        colour: subject.colour,
      }));
      const year = Number(today.slice(0, 4));
      const row = await db.transaction(async (tx) => {
        // The counter row is locked by the upsert: concurrent issues queue here and each takes the next number.
        const [counter] = await tx
          .insert(supervisionNoticeCounters)
          .values({ organizationId: actor.organizationId, year, lastNumber: 1 })
          .onConflictDoUpdate({
            target: [supervisionNoticeCounters.organizationId, supervisionNoticeCounters.year],
            set: { lastNumber: sql`${supervisionNoticeCounters.lastNumber} + 1` },
          })
          .returning({ number: supervisionNoticeCounters.lastNumber });
        const [inserted] = await tx
          .insert(supervisionNotices)
          .values({
            organizationId: actor.organizationId,
            year,
            number: counter!.number,
            departmentId: department.id,
            departmentName: department.name,
            items,
            answerDueOn: input.answerDueOn,
            note: input.note ? input.note : null,
            issuedOn: today,
            issuedByUserId: actor.userId,
            issuedByName: actor.username,
            createdAt: clock.now(),
          })
          .returning();
        const notice = inserted!;
        const numberText = noticeNumberText(year, notice.number);
        await queueMessages(tx, clock, {
          organizationId: actor.organizationId,
          kind: 'supervision.notice',
          eventKey: notice.id,
          to: { liaisonsOf: department.id },
          planId: late[0]!.planId,
          departmentId: department.id,
          facts: {
            subject: `${numberText}：${items.length} 项逾期工作`,
            dueOn: input.answerDueOn,
            recordId: notice.id,
          },
        });
        await recordAudit(tx, clock, actor, {
          action: 'supervision.notice.issue',
          entityType: 'supervision_notice',
          entityId: notice.id,
          after: {
            numberText,
            department: department.name,
            items: items.length,
            answerDueOn: input.answerDueOn,
          },
        });
        return notice;
      });
      return toView(row);
    },

    async answer(actor: Actor, id: string, input: AnswerInput): Promise<NoticeView> {
      const notice = await findVisible(actor, id);
      const numberText = noticeNumberText(notice.year, notice.number);
      const row = await db.transaction(async (tx) => {
        await assertEvidenceUsable(tx, actor, input.evidenceIds);
        const [updated] = await tx
          .update(supervisionNotices)
          .set({
            answered: true,
            answerText: input.text,
            answerEvidenceIds: [...new Set(input.evidenceIds)],
            answeredByName: actor.username,
            answeredAt: clock.now(),
          })
          .where(and(eq(supervisionNotices.id, notice.id), eq(supervisionNotices.answered, false)))
          .returning();
        if (!updated) throw new AppError('supervision.notice_answered', { number: numberText });
        await recordAudit(tx, clock, actor, {
          action: 'supervision.notice.answer',
          entityType: 'supervision_notice',
          entityId: notice.id,
          after: { numberText, text: input.text, evidenceIds: updated.answerEvidenceIds },
        });
        return updated;
      });
      return toView(row);
    },

    async docx(actor: Actor, id: string): Promise<{ fileName: string; bytes: Buffer }> {
      const notice = await findVisible(actor, id);
      const [organization] = await db
        .select({ name: organizations.name })
        .from(organizations)
        .where(eq(organizations.id, actor.organizationId));
      const numberText = noticeNumberText(notice.year, notice.number);
      const bytes = await writeDocument('supervisionNoticeDocx', {
        organizationName: organization?.name ?? '',
        numberText,
        departmentName: notice.departmentName,
        issuedOn: notice.issuedOn,
        answerDueOn: notice.answerDueOn,
        note: notice.note,
        items: notice.items.map((item) => ({
          itemNo: item.itemNo,
          what: item.what,
          dueOn: item.dueOn,
          daysLate: item.daysLate,
          colour: item.colour ? COLOUR_WORDS[item.colour] : '—',
        })),
      });
      return {
        fileName: `督办通知单-${notice.year}-${notice.number}-${notice.departmentName}.docx`,
        bytes,
      };
    },

    /** The open notices of a department, for its liaisons' to-do. */
    async openOf(organizationId: string, departmentId: string): Promise<SupervisionNotice[]> {
      return db
        .select()
        .from(supervisionNotices)
        .where(
          and(
            eq(supervisionNotices.organizationId, organizationId),
            eq(supervisionNotices.departmentId, departmentId),
            eq(supervisionNotices.answered, false),
          ),
        );
    },
  };
}

export type NoticeService = ReturnType<typeof createNoticeService>;
