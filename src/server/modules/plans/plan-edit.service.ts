import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  createItemBodySchema,
  ItemDependents,
  PlanRevisionView,
  retireItemBodySchema,
  updateDeliverableBodySchema,
  updateItemBodySchema,
  updatePhaseBodySchema,
} from '../../../shared/api/plans';
import { AppError } from '../../../shared/errors';
import { newProblems, planDateProblems, type PlanDateProblem } from '../../../shared/plan-dates';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { lockAssignmentsOfPlan } from '../assignments/assignment.repository';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { listAssignmentsWithTargets, listDeliverables, listPhases } from './plan.repository';
import { assignments, type Plan } from './plan.table';
import {
  countObligationsOfItem,
  countProgressReportsOfItem,
  findDeliverable,
  findItemOfStandard,
  findLevel2Indicator,
  findPhase,
  findRetiredItem,
  insertItemRow,
  insertPlanRevision,
  insertRetiredItems,
  listFindingsOfItem,
  listMeasuresOfItem,
  listOtherPlansOfStandard,
  listPlanRevisions,
  lockPlan,
  nextItemNo,
  nextRevision,
  updateDeliverableRow,
  updateItemRow,
  updatePhaseRow,
} from './plan-revision.repository';
import type { planChangeKinds } from './plan-revision.table';
import { requirePlan } from './plan.scope';

type PhaseInput = z.output<typeof updatePhaseBodySchema>;
type DeliverableInput = z.output<typeof updateDeliverableBodySchema>;
type CreateItemInput = z.output<typeof createItemBodySchema>;
type UpdateItemInput = z.output<typeof updateItemBodySchema>;
type RetireItemInput = z.output<typeof retireItemBodySchema>;

const dates = (from: string | null, to: string | null) => `${from ?? '—'} – ${to ?? '—'}`;
const clip = (text: string, length = 30) =>
  text.length > length ? `${text.slice(0, length)}…` : text;

/** The first date problem as the error the user reads; none: nothing to refuse. */
export function refusePlanDates(problems: readonly PlanDateProblem[]): void {
  const [first] = problems;
  if (!first) return;
  switch (first.kind) {
    case 'phase_ends_before_start':
      throw new AppError('plan.phase_ends_before_start', { phase: first.phase });
    case 'phase_before_previous':
      throw new AppError('plan.phase_before_previous', {
        phase: first.phase,
        previous: first.previous,
      });
    case 'deliverable_outside_phase':
      throw new AppError('plan.deliverable_outside_phase', {
        deliverable: first.deliverable,
        phase: first.phase,
      });
  }
}

/**
 * 方案维护: the office changes a plan on the web. Every change is one transaction that writes the
 * change, a numbered plan revision (the plan's own change log) and the audit log; bad input is
 * refused with nothing changed.
 */
