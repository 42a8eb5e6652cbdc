import { setImmediate as turn } from 'node:timers/promises';
import { sha256 } from '../../io/sha256';
import { queueMessages } from '../notifications/notification.outbox';
import type { z } from 'zod';
import {
  dutyStates,
  type Dashboard,
  type SheetPreview,
  type SheetProblem,
} from '../../../shared/api/breakdowns';
import type {
  BoardRow,
  BreakdownView,
  createMeasureBodySchema,
  liaisonBodySchema,
  MeasureView,
  reviewBodySchema,
  sheetUploadQuerySchema,
  updateMeasureBodySchema,
} from '../../../shared/api/breakdowns';
import { planSheetChanges, readBreakdownSheet } from '../../../shared/breakdown-sheet';
import { isPastDue } from '../../../shared/dates';
import { describeDeadline } from '../../../shared/deadlines';
import { maskEmail, maskPhone, rolesSeeingContactsInFull } from '../../../shared/personal-data';
import { defaultImportLimits, readDocumentBlocks } from '../../io/plan-document-reader';
import {
  levelHeaders as levelHeadersOf,
  levelLabels,
  treeDepth,
} from '../../../shared/plan-import/indicator-tree';
import { writeDocument } from '../../io/document-writer-pool';
import type { TaskBreakdownTable } from '../../io/task-breakdown-writer';
import type { Upload } from '../../http/upload';
import { listMeasuresOfPlan } from './breakdown.repository';
import { approvedDeliverableExtensions } from '../extensions/extension.repository';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { ViewCache } from '../data-versions/view-cache';
import type { Database, Executor } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { listDepartments } from '../departments/department.repository';
import type { Department } from '../departments/department.table';
import { listDeliverables, listPhases } from '../plans/plan.repository';
import {
  measureDeadlineContext,
  resolveMeasureDeadline,
  type MeasureDeadlineInput,
} from '../../../shared/measure-deadline';
import { listIndicatorsOfStandard, listItemsOfStandard } from '../standards/standard.repository';
import { assembleIndicatorTree } from '../standards/standard.rules';
import {
  countMeasuredItems,
  listMeasuredDuties,
  deleteMeasureAtVersion,
  findMeasure,
  findSubmission,
  insertMeasure,
  insertSubmissionEvent,
  listMeasures,
  listPlanAssignmentTargets,
  listSubmissionEvents,
  listSubmissionsOfPlan,
  lockSubmission,
  updateMeasureAtVersion,
  updateMeasureOfSubmissionAtVersion,
  updateSubmission,
} from './breakdown.repository';
import { dutiesOf, orderMeasuresOfItem } from './breakdown.rules';
import type { Measure, Submission, SubmissionEvent, SubmittedMeasure } from './breakdown.table';
import { diffMeasures } from '../../../shared/breakdown-diff';
import { compareChinese, groupBy } from '../../../shared/collections';
import { requirePlan } from '../plans/plan.scope';
import {
  requireOwnDepartmentOfLiaison,
  requireReachableDepartment,
} from '../departments/department.scope';

type CreateMeasureInput = z.output<typeof createMeasureBodySchema>;
type UpdateMeasureInput = z.output<typeof updateMeasureBodySchema>;
type LiaisonInput = z.output<typeof liaisonBodySchema>;
type ReviewInput = z.output<typeof reviewBodySchema>;
type SheetQuery = z.output<typeof sheetUploadQuerySchema>;
/** A sheet's preview or outcome before its problems are worded in the caller's language. */
export type SheetOutcome = Omit<SheetPreview, 'problems'> & { problems: SheetProblem[] };

function toMeasureView(measure: Measure): MeasureView {
  return {
    id: measure.id,
    itemId: measure.itemId,
    text: measure.text,
    deadline: { kind: measure.deadlineKind, dueOn: measure.dueOn },
    version: measure.version,
    updatedAt: measure.updatedAt.toISOString(),
  };
}

function toSubmittedMeasure(measure: Measure): SubmittedMeasure {
  return {
    id: measure.id,
    itemId: measure.itemId,
    text: measure.text,
    deadlineKind: measure.deadlineKind,
    dueOn: measure.dueOn,
  };
}

/**
 * A breakdown submitted again after a return: the office's comments of that return, and what
 * changed since the submission it returned (null when that submission kept no measures).
 */
function resubmission(
  status: Submission['status'] | undefined,
  events: readonly SubmissionEvent[],
  current: readonly Measure[],
) {
  if (status !== 'submitted') return null;
  const returnAt = events.findLastIndex((event) => event.action === 'return');
  if (returnAt < 0) return null;
  const returned = events[returnAt]!;
  const earlier = events.slice(0, returnAt).findLast((event) => event.action === 'submit');
  const asDiff = (measure: SubmittedMeasure | Measure) => ({
    id: measure.id,
    itemId: measure.itemId,
    text: measure.text,
    deadline: { kind: measure.deadlineKind, dueOn: measure.dueOn },
  });
  return {
    comments: returned.itemComments,
    diff: earlier?.measures
      ? diffMeasures(earlier.measures.map(asDiff), current.map(asDiff))
      : null,
  };
}

