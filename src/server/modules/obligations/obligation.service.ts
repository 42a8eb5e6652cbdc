import { compareChinese } from '../../../shared/collections';
import type { z } from 'zod';
import type {
  ComplianceRow,
  ComplianceView,
  complianceQuerySchema,
  createObligationBodySchema,
  DepartmentObligations,
  ObligationView,
  OccurrenceView,
  PeriodComplianceView,
  recordOccurrenceBodySchema,
  updateObligationBodySchema,
} from '../../../shared/api/obligations';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { assessFrequency, type PlanCalendar } from '../../../shared/obligations/compliance';
import { proposeObligations } from '../../../shared/obligations/propose-obligations';
import {
  assessReadings,
  isCountedByReadings,
  planCalendar,
} from '../../../shared/obligations/readings';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import { assertEvidenceUsable, evidenceViewsById } from '../evidence/evidence.service';
import type { EvidenceView } from '../../../shared/api/evidence';
import type { Actor } from '../auth/actor';
import { listPlanAssignmentTargets } from '../breakdowns/breakdown.repository';
import { dutiesOf } from '../breakdowns/breakdown.rules';
import { listDepartments } from '../departments/department.repository';
import type { Department } from '../departments/department.table';
import { listPhases } from '../plans/plan.repository';
import { listItemsOfStandard } from '../standards/standard.repository';
import type { Item } from '../standards/standard.table';
import {
  deleteOccurrence,
  findObligation,
  findOccurrence,
  insertObligation,
  insertOccurrence,
  insertProposals,
  listObligationsOfPlan,
  listOccurrenceFactsOfPlan,
  listOccurrencesOfPlan,
  type OccurrenceFacts,
  updateObligationAtVersion,
} from './obligation.repository';
import { confirmedTerms, defaultScope, needsConfirmation, proposalKey } from './obligation.rules';
import type { ObligationRow, OccurrenceRow } from './obligation.table';
import { requirePlan } from '../plans/plan.scope';
import { requireReachableDepartment } from '../departments/department.scope';

type CreateInput = z.output<typeof createObligationBodySchema>;
type UpdateInput = z.output<typeof updateObligationBodySchema>;
type OccurrenceInput = z.output<typeof recordOccurrenceBodySchema>;
type ComplianceQuery = z.output<typeof complianceQuerySchema>;

interface Responsible {
  department: Department;
  role: 'lead' | 'support';
}

/** Everything obligations are judged against: the plan, its items, who answers for each, its calendar. */
/** The plan's records a caller has read already (the quality report's), so that they are not read again. */
export interface PlanRecords {
  plan: Awaited<ReturnType<typeof requirePlan>>['plan'];
  targets: Awaited<ReturnType<typeof listPlanAssignmentTargets>>;
  allItems: Awaited<ReturnType<typeof listItemsOfStandard>>;
  allDepartments: Awaited<ReturnType<typeof listDepartments>>;
}

async function loadPlanContext(
  executor: Executor,
  organizationId: string,
  planId: string,
  records?: PlanRecords,
) {
  const plan = records?.plan ?? (await requirePlan(executor, organizationId, planId)).plan;
  // One after another: a transaction is one connection, which runs one query at a time anyway.
  const targets = records?.targets ?? (await listPlanAssignmentTargets(executor, plan.id));
  const allItems = records?.allItems ?? (await listItemsOfStandard(executor, plan.standardId));
  const allDepartments =
    records?.allDepartments ?? (await listDepartments(executor, organizationId));
  const phases = await listPhases(executor, plan.id);
  const responsible = new Map<string, Responsible[]>();
  for (const department of allDepartments) {
    for (const [itemId, duty] of dutiesOf(department, targets)) {
      const list = responsible.get(itemId);
      if (list) list.push({ department, role: duty.role });
      else responsible.set(itemId, [{ department, role: duty.role }]);
    }
  }
  for (const list of responsible.values())
    list.sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1));
  const calendar: PlanCalendar = planCalendar(phases, plan.cycleYear);
  return {
    plan,
    targets,
    items: new Map(allItems.map((item) => [item.id, item])),
    itemList: allItems,
    departments: new Map(allDepartments.map((department) => [department.id, department])),
    responsible,
    calendar,
  };
}
type PlanContext = Awaited<ReturnType<typeof loadPlanContext>>;