export function createPlanEditService({ db, clock }: { db: Database; clock: Clock }) {
  /** The plan locked for this edit, and the revision number the edit gets. */
  async function editing(tx: Executor, actor: Actor, planId: string) {
    const { plan } = await requirePlan(tx, actor.organizationId, planId);
    await lockPlan(tx, plan.id);
    return plan;
  }

  async function revise(
    tx: Executor,
    actor: Actor,
    plan: Plan,
    change: {
      kind: (typeof planChangeKinds)[number];
      summary: string;
      entityId: string;
      entityType: string;
      before: unknown;
      after: unknown;
    },
  ) {
    const revision = await nextRevision(tx, plan.id);
    await insertPlanRevision(tx, {
      organizationId: actor.organizationId,
      planId: plan.id,
      revision,
      kind: change.kind,
      summary: change.summary,
      entityId: change.entityId,
      before: change.before,
      after: change.after,
      actorUserId: actor.userId,
      actorName: actor.username,
      at: clock.now(),
    });
    await recordAudit(tx, clock, actor, {
      action: `plan.${change.kind}`,
      entityType: change.entityType,
      entityId: change.entityId,
      before: change.before,
      after: { ...(change.after as object), planId: plan.id, revision },
    });
    return revision;
  }

  async function dateProblems(tx: Executor, planId: string) {
    return planDateProblems(await listPhases(tx, planId), await listDeliverables(tx, planId));
  }

  async function requireLiveItem(tx: Executor, plan: Plan, itemId: string) {
    const item = await findItemOfStandard(tx, plan.standardId, itemId);
    if (!item) throw new AppError('plan.item_not_found');
    if (await findRetiredItem(tx, plan.id, item.id))
      throw new AppError('plan.item_retired', { no: item.no });
    return item;
  }

  return {
    async updatePhase(actor: Actor, planId: string, phaseId: string, input: PhaseInput) {
      return db.transaction(async (tx) => {
        const plan = await editing(tx, actor, planId);
        const before = await findPhase(tx, plan.id, phaseId);
        if (!before) throw new AppError('plan.phase_not_found');
        const problemsBefore = await dateProblems(tx, plan.id);
        const after = await updatePhaseRow(tx, before.id, {
          name: input.name ?? before.name,
          startsOn: input.startsOn,
          endsOn: input.endsOn,
        });
        refusePlanDates(newProblems(problemsBefore, await dateProblems(tx, plan.id)));
        const pick = (phase: typeof before) => ({
          name: phase.name,
          startsOn: phase.startsOn,
          endsOn: phase.endsOn,
        });
        await revise(tx, actor, plan, {
          kind: 'phase.update',
          entityType: 'phase',
          entityId: before.id,
          summary: `阶段“${after.name}”：${dates(before.startsOn, before.endsOn)} → ${dates(after.startsOn, after.endsOn)}`,
          before: pick(before),
          after: pick(after),
        });
        return after;
      });
    },

    async updateDeliverable(
      actor: Actor,
      planId: string,
      deliverableId: string,
      input: DeliverableInput,
    ) {
      return db.transaction(async (tx) => {
        const plan = await editing(tx, actor, planId);
        const before = await findDeliverable(tx, plan.id, deliverableId);
        if (!before) throw new AppError('plan.deliverable_not_found');
        const problemsBefore = await dateProblems(tx, plan.id);
        const after = await updateDeliverableRow(tx, before.id, {
          title: input.title ?? before.title,
          dueOn: input.dueOn,
        });
        refusePlanDates(newProblems(problemsBefore, await dateProblems(tx, plan.id)));
        await revise(tx, actor, plan, {
          kind: 'deliverable.update',
          entityType: 'deliverable',
          entityId: before.id,
          summary: `报送时限“${after.title}”：${before.dueOn} → ${after.dueOn}`,
          before: { title: before.title, dueOn: before.dueOn },
          after: { title: after.title, dueOn: after.dueOn },
        });
        return after;
      });
    },

    /**
     * A new item under a level-2 indicator of the plan's standard, numbered after the last one.
     * Other plans of the same standard version do not take it up: it is retired in them.
     */
    async createItem(actor: Actor, planId: string, input: CreateItemInput) {
      return db.transaction(async (tx) => {
        const plan = await editing(tx, actor, planId);
        const indicator = await findLevel2Indicator(tx, plan.standardId, input.indicatorId);
        if (!indicator) throw new AppError('plan.indicator_not_found');
        const item = await insertItemRow(tx, {
          organizationId: actor.organizationId,
          standardId: plan.standardId,
          indicatorId: indicator.id,
          no: await nextItemNo(tx, plan.standardId),
          content: input.content,
          focus: input.focus,
        });
        const others = await listOtherPlansOfStandard(
          tx,
          actor.organizationId,
          plan.standardId,
          plan.id,
        );
        await insertRetiredItems(
          tx,
          others.map((other) => ({
            organizationId: actor.organizationId,
            planId: other.id,
            itemId: item.id,
            reason: `由 ${plan.cycleYear} 年度方案新增，本方案不包含`,
            retiredAt: clock.now(),
          })),
        );
        await revise(tx, actor, plan, {
          kind: 'item.create',
          entityType: 'item',
          entityId: item.id,
          summary: `新增指标内容 ${item.no}（${indicator.code} ${indicator.title}）：${clip(item.content)}`,
          before: null,
          after: {
            no: item.no,
            indicatorId: indicator.id,
            content: item.content,
            focus: item.focus,
          },
        });
        return { id: item.id, no: item.no, content: item.content };
      });
    },

    async updateItem(actor: Actor, planId: string, itemId: string, input: UpdateItemInput) {
      return db.transaction(async (tx) => {
        const plan = await editing(tx, actor, planId);
        const before = await requireLiveItem(tx, plan, itemId);
        const after = await updateItemRow(tx, before.id, {
          content: input.content ?? before.content,
          focus: input.focus ?? before.focus,
        });
        await revise(tx, actor, plan, {
          kind: 'item.update',
          entityType: 'item',
          entityId: before.id,
          summary: `修改指标内容 ${before.no}：${clip(before.content)} → ${clip(after.content)}`,
          before: { content: before.content, focus: before.focus },
          after: { content: after.content, focus: after.focus },
        });
        return { id: after.id, no: after.no, content: after.content };
      });
    },

    /** What depends on an item in the plan: what the office sees before it retires the item. */
    async itemDependents(actor: Actor, planId: string, itemId: string): Promise<ItemDependents> {
      return db.transaction(async (tx) => {
        const { plan } = await requirePlan(tx, actor.organizationId, planId);
        const item = await findItemOfStandard(tx, plan.standardId, itemId);
        if (!item) throw new AppError('plan.item_not_found');
        const retired = Boolean(await findRetiredItem(tx, plan.id, item.id));
        const assignmentRows = await listAssignmentsWithTargets(tx, plan.id, item.id);
        const itemMeasures = await listMeasuresOfItem(tx, plan.id, item.id);
        return {
          item: { id: item.id, no: item.no, content: item.content },
          retired,
          assignments: assignmentRows.map((row) => ({
            name: row.departmentName ?? row.groupName ?? '',
            role: row.assignment.role,
          })),
          measures: itemMeasures,
          progressReports: await countProgressReportsOfItem(tx, plan.id, item.id),
          findings: await listFindingsOfItem(tx, plan.id, item.id),
          obligations: await countObligationsOfItem(tx, plan.id, item.id),
        };
      });
    },

    /**
     * 停用: the item leaves the plan. Its assignments are taken off (kept on the retirement and in
     * the revision), so no department answers for it any more and no new work is asked for it; the
     * records already made (measures, reports, findings) stay as they are.
     */
    async retireItem(actor: Actor, planId: string, itemId: string, input: RetireItemInput) {
      return db.transaction(async (tx) => {
        const plan = await editing(tx, actor, planId);
        const item = await requireLiveItem(tx, plan, itemId);
        await lockAssignmentsOfPlan(tx, plan.id);
        const assignmentRows = await listAssignmentsWithTargets(tx, plan.id, item.id);
        const taken = assignmentRows.map((row) => ({
          departmentId: row.assignment.departmentId,
          groupId: row.assignment.groupId,
          role: row.assignment.role,
          position: row.assignment.position,
          name: row.departmentName ?? row.groupName ?? '',
        }));
        await tx
          .delete(assignments)
          .where(and(eq(assignments.planId, plan.id), eq(assignments.itemId, item.id)));
        await insertRetiredItems(tx, [
          {
            organizationId: actor.organizationId,
            planId: plan.id,
            itemId: item.id,
            reason: input.reason,
            assignments: taken,
            retiredAt: clock.now(),
          },
        ]);
        const measureCount = (await listMeasuresOfItem(tx, plan.id, item.id)).length;
        await revise(tx, actor, plan, {
          kind: 'item.retire',
          entityType: 'item',
          entityId: item.id,
          summary: `停用指标内容 ${item.no}：${clip(item.content)}（原责任部门 ${taken.map((entry) => entry.name).join('、') || '无'}，已有落实措施 ${measureCount} 条；理由：${input.reason}）`,
          before: { assignments: taken },
          after: { retired: true, reason: input.reason },
        });
        return { id: item.id, no: item.no, content: item.content };
      });
    },

    async revisions(actor: Actor, planId: string): Promise<PlanRevisionView[]> {
      const { plan } = await requirePlan(db, actor.organizationId, planId);
      return (await listPlanRevisions(db, plan.id)).map((row) => ({
        revision: row.revision,
        kind: row.kind,
        summary: row.summary,
        actorName: row.actorName,
        at: row.at.toISOString(),
        before: row.before,
        after: row.after,
      }));
    },

    /** For the extension service: a change the office approved, in the plan's change log. */
    revise,
  };
}

export type PlanEditService = ReturnType<typeof createPlanEditService>;
