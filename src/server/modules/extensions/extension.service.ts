import type { z } from 'zod';
import type {
  createExtensionBodySchema,
  decideExtensionBodySchema,
  ExtensionTargets,
  ExtensionView,
  extensionListQuerySchema,
} from '../../../shared/api/plans';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { updateMeasureAtVersion } from '../breakdowns/breakdown.repository';
import { requireReachableDepartment } from '../departments/department.scope';
import type { PlanEditService } from '../plans/plan-edit.service';
import { listDeliverables } from '../plans/plan.repository';
import { findDeliverable, lockPlan } from '../plans/plan-revision.repository';
import { requirePlan } from '../plans/plan.scope';
import {
  approvedDeliverableExtensions,
  findExtensionRequest,
  findMeasureWithSubmission,
  insertExtensionRequest,
  listExtendableMeasures,
  listExtensionRequests,
  updateExtensionRequestAtVersion,
  type ExtensionRow,
} from './extension.repository';
import type { ExtensionRequest } from './extension.table';

type CreateInput = z.output<typeof createExtensionBodySchema>;
type DecideInput = z.output<typeof decideExtensionBodySchema>;
type ListQuery = z.output<typeof extensionListQuerySchema>;

/**
 * Told of every extension request made and decided, after its transaction committed: the point
 * where messages (站内消息, mail) to the office or the department are sent.
 */
export interface ExtensionListener {
  requested(request: ExtensionView): Promise<void> | void;
  decided(request: ExtensionView): Promise<void> | void;
}

export function toExtensionView(row: ExtensionRow): ExtensionView {
  const { request } = row;
  return {
    id: request.id,
    planId: request.planId,
    department: { id: request.departmentId, name: row.departmentName },
    target: request.target,
    subject:
      request.target === 'measure'
        ? `${row.itemNo ?? ''}. ${row.measureText ?? ''}`
        : (row.deliverableTitle ?? ''),
    itemNo: request.target === 'measure' ? (row.itemNo ?? null) : null,
    measureId: request.measureId,
    deliverableId: request.deliverableId,
    currentDueOn: request.currentDueOn,
    requestedDueOn: request.requestedDueOn,
    reason: request.reason,
    status: request.status,
    requestedByName: request.requestedByName,
    requestedAt: request.requestedAt.toISOString(),
    decidedByName: request.decidedByName,
    decisionComment: request.decisionComment,
    decidedAt: request.decidedAt?.toISOString() ?? null,
    version: request.version,
  };
}

/**
 * 延期申请: a department asks for a later deadline of its own measure or of a deliverable; the
 * coordinating office approves or refuses. An approved measure request moves the measure's due
 * date (so its lateness follows everywhere it is read); an approved deliverable request is that
 * department's deadline for the deliverable (`approvedDeliverableExtensions`, read by the board).
 */
