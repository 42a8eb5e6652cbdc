import { compareChinese, groupBy } from '../../../shared/collections';
import { queueMessages } from '../notifications/notification.outbox';
import type { z } from 'zod';
import type {
  ConclusionItem,
  ConclusionView,
  DepartmentRating,
  InstitutionRatingView,
  moderateBodySchema,
  ModerationView,
  rateItemBodySchema,
  RatingScaleView,
  returnSummaryBodySchema,
  saveSummaryBodySchema,
  setRatingScaleBodySchema,
  SummaryList,
  SummaryView,
} from '../../../shared/api/conclusion';
import {
  defaultRatingScale,
  scoreOf,
  type RatingLevel,
} from '../../../shared/conclusion/rating-scale';
import { rollUpRatings } from '../../../shared/conclusion/rollup';
import { summaryProblems } from '../../../shared/conclusion/summary-problems';
import { isPastDue } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { readTogether } from '../../db/read-together';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { listPlanAssignmentTargets } from '../breakdowns/breakdown.repository';
import { dutiesOf, type DepartmentDuty } from '../breakdowns/breakdown.rules';
import { listDepartments } from '../departments/department.repository';
import type { Department } from '../departments/department.table';
import { assertEvidenceUsable } from '../evidence/evidence.service';
import { listDeliverables } from '../plans/plan.repository';
import { listIndicatorsOfStandard, listItemsOfStandard } from '../standards/standard.repository';
import { assembleIndicatorTree } from '../standards/standard.rules';
import type { Indicator, Item } from '../standards/standard.table';
import type { Deliverable } from '../plans/plan.table';
import {
  findInstitutionRating,
  findRatingScale,
  findSelfAssessment,
  findSummary,
  insertInstitutionRating,
  insertRatingScale,
  insertSelfAssessment,
  insertSummary,
  listInstitutionRatings,
  listSelfAssessments,
  listSummariesOfPlan,
  lockScaleOfPlan,
  planHasRatings,
  readConclusionFrame,
  type ConclusionFrame,
  updateInstitutionRatingAtVersion,
  updateRatingScaleAtVersion,
  updateSelfAssessmentAtVersion,
  updateSummaryAtVersion,
} from './conclusion.repository';
import type { InstitutionRating, SelfAssessment, Summary } from './conclusion.table';
import { requirePlan } from '../plans/plan.scope';
import { requirePlanAndReachableDepartment } from '../departments/department.scope';

type SaveSummaryInput = z.output<typeof saveSummaryBodySchema>;
type RateInput = z.output<typeof rateItemBodySchema>;
type ModerateInput = z.output<typeof moderateBodySchema>;
type ScaleInput = z.output<typeof setRatingScaleBodySchema>;
type ReturnInput = z.output<typeof returnSummaryBodySchema>;

function toSummaryView(
  department: Pick<Department, 'id' | 'name'>,
  summary: Summary | undefined,
): SummaryView {
  return {
    department: { id: department.id, name: department.name },
    status: summary?.status ?? 'not_started',
    highlights: summary?.highlights ?? '',
    results: summary?.results ?? '',
    cases: summary?.cases ?? '',
    evidenceIds: summary?.evidenceIds ?? [],
    returnComment: summary?.status === 'returned' ? summary.returnComment : null,
    submittedAt: summary?.submittedAt?.toISOString() ?? null,
    version: summary?.version ?? 0,
    updatedAt: summary?.updatedAt.toISOString() ?? null,
  };
}