/** The department's measures as a preview saw them: any write to one of them changes it. */
function measuresFingerprint(measures: readonly Measure[]): string {
  return sha256(JSON.stringify(measures.map((measure) => [measure.id, measure.version]).sort()));
}

export function createBreakdownService({
  db,
  clock,
  maxFileBytes = defaultImportLimits.maxFileBytes,
  views,
}: {
  db: Database;
  clock: Clock;
  maxFileBytes?: number;
  /** Views kept until the next write: the board, the dashboard, a department's breakdown. */
  views: ViewCache;
}) {
  /** The plan and department, both of the actor's organization; a liaison only reaches their own department. */
  async function scope(executor: Executor, actor: Actor, planId: string, departmentId: string) {
    const found = await requirePlan(executor, actor.organizationId, planId);
    const department = await requireReachableDepartment(executor, actor, departmentId);
    return { plan: found.plan, department };
  }

  async function taskBreakdownDueOn(
    executor: Executor,
    planId: string,
    departmentId?: string,
  ): Promise<string | null> {
    const deliverable = (await listDeliverables(executor, planId)).find(
      (candidate) => candidate.kind === 'task_breakdown',
    );
    if (!deliverable || !departmentId) return deliverable?.dueOn ?? null;
    return (await taskBreakdownExtensions(executor, planId)).get(departmentId) ?? deliverable.dueOn;
  }

  /** departmentId → the task breakdown's deadline an approved extension request gave it. */
  async function taskBreakdownExtensions(executor: Executor, planId: string) {
    const deliverable = (await listDeliverables(executor, planId)).find(
      (candidate) => candidate.kind === 'task_breakdown',
    );
    if (!deliverable) return new Map<string, string>();
    return (
      (await approvedDeliverableExtensions(executor, planId)).get(deliverable.id) ??
      new Map<string, string>()
    );
  }

  function isLate(status: Submission['status'] | 'not_started', dueOn: string | null): boolean {
    return (
      dueOn !== null &&
      (status === 'not_started' || status === 'draft' || status === 'returned') &&
      isPastDue(dueOn, clock.now())
    );
  }

  /** What the plan gives a deadline written without a date: its year and first day. */
  async function deadlineContext(executor: Executor, plan: { id: string; cycleYear: number }) {
    return measureDeadlineContext(
      plan.cycleYear,
      (await listPhases(executor, plan.id)).map((phase) => phase.startsOn),
    );
  }

  /** A deadline as the client gave it → the measure's, by the one rule the sheet follows too. */
  async function resolveDeadline(
    executor: Executor,
    plan: { id: string; cycleYear: number },
    input: MeasureDeadlineInput,
  ) {
    const reading = resolveMeasureDeadline(input, await deadlineContext(executor, plan));
    if (reading.ok) return reading.deadline;
    if (reading.problem === 'no_such_date')
      throw new AppError('measure.deadline_no_such_date', { date: input.dueOn ?? '' });
    throw new AppError('measure.deadline_date_required', { kind: input.kind });
  }

  async function duties(executor: Executor, planId: string, department: Department) {
    return dutiesOf(department, await listPlanAssignmentTargets(executor, planId));
  }

  /** A submission that may still be edited, locked for this transaction. */
  async function editableSubmission(
    executor: Executor,
    actor: Actor,
    planId: string,
    department: Department,
  ) {
    const submission = await lockSubmission(executor, {
      organizationId: actor.organizationId,
      planId,
      departmentId: department.id,
      now: clock.now(),
    });
    if (submission.status === 'submitted' || submission.status === 'approved') {
      throw new AppError('breakdown.locked', { status: submission.status });
    }
    return submission;
  }

  /** One decision on a submitted breakdown, inside the caller's transaction. */
  async function decide(
    tx: Executor,
    actor: Actor,
    planId: string,
    departmentId: string,
    input: ReviewInput,
  ): Promise<void> {
    const { plan, department } = await scope(tx, actor, planId, departmentId);
    const before = await lockSubmission(tx, {
      organizationId: actor.organizationId,
      planId: plan.id,
      departmentId: department.id,
      now: clock.now(),
    });
    if (before.status === 'approved') throw new AppError('breakdown.already_approved');
    if (before.status !== 'submitted') throw new AppError('breakdown.not_submitted');
    const mine = await duties(tx, plan.id, department);
    if (Object.keys(input.itemComments).some((itemId) => !mine.has(itemId)))
      throw new AppError('breakdown.unknown_item');
    const now = clock.now();
    const after = await updateSubmission(tx, before.id, {
      status: input.decision === 'approve' ? 'approved' : 'returned',
      decidedAt: now,
      updatedAt: now,
    });
    await insertSubmissionEvent(tx, {
      organizationId: actor.organizationId,
      submissionId: after.id,
      action: input.decision,
      actorUserId: actor.userId,
      actorName: actor.username,
      comment: input.comment ?? null,
      itemComments: input.decision === 'return' ? input.itemComments : {},
      at: now,
    });
    await queueMessages(tx, clock, {
      organizationId: actor.organizationId,
      kind: input.decision === 'approve' ? 'breakdown.approved' : 'breakdown.returned',
      eventKey: `${after.id}:${now.toISOString()}`,
      to: { liaisonsOf: department.id },
      planId: plan.id,
      departmentId: department.id,
      facts: {
        comment: input.comment || null,
        itemComments:
          input.decision === 'return' ? Object.keys(input.itemComments).length || null : null,
      },
    });
    await recordAudit(tx, clock, actor, {
      action: `submission.${input.decision}`,
      entityType: 'submission',
      entityId: after.id,
      before,
      after: { ...after, itemComments: input.itemComments, comment: input.comment },
    });
  }

  /** Everything a whole-plan view is built from: assignments, the tree, departments and measures. */
  async function planRecords(actor: Actor, plan: { id: string; standardId: string }) {
    const [targets, allIndicators, allItems, allDepartments, allMeasures] = await Promise.all([
      listPlanAssignmentTargets(db, plan.id),
      listIndicatorsOfStandard(db, plan.standardId),
      listItemsOfStandard(db, plan.standardId),
      listDepartments(db, actor.organizationId),
      listMeasuresOfPlan(db, plan.id),
    ]);
    return { targets, allIndicators, allItems, allDepartments, allMeasures };
  }

  /** The 任务分解表's rows: each item under its levels, with its departments and ordered measures. */
  async function taskBreakdownItems(
    actor: Actor,
    plan: { id: string; standardId: string },
    department: Department | null,
  ): Promise<Pick<TaskBreakdownTable, 'items' | 'levelHeaders'>> {
    const { targets, allIndicators, allItems, allDepartments, allMeasures } = await planRecords(
      actor,
      plan,
    );
    // The rows were parsed in the same turn as they arrived: let other requests in before the
    // ordering, so that the two do not add up to one stall.
    await turn();
    const names = new Map(allDepartments.map((entry) => [entry.id, entry.name]));
    const departmentsById = new Map(allDepartments.map((entry) => [entry.id, entry]));
    const mine = department ? dutiesOf(department, targets) : null;
    // Grouped by item once: filtering every list per item was quadratic in the plan's size.
    const targetsByItem = groupBy(targets, (target) => target.itemId);
    const measuresByItem = groupBy(
      allMeasures.filter((measure) => !department || measure.departmentId === department.id),
      (measure) => measure.itemId,
    );
    const targetsOf = (itemId: string) =>
      [...(targetsByItem.get(itemId) ?? [])].sort((a, b) =>
        a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1,
      );
    const measuresOf = (itemId: string) =>
      orderMeasuresOfItem(measuresByItem.get(itemId) ?? [], targetsOf(itemId), departmentsById);
    const tree = assembleIndicatorTree(
      allIndicators,
      allItems.filter((item) => !mine || mine.has(item.id)),
      (item) => item,
    );
    const depth = treeDepth(tree);
    const levelHeaders = levelHeadersOf(depth);
    const items: TaskBreakdownTable['items'] = tree.flatMap((level1) =>
      level1.children.flatMap((level2) =>
        level2.items.map((item) => ({
          levels: levelLabels(level1, level2, depth),
          content: `${item.no}.${item.content}`,
          focus: item.focus,
          departments: department
            ? department.name
            : targetsOf(item.id)
                .map(
                  (target) =>
                    (target.departmentId ? names.get(target.departmentId) : target.groupName) ?? '',
                )
                .join('\n'),
          measures: measuresOf(item.id).map((measure) => ({
            department: names.get(measure.departmentId) ?? '',
            text: measure.text,
            deadline: describeDeadline({ kind: measure.deadlineKind, dueOn: measure.dueOn }),
          })),
        })),
      ),
    );
    return { items, levelHeaders };
  }

  /** A measure of a breakdown that may still be edited, as it is now. */
  async function editableMeasure(
    executor: Executor,
    actor: Actor,
    planId: string,
    departmentId: string,
    measureId: string,
  ): Promise<Measure> {
    const { plan, department } = await scope(executor, actor, planId, departmentId);
    const submission = await editableSubmission(executor, actor, plan.id, department);
    const measure = await findMeasure(executor, submission.id, measureId);
    if (!measure) throw new AppError('measure.not_found');
    return measure;
  }

  async function view(
    executor: Executor,
    actor: Actor,
    planId: string,
    departmentId: string,
  ): Promise<BreakdownView> {
    const { plan, department } = await scope(executor, actor, planId, departmentId);
    // One after another: inside a write's transaction all of these share one connection.
    const targets = await listPlanAssignmentTargets(executor, plan.id);
    const allIndicators = await listIndicatorsOfStandard(executor, plan.standardId);
    const allItems = await listItemsOfStandard(executor, plan.standardId);
    const allDepartments = await listDepartments(executor, actor.organizationId);
    const submission = await findSubmission(executor, plan.id, department.id);
    const dueOn = await taskBreakdownDueOn(executor, plan.id, department.id);
    const mine = dutiesOf(department, targets);
    const allMeasures = submission ? await listMeasures(executor, submission.id) : [];
    const events = submission ? await listSubmissionEvents(executor, submission.id) : [];
    const lastReturn =
      submission?.status === 'returned'
        ? events.filter((event) => event.action === 'return').at(-1)
        : undefined;
    const review = resubmission(submission?.status, events, allMeasures);
    const names = new Map(allDepartments.map((entry) => [entry.id, entry.name]));
    const othersByItem = new Map<string, string[]>();
    for (const target of targets) {
      const name = target.departmentId ? names.get(target.departmentId) : target.groupName;
      if (!name || target.departmentId === department.id) continue;
      othersByItem.set(target.itemId, [...(othersByItem.get(target.itemId) ?? []), name]);
    }
    const tree = assembleIndicatorTree(
      allIndicators,
      allItems.filter((item) => mine.has(item.id)),
      (item) => ({
        id: item.id,
        no: item.no,
        content: item.content,
        focus: item.focus,
        role: mine.get(item.id)!.role,
        viaGroup: mine.get(item.id)!.viaGroup,
        otherDepartments: (othersByItem.get(item.id) ?? []).filter(
          (name) => name !== mine.get(item.id)!.viaGroup,
        ),
        measures: allMeasures.filter((measure) => measure.itemId === item.id).map(toMeasureView),
        returnComment: lastReturn?.itemComments[item.id] ?? null,
        ...(review
          ? {
              previousComment: review.comments[item.id] ?? null,
              changes:
                review.diff?.get(item.id) ?? (review.diff ? { changes: [], unchanged: 0 } : null),
            }
          : {}),
      }),
    );
    const status = submission?.status ?? 'not_started';
    return {
      planId: plan.id,
      department: { id: department.id, name: department.name },
      status,
      dueOn,
      late: isLate(status, dueOn),
      liaison:
        submission?.liaisonName && submission.liaisonPhone && submission.liaisonEmail
          ? rolesSeeingContactsInFull.includes(actor.role)
            ? {
                name: submission.liaisonName,
                phone: submission.liaisonPhone,
                email: submission.liaisonEmail,
              }
            : {
                name: submission.liaisonName,
                phone: maskPhone(submission.liaisonPhone),
                email: maskEmail(submission.liaisonEmail),
              }
          : null,
      ...(review ? { resubmitted: true } : {}),
      history: events.map((event) => ({
        action: event.action,
        actorName: event.actorName,
        comment: event.comment,
        itemComments: event.itemComments,
        at: event.at.toISOString(),
      })),
      indicators: tree
        .map((level1) => ({
          code: level1.code,
          title: level1.title,
          children: level1.children
            .filter((level2) => level2.items.length > 0)
            .map(({ id: _id, ...level2 }) => level2),
        }))
        .filter((level1) => level1.children.length > 0),
    };
  }

  /** Every department with duties in the plan: its state, progress, liaison and lateness. Late first. */
  async function boardRecords(actor: Actor, planId: string) {
    const { plan } = await requirePlan(db, actor.organizationId, planId);
    const [targets, allDepartments, allSubmissions, measured, dueOn, extended] = await Promise.all([
      listPlanAssignmentTargets(db, planId),
      listDepartments(db, actor.organizationId),
      listSubmissionsOfPlan(db, planId),
      countMeasuredItems(db, planId),
      taskBreakdownDueOn(db, planId),
      taskBreakdownExtensions(db, planId),
    ]);
    return { plan, targets, allDepartments, allSubmissions, measured, dueOn, extended };
  }

  /** Every department with duties in the plan: its state, progress, liaison and lateness. Late first. */
  function boardRows({
    targets,
    allDepartments,
    allSubmissions,
    measured,
    dueOn,
    extended,
  }: Awaited<ReturnType<typeof boardRecords>>): BoardRow[] {
    const submissionOf = new Map(
      allSubmissions.map((submission) => [submission.departmentId, submission]),
    );
    const measuredOf = new Map(measured.map((row) => [row.departmentId, row.items]));
    return allDepartments
      .map((department) => ({ department, itemCount: dutiesOf(department, targets).size }))
      .filter((row) => row.itemCount > 0)
      .map(({ department, itemCount }): BoardRow => {
        const submission = submissionOf.get(department.id);
        const status = submission?.status ?? 'not_started';
        const due = extended.get(department.id) ?? dueOn;
        return {
          department: { id: department.id, name: department.name, kind: department.kind },
          status,
          itemCount,
          itemsWithMeasures: measuredOf.get(department.id) ?? 0,
          liaisonNamed: Boolean(submission?.liaisonName),
          submittedAt: submission?.submittedAt?.toISOString() ?? null,
          late: isLate(status, due),
          dueOn: due,
        };
      })
      .sort(
        (a, b) =>
          // 待审核 first (the office's next work), then the late ones.
          Number(b.status === 'submitted') - Number(a.status === 'submitted') ||
          Number(b.late) - Number(a.late) ||
          compareChinese(a.department.name, b.department.name),
      );
  }

  async function board(
    actor: Actor,
    planId: string,
  ): Promise<{ dueOn: string | null; rows: BoardRow[] }> {
    return views.read(actor.organizationId, `breakdowns.board/${planId}`, async () => {
      const records = await boardRecords(actor, planId);
      return { dueOn: records.dueOn, rows: boardRows(records) };
    });
  }

  /** For leaders: where every duty stands, by item and department, and completion by indicator. */
  async function dashboard(actor: Actor, planId: string): Promise<Dashboard> {
    // The board's records, the tree, and which duties have a measure: no measure text is read.
    const records = await boardRecords(actor, planId);
    const { plan, targets, allDepartments, dueOn } = records;
    const rows = boardRows(records);
    const [allIndicators, allItems, measuredPairs] = await Promise.all([
      listIndicatorsOfStandard(db, plan.standardId),
      listItemsOfStandard(db, plan.standardId),
      listMeasuredDuties(db, plan.id),
    ]);
    const level1Of = new Map<string, string>();
    for (const level1 of assembleIndicatorTree(allIndicators, allItems, (item) => item)) {
      for (const level2 of level1.children)
        for (const item of level2.items) level1Of.set(item.id, level1.title);
    }
    const measured = new Set(measuredPairs.map((pair) => `${pair.departmentId}/${pair.itemId}`));
    const departmentsById = new Map(
      allDepartments.map((department) => [department.id, department]),
    );
    const itemIndex = new Map(allItems.map((item, index) => [item.id, index]));
    const byLevel1 = new Map<
      string,
      { title: string; duties: number; measured: number; approved: number }
    >();
    for (const level1 of allIndicators
      .filter((indicator) => indicator.depth === 1)
      .sort((a, b) => a.position - b.position)) {
      byLevel1.set(level1.title, { title: level1.title, duties: 0, measured: 0, approved: 0 });
    }
    const cells: Dashboard['cells'] = [];
    rows.forEach((row, departmentIndex) => {
      const department = departmentsById.get(row.department.id)!;
      for (const itemId of dutiesOf(department, targets).keys()) {
        const hasMeasure = measured.has(`${department.id}/${itemId}`);
        const state = !hasMeasure
          ? 'missing'
          : row.status === 'approved'
            ? 'approved'
            : row.status === 'submitted'
              ? 'submitted'
              : 'measured';
        cells.push([itemIndex.get(itemId)!, departmentIndex, dutyStates.indexOf(state)]);
        const totals = byLevel1.get(level1Of.get(itemId)!)!;
        totals.duties += 1;
        if (hasMeasure) totals.measured += 1;
        if (state === 'approved') totals.approved += 1;
      }
    });
    return {
      dueOn,
      departments: rows.map((row) => ({
        id: row.department.id,
        name: row.department.name,
        late: row.late,
        status: row.status,
      })),
      items: allItems.map((item) => ({
        id: item.id,
        no: item.no,
        level1: level1Of.get(item.id) ?? '',
      })),
      cells,
      byLevel1: [...byLevel1.values()],
    };
  }

  return {
    /** A department's breakdown, computed again only after a write of its own records or a shared one. */
    async get(actor: Actor, planId: string, departmentId: string): Promise<BreakdownView> {
      // The one part that depends on who reads: the liaison's contacts, in full or masked.
      const contacts = rolesSeeingContactsInFull.includes(actor.role) ? 'full' : 'masked';
      const found = await views.read(
        actor.organizationId,
        `breakdowns.view/${planId}/${departmentId}/${contacts}`,
        // Computing it checks the plan and the department (scope) for this reader; one connection
        // for the whole read: on the pool each statement would wait for a connection again (npm run load).
        () => db.transaction((tx) => view(tx, actor, planId, departmentId)),
        // It reads none of the department's progress reports or evidence: reporting keeps it.
        { departmentId, records: 'breakdown' },
      );
      // A kept view proves the plan and department exist at this version; who may read it is
      // checked on every read, since another reader may have computed it.
      requireOwnDepartmentOfLiaison(actor, departmentId);
      return found;
    },

    async createMeasure(
      actor: Actor,
      planId: string,
      departmentId: string,
      input: CreateMeasureInput,
    ): Promise<MeasureView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const duty = (await duties(tx, plan.id, department)).get(input.itemId);
        if (!duty)
          throw new AppError('breakdown.not_assigned', {
            no:
              (await listItemsOfStandard(tx, plan.standardId)).find(
                (item) => item.id === input.itemId,
              )?.no ?? '?',
          });
        const deadline = await resolveDeadline(tx, plan, input.deadline);
        const submission = await editableSubmission(tx, actor, plan.id, department);
        const now = clock.now();
        const position = (await listMeasures(tx, submission.id)).filter(
          (measure) => measure.itemId === input.itemId,
        ).length;
        const measure = await insertMeasure(tx, {
          organizationId: actor.organizationId,
          submissionId: submission.id,
          planId: plan.id,
          departmentId: department.id,
          itemId: input.itemId,
          text: input.text,
          deadlineKind: deadline.kind,
          dueOn: deadline.dueOn,
          position,
          createdAt: now,
          updatedAt: now,
        });
        await recordAudit(tx, clock, actor, {
          action: 'measure.create',
          entityType: 'measure',
          entityId: measure.id,
          after: measure,
        });
        return toMeasureView(measure);
      });
    },

    async updateMeasure(
      actor: Actor,
      planId: string,
      departmentId: string,
      measureId: string,
      input: UpdateMeasureInput,
    ): Promise<MeasureView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const submission = await editableSubmission(tx, actor, plan.id, department);
        const deadline =
          input.deadline === undefined
            ? undefined
            : await resolveDeadline(tx, plan, input.deadline);
        // The change and the row as it was in one statement; only a refused one reads it again.
        const changed = await updateMeasureOfSubmissionAtVersion(
          tx,
          submission.id,
          measureId,
          input.version,
          {
            ...(input.text === undefined ? {} : { text: input.text }),
            ...(deadline === undefined
              ? {}
              : { deadlineKind: deadline.kind, dueOn: deadline.dueOn }),
            updatedAt: clock.now(),
          },
        );
        if (!changed) {
          const current = await findMeasure(tx, submission.id, measureId);
          if (!current) throw new AppError('measure.not_found');
          throw new AppError(
            'measure.version_conflict',
            { version: current.version },
            [],
            toMeasureView(current),
          );
        }
        const { before, after } = changed;
        await recordAudit(tx, clock, actor, {
          action: 'measure.update',
          entityType: 'measure',
          entityId: measureId,
          before,
          after,
        });
        return toMeasureView(after);
      });
    },

    async deleteMeasure(
      actor: Actor,
      planId: string,
      departmentId: string,
      measureId: string,
      version: number,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        const before = await editableMeasure(tx, actor, planId, departmentId, measureId);
        if (!(await deleteMeasureAtVersion(tx, measureId, version))) {
          throw new AppError(
            'measure.version_conflict',
            { version: before.version },
            [],
            toMeasureView(before),
          );
        }
        await recordAudit(tx, clock, actor, {
          action: 'measure.delete',
          entityType: 'measure',
          entityId: measureId,
          before,
        });
      });
    },

    async setLiaison(
      actor: Actor,
      planId: string,
      departmentId: string,
      input: LiaisonInput,
    ): Promise<BreakdownView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const before = await editableSubmission(tx, actor, plan.id, department);
        const seen = input.replaces ?? null;
        const current =
          before.liaisonName === null
            ? null
            : {
                name: before.liaisonName,
                phone: before.liaisonPhone ?? '',
                email: before.liaisonEmail ?? '',
              };
        if (
          seen?.name !== current?.name ||
          seen?.phone !== current?.phone ||
          seen?.email !== current?.email
        ) {
          throw new AppError(
            'breakdown.liaison_conflict',
            { name: current?.name ?? '—' },
            [],
            await view(tx, actor, planId, departmentId),
          );
        }
        const after = await updateSubmission(tx, before.id, {
          liaisonName: input.name,
          liaisonPhone: input.phone,
          liaisonEmail: input.email,
          updatedAt: clock.now(),
        });
        await recordAudit(tx, clock, actor, {
          action: 'submission.set_liaison',
          entityType: 'submission',
          entityId: after.id,
          before,
          after,
        });
        return view(tx, actor, planId, departmentId);
      });
    },

    /** Sends the whole breakdown for review: every item needs a measure, and the liaison must be named. */
    async submit(actor: Actor, planId: string, departmentId: string): Promise<BreakdownView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const before = await editableSubmission(tx, actor, plan.id, department);
        const mine = await duties(tx, plan.id, department);
        const measured = new Set(
          (await listMeasures(tx, before.id)).map((measure) => measure.itemId),
        );
        const items = await listItemsOfStandard(tx, plan.standardId);
        const missing = items
          .filter((item) => mine.has(item.id) && !measured.has(item.id))
          .map((item) => item.no);
        if (missing.length > 0)
          throw new AppError('breakdown.incomplete', {
            count: missing.length,
            items: missing.join('、'),
          });
        if (!before.liaisonName || !before.liaisonPhone || !before.liaisonEmail)
          throw new AppError('breakdown.liaison_missing');
        const now = clock.now();
        const after = await updateSubmission(tx, before.id, {
          status: 'submitted',
          submittedAt: now,
          updatedAt: now,
        });
        await insertSubmissionEvent(tx, {
          organizationId: actor.organizationId,
          submissionId: after.id,
          action: 'submit',
          actorUserId: actor.userId,
          actorName: actor.username,
          // What was submitted, so a resubmission can show the office what changed.
          measures: (await listMeasures(tx, before.id)).map(toSubmittedMeasure),
          at: now,
        });
        await queueMessages(tx, clock, {
          organizationId: actor.organizationId,
          kind: before.status === 'returned' ? 'breakdown.resubmitted' : 'breakdown.submitted',
          eventKey: `${after.id}:${now.toISOString()}`,
          to: { office: true },
          planId: plan.id,
          departmentId: department.id,
          facts: { dueOn: null },
        });
        await recordAudit(tx, clock, actor, {
          action: 'submission.submit',
          entityType: 'submission',
          entityId: after.id,
          before,
          after,
        });
        return view(tx, actor, planId, departmentId);
      });
    },

    /** The coordinating office approves a submitted breakdown, or returns it with comments per item. */
    async review(
      actor: Actor,
      planId: string,
      departmentId: string,
      input: ReviewInput,
    ): Promise<BreakdownView> {
      return db.transaction(async (tx) => {
        await decide(tx, actor, planId, departmentId, input);
        return view(tx, actor, planId, departmentId);
      });
    },

    /**
     * 批量通过: each breakdown approved in its own transaction by the rules of one approval, so one
     * that cannot be (not submitted, another department's) is refused alone and leaves no trace.
     */
    async approveMany(
      actor: Actor,
      planId: string,
      input: { departmentIds: readonly string[]; comment?: string | undefined },
    ): Promise<{
      approved: { departmentId: string; name: string }[];
      refused: { departmentId: string; name: string | null; error: AppError }[];
    }> {
      await requirePlan(db, actor.organizationId, planId);
      const names = new Map(
        (await listDepartments(db, actor.organizationId)).map((department) => [
          department.id,
          department.name,
        ]),
      );
      const approved: { departmentId: string; name: string }[] = [];
      const refused: { departmentId: string; name: string | null; error: AppError }[] = [];
      for (const departmentId of new Set(input.departmentIds)) {
        try {
          await db.transaction((tx) =>
            decide(tx, actor, planId, departmentId, {
              decision: 'approve',
              comment: input.comment,
              itemComments: {},
            }),
          );
          approved.push({ departmentId, name: names.get(departmentId) ?? '' });
        } catch (caught) {
          if (!(caught instanceof AppError)) throw caught;
          refused.push({ departmentId, name: names.get(departmentId) ?? null, error: caught });
        }
      }
      return { approved, refused };
    },

    /**
     * A department's 任务分解表 filled in offline and uploaded back. With dryRun, what it would
     * change and every row that cannot be applied; without, the changes of the preview named by
     * basedOn, in one transaction, and only when the measures and the file are still those of
     * the preview and no row has a problem. Unchanged measures are not touched.
     */
    async uploadSheet(
      actor: Actor,
      planId: string,
      departmentId: string,
      upload: Upload,
      query: SheetQuery,
    ): Promise<SheetOutcome> {
      const blocks = await readDocumentBlocks(upload, { ...defaultImportLimits, maxFileBytes });
      if (blocks.format === 'text') throw new AppError('sheet.unsupported_type');
      const rows = readBreakdownSheet(
        blocks,
        (await scope(db, actor, planId, departmentId)).department.name,
      );
      const fileHash = sha256(upload.bytes);

      const compare = async (
        executor: Executor,
        plan: { id: string; standardId: string; cycleYear: number },
        department: Department,
        measures: Measure[],
      ) => {
        const targets = await listPlanAssignmentTargets(executor, plan.id);
        const items = await listItemsOfStandard(executor, plan.standardId);
        const sheet = planSheetChanges({
          rows,
          department,
          items,
          duties: new Set(dutiesOf(department, targets).keys()),
          measures: measures.map(toMeasureView),
          context: await deadlineContext(executor, plan),
        });
        return {
          ...sheet,
          token: `${measuresFingerprint(measures)}.${fileHash}`,
          fileName: upload.fileName,
        };
      };

      if (query.dryRun) {
        const { plan, department } = await scope(db, actor, planId, departmentId);
        const submission = await findSubmission(db, plan.id, department.id);
        if (submission?.status === 'submitted' || submission?.status === 'approved') {
          throw new AppError('breakdown.locked', { status: submission.status });
        }
        return {
          applied: false,
          ...(await compare(
            db,
            plan,
            department,
            submission ? await listMeasures(db, submission.id) : [],
          )),
        };
      }

      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const submission = await editableSubmission(tx, actor, plan.id, department);
        const measures = await listMeasures(tx, submission.id);
        const [seenMeasures, seenFile] = (query.basedOn ?? '.').split('.');
        if (seenFile !== fileHash) throw new AppError('sheet.not_previewed');
        if (seenMeasures !== measuresFingerprint(measures)) throw new AppError('sheet.stale');
        const sheet = await compare(tx, plan, department, measures);
        if (sheet.problems.length > 0) {
          throw new AppError('sheet.has_problems', {
            count: sheet.problems.length,
            rows: [...new Set(sheet.problems.map((problem) => problem.row))].join('、'),
          });
        }
        const now = clock.now();
        const byId = new Map(measures.map((measure) => [measure.id, measure]));
        const nextPosition = new Map<string, number>();
        for (const measure of measures)
          nextPosition.set(
            measure.itemId,
            Math.max(nextPosition.get(measure.itemId) ?? 0, measure.position + 1),
          );
        for (const change of sheet.changes) {
          const before = change.measureId ? byId.get(change.measureId)! : null;
          if (change.kind === 'add') {
            const position = nextPosition.get(change.itemId) ?? 0;
            nextPosition.set(change.itemId, position + 1);
            const after = await insertMeasure(tx, {
              organizationId: actor.organizationId,
              submissionId: submission.id,
              planId: plan.id,
              departmentId: department.id,
              itemId: change.itemId,
              text: change.after!.text,
              deadlineKind: change.after!.deadline.kind,
              dueOn: change.after!.deadline.dueOn,
              position,
              createdAt: now,
              updatedAt: now,
            });
            await recordAudit(tx, clock, actor, {
              action: 'measure.create',
              entityType: 'measure',
              entityId: after.id,
              after: { ...after, via: 'sheet', fileName: upload.fileName },
            });
          } else if (change.kind === 'change') {
            const after = await updateMeasureAtVersion(tx, before!.id, before!.version, {
              text: change.after!.text,
              deadlineKind: change.after!.deadline.kind,
              dueOn: change.after!.deadline.dueOn,
              updatedAt: now,
            });
            if (!after) throw new AppError('sheet.stale');
            await recordAudit(tx, clock, actor, {
              action: 'measure.update',
              entityType: 'measure',
              entityId: after.id,
              before,
              after: { ...after, via: 'sheet', fileName: upload.fileName },
            });
          } else {
            if (!(await deleteMeasureAtVersion(tx, before!.id, before!.version)))
              throw new AppError('sheet.stale');
            await recordAudit(tx, clock, actor, {
              action: 'measure.delete',
              entityType: 'measure',
              entityId: before!.id,
              before,
              after: { via: 'sheet', fileName: upload.fileName },
            });
          }
        }
        const counts = (kind: 'add' | 'change' | 'remove') =>
          sheet.changes.filter((change) => change.kind === kind).length;
        await recordAudit(tx, clock, actor, {
          action: 'submission.upload_sheet',
          entityType: 'submission',
          entityId: submission.id,
          after: {
            fileName: upload.fileName,
            format: blocks.format,
            added: counts('add'),
            changed: counts('change'),
            removed: counts('remove'),
            unchanged: sheet.unchanged,
          },
        });
        return {
          applied: true,
          ...sheet,
          token: `${measuresFingerprint(await listMeasures(tx, submission.id))}.${fileHash}`,
        };
      });
    },

    /**
     * The 任务分解表 in the official layout with the measures filled in: a department's own sheet,
     * or the whole institution's with each measure marked by its department.
     */
    async exportTable(
      actor: Actor,
      planId: string,
      query: { format: 'xlsx' | 'docx'; departmentId?: string | undefined },
    ) {
      const found = await requirePlan(db, actor.organizationId, planId);
      if (actor.role === 'liaison' && query.departmentId !== actor.departmentId)
        throw new AppError('auth.forbidden');
      const { plan, standardTitle } = found;
      const department = query.departmentId
        ? (await scope(db, actor, planId, query.departmentId)).department
        : null;
      // Kept until the organization's next write: the rows of a plan of thousands of measures
      // took 25–40 ms of the thread that serves every other request to gather and order.
      const { items, levelHeaders } = await views.read(
        actor.organizationId,
        `breakdowns.exportRows/${plan.id}/${department?.id ?? 'all'}`,
        () => taskBreakdownItems(actor, plan, department),
        department ? { departmentId: department.id, records: 'breakdown' } : {},
      );
      const title = `落实《${standardTitle}》任务分解表${department ? `（${department.name}）` : ''}`;
      const table = { title, items, levelHeaders, measureDepartments: !department };
      const bytes =
        query.format === 'xlsx'
          ? await writeDocument('taskBreakdownXlsx', table)
          : await writeDocument('taskBreakdownDocx', table);
      await recordAudit(db, clock, actor, {
        action: 'export.task_breakdown',
        entityType: 'plan',
        entityId: plan.id,
        after: { format: query.format, departmentId: department?.id ?? null, rows: items.length },
      });
      return { fileName: `${title}.${query.format}`, bytes };
    },

    dashboard: (actor: Actor, planId: string): Promise<Dashboard> =>
      views.read(actor.organizationId, `breakdowns.dashboard/${planId}`, () =>
        dashboard(actor, planId),
      ),

    board,
  };
}

export type BreakdownService = ReturnType<typeof createBreakdownService>;