export function createExtensionService({
  db,
  clock,
  planEdits,
  listener,
}: {
  db: Database;
  clock: Clock;
  planEdits: PlanEditService;
  listener?: ExtensionListener;
}) {
  async function viewOf(executor: Executor, planId: string, id: string) {
    const [row] = await listExtensionRequests(executor, planId, { ids: [id] });
    return toExtensionView(row!);
  }

  /** The department a request is for: a liaison's own, the office's choice. */
  async function departmentOf(executor: Executor, actor: Actor, departmentId: string | undefined) {
    const id = departmentId ?? actor.departmentId;
    if (!id) throw new AppError('department.not_found');
    if (actor.role === 'liaison' && id !== actor.departmentId)
      throw new AppError('extension.not_own');
    return requireReachableDepartment(executor, actor, id);
  }

  async function notify(kind: keyof ExtensionListener, view: ExtensionView) {
    if (listener) await listener[kind](view);
  }

  return {
    async targets(actor: Actor, planId: string, departmentId: string): Promise<ExtensionTargets> {
      const { plan } = await requirePlan(db, actor.organizationId, planId);
      const department = await departmentOf(db, actor, departmentId);
      const moved = await approvedDeliverableExtensions(db, plan.id);
      return {
        measures: await listExtendableMeasures(db, plan.id, department.id),
        deliverables: (await listDeliverables(db, plan.id)).map((deliverable) => ({
          id: deliverable.id,
          title: deliverable.title,
          dueOn: moved.get(deliverable.id)?.get(department.id) ?? deliverable.dueOn,
        })),
      };
    },

    async list(actor: Actor, planId: string, query: ListQuery): Promise<ExtensionView[]> {
      const { plan } = await requirePlan(db, actor.organizationId, planId);
      const departmentId =
        actor.role === 'liaison' ? (actor.departmentId ?? undefined) : query.departmentId;
      if (actor.role === 'liaison' && query.departmentId && query.departmentId !== departmentId)
        throw new AppError('extension.not_own');
      const rows = await listExtensionRequests(db, plan.id, {
        ...(query.status ? { status: query.status } : {}),
        ...(departmentId ? { departmentId } : {}),
      });
      return rows.map(toExtensionView);
    },

    async create(actor: Actor, planId: string, input: CreateInput): Promise<ExtensionView> {
      const view = await db.transaction(async (tx) => {
        const { plan } = await requirePlan(tx, actor.organizationId, planId);
        await lockPlan(tx, plan.id);
        const department = await departmentOf(tx, actor, input.departmentId);
        let currentDueOn: string;
        if (input.target === 'measure') {
          const found = await findMeasureWithSubmission(tx, plan.id, input.measureId!);
          if (!found) throw new AppError('measure.not_found');
          if (found.measure.departmentId !== department.id) throw new AppError('extension.not_own');
          if (found.status === 'draft' || found.status === 'returned')
            throw new AppError('extension.measure_editable');
          currentDueOn = found.measure.dueOn;
        } else {
          const deliverable = await findDeliverable(tx, plan.id, input.deliverableId!);
          if (!deliverable) throw new AppError('plan.deliverable_not_found');
          currentDueOn =
            (await approvedDeliverableExtensions(tx, plan.id))
              .get(deliverable.id)
              ?.get(department.id) ?? deliverable.dueOn;
        }
        if (input.requestedDueOn <= currentDueOn)
          throw new AppError('extension.not_later', {
            requested: input.requestedDueOn,
            current: currentDueOn,
          });
        const pending = await listExtensionRequests(tx, plan.id, {
          status: 'pending',
          departmentId: department.id,
        });
        if (
          pending.some((row) =>
            input.target === 'measure'
              ? row.request.measureId === input.measureId
              : row.request.deliverableId === input.deliverableId,
          )
        )
          throw new AppError('extension.pending_exists');
        const request = await insertExtensionRequest(tx, {
          organizationId: actor.organizationId,
          planId: plan.id,
          departmentId: department.id,
          target: input.target,
          measureId: input.target === 'measure' ? input.measureId! : null,
          deliverableId: input.target === 'deliverable' ? input.deliverableId! : null,
          currentDueOn,
          requestedDueOn: input.requestedDueOn,
          reason: input.reason,
          requestedByUserId: actor.userId,
          requestedByName: actor.username,
          requestedAt: clock.now(),
        });
        await recordAudit(tx, clock, actor, {
          action: 'extension.request',
          entityType: 'extension_request',
          entityId: request.id,
          after: request,
        });
        return viewOf(tx, plan.id, request.id);
      });
      await notify('requested', view);
      return view;
    },

    async decide(
      actor: Actor,
      planId: string,
      requestId: string,
      input: DecideInput,
    ): Promise<ExtensionView> {
      const view = await db.transaction(async (tx) => {
        const { plan } = await requirePlan(tx, actor.organizationId, planId);
        await lockPlan(tx, plan.id);
        const before = await findExtensionRequest(tx, plan.id, requestId);
        if (!before) throw new AppError('extension.not_found');
        if (before.status !== 'pending')
          throw new AppError('extension.decided', { status: before.status });
        if (before.version !== input.version) throw new AppError('extension.conflict');
        const approved = input.decision === 'approve';
        const after = await updateExtensionRequestAtVersion(tx, before.id, before.version, {
          status: approved ? 'approved' : 'refused',
          decidedByName: actor.username,
          decisionComment: input.comment || null,
          decidedAt: clock.now(),
        });
        if (!after) throw new AppError('extension.conflict');
        const row = (await listExtensionRequests(tx, plan.id, { ids: [after.id] }))[0]!;
        if (approved && before.target === 'measure' && before.measureId) {
          const found = await findMeasureWithSubmission(tx, plan.id, before.measureId);
          if (!found) throw new AppError('measure.not_found');
          await updateMeasureAtVersion(tx, found.measure.id, found.measure.version, {
            dueOn: before.requestedDueOn,
            updatedAt: clock.now(),
          });
        }
        if (approved)
          await planEdits.revise(tx, actor, plan, {
            kind: 'extension.approve',
            entityType: 'extension_request',
            entityId: after.id,
            summary: `同意${row.departmentName}的延期申请：${toExtensionView(row).subject}，${before.currentDueOn} → ${before.requestedDueOn}`,
            before: { dueOn: before.currentDueOn },
            after: {
              dueOn: before.requestedDueOn,
              departmentId: before.departmentId,
              target: before.target,
              measureId: before.measureId,
              deliverableId: before.deliverableId,
            },
          });
        await recordAudit(tx, clock, actor, {
          action: approved ? 'extension.approve' : 'extension.refuse',
          entityType: 'extension_request',
          entityId: after.id,
          before,
          after,
        });
        return toExtensionView(row);
      });
      await notify('decided', view);
      return view;
    },
  };
}

export type ExtensionService = ReturnType<typeof createExtensionService>;
