import { sha256 } from '../../io/sha256';
import type { MessageKind } from '../../../shared/notifications/messages';
import { queueMessages, type Audience } from '../notifications/notification.outbox';
import type { z } from 'zod';
import type {
  createFindingBodySchema,
  FindingDetail,
  FindingList,
  findingListQuerySchema,
  FindingView,
  NextYearPreview,
  recordActionBodySchema,
  reopenBodySchema,
  requestVerificationBodySchema,
  startNextYearBodySchema,
  StartNextYearResult,
  updateFindingBodySchema,
  verifyBodySchema,
} from '../../../shared/api/findings';
import { calendarDate } from '../../../shared/dates';
import { AppError, type Locale } from '../../../shared/errors';
import { type MessageKey, translate } from '../../../shared/i18n/messages';
import { zonedDate } from '../../../shared/time-format';
import { writeDocument } from '../../io/document-writer-pool';
import { newProblems, planDateProblems } from '../../../shared/plan-dates';
import { refusePlanDates } from '../plans/plan-edit.service';
import {
  availableTransitions,
  findingTransition,
  isFindingOpen,
  isFindingOverdue,
  type FindingActor,
  type FindingState,
  type FindingTransition,
} from '../../../shared/findings/finding-states';
import { planCarryOver, shiftIsoDate } from '../../../shared/findings/next-year';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import type { ViewCache } from '../data-versions/view-cache';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { findRatingScale, insertRatingScale } from '../conclusion/conclusion.repository';
import { listDepartments } from '../departments/department.repository';
import { assertEvidenceUsable } from '../evidence/evidence.service';
import {
  findPlanByFingerprint,
  findPlanWithStandard,
  insertAssignments,
  insertDeliverables,
  insertPhases,
  insertPlan,
  listAssignmentsWithTargets,
  listDeliverables,
  listPhases,
} from '../plans/plan.repository';
import type { Plan } from '../plans/plan.table';
import { listItemsOfStandard } from '../standards/standard.repository';
import {
  findFinding,
  findFindingsByIds,
  insertFinding,
  insertFindingEvent,
  insertRectificationAction,
  listFindingEvents,
  listFindingsOfPlan,
  listRectificationActions,
  lockFindingsOfPlan,
  nextFindingNo,
  updateFindingAtVersion,
} from './finding.repository';
import type { Finding } from './finding.table';
import { requirePlan } from '../plans/plan.scope';

type CreateInput = z.output<typeof createFindingBodySchema>;
type UpdateInput = z.output<typeof updateFindingBodySchema>;
type ListQuery = z.output<typeof findingListQuerySchema>;
type RecordActionInput = z.output<typeof recordActionBodySchema>;
type RequestVerificationInput = z.output<typeof requestVerificationBodySchema>;
type VerifyInput = z.output<typeof verifyBodySchema>;
type ReopenInput = z.output<typeof reopenBodySchema>;
type StartNextYearInput = z.output<typeof startNextYearBodySchema>;

export const STATE_WORDS: Record<FindingState, string> = {
  open: '待整改',
  in_progress: '整改中',
  awaiting_verification: '待核验',
  verified: '已核验销号',
  carried_over: '已转入下年度',
};
const TRANSITION_WORDS: Record<FindingTransition, string> = {
  update: '修改',
  record_action: '登记整改措施',
  request_verification: '报请核验',
  verify: '核验销号',
  reopen: '重新打开',
  carry_over: '转入下年度',
};

/** The fingerprint of the plan started from `plan` for its next year: one per source plan. */
export function nextYearFingerprint(plan: Pick<Plan, 'id' | 'fingerprint'>): string {
  return sha256(`next-year\n${plan.id}\n${plan.fingerprint}`);
}

function actorKind(actor: Actor, finding: Pick<Finding, 'ownerDepartmentId'>): FindingActor {
  if (actor.role === 'admin' || actor.role === 'coordinator') return 'office';
  if (actor.role === 'liaison' && actor.departmentId === finding.ownerDepartmentId) return 'owner';
  return 'other';
}

/** A liaison sees the findings their department owns or is named in; the office and leaders see all. */
function mayRead(
  actor: Actor,
  finding: Pick<Finding, 'ownerDepartmentId' | 'departmentIds'>,
): boolean {
  if (actor.role !== 'liaison') return true;
  return (
    actor.departmentId !== null &&
    (finding.ownerDepartmentId === actor.departmentId ||
      finding.departmentIds.includes(actor.departmentId))
  );
}