function toObligationView(row: ObligationRow, context: PlanContext): ObligationView {
  const item = context.items.get(row.itemId)!;
  return {
    id: row.id,
    planId: row.planId,
    item: { id: item.id, no: item.no, content: item.content, focus: item.focus },
    status: row.status,
    kind: row.kind,
    period: row.period,
    minimumCount: row.minimumCount,
    targetPercent: row.targetPercent,
    population: row.population,
    scope: row.scope,
    source: row.source ?? null,
    needsConfirmation: needsConfirmation(row),
    countedByReadings: isCountedByReadings({ kind: row.kind, eachOf: row.population }),
    note: row.note,
    departments: (context.responsible.get(row.itemId) ?? []).map(({ department, role }) => ({
      id: department.id,
      name: department.name,
      role,
    })),
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toOccurrenceView(
  row: OccurrenceRow,
  context: PlanContext,
  evidence: ReadonlyMap<string, EvidenceView>,
): OccurrenceView {
  return {
    id: row.id,
    obligationId: row.obligationId,
    department: {
      id: row.departmentId,
      name: context.departments.get(row.departmentId)?.name ?? '',
    },
    occurredOn: row.occurredOn,
    description: row.description,
    evidenceIds: row.evidenceIds,
    evidence: row.evidenceIds.flatMap((id) => evidence.get(id) ?? []),
    achieved: row.achieved,
    outOf: row.outOf,
    recordedByName: row.recordedByName,
    recordedAt: row.recordedAt.toISOString(),
  };
}

const byItemNo = (context: PlanContext) => (a: ObligationRow, b: ObligationRow) =>
  context.items.get(a.itemId)!.no - context.items.get(b.itemId)!.no ||
  (a.source?.field === b.source?.field
    ? (a.source?.start ?? Infinity) - (b.source?.start ?? Infinity)
    : a.source?.field === 'content'
      ? -1
      : 1);

/**
 * Compliance of each confirmed obligation, for each department that must meet it (each_department)
 * or once for the institution (department null), judged at `now` on the plan's calendar.
 */
function assess(
  context: PlanContext,
  rows: readonly ObligationRow[],
  allOccurrences: readonly OccurrenceFacts[],
  now: Date,
  onlyDepartmentId?: string,
): ComplianceRow[] {
  const result: ComplianceRow[] = [];
  // Each obligation's occurrences by department, in their order: one pass, not a filter per
  // department of each obligation (80 departments × thousands of occurrences in a snapshot).
  const occurrencesOf = new Map<
    string,
    { all: OccurrenceFacts[]; byDepartment: Map<string, OccurrenceFacts[]> }
  >();
  for (const occurrence of allOccurrences) {
    let ofObligation = occurrencesOf.get(occurrence.obligationId);
    if (!ofObligation) {
      ofObligation = { all: [], byDepartment: new Map() };
      occurrencesOf.set(occurrence.obligationId, ofObligation);
    }
    ofObligation.all.push(occurrence);
    const mine = ofObligation.byDepartment.get(occurrence.departmentId);
    if (mine) mine.push(occurrence);
    else ofObligation.byDepartment.set(occurrence.departmentId, [occurrence]);
  }
  for (const row of rows) {
    const terms = row.status === 'confirmed' ? confirmedTerms(row) : null;
    if (!terms) continue;
    const responsible = context.responsible.get(row.itemId) ?? [];
    if (onlyDepartmentId && !responsible.some((entry) => entry.department.id === onlyDepartmentId))
      continue;
    const subjects: (Department | null)[] =
      row.scope === 'institution'
        ? [null]
        : responsible
            .map((entry) => entry.department)
            .filter((department) => !onlyDepartmentId || department.id === onlyDepartmentId);
    const ofObligation = occurrencesOf.get(row.id);
    for (const department of subjects) {
      const mine =
        (department ? ofObligation?.byDepartment.get(department.id) : ofObligation?.all) ?? [];
      const report =
        terms.kind === 'frequency' && !isCountedByReadings(terms)
          ? assessFrequency(
              terms,
              context.calendar,
              mine.map((occurrence) => occurrence.occurredOn),
              now,
            )
          : assessReadings(
              terms,
              context.calendar,
              mine
                .filter((occurrence) => occurrence.achieved !== null && occurrence.outOf !== null)
                .map((occurrence) => ({
                  on: occurrence.occurredOn,
                  achieved: occurrence.achieved!,
                  outOf: occurrence.outOf!,
                })),
              now,
            );
      result.push({
        obligationId: row.id,
        item: { id: row.itemId, no: context.items.get(row.itemId)!.no },
        kind: terms.kind,
        period: terms.period,
        scope: row.scope,
        department: department ? { id: department.id, name: department.name } : null,
        periods: report.periods.map(
          (period): PeriodComplianceView => ({
            label: period.label,
            startsOn: period.startsOn,
            endsOn: period.endsOn,
            extendsBeyondCycle: period.extendsBeyondCycle,
            required: period.required,
            recorded: period.recorded,
            shortfall: period.shortfall,
            status: period.status,
          }),
        ),
        notCounted: report.notCounted.map(({ on, reason }) => ({ on, reason })),
      });
    }
  }
  return result;
}

/** The instant compliance is judged at for a calendar day: noon in China Standard Time, inside that day. */
function instantOf(today: Date | string): Date {
  return typeof today === 'string' ? new Date(`${today}T12:00:00+08:00`) : today;
}

export interface MissingOccurrence {
  departmentId: string;
  departmentName: string;
  obligationId: string;
  itemId: string;
  itemNo: number;
  periodLabel: string;
  periodEndsOn: string;
  required: number | null;
  recorded: number | null;
}

/**
 * Every period that has ended short of a confirmed obligation, by the department to remind: the
 * department itself for an each_department obligation, the item's lead departments (every
 * responsible one when none leads) for an institution-wide one. `today` is a calendar day
 * (yyyy-mm-dd, China Standard Time) or an instant. For the supervision job's reminders.
 */
export async function listMissingOccurrences(
  executor: Executor,
  organizationId: string,
  planId: string,
  today: Date | string,
): Promise<MissingOccurrence[]> {
  const context = await loadPlanContext(executor, organizationId, planId);
  const rows = (await listObligationsOfPlan(executor, organizationId, planId))
    .filter((row) => row.status === 'confirmed')
    .sort(byItemNo(context));
  const allOccurrences = await listOccurrenceFactsOfPlan(
    executor,
    organizationId,
    planId,
    rows.map((row) => row.id),
  );
  const missing: MissingOccurrence[] = [];
  for (const row of assess(context, rows, allOccurrences, instantOf(today))) {
    const responsible = context.responsible.get(row.item.id) ?? [];
    const leads = responsible.filter((entry) => entry.role === 'lead');
    const reminded = row.department
      ? [row.department]
      : (leads.length > 0 ? leads : responsible).map((entry) => ({
          id: entry.department.id,
          name: entry.department.name,
        }));
    for (const period of row.periods.filter((candidate) => candidate.status === 'late')) {
      for (const department of reminded) {
        missing.push({
          departmentId: department.id,
          departmentName: department.name,
          obligationId: row.obligationId,
          itemId: row.item.id,
          itemNo: row.item.no,
          periodLabel: period.label,
          periodEndsOn: period.endsOn,
          required: period.required,
          recorded: period.recorded,
        });
      }
    }
  }
  return missing;
}

const PERIOD_WORDS: Record<NonNullable<ObligationRow['period']>, string> = {
  month: '每月',
  quarter: '每季度',
  semester: '每学期',
  year: '每年',
  cycle: '方案周期内',
};

/** The obligation in the words a Chinese report prints: 每学期至少1次（全校合计）. */
export function describeObligationInChinese(
  row: Pick<
    ObligationRow,
    'kind' | 'period' | 'minimumCount' | 'targetPercent' | 'population' | 'scope'
  >,
): string {
  const period = row.period ? PERIOD_WORDS[row.period] : '周期待定';
  const terms =
    row.kind === 'coverage'
      ? `${row.population ?? '覆盖对象'}达到${row.targetPercent ?? '?'}%（${period}核对）`
      : `${row.population ? `每名${row.population}` : ''}${period}至少${row.minimumCount ?? '?'}次`;
  return `${terms}（${row.scope === 'institution' ? '全校合计' : '每个责任部门'}）`;
}

/**
 * Each confirmed obligation of a plan with the state of every period it is judged in at `now`
 * (for an each_department obligation, every department's periods), for the quality report.
 */
export async function assessPlanObligations(
  executor: Executor,
  organizationId: string,
  planId: string,
  now: Date,
  records?: PlanRecords,
) {
  const context = await loadPlanContext(executor, organizationId, planId, records);
  const rows = (await listObligationsOfPlan(executor, organizationId, planId))
    .filter((row) => row.status === 'confirmed')
    .sort(byItemNo(context));
  const assessed = assess(
    context,
    rows,
    await listOccurrenceFactsOfPlan(
      executor,
      organizationId,
      planId,
      rows.map((row) => row.id),
    ),
    now,
  );
  return rows.map((row) => ({
    id: row.id,
    itemNo: context.items.get(row.itemId)!.no,
    description: describeObligationInChinese(row),
    periods: assessed
      .filter((entry) => entry.obligationId === row.id)
      .flatMap((entry) =>
        entry.periods.map((period) => ({
          label: period.label,
          department: entry.department?.name ?? null,
          status: period.status,
        })),
      ),
  }));
}

/**
 * A department records that it did what a confirmed obligation asks, on a day not after today:
 * its liaison for the items it answers for, the coordinating office for any department. Inside
 * the caller's transaction, so that one activity can be a progress report and an occurrence at once.
 */
export async function recordOccurrenceIn(
  tx: Executor,
  clock: Clock,
  actor: Actor,
  planId: string,
  obligationId: string,
  input: OccurrenceInput,
): Promise<OccurrenceView> {
  const context = await loadPlanContext(tx, actor.organizationId, planId);
  const obligation = await findObligation(tx, actor.organizationId, context.plan.id, obligationId);
  if (!obligation) throw new AppError('obligation.not_found');
  const department = await requireReachableDepartment(tx, actor, input.departmentId);
  const item = context.items.get(obligation.itemId)!;
  if (
    !(context.responsible.get(obligation.itemId) ?? []).some(
      (entry) => entry.department.id === department.id,
    )
  ) {
    throw new AppError('obligation.not_assigned', {
      no: item.no,
      department: department.name,
    });
  }
  if (obligation.status !== 'confirmed') throw new AppError('obligation.not_confirmed');
  const now = clock.now();
  const today = calendarDate(now);
  if (input.occurredOn > today)
    throw new AppError('occurrence.future', { date: input.occurredOn, today });
  const byReadings = isCountedByReadings({
    kind: obligation.kind,
    eachOf: obligation.population,
  });
  if (byReadings && input.achieved === null) throw new AppError('occurrence.share_required');
  if (!byReadings && input.achieved !== null) throw new AppError('occurrence.share_not_applicable');
  const evidence = await assertEvidenceUsable(tx, actor, input.evidenceIds);
  const row = await insertOccurrence(tx, {
    organizationId: actor.organizationId,
    planId: context.plan.id,
    obligationId: obligation.id,
    departmentId: department.id,
    occurredOn: input.occurredOn,
    description: input.description,
    evidenceIds: input.evidenceIds,
    achieved: input.achieved,
    outOf: input.outOf,
    recordedBy: actor.userId,
    recordedByName: actor.username,
    recordedAt: now,
  });
  await recordAudit(tx, clock, actor, {
    action: 'occurrence.record',
    entityType: 'occurrence',
    entityId: row.id,
    after: row,
  });
  return toOccurrenceView(
    row,
    context,
    await evidenceViewsById(
      tx,
      actor.organizationId,
      evidence.map((record) => record.id),
    ),
  );
}

export function createObligationService({ db, clock }: { db: Database; clock: Clock }) {
  /** A department of the actor's organization that the actor may act for: a liaison only their own. */
  async function reachableDepartment(
    executor: Executor,
    actor: Actor,
    departmentId: string,
  ): Promise<Department> {
    return requireReachableDepartment(executor, actor, departmentId);
  }

  /** A liaison's own department, or the one asked for when it is theirs. */
  async function ownDepartment(actor: Actor, asked: string | undefined): Promise<Department> {
    const wanted = asked ?? actor.departmentId;
    if (!wanted) throw new AppError('auth.forbidden');
    return reachableDepartment(db, actor, wanted);
  }

  async function obligationOrThrow(
    executor: Executor,
    actor: Actor,
    planId: string,
    obligationId: string,
  ) {
    const row = await findObligation(executor, actor.organizationId, planId, obligationId);
    if (!row) throw new AppError('obligation.not_found');
    return row;
  }

  async function list(
    actor: Actor,
    planId: string,
    status?: ObligationRow['status'],
  ): Promise<ObligationView[]> {
    const context = await loadPlanContext(db, actor.organizationId, planId);
    const rows = await listObligationsOfPlan(db, actor.organizationId, context.plan.id);
    return rows
      .filter((row) => !status || row.status === status)
      .sort(byItemNo(context))
      .map((row) => toObligationView(row, context));
  }

  return {
    list,

    /**
     * Reads every item of the plan and records what it proposes. Idempotent: a proposal already
     * recorded, whatever became of it (confirmed, edited, dismissed), is left as it is.
     */
    async propose(actor: Actor, planId: string) {
      return db.transaction(async (tx) => {
        const context = await loadPlanContext(tx, actor.organizationId, planId);
        const now = clock.now();
        const proposals = context.itemList.flatMap((item: Item) =>
          proposeObligations(item).map((proposal) => ({
            organizationId: actor.organizationId,
            planId: context.plan.id,
            itemId: item.id,
            status: 'proposed' as const,
            kind: proposal.kind,
            period: proposal.period,
            minimumCount: proposal.kind === 'frequency' ? proposal.minimumCount : null,
            targetPercent: proposal.kind === 'coverage' ? proposal.targetPercent : null,
            population: proposal.kind === 'frequency' ? proposal.eachOf : proposal.population,
            scope: defaultScope(item.id, context.targets),
            source: proposal.source,
            proposalKey: proposalKey(item.id, proposal.kind, proposal.source),
            createdAt: now,
            updatedAt: now,
          })),
        );
        const created = await insertProposals(tx, proposals);
        await recordAudit(tx, clock, actor, {
          action: 'obligation.propose',
          entityType: 'plan',
          entityId: context.plan.id,
          after: {
            proposed: proposals.length,
            created: created.length,
            createdIds: created.map((row) => row.id),
          },
        });
        const rows = (await listObligationsOfPlan(tx, actor.organizationId, context.plan.id)).sort(
          byItemNo(context),
        );
        return {
          created: created.length,
          existing: proposals.length - created.length,
          obligations: rows.map((row) => toObligationView(row, context)),
        };
      });
    },

    async create(actor: Actor, planId: string, input: CreateInput): Promise<ObligationView> {
      return db.transaction(async (tx) => {
        const context = await loadPlanContext(tx, actor.organizationId, planId);
        if (!context.items.has(input.itemId)) throw new AppError('item.not_found');
        const terms = {
          kind: input.kind,
          period: input.period,
          minimumCount: input.kind === 'frequency' ? input.minimumCount : null,
          targetPercent: input.kind === 'coverage' ? input.targetPercent : null,
          population: input.population,
        };
        if (!confirmedTerms(terms)) throw new AppError('obligation.incomplete');
        const now = clock.now();
        const row = await insertObligation(tx, {
          organizationId: actor.organizationId,
          planId: context.plan.id,
          itemId: input.itemId,
          status: 'confirmed',
          ...terms,
          scope: input.scope,
          source: null,
          proposalKey: null,
          note: input.note,
          createdAt: now,
          updatedAt: now,
        });
        await recordAudit(tx, clock, actor, {
          action: 'obligation.create',
          entityType: 'obligation',
          entityId: row.id,
          after: row,
        });
        return toObligationView(row, context);
      });
    },

    /** Edit, confirm or dismiss at the version the coordinator saw; confirming needs complete terms. */
    async update(
      actor: Actor,
      planId: string,
      obligationId: string,
      input: UpdateInput,
    ): Promise<ObligationView> {
      return db.transaction(async (tx) => {
        const context = await loadPlanContext(tx, actor.organizationId, planId);
        const before = await obligationOrThrow(tx, actor, context.plan.id, obligationId);
        if (before.version !== input.version)
          throw new AppError(
            'obligation.version_conflict',
            { version: before.version },
            [],
            toObligationView(before, context),
          );
        const kind = input.kind ?? before.kind;
        const merged = {
          kind,
          period: input.period === undefined ? before.period : input.period,
          minimumCount:
            kind === 'coverage'
              ? null
              : input.minimumCount === undefined
                ? before.minimumCount
                : input.minimumCount,
          targetPercent:
            kind === 'frequency'
              ? null
              : input.targetPercent === undefined
                ? before.targetPercent
                : input.targetPercent,
          population: input.population === undefined ? before.population : input.population,
          scope: input.scope ?? before.scope,
          note: input.note === undefined ? before.note : input.note,
          status: input.status ?? before.status,
        };
        if (merged.status === 'confirmed' && !confirmedTerms({ ...merged, source: before.source }))
          throw new AppError('obligation.incomplete');
        const after = await updateObligationAtVersion(tx, before.id, input.version, {
          ...merged,
          updatedAt: clock.now(),
        });
        if (!after) {
          const current = await obligationOrThrow(tx, actor, context.plan.id, obligationId);
          throw new AppError(
            'obligation.version_conflict',
            { version: current.version },
            [],
            toObligationView(current, context),
          );
        }
        const action =
          input.status && input.status !== before.status
            ? {
                confirmed: 'obligation.confirm',
                dismissed: 'obligation.dismiss',
                proposed: 'obligation.reopen',
              }[input.status]
            : 'obligation.update';
        await recordAudit(tx, clock, actor, {
          action,
          entityType: 'obligation',
          entityId: after.id,
          before,
          after,
        });
        return toObligationView(after, context);
      });
    },

    /** 批量确认: each obligation confirmed alone, so one incomplete or stale one is refused alone. */
    async confirmMany(
      actor: Actor,
      planId: string,
      input: { obligations: readonly { id: string; version: number }[] },
    ): Promise<{
      confirmed: ObligationView[];
      refused: { id: string; itemNo: number | null; error: AppError }[];
    }> {
      const context = await loadPlanContext(db, actor.organizationId, planId);
      const itemOf = new Map(
        (await listObligationsOfPlan(db, actor.organizationId, context.plan.id)).map((row) => [
          row.id,
          context.items.get(row.itemId)?.no ?? null,
        ]),
      );
      const confirmed: ObligationView[] = [];
      const refused: { id: string; itemNo: number | null; error: AppError }[] = [];
      for (const { id, version } of input.obligations) {
        try {
          confirmed.push(
            await this.update(actor, context.plan.id, id, { version, status: 'confirmed' }),
          );
        } catch (caught) {
          if (!(caught instanceof AppError)) throw caught;
          refused.push({ id, itemNo: itemOf.get(id) ?? null, error: caught });
        }
      }
      return { confirmed, refused };
    },

    async listOccurrences(
      actor: Actor,
      planId: string,
      query: { departmentId?: string | undefined; obligationId?: string | undefined },
    ): Promise<OccurrenceView[]> {
      const context = await loadPlanContext(db, actor.organizationId, planId);
      const departmentId =
        actor.role === 'liaison'
          ? (await ownDepartment(actor, query.departmentId)).id
          : query.departmentId;
      const rows = await listOccurrencesOfPlan(db, actor.organizationId, context.plan.id, {
        departmentId,
        ...(query.obligationId ? { obligationIds: [query.obligationId] } : {}),
      });
      const evidence = await evidenceViewsById(
        db,
        actor.organizationId,
        rows.flatMap((row) => row.evidenceIds),
      );
      return rows.map((row) => toOccurrenceView(row, context, evidence));
    },

    /**
     * A department records that it did what a confirmed obligation asks, on a day not after today:
     * its liaison for the items it answers for, the coordinating office for any department.
     */
    async recordOccurrence(
      actor: Actor,
      planId: string,
      obligationId: string,
      input: OccurrenceInput,
    ): Promise<OccurrenceView> {
      return db.transaction((tx) =>
        recordOccurrenceIn(tx, clock, actor, planId, obligationId, input),
      );
    },

    async deleteOccurrence(actor: Actor, planId: string, occurrenceId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const found = await requirePlan(tx, actor.organizationId, planId);
        const before = await findOccurrence(tx, actor.organizationId, found.plan.id, occurrenceId);
        if (!before) throw new AppError('occurrence.not_found');
        await reachableDepartment(tx, actor, before.departmentId);
        await deleteOccurrence(tx, before.id);
        await recordAudit(tx, clock, actor, {
          action: 'occurrence.delete',
          entityType: 'occurrence',
          entityId: before.id,
          before,
        });
      });
    },

    /** Compliance by obligation × department × period by the clock; a liaison sees their own department's. */
    async compliance(
      actor: Actor,
      planId: string,
      query: ComplianceQuery,
    ): Promise<ComplianceView> {
      const context = await loadPlanContext(db, actor.organizationId, planId);
      const departmentId =
        actor.role === 'liaison'
          ? (await ownDepartment(actor, query.departmentId)).id
          : query.departmentId;
      if (departmentId && !context.departments.has(departmentId))
        throw new AppError('department.not_found');
      const now = clock.now();
      const rows = (await listObligationsOfPlan(db, actor.organizationId, context.plan.id))
        .filter(
          (row) =>
            row.status === 'confirmed' &&
            (!query.obligationId || row.id === query.obligationId) &&
            (!query.period || row.period === query.period),
        )
        .sort(byItemNo(context));
      const assessed = assess(
        context,
        rows,
        await listOccurrenceFactsOfPlan(
          db,
          actor.organizationId,
          context.plan.id,
          rows.map((row) => row.id),
        ),
        now,
        departmentId,
      );
      const tally = new Map<string, ComplianceView['byDepartment'][number]>();
      for (const row of assessed) {
        const key = row.department?.id ?? '';
        const entry = tally.get(key) ?? {
          department: row.department,
          met: 0,
          inProgress: 0,
          upcoming: 0,
          late: 0,
        };
        for (const period of row.periods) {
          if (period.status === 'met') entry.met += 1;
          else if (period.status === 'in-progress') entry.inProgress += 1;
          else if (period.status === 'upcoming') entry.upcoming += 1;
          else entry.late += 1;
        }
        tally.set(key, entry);
      }
      return {
        today: calendarDate(now),
        cycle: context.calendar.cycle,
        rows: assessed,
        byDepartment: [...tally.values()].sort(
          (a, b) =>
            b.late - a.late || compareChinese(a.department?.name ?? '', b.department?.name ?? ''),
        ),
      };
    },

    /** A department's 履职记录: its confirmed obligations, where each period stands, and what it recorded. */
    async ofDepartment(
      actor: Actor,
      planId: string,
      departmentId: string,
    ): Promise<DepartmentObligations> {
      const context = await loadPlanContext(db, actor.organizationId, planId);
      const department = await reachableDepartment(db, actor, departmentId);
      const now = clock.now();
      const today = calendarDate(now);
      const rows = (await listObligationsOfPlan(db, actor.organizationId, context.plan.id))
        .filter(
          (row) =>
            row.status === 'confirmed' &&
            (context.responsible.get(row.itemId) ?? []).some(
              (entry) => entry.department.id === department.id,
            ),
        )
        .sort(byItemNo(context));
      const allOccurrences = await listOccurrencesOfPlan(
        db,
        actor.organizationId,
        context.plan.id,
        { obligationIds: rows.map((row) => row.id) },
      );
      const assessed = assess(context, rows, allOccurrences, now, department.id);
      const evidence = await evidenceViewsById(
        db,
        actor.organizationId,
        allOccurrences.flatMap((occurrence) => occurrence.evidenceIds),
      );
      return {
        today,
        cycle: context.calendar.cycle,
        department: { id: department.id, name: department.name },
        obligations: rows.map((row) => {
          const periods = assessed.find((entry) => entry.obligationId === row.id)?.periods ?? [];
          const shared = row.scope === 'institution';
          return {
            obligation: toObligationView(row, context),
            periods,
            current:
              periods.find((period) => period.startsOn <= today && today <= period.endsOn) ?? null,
            shared,
            occurrences: allOccurrences
              .filter(
                (occurrence) =>
                  occurrence.obligationId === row.id &&
                  (shared || occurrence.departmentId === department.id),
              )
              .map((occurrence) => toOccurrenceView(occurrence, context, evidence)),
          };
        }),
      };
    },
  };
}

export type ObligationService = ReturnType<typeof createObligationService>;