function toDepartmentRating(row: SelfAssessment, scale: readonly RatingLevel[]): DepartmentRating {
  return {
    rating: row.rating,
    score: scoreOf(scale, row.rating) ?? null,
    justification: row.justification,
    evidenceIds: row.evidenceIds,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toInstitutionRating(
  row: InstitutionRating,
  scale: readonly RatingLevel[],
): InstitutionRatingView {
  return {
    rating: row.rating,
    score: scoreOf(scale, row.rating) ?? null,
    note: row.note,
    moderatedBy: row.moderatedBy,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

const filled = (text: string | undefined) => (text ?? '').trim().length > 0;

/** The summary's due day: the plan's summary deliverable's, else its self-assessment's. */
function summaryDueOnOf(
  deliverables: readonly Pick<Deliverable, 'kind' | 'dueOn'>[],
): string | null {
  return (
    (
      deliverables.find((deliverable) => deliverable.kind === 'summary') ??
      deliverables.find((deliverable) => deliverable.kind === 'self_assessment')
    )?.dueOn ?? null
  );
}

/** Every item of the standard with its level-1 and level-2 indicators, in the tree's order. */
function placeItems(allIndicators: Indicator[], allItems: Item[]) {
  const tree = assembleIndicatorTree(allIndicators, allItems, (item) => item);
  const placed: {
    item: Item;
    level1: { code: string; title: string };
    level2: { code: string; title: string };
  }[] = [];
  for (const level1 of tree) {
    for (const level2 of level1.children) {
      for (const item of level2.items)
        placed.push({
          item,
          level1: { code: level1.code, title: level1.title },
          level2: { code: level2.code, title: level2.title },
        });
    }
  }
  return { tree, placed };
}

export function createConclusionService({ db, clock }: { db: Database; clock: Clock }) {
  async function planOf(executor: Executor, actor: Actor, planId: string) {
    const found = await requirePlan(executor, actor.organizationId, planId);
    return found.plan;
  }

  /** The plan and department, both of the actor's organization; a liaison only reaches their own department. */
  async function scope(executor: Executor, actor: Actor, planId: string, departmentId: string) {
    // One statement for both (a save's first round trip).
    const { plan, department } = await requirePlanAndReachableDepartment(
      executor,
      actor,
      planId,
      departmentId,
    );
    return { plan, department };
  }

  async function scaleOf(
    executor: Executor,
    planId: string,
  ): Promise<{ levels: RatingLevel[]; custom: boolean; version: number }> {
    const row = await findRatingScale(executor, planId);
    return row
      ? { levels: row.levels, custom: true, version: row.version }
      : { levels: defaultRatingScale.map((level) => ({ ...level })), custom: false, version: 0 };
  }

  async function summaryDueOn(executor: Executor, planId: string): Promise<string | null> {
    return summaryDueOnOf(await listDeliverables(executor, planId));
  }

  const isLate = (status: SummaryView['status'], dueOn: string | null) =>
    dueOn !== null && status !== 'submitted' && isPastDue(dueOn, clock.now());

  /** The item's level-1 and level-2 indicators, for every item of the standard. */
  async function itemsWithIndicators(
    executor: Executor,
    standardId: string,
    /** The standard's items, when the caller has read them already. */
    knownItems?: Awaited<ReturnType<typeof listItemsOfStandard>>,
  ) {
    // One after the other: the executor may be a transaction, which runs one query at a time.
    const allIndicators = await listIndicatorsOfStandard(executor, standardId);
    const allItems = knownItems ?? (await listItemsOfStandard(executor, standardId));
    return placeItems(allIndicators, allItems);
  }

  /** A summary that may still be changed: not submitted. Locked for this transaction when it exists. */
  async function assertEditable(
    executor: Executor,
    planId: string,
    departmentId: string,
  ): Promise<Summary | undefined> {
    const summary = await findSummary(executor, planId, departmentId, { lock: true });
    if (summary?.status === 'submitted') throw new AppError('summary.locked');
    return summary;
  }

  /**
   * The department's conclude phase. `known`: what a write in the same transaction has read
   * already and did not change (its scope, the assignments, the summary, the scale), not read again.
   */
  async function view(
    executor: Executor,
    actor: Actor,
    planId: string,
    departmentId: string,
    known?: {
      scope: Awaited<ReturnType<typeof scope>>;
      frame: ConclusionFrame;
      summary: Summary | undefined;
      scale: Awaited<ReturnType<typeof scaleOf>>;
      /** The department's ratings as the write left them. */
      ratings: SelfAssessment[];
    },
  ): Promise<ConclusionView> {
    const { plan, department } =
      known?.scope ?? (await scope(executor, actor, planId, departmentId));
    // The plan's items, indicators, assignments, deliverables and moderated ratings: one statement.
    const frame = known?.frame ?? (await readConclusionFrame(executor, plan.standardId, plan.id));
    const { placed } = placeItems(frame.indicators, frame.items);
    const summary = known ? known.summary : await findSummary(executor, plan.id, department.id);
    const ratings = known?.ratings ?? (await listSelfAssessments(executor, plan.id, department.id));
    const scale = known?.scale ?? (await scaleOf(executor, plan.id));
    const dueOn = summaryDueOnOf(frame.deliverables);
    const duties = dutiesOf(department, frame.targets);
    const ratingOf = new Map(ratings.map((row) => [row.itemId, row]));
    const moderatedOf = new Map(frame.moderated.map((row) => [row.itemId, row]));
    const items: ConclusionItem[] = placed
      .filter(({ item }) => duties.has(item.id))
      .map(({ item, level1, level2 }) => {
        const mine = ratingOf.get(item.id);
        const institution = moderatedOf.get(item.id);
        return {
          id: item.id,
          no: item.no,
          content: item.content,
          focus: item.focus,
          role: duties.get(item.id)!.role,
          level1,
          level2,
          mine: mine ? toDepartmentRating(mine, scale.levels) : null,
          institution: institution ? { rating: institution.rating, note: institution.note } : null,
        };
      });
    const summaryView = toSummaryView(department, summary);
    const rated = items.filter((item) => item.mine !== null).length;
    const written =
      filled(summaryView.highlights) && filled(summaryView.results) && filled(summaryView.cases);
    const next: ConclusionView['next'] =
      summaryView.status === 'submitted'
        ? 'submitted'
        : summaryView.status === 'returned'
          ? 'returned'
          : !written
            ? 'write_summary'
            : rated < items.length
              ? 'rate_items'
              : 'submit';
    return {
      planId: plan.id,
      department: { id: department.id, name: department.name },
      summaryDueOn: dueOn,
      late: isLate(summaryView.status, dueOn),
      scale: scale.levels,
      summary: summaryView,
      items,
      rated,
      next,
    };
  }

  async function scaleView(executor: Executor, planId: string): Promise<RatingScaleView> {
    const scale = await scaleOf(executor, planId);
    return {
      planId,
      levels: scale.levels,
      custom: scale.custom,
      version: scale.version,
      locked: await planHasRatings(executor, planId),
    };
  }

  /** Every department with duties in the plan, with its duties. */
  async function dutiesByDepartment(executor: Executor, actor: Actor, planId: string) {
    const [targets, allDepartments] = await readTogether(executor, [
      () => listPlanAssignmentTargets(executor, planId),
      () => listDepartments(executor, actor.organizationId),
    ]);
    return allDepartments
      .map((department) => ({ department, duties: dutiesOf(department, targets) }))
      .filter((entry) => entry.duties.size > 0);
  }

  return {
    get: (actor: Actor, planId: string, departmentId: string) =>
      view(db, actor, planId, departmentId),

    async getScale(actor: Actor, planId: string): Promise<RatingScaleView> {
      const plan = await planOf(db, actor, planId);
      return scaleView(db, plan.id);
    },

    /** The coordinator's own scale for the plan, only while nobody has rated anything. */
    async setScale(actor: Actor, planId: string, input: ScaleInput): Promise<RatingScaleView> {
      return db.transaction(async (tx) => {
        const plan = await planOf(tx, actor, planId);
        await lockScaleOfPlan(tx, plan.id, 'exclusive');
        if (await planHasRatings(tx, plan.id)) throw new AppError('ratingScale.in_use');
        const before = await findRatingScale(tx, plan.id);
        const levels = input.levels.map((level) => ({ label: level.label, score: level.score }));
        const now = clock.now();
        const after = before
          ? await updateRatingScaleAtVersion(tx, plan.id, input.version, { levels, updatedAt: now })
          : input.version === 0
            ? await insertRatingScale(tx, {
                planId: plan.id,
                organizationId: actor.organizationId,
                levels,
                updatedAt: now,
              })
            : undefined;
        if (!after)
          throw new AppError('ratingScale.version_conflict', {}, [], await scaleView(tx, plan.id));
        await recordAudit(tx, clock, actor, {
          action: 'rating_scale.set',
          entityType: 'plan',
          entityId: plan.id,
          before: before?.levels ?? defaultRatingScale,
          after: after.levels,
        });
        return scaleView(tx, plan.id);
      });
    },

    async saveSummary(
      actor: Actor,
      planId: string,
      departmentId: string,
      input: SaveSummaryInput,
    ): Promise<ConclusionView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const before = await assertEditable(tx, plan.id, department.id);
        await assertEvidenceUsable(tx, actor, input.evidenceIds);
        const now = clock.now();
        const changes = {
          highlights: input.highlights,
          results: input.results,
          cases: input.cases,
          evidenceIds: [...new Set(input.evidenceIds)],
          updatedAt: now,
        };
        const after = before
          ? await updateSummaryAtVersion(tx, before.id, input.version, changes)
          : input.version === 0
            ? await insertSummary(tx, {
                organizationId: actor.organizationId,
                planId: plan.id,
                departmentId: department.id,
                ...changes,
                createdAt: now,
              })
            : undefined;
        if (!after) {
          const current = await findSummary(tx, plan.id, department.id);
          throw new AppError(
            'summary.version_conflict',
            { version: current?.version ?? 0 },
            [],
            toSummaryView(department, current),
          );
        }
        await recordAudit(tx, clock, actor, {
          action: before ? 'summary.update' : 'summary.create',
          entityType: 'summary',
          entityId: after.id,
          ...(before ? { before } : {}),
          after,
        });
        return view(tx, actor, plan.id, department.id);
      });
    },

    /** Sends the summary and the self-assessment together: all three sections written, every item rated. */
    async submitSummary(
      actor: Actor,
      planId: string,
      departmentId: string,
    ): Promise<ConclusionView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const before = await assertEditable(tx, plan.id, department.id);
        const duties = dutiesOf(department, await listPlanAssignmentTargets(tx, plan.id));
        const rated = new Set(
          (await listSelfAssessments(tx, plan.id, department.id)).map((row) => row.itemId),
        );
        const items = await listItemsOfStandard(tx, plan.standardId);
        const unrated = items
          .filter((item) => duties.has(item.id) && !rated.has(item.id))
          .map((item) => item.no);
        const problems = summaryProblems({
          highlights: filled(before?.highlights),
          results: filled(before?.results),
          cases: filled(before?.cases),
          unrated,
        });
        if (problems) throw new AppError('summary.incomplete', { missing: problems });
        if (!before) throw new Error('a summary never written has empty sections');
        const now = clock.now();
        const after = await updateSummaryAtVersion(tx, before.id, before.version, {
          status: 'submitted',
          submittedAt: now,
          updatedAt: now,
        });
        if (!after) throw new Error('locked summary changed');
        await recordAudit(tx, clock, actor, {
          action: 'summary.submit',
          entityType: 'summary',
          entityId: after.id,
          before,
          after,
        });
        return view(tx, actor, plan.id, department.id);
      });
    },

    /** The coordinating office sends a submitted summary (and self-assessment) back with a comment. */
    async returnSummary(
      actor: Actor,
      planId: string,
      departmentId: string,
      input: ReturnInput,
    ): Promise<ConclusionView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        const before = await findSummary(tx, plan.id, department.id, { lock: true });
        if (!before || before.status !== 'submitted') throw new AppError('summary.not_submitted');
        const after = await updateSummaryAtVersion(tx, before.id, before.version, {
          status: 'returned',
          returnComment: input.comment,
          updatedAt: clock.now(),
        });
        if (!after) throw new Error('locked summary changed');
        await queueMessages(tx, clock, {
          organizationId: actor.organizationId,
          kind: 'summary.returned',
          eventKey: `${after.id}:v${after.version}`,
          to: { liaisonsOf: department.id },
          planId: plan.id,
          departmentId: department.id,
          facts: { comment: input.comment },
        });
        await recordAudit(tx, clock, actor, {
          action: 'summary.return',
          entityType: 'summary',
          entityId: after.id,
          before,
          after,
        });
        return view(tx, actor, plan.id, department.id);
      });
    },

    async listSummaries(actor: Actor, planId: string): Promise<SummaryList> {
      const plan = await planOf(db, actor, planId);
      const [entries, allSummaries, ratings, dueOn] = await Promise.all([
        dutiesByDepartment(db, actor, plan.id),
        listSummariesOfPlan(db, plan.id),
        listSelfAssessments(db, plan.id),
        summaryDueOn(db, plan.id),
      ]);
      const summaryOf = new Map(allSummaries.map((summary) => [summary.departmentId, summary]));
      // Each department's ratings apart, once: not every rating of the plan once per department.
      const ratingsOf = groupBy(ratings, (row) => row.departmentId);
      const rows = entries.map(({ department, duties }) => {
        const summaryView = toSummaryView(department, summaryOf.get(department.id));
        const rated = (ratingsOf.get(department.id) ?? []).filter((row) =>
          duties.has(row.itemId),
        ).length;
        return {
          ...summaryView,
          itemCount: duties.size,
          rated,
          late: isLate(summaryView.status, dueOn),
        };
      });
      rows.sort(
        (a, b) =>
          Number(b.late) - Number(a.late) || compareChinese(a.department.name, b.department.name),
      );
      return { summaryDueOn: dueOn, rows };
    },

    /** A responsible department rates one item it answers for, against the item's focus. */
    async rateItem(
      actor: Actor,
      planId: string,
      departmentId: string,
      itemId: string,
      input: RateInput,
    ): Promise<ConclusionView> {
      return db.transaction(async (tx) => {
        const scoped = await scope(tx, actor, planId, departmentId);
        const { plan, department } = scoped;
        await lockScaleOfPlan(tx, plan.id, 'shared');
        // The plan's records the check and the answer need, in one statement (none is locked).
        const frame = await readConclusionFrame(tx, plan.standardId, plan.id);
        const item = frame.items.find((candidate) => candidate.id === itemId);
        if (!item) throw new AppError('item.not_found');
        if (!dutiesOf(department, frame.targets).has(item.id))
          throw new AppError('selfAssessment.not_assigned', { no: item.no });
        const summary = await assertEditable(tx, plan.id, department.id);
        const scale = await scaleOf(tx, plan.id);
        if (scoreOf(scale.levels, input.rating) === undefined) {
          throw new AppError('selfAssessment.unknown_rating', {
            rating: input.rating,
            levels: scale.levels.map((level) => level.label).join('、'),
          });
        }
        await assertEvidenceUsable(tx, actor, input.evidenceIds);
        // The department's ratings, read once: this item's is the one changed, the rest the view's.
        const ratings = await listSelfAssessments(tx, plan.id, department.id);
        const before = ratings.find((row) => row.itemId === item.id);
        const now = clock.now();
        const changes = {
          rating: input.rating,
          justification: input.justification,
          evidenceIds: [...new Set(input.evidenceIds)],
          updatedAt: now,
        };
        const after = before
          ? await updateSelfAssessmentAtVersion(tx, before.id, input.version, changes)
          : input.version === 0
            ? await insertSelfAssessment(tx, {
                organizationId: actor.organizationId,
                planId: plan.id,
                itemId: item.id,
                departmentId: department.id,
                ...changes,
                createdAt: now,
              })
            : undefined;
        if (!after) {
          const current = await findSelfAssessment(tx, plan.id, item.id, department.id);
          throw new AppError(
            'selfAssessment.version_conflict',
            { version: current?.version ?? 0 },
            [],
            current ? toDepartmentRating(current, scale.levels) : null,
          );
        }
        await recordAudit(tx, clock, actor, {
          action: before ? 'self_assessment.update' : 'self_assessment.create',
          entityType: 'self_assessment',
          entityId: after.id,
          ...(before ? { before } : {}),
          after,
        });
        // A rating changes none of what was read above but its own row: the view reuses it.
        return view(tx, actor, plan.id, department.id, {
          scope: scoped,
          frame,
          summary,
          scale,
          ratings: [...ratings.filter((row) => row.id !== after.id), after],
        });
      });
    },

    /** Items × responsible departments' ratings, the institution's rating of each, and the roll-ups. */
    async moderation(actor: Actor, planId: string): Promise<ModerationView> {
      const plan = await planOf(db, actor, planId);
      const [entries, { tree, placed }, ratings, moderated, allSummaries, scale] =
        await Promise.all([
          dutiesByDepartment(db, actor, plan.id),
          itemsWithIndicators(db, plan.standardId),
          listSelfAssessments(db, plan.id),
          listInstitutionRatings(db, plan.id),
          listSummariesOfPlan(db, plan.id),
          scaleOf(db, plan.id),
        ]);
      const ratingOf = new Map(ratings.map((row) => [`${row.departmentId}/${row.itemId}`, row]));
      const moderatedOf = new Map(moderated.map((row) => [row.itemId, row]));
      const statusOf = new Map<string, SummaryView['status']>(
        allSummaries.map((summary) => [summary.departmentId, summary.status]),
      );
      const rows = placed.map(({ item, level1, level2 }) => {
        const responsible: { department: Department; duty: DepartmentDuty }[] = [];
        for (const { department, duties } of entries) {
          const duty = duties.get(item.id);
          if (duty) responsible.push({ department, duty });
        }
        responsible.sort((a, b) => Number(a.duty.role !== 'lead') - Number(b.duty.role !== 'lead'));
        const institution = moderatedOf.get(item.id);
        return {
          itemId: item.id,
          no: item.no,
          content: item.content,
          focus: item.focus,
          level1,
          level2,
          departments: responsible.map(({ department, duty }) => {
            const rating = ratingOf.get(`${department.id}/${item.id}`);
            return {
              id: department.id,
              name: department.name,
              role: duty.role,
              summaryStatus: statusOf.get(department.id) ?? 'not_started',
              rating: rating ? toDepartmentRating(rating, scale.levels) : null,
            };
          }),
          institution: institution ? toInstitutionRating(institution, scale.levels) : null,
        };
      });
      const rollups = rollUpRatings(
        tree,
        new Map(moderated.map((row) => [row.itemId, row.rating])),
        scale.levels,
      );
      return { planId: plan.id, scale: scale.levels, rows, rollups };
    },

    /** The coordinating office moderates an item into the institution's rating, with a note. */
    async moderate(
      actor: Actor,
      planId: string,
      itemId: string,
      input: ModerateInput,
    ): Promise<InstitutionRatingView> {
      return db.transaction(async (tx) => {
        const plan = await planOf(tx, actor, planId);
        await lockScaleOfPlan(tx, plan.id, 'shared');
        const item = (await listItemsOfStandard(tx, plan.standardId)).find(
          (candidate) => candidate.id === itemId,
        );
        if (!item) throw new AppError('item.not_found');
        const scale = await scaleOf(tx, plan.id);
        if (scoreOf(scale.levels, input.rating) === undefined) {
          throw new AppError('selfAssessment.unknown_rating', {
            rating: input.rating,
            levels: scale.levels.map((level) => level.label).join('、'),
          });
        }
        const before = await findInstitutionRating(tx, plan.id, item.id);
        const now = clock.now();
        const changes = {
          rating: input.rating,
          note: input.note,
          moderatedBy: actor.username,
          updatedAt: now,
        };
        const after = before
          ? await updateInstitutionRatingAtVersion(tx, before.id, input.version, changes)
          : input.version === 0
            ? await insertInstitutionRating(tx, {
                organizationId: actor.organizationId,
                planId: plan.id,
                itemId: item.id,
                ...changes,
                createdAt: now,
              })
            : undefined;
        if (!after) {
          const current = await findInstitutionRating(tx, plan.id, item.id);
          throw new AppError(
            'moderation.version_conflict',
            { version: current?.version ?? 0 },
            [],
            current ? toInstitutionRating(current, scale.levels) : null,
          );
        }
        await recordAudit(tx, clock, actor, {
          action: before ? 'institution_rating.update' : 'institution_rating.create',
          entityType: 'institution_rating',
          entityId: after.id,
          ...(before ? { before } : {}),
          after: { ...after, itemNo: item.no },
        });
        return toInstitutionRating(after, scale.levels);
      });
    },
  };
}

export type ConclusionService = ReturnType<typeof createConclusionService>;