export function createFindingService({
  db,
  clock,
  views,
}: {
  db: Database;
  clock: Clock;
  views: ViewCache;
}) {
  const today = () => calendarDate(clock.now());

  async function planOf(executor: Executor, actor: Actor, planId: string) {
    const found = await requirePlan(executor, actor.organizationId, planId);
    return found.plan;
  }

  /** Names and numbers a view needs: departments of the organization, items of the plan's standard. */
  async function lookups(executor: Executor, actor: Actor, plan: Plan) {
    // One after the other: the executor may be a transaction, which runs one query at a time.
    const allDepartments = await listDepartments(executor, actor.organizationId);
    const allItems = await listItemsOfStandard(executor, plan.standardId);
    return {
      departmentName: new Map(allDepartments.map((department) => [department.id, department.name])),
      itemNo: new Map(allItems.map((item) => [item.id, item.no])),
    };
  }

  function toView(
    actor: Actor,
    finding: Finding,
    context: Awaited<ReturnType<typeof lookups>>,
    actionCount: number,
  ): FindingView {
    const name = (id: string) => context.departmentName.get(id) ?? '';
    return {
      id: finding.id,
      planId: finding.planId,
      no: finding.no,
      title: finding.title,
      description: finding.description,
      kind: finding.kind,
      state: finding.state,
      ownerDepartment: { id: finding.ownerDepartmentId, name: name(finding.ownerDepartmentId) },
      departments: finding.departmentIds.map((id) => ({ id, name: name(id) })),
      items: finding.itemIds
        .map((id) => ({ id, no: context.itemNo.get(id) ?? 0 }))
        .sort((a, b) => a.no - b.no),
      dueOn: finding.dueOn,
      overdue: isFindingOverdue(finding, today()),
      originFindingId: finding.originFindingId,
      carriedToFindingId: finding.carriedToFindingId,
      actionCount,
      verifiedAt: finding.verifiedAt?.toISOString() ?? null,
      version: finding.version,
      createdAt: finding.createdAt.toISOString(),
      updatedAt: finding.updatedAt.toISOString(),
      transitions: availableTransitions(finding.state, actorKind(actor, finding)).filter(
        (transition) => transition !== 'carry_over',
      ),
    };
  }

  async function viewsOf(
    executor: Executor,
    actor: Actor,
    plan: Plan,
    rows: Finding[],
  ): Promise<FindingView[]> {
    const context = await lookups(executor, actor, plan);
    const actions = await listRectificationActions(
      executor,
      rows.map((row) => row.id),
    );
    const counts = new Map<string, number>();
    for (const { action } of actions)
      counts.set(action.findingId, (counts.get(action.findingId) ?? 0) + 1);
    return rows.map((row) => toView(actor, row, context, counts.get(row.id) ?? 0));
  }

  async function detail(
    executor: Executor,
    actor: Actor,
    planId: string,
    findingId: string,
  ): Promise<FindingDetail> {
    const plan = await planOf(executor, actor, planId);
    const finding = await findFinding(executor, actor.organizationId, plan.id, findingId);
    if (!finding || !mayRead(actor, finding)) throw new AppError('finding.not_found');
    const context = await lookups(executor, actor, plan);
    const actions = await listRectificationActions(executor, [finding.id]);
    const events = await listFindingEvents(executor, finding.id);
    const linked = await findFindingsByIds(
      executor,
      actor.organizationId,
      [finding.originFindingId, finding.carriedToFindingId].filter(
        (id): id is string => id !== null,
      ),
    );
    const reference = async (id: string | null) => {
      const other = linked.find((candidate) => candidate.id === id);
      if (!other) return null;
      const otherPlan = await findPlanWithStandard(executor, actor.organizationId, other.planId);
      return {
        id: other.id,
        planId: other.planId,
        cycleYear: otherPlan?.plan.cycleYear ?? 0,
        no: other.no,
      };
    };
    return {
      ...toView(actor, finding, context, actions.length),
      actions: actions.map(({ action, departmentName }) => ({
        id: action.id,
        text: action.text,
        evidenceIds: action.evidenceIds,
        departmentName,
        actorName: action.actorName,
        at: action.at.toISOString(),
      })),
      events: events.map((event) => ({
        action: event.action,
        fromState: event.fromState,
        toState: event.toState,
        comment: event.comment,
        actorName: event.actorName,
        at: event.at.toISOString(),
      })),
      origin: await reference(finding.originFindingId),
      carriedTo: await reference(finding.carriedToFindingId),
    };
  }

  /** Departments of the organization and items of the plan, or the request is refused. */
  async function checkTargets(
    executor: Executor,
    actor: Actor,
    plan: Plan,
    input: {
      ownerDepartmentId: string;
      departmentIds: readonly string[];
      itemIds: readonly string[];
    },
  ) {
    const known = new Set(
      (await listDepartments(executor, actor.organizationId)).map((department) => department.id),
    );
    if (![input.ownerDepartmentId, ...input.departmentIds].every((id) => known.has(id)))
      throw new AppError('department.not_found');
    const items = new Set(
      (await listItemsOfStandard(executor, plan.standardId)).map((item) => item.id),
    );
    if (!input.itemIds.every((id) => items.has(id))) throw new AppError('finding.unknown_item');
    return {
      departmentIds: [...new Set([input.ownerDepartmentId, ...input.departmentIds])],
      itemIds: [...new Set(input.itemIds)],
    };
  }

  /**
   * One step of the closed loop, all or nothing: the finding as the caller last saw it (version),
   * a transition the state machine allows this actor, the change, its history entry and audit.
   */
  async function transition(
    actor: Actor,
    planId: string,
    findingId: string,
    step: FindingTransition,
    version: number,
    apply: (
      tx: Executor,
      finding: Finding,
    ) => Promise<{
      changes?: Partial<Finding>;
      comment?: string | null;
      audit?: Record<string, unknown>;
    }>,
  ): Promise<FindingDetail> {
    return db.transaction(async (tx) => {
      const plan = await planOf(tx, actor, planId);
      const before = await findFinding(tx, actor.organizationId, plan.id, findingId, {
        lock: true,
      });
      if (!before || !mayRead(actor, before)) throw new AppError('finding.not_found');
      if (before.version !== version)
        throw new AppError(
          'finding.version_conflict',
          { version: before.version },
          [],
          await detail(tx, actor, plan.id, before.id),
        );
      const outcome = findingTransition(before.state, step, actorKind(actor, before));
      if (!outcome.allowed) {
        if (outcome.reason === 'state')
          throw new AppError('finding.transition_refused', {
            state: STATE_WORDS[before.state],
            action: TRANSITION_WORDS[step],
          });
        if (step === 'record_action' || step === 'request_verification') {
          const names = (await lookups(tx, actor, plan)).departmentName;
          throw new AppError('finding.not_owner', {
            department: names.get(before.ownerDepartmentId) ?? '',
            action: TRANSITION_WORDS[step],
          });
        }
        throw new AppError('auth.forbidden');
      }
      const { changes = {}, comment = null, audit = {} } = await apply(tx, before);
      const now = clock.now();
      const after = await updateFindingAtVersion(tx, before.id, before.version, {
        ...changes,
        state: outcome.to,
        updatedAt: now,
      });
      if (!after) throw new Error('locked finding changed');
      await insertFindingEvent(tx, {
        organizationId: actor.organizationId,
        findingId: after.id,
        action: step,
        fromState: before.state,
        toState: after.state,
        comment,
        actorUserId: actor.userId,
        actorName: actor.username,
        at: now,
      });
      const owner: Audience = { liaisonsOf: after.ownerDepartmentId };
      const handover: { kind: MessageKind; to: Audience } | null =
        step === 'request_verification'
          ? { kind: 'rectification.submitted', to: { office: true } }
          : step === 'verify'
            ? { kind: 'finding.verified', to: owner }
            : step === 'reopen'
              ? { kind: 'finding.reopened', to: owner }
              : step === 'update' && after.ownerDepartmentId !== before.ownerDepartmentId
                ? { kind: 'finding.assigned', to: owner }
                : null;
      if (handover)
        await queueMessages(tx, clock, {
          organizationId: actor.organizationId,
          kind: handover.kind,
          eventKey: `${after.id}:v${after.version}`,
          to: handover.to,
          planId: plan.id,
          departmentId: after.ownerDepartmentId,
          facts: {
            subject: `问题 ${after.no}：${after.title}`,
            dueOn: after.dueOn,
            comment,
            recordId: after.id,
          },
        });
      await recordAudit(tx, clock, actor, {
        action: `finding.${step}`,
        entityType: 'finding',
        entityId: after.id,
        before,
        after: { ...after, ...audit },
      });
      return detail(tx, actor, plan.id, after.id);
    });
  }

  async function requireActions(tx: Executor, finding: Finding, step: FindingTransition) {
    if ((await listRectificationActions(tx, [finding.id])).length === 0)
      throw new AppError('finding.no_actions', { action: TRANSITION_WORDS[step] });
  }

  /** What starting next year's plan would bring along, and what blocks it. */
  async function preview(executor: Executor, actor: Actor, plan: Plan): Promise<NextYearPreview> {
    const rows = await listFindingsOfPlan(executor, actor.organizationId, plan.id);
    const { carried, blocking } = planCarryOver(rows, []);
    const all = await viewsOf(executor, actor, plan, rows);
    const existing = await findPlanByFingerprint(
      executor,
      actor.organizationId,
      nextYearFingerprint(plan),
    );
    return {
      plan: { id: plan.id, title: plan.title, cycleYear: plan.cycleYear },
      cycleYear: plan.cycleYear + 1,
      existingPlanId: existing?.id ?? null,
      carried: all.filter((view) => carried.includes(view.id)),
      blocking: all.filter((view) => blocking.includes(view.id)),
    };
  }

  return {
    /**
     * Every finding the caller may read, as views, kept until the organization's next write
     * (data-versions/view-cache.ts) per kind of reader (what each may do differs: the office, a
     * liaison's department, anyone else); the filters pick from the kept list.
     */
    async list(actor: Actor, planId: string, query: ListQuery): Promise<FindingList> {
      const reader =
        actor.role === 'admin' || actor.role === 'coordinator'
          ? 'office'
          : actor.role === 'liaison'
            ? `liaison/${actor.departmentId ?? ''}`
            : 'other';
      const all = await views.read(
        actor.organizationId,
        `findings.list/${planId}/${reader}`,
        async () => {
          const plan = await planOf(db, actor, planId);
          const rows = (await listFindingsOfPlan(db, actor.organizationId, plan.id)).filter((row) =>
            mayRead(actor, row),
          );
          return viewsOf(db, actor, plan, rows);
        },
      );
      const rows = all
        .filter((row) => query.state === undefined || row.state === query.state)
        .filter((row) => query.kind === undefined || row.kind === query.kind)
        .filter(
          (row) =>
            query.departmentId === undefined ||
            row.ownerDepartment.id === query.departmentId ||
            row.departments.some((department) => department.id === query.departmentId),
        )
        .filter((row) => query.overdue === undefined || row.overdue === query.overdue);
      return { today: today(), rows };
    },

    get: (actor: Actor, planId: string, findingId: string) => detail(db, actor, planId, findingId),

    /** 问题清单 as .xlsx, with the list's filters, in the reader's language: each finding with its items and its rectification actions' texts. */
    async exportXlsx(
      actor: Actor,
      planId: string,
      query: ListQuery,
      locale: Locale = 'zh-CN',
    ): Promise<{ fileName: string; bytes: Buffer }> {
      const plan = await planOf(db, actor, planId);
      const { today: day, rows } = await this.list(actor, planId, query);
      const items = new Map(
        (await listItemsOfStandard(db, plan.standardId)).map((item) => [item.id, item]),
      );
      const actions = await listRectificationActions(
        db,
        rows.map((row) => row.id),
      );
      const words = (key: MessageKey, params?: Record<string, string | number>) =>
        translate(locale, key, params);
      const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
      const bytes = await writeDocument('findingsXlsx', {
        locale,
        title: words('export.findings.title', { year: plan.cycleYear }),
        subtitle: words('export.findings.subtitle', {
          plan: plan.title,
          day,
          count: rows.length,
        }),
        rows: rows.map((row) => ({
          no: row.no,
          title: row.title,
          description: row.description,
          kind: words(`finding.kind.${row.kind}`),
          state: words(`finding.state.${row.state}`),
          owner: row.ownerDepartment.name,
          departments: row.departments
            .map((department) => department.name)
            .join(words('export.findings.departmentSeparator')),
          items: row.items
            .map((item) => `${item.no}. ${clip(items.get(item.id)?.content ?? '')}`)
            .join('\n'),
          dueOn: row.dueOn,
          overdue: words(row.overdue ? 'export.yes' : 'export.no'),
          actions: actions
            .filter(({ action }) => action.findingId === row.id)
            .map(({ action, departmentName }, index) =>
              words('export.findings.action', {
                no: index + 1,
                text: action.text,
                department: departmentName,
                date: zonedDate(action.at),
              }),
            )
            .join('\n'),
        })),
      });
      return { fileName: `${words('export.findings.file', { day })}.xlsx`, bytes };
    },

    async create(actor: Actor, planId: string, input: CreateInput): Promise<FindingDetail> {
      return db.transaction(async (tx) => {
        const plan = await planOf(tx, actor, planId);
        const targets = await checkTargets(tx, actor, plan, input);
        await lockFindingsOfPlan(tx, plan.id);
        const now = clock.now();
        const finding = await insertFinding(tx, {
          organizationId: actor.organizationId,
          planId: plan.id,
          no: await nextFindingNo(tx, plan.id),
          title: input.title,
          description: input.description,
          kind: input.kind,
          ownerDepartmentId: input.ownerDepartmentId,
          ...targets,
          dueOn: input.dueOn,
          createdAt: now,
          updatedAt: now,
        });
        await insertFindingEvent(tx, {
          organizationId: actor.organizationId,
          findingId: finding.id,
          action: 'create',
          fromState: null,
          toState: finding.state,
          actorUserId: actor.userId,
          actorName: actor.username,
          at: now,
        });
        await queueMessages(tx, clock, {
          organizationId: actor.organizationId,
          kind: 'finding.assigned',
          eventKey: `${finding.id}:v${finding.version}`,
          to: { liaisonsOf: finding.ownerDepartmentId },
          planId: plan.id,
          departmentId: finding.ownerDepartmentId,
          facts: {
            subject: `问题 ${finding.no}：${finding.title}`,
            dueOn: finding.dueOn,
            recordId: finding.id,
          },
        });
        await recordAudit(tx, clock, actor, {
          action: 'finding.create',
          entityType: 'finding',
          entityId: finding.id,
          after: finding,
        });
        return detail(tx, actor, plan.id, finding.id);
      });
    },

    update: (actor: Actor, planId: string, findingId: string, input: UpdateInput) =>
      transition(actor, planId, findingId, 'update', input.version, async (tx, finding) => {
        const plan = await planOf(tx, actor, planId);
        const owner = input.ownerDepartmentId ?? finding.ownerDepartmentId;
        const others =
          input.departmentIds ??
          finding.departmentIds.filter((id) => id !== finding.ownerDepartmentId);
        const targets = await checkTargets(tx, actor, plan, {
          ownerDepartmentId: owner,
          departmentIds: others,
          itemIds: input.itemIds ?? finding.itemIds,
        });
        return {
          changes: {
            ...(input.title === undefined ? {} : { title: input.title }),
            ...(input.description === undefined ? {} : { description: input.description }),
            ...(input.kind === undefined ? {} : { kind: input.kind }),
            ...(input.dueOn === undefined ? {} : { dueOn: input.dueOn }),
            ownerDepartmentId: owner,
            ...targets,
          },
        };
      }),

    recordAction: (actor: Actor, planId: string, findingId: string, input: RecordActionInput) =>
      transition(actor, planId, findingId, 'record_action', input.version, async (tx, finding) => {
        await assertEvidenceUsable(tx, actor, input.evidenceIds);
        const action = await insertRectificationAction(tx, {
          organizationId: actor.organizationId,
          findingId: finding.id,
          departmentId: finding.ownerDepartmentId,
          text: input.text,
          evidenceIds: [...new Set(input.evidenceIds)],
          actorUserId: actor.userId,
          actorName: actor.username,
          at: clock.now(),
        });
        return { comment: input.text, audit: { action } };
      }),

    requestVerification: (
      actor: Actor,
      planId: string,
      findingId: string,
      input: RequestVerificationInput,
    ) =>
      transition(
        actor,
        planId,
        findingId,
        'request_verification',
        input.version,
        async (tx, finding) => {
          await requireActions(tx, finding, 'request_verification');
          return { comment: input.comment ?? null };
        },
      ),

    verify: (actor: Actor, planId: string, findingId: string, input: VerifyInput) =>
      transition(actor, planId, findingId, 'verify', input.version, async (tx, finding) => {
        await requireActions(tx, finding, 'verify');
        return { changes: { verifiedAt: clock.now() }, comment: input.note ?? null };
      }),

    reopen: (actor: Actor, planId: string, findingId: string, input: ReopenInput) =>
      transition(actor, planId, findingId, 'reopen', input.version, async () => ({
        changes: { verifiedAt: null },
        comment: input.reason,
      })),

    async previewNextYear(actor: Actor, planId: string): Promise<NextYearPreview> {
      return preview(db, actor, await planOf(db, actor, planId));
    },

    /**
     * 开启下一年度: the plan copied for cycle year + 1 (same standard version, phases and deliverables
     * a year later, the same assignments, the same rating scale), with every open carried-over
     * finding, and the open immediate ones the office names, brought into it. Any other open
     * immediate finding refuses the whole start: nothing is dropped silently.
     */
    async startNextYear(
      actor: Actor,
      planId: string,
      input: StartNextYearInput,
    ): Promise<StartNextYearResult> {
      return db.transaction(async (tx) => {
        const plan = await planOf(tx, actor, planId);
        await lockFindingsOfPlan(tx, plan.id);
        const fingerprint = nextYearFingerprint(plan);
        if (await findPlanByFingerprint(tx, actor.organizationId, fingerprint))
          throw new AppError('nextYear.exists', { year: plan.cycleYear + 1 });
        const rows = await listFindingsOfPlan(tx, actor.organizationId, plan.id, { lock: true });
        const decision = planCarryOver(rows, input.carryOver);
        if (decision.unknown.length > 0)
          throw new AppError(
            'nextYear.unknown_finding',
            {},
            decision.unknown.map((id) => ({ path: 'carryOver', message: id })),
          );
        if (decision.blocking.length > 0) {
          const blocking = rows.filter((row) => decision.blocking.includes(row.id));
          throw new AppError(
            'nextYear.open_immediate',
            {
              count: blocking.length,
              findings: blocking.map((row) => `${row.no}.${row.title}`).join('；'),
            },
            [],
            await preview(tx, actor, plan),
          );
        }

        const now = clock.now();
        const year = plan.cycleYear + 1;
        const sourcePhases = await listPhases(tx, plan.id);
        const sourceDeliverables = await listDeliverables(tx, plan.id);
        const chosenPhase = new Map(input.phases.map((phase) => [phase.position, phase]));
        const chosenDue = new Map(input.deliverables.map((entry) => [entry.fromId, entry.dueOn]));
        const shift = (date: string | null) => date && shiftIsoDate(date, 1);
        const newPhases = sourcePhases.map((phase) => {
          const chosen = chosenPhase.get(phase.position);
          return {
            ...phase,
            startsOn: chosen ? chosen.startsOn : shift(phase.startsOn),
            endsOn: chosen ? chosen.endsOn : shift(phase.endsOn),
          };
        });
        const newDeliverables = sourceDeliverables.map((deliverable) => ({
          ...deliverable,
          dueOn: chosenDue.get(deliverable.id) ?? shiftIsoDate(deliverable.dueOn, 1),
        }));
        refusePlanDates(
          newProblems(
            planDateProblems(
              sourcePhases.map((phase) => ({
                ...phase,
                startsOn: shift(phase.startsOn),
                endsOn: shift(phase.endsOn),
              })),
              sourceDeliverables.map((deliverable) => ({
                ...deliverable,
                dueOn: shiftIsoDate(deliverable.dueOn, 1),
              })),
            ),
            planDateProblems(newPhases, newDeliverables),
          ),
        );
        const next = await insertPlan(tx, {
          organizationId: actor.organizationId,
          standardId: plan.standardId,
          title: plan.title,
          noticeTitle: plan.noticeTitle,
          issuer: plan.issuer,
          issuedOn: null,
          printedOn: null,
          cycleYear: year,
          fingerprint,
          sourceFileName: plan.sourceFileName,
          sourceFormat: plan.sourceFormat,
          importWarnings: [
            `本方案由 ${plan.cycleYear} 年度工作方案开启：阶段和报送时限${input.phases.length + input.deliverables.length > 0 ? '已按开启时设定的日期填写（未设定的顺延一年）' : '已顺延一年'}，责任分工沿用上一年度，转入问题 ${decision.carried.length} 个。请核对后再下发。`,
          ],
          createdAt: now,
        });
        const phases = sourcePhases;
        const copiedPhases = await insertPhases(
          tx,
          newPhases.map((phase) => ({
            organizationId: actor.organizationId,
            planId: next.id,
            position: phase.position,
            kind: phase.kind,
            name: phase.name,
            startsOn: phase.startsOn,
            endsOn: phase.endsOn,
            sourceText: phase.sourceText,
          })),
        );
        const phaseId = new Map(
          phases.map((phase) => [
            phase.id,
            copiedPhases.find((copy) => copy.position === phase.position)!.id,
          ]),
        );
        await insertDeliverables(
          tx,
          newDeliverables.map((deliverable) => ({
            organizationId: actor.organizationId,
            planId: next.id,
            phaseId: deliverable.phaseId && (phaseId.get(deliverable.phaseId) ?? null),
            kind: deliverable.kind,
            title: deliverable.title,
            dueOn: deliverable.dueOn,
            recipient: deliverable.recipient,
            sourceText: deliverable.sourceText,
          })),
        );
        const assignmentRows = await listAssignmentsWithTargets(tx, plan.id);
        await insertAssignments(
          tx,
          assignmentRows.map(({ assignment }) => ({
            organizationId: actor.organizationId,
            planId: next.id,
            itemId: assignment.itemId,
            departmentId: assignment.departmentId,
            groupId: assignment.groupId,
            role: assignment.role,
            position: assignment.position,
          })),
        );
        const scale = await findRatingScale(tx, plan.id);
        if (scale)
          await insertRatingScale(tx, {
            planId: next.id,
            organizationId: actor.organizationId,
            levels: scale.levels,
            updatedAt: now,
          });

        const carried: StartNextYearResult['carried'] = [];
        let no = 0;
        for (const origin of rows.filter((row) => decision.carried.includes(row.id))) {
          no += 1;
          const copy = await insertFinding(tx, {
            organizationId: actor.organizationId,
            planId: next.id,
            no,
            title: origin.title,
            description: origin.description,
            kind: 'carried_over',
            ownerDepartmentId: origin.ownerDepartmentId,
            departmentIds: origin.departmentIds,
            itemIds: origin.itemIds,
            dueOn: shiftIsoDate(origin.dueOn, 1),
            originFindingId: origin.id,
            createdAt: now,
            updatedAt: now,
          });
          const comment = `由 ${plan.cycleYear} 年度问题 ${origin.no} 转入`;
          await insertFindingEvent(tx, {
            organizationId: actor.organizationId,
            findingId: copy.id,
            action: 'create',
            fromState: null,
            toState: copy.state,
            comment,
            actorUserId: actor.userId,
            actorName: actor.username,
            at: now,
          });
          const closed = await updateFindingAtVersion(tx, origin.id, origin.version, {
            state: 'carried_over',
            carriedToFindingId: copy.id,
            updatedAt: now,
          });
          if (!closed) throw new Error('locked finding changed');
          await insertFindingEvent(tx, {
            organizationId: actor.organizationId,
            findingId: origin.id,
            action: 'carry_over',
            fromState: origin.state,
            toState: 'carried_over',
            comment: `转入 ${year} 年度问题 ${copy.no}${origin.kind === 'immediate' ? '（立行立改问题，经确认转入）' : ''}`,
            actorUserId: actor.userId,
            actorName: actor.username,
            at: now,
          });
          await recordAudit(tx, clock, actor, {
            action: 'finding.carry_over',
            entityType: 'finding',
            entityId: origin.id,
            before: origin,
            after: { ...closed, explicit: origin.kind === 'immediate' },
          });
          await recordAudit(tx, clock, actor, {
            action: 'finding.create',
            entityType: 'finding',
            entityId: copy.id,
            after: copy,
          });
          carried.push({
            fromFindingId: origin.id,
            toFindingId: copy.id,
            no: copy.no,
            title: copy.title,
          });
        }
        await recordAudit(tx, clock, actor, {
          action: 'plan.start_next_year',
          entityType: 'plan',
          entityId: next.id,
          after: {
            fromPlanId: plan.id,
            cycleYear: year,
            phases: copiedPhases.length,
            assignments: assignmentRows.length,
            carried: carried.length,
            leftClosed: rows.filter((row) => !isFindingOpen(row.state)).length,
          },
        });
        return { planId: next.id, cycleYear: year, carried };
      });
    },
  };
}

export type FindingService = ReturnType<typeof createFindingService>;
