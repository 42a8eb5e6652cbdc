import { compareChinese } from '../../../shared/collections';
import type { z } from 'zod';
import {
  snapshotFindingSchema,
  type InstitutionDetail,
  type InstitutionRow,
  type LateEntry,
  type Overview,
  type overviewQuerySchema,
} from '../../../shared/api/oversight';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import {
  computeInstitutionFigures,
  institutionRates,
} from '../../../shared/oversight/institution-figures';
import { buildQualityReport, percent } from '../../../shared/report/build-quality-report';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { readOncePass } from '../../db/read-once';
import { recordAudit } from '../audit/audit.service';
import { systemActor, type Actor } from '../auth/actor';
import type { BreakdownService } from '../breakdowns/breakdown.service';
import type { ViewCache } from '../data-versions/view-cache';
import { listApprovedMeasures } from '../ledger/ledger.repository';
import { findOrganization, insertOrganization } from '../organizations/organization.repository';
import type { Organization } from '../organizations/organization.table';
import type { PlanService } from '../plans/plan.service';
import { listPlansWithStandard } from '../plans/plan.repository';
import { gatherReportRecords } from '../reports/report.records';
import type { OverdueSource } from '../supervision/supervision.sources';
import {
  findOrganizationByIdOrName,
  findSupervisedInstitution,
  latestAuditAt,
  listOverviewPage,
  listSnapshotsOfInstitution,
  summarizeOverview,
  setSupervisor,
  upsertSnapshots,
  type NewInstitutionSnapshotFigures,
  type SnapshotFigures,
} from './oversight.repository';

type OverviewQuery = z.output<typeof overviewQuerySchema>;

/** The late list kept in a snapshot: the earliest first, at most this many (the count is kept whole). */
const LATE_LIST_LIMIT = 300;

const SYSTEM_USER_ID = '00000000-0000-0000-0000-000000000000';

/**
 * An actor inside one institution that the oversight service hands to the institution's own read
 * services, and only to them. Its role is 'overseer', which no write operation of the permission
 * table admits and which no service treats as office staff or as a department's liaison; it is
 * frozen, never stored in a session, and never returned to a route.
 */
function readOnlyActor(
  institutionId: string,
  on: { userId: string; username: string; ip: string | null; userAgent: string | null },
): Actor {
  return Object.freeze({
    userId: on.userId,
    organizationId: institutionId,
    username: on.username,
    role: 'overseer' as const,
    departmentId: null,
    ip: on.ip,
    userAgent: on.userAgent,
  });
}

function figuresOf(snapshot: SnapshotFigures) {
  const {
    items,
    itemsWithApprovedMeasure,
    measures,
    measuresDone,
    lateMeasures,
    missingReports,
    lateReports,
    lateBreakdowns,
    lateTotal,
    departmentsSubmitted,
    departmentsTotal,
    selfAssessmentsRated,
    selfAssessmentsExpected,
    ratings,
    unrated,
    findingsTotal,
    findingsOpen,
    findingsOverdue,
    findingsVerified,
    findingsCarriedOver,
    byLevel1,
  } = snapshot;
  return {
    items,
    itemsWithApprovedMeasure,
    measures,
    measuresDone,
    lateMeasures,
    missingReports,
    lateReports,
    lateBreakdowns,
    lateTotal,
    departmentsSubmitted,
    departmentsTotal,
    selfAssessmentsRated,
    selfAssessmentsExpected,
    ratings,
    unrated,
    findingsTotal,
    findingsOpen,
    findingsOverdue,
    findingsVerified,
    findingsCarriedOver,
    byLevel1,
  };
}

export interface OversightDependencies {
  db: Database;
  clock: Clock;
  breakdowns: BreakdownService;
  plans: PlanService;
  /** Supervision's sources of late work: the snapshot's late list is theirs, not a second set of rules. */
  lateSources: OverdueSource[];
  /**
   * The overview's pages are kept under the supervisor's data version, which a committed change
   * of one of its institutions' snapshots or of an organization raises (migration 0030).
   */
  views: ViewCache;
}

export function createOversightService({
  db,
  clock,
  breakdowns,
  plans,
  lateSources,
  views,
}: OversightDependencies) {
  /** The institution, if the overseer's organization supervises it; another's is as if it did not exist. */
  async function supervised(actor: Actor, institutionId: string): Promise<Organization> {
    const institution = await findSupervisedInstitution(db, actor.organizationId, institutionId);
    if (!institution) throw new AppError('oversight.institution_not_found');
    return institution;
  }

  /** Every figure of every plan of one institution, from the institution's own readers, written in one statement. */
  async function refreshSnapshot(institutionId: string): Promise<{ plans: number }> {
    const institution = await findOrganization(db, institutionId);
    if (!institution || institution.kind !== 'institution') return { plans: 0 };
    // First the watermark, then the records: a write after this read is seen by the next refresh.
    const watermark = await latestAuditAt(db, institutionId);
    const now = clock.now();
    const today = calendarDate(now);
    const actor = readOnlyActor(institutionId, {
      userId: SYSTEM_USER_ID,
      username: 'system',
      ip: null,
      userAgent: 'luoshi-oversight',
    });
    // The readers below read many of the same records (measures, progress reports, items,
    // departments, plans): in this pass each statement is sent once and its answer shared.
    const reads = readOncePass(db);
    const allPlans = await listPlansWithStandard(reads, institutionId);
    const lateOfOrganization = (
      await Promise.all(
        lateSources.map((source) =>
          source({ executor: reads, organizationId: institutionId, today }),
        ),
      )
    ).flat();
    // The late list's order: by day, then department in pinyin order. The collator compares the
    // few department names once each, not once per comparison of a list of thousands.
    const departmentNames = [
      ...new Set(lateOfOrganization.map((subject) => subject.departmentName)),
    ];
    const rankOf = new Map(
      departmentNames.sort(compareChinese).map((name, rank) => [name, rank] as const),
    );
    const rows: NewInstitutionSnapshotFigures[] = [];
    for (const [index, { plan }] of allPlans.entries()) {
      const { reportInput, selfAssessmentProgress } = await gatherReportRecords(
        reads,
        institutionId,
        plan.id,
        now,
        'counts',
      );
      const report = buildQualityReport(reportInput);
      // Sorted and counted whole; only the kept entries are copied into the snapshot's shape.
      const late = lateOfOrganization
        .filter((subject) => subject.planId === plan.id)
        .sort(
          (a, b) =>
            (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0) ||
            rankOf.get(a.departmentName)! - rankOf.get(b.departmentName)!,
        );
      const board = await breakdowns.board(actor, plan.id);
      const figures = computeInstitutionFigures({
        report,
        items: reportInput.items,
        periodReports: reportInput.periodReports,
        approvedMeasures: await listApprovedMeasures(reads, plan.id),
        board: board.rows,
        late,
        selfAssessments: selfAssessmentProgress,
      });
      rows.push({
        organizationId: institutionId,
        supervisorId: institution.supervisorId,
        planId: plan.id,
        planTitle: plan.title,
        cycleYear: plan.cycleYear,
        current: index === 0,
        ...figures,
        late: late.slice(0, LATE_LIST_LIMIT).map(
          ({ kind, departmentName, itemNo, what, dueOn }): LateEntry => ({
            kind,
            departmentName,
            itemNo,
            what,
            dueOn,
          }),
        ),
        findings: report.findings.rows.map(({ title, kind, state, owner, dueOn, overdue }) =>
          snapshotFindingSchema.parse({ title, kind, state, owner, dueOn, overdue }),
        ),
        auditWatermark: watermark,
        computedAt: now,
      });
    }
    await upsertSnapshots(db, rows);
    return { plans: rows.length };
  }

  /**
   * One page of the supervising organization's institutions side by side, each with its current
   * plan's snapshot, and what the search selects summed up: sorted, cut and summed in
   * PostgreSQL, so that a national office of 3,000 institutions reads a page, not all of them.
   */
  async function computeOverview(actor: Actor, query: OverviewQuery): Promise<Overview> {
    const selection = { supervisorId: actor.organizationId, q: query.q || undefined };
    const [supervisor, found] = await Promise.all([
      findOrganization(db, actor.organizationId),
      listOverviewPage(db, { ...selection, ...query }),
    ]);
    // Every row carries the summary; a page past the last has none and asks for it alone.
    const summary = found[0]?.summary ?? (await summarizeOverview(db, selection));
    /** The page's institutions' level-1 indicators in the standard's order; a longer list first places its codes. */
    const indicators = new Map<string, string>();
    const lists = found.flatMap(({ snapshot }) => (snapshot ? [snapshot] : []));
    for (const list of lists.sort((a, b) => b.level1Codes.length - a.level1Codes.length))
      for (const [index, code] of list.level1Codes.entries())
        if (!indicators.has(code)) indicators.set(code, list.level1Titles[index] ?? code);
    const codes = [...indicators.keys()];
    const rows: InstitutionRow[] = found.map(({ institution, snapshot }) => {
      if (!snapshot)
        return {
          id: institution.id,
          name: institution.name,
          plan: null,
          figures: null,
          rates: null,
          doneByLevel1: codes.map(() => null),
          computedAt: null,
        };
      const doneOf = new Map(
        snapshot.level1Codes.map((code, index) => [
          code,
          percent(snapshot.level1MeasuresDone[index] ?? 0, snapshot.level1Measures[index] ?? 0),
        ]),
      );
      const {
        departmentsSubmitted,
        departmentsTotal,
        measures,
        measuresDone,
        lateTotal,
        selfAssessmentsRated,
        selfAssessmentsExpected,
        findingsOpen,
        findingsOverdue,
      } = snapshot;
      return {
        id: institution.id,
        name: institution.name,
        plan: { id: snapshot.planId, cycleYear: snapshot.cycleYear },
        figures: {
          departmentsSubmitted,
          departmentsTotal,
          measures,
          measuresDone,
          lateTotal,
          selfAssessmentsRated,
          selfAssessmentsExpected,
          findingsOpen,
          findingsOverdue,
        },
        rates: institutionRates(snapshot),
        doneByLevel1: codes.map((code) => doneOf.get(code) ?? null),
        computedAt: snapshot.computedAt.toISOString(),
      };
    });
    const { institutions, withFigures, oldest, ...sums } = summary;
    return {
      supervisor: { id: actor.organizationId, name: supervisor?.name ?? '' },
      indicators: [...indicators.entries()].map(([code, title]) => ({ code, title })),
      institutions: rows,
      page: query.page,
      pageSize: query.pageSize,
      total: institutions,
      summary: { institutions, withFigures, figures: sums, rates: institutionRates(sums) },
      computedAt: oldest ? oldest.toISOString() : null,
    };
  }

  return {
    refreshSnapshot,

    /** One page of the overview, kept until one of the supervisor's snapshots or organizations changes. */
    overview(actor: Actor, query: OverviewQuery): Promise<Overview> {
      return views.read(
        actor.organizationId,
        `oversight-overview:${JSON.stringify([query.q, query.sort, query.order, query.page, query.pageSize])}`,
        () => computeOverview(actor, query),
      );
    },

    /** One institution: each plan's figures by indicator, its late list with departments, and its findings. */
    async institution(actor: Actor, institutionId: string): Promise<InstitutionDetail> {
      const institution = await supervised(actor, institutionId);
      const snapshots = await listSnapshotsOfInstitution(db, institution.id);
      return {
        institution: { id: institution.id, name: institution.name },
        plans: snapshots.map((snapshot) => {
          const figures = figuresOf(snapshot);
          return {
            id: snapshot.planId,
            title: snapshot.planTitle,
            cycleYear: snapshot.cycleYear,
            current: snapshot.current,
            figures,
            rates: institutionRates(figures),
            late: snapshot.late,
            findings: snapshot.findings,
            computedAt: snapshot.computedAt.toISOString(),
          };
        }),
      };
    },

    /** The institution's own dashboard, read as the institution's read-only actor. */
    async dashboard(actor: Actor, institutionId: string, planId: string) {
      const institution = await supervised(actor, institutionId);
      return breakdowns.dashboard(readOnlyActor(institution.id, actor), planId);
    },

    /** The institution's plan tree (items and responsible departments), read-only. */
    async tree(actor: Actor, institutionId: string, planId: string) {
      const institution = await supervised(actor, institutionId);
      return plans.tree(readOnlyActor(institution.id, actor), planId);
    },
  };
}

/** Setting up oversight, for the operator (the CLI): supervising organizations and which institutions they oversee. */
export function createOversightAdmin({ db, clock }: { db: Database; clock: Clock }) {
  return {
    /** `luoshi org create-supervisor`: a supervising organization (a province's education office). */
    async createSupervisor(name: string): Promise<Organization> {
      return db.transaction(async (tx) => {
        const trimmed = name.trim();
        if (trimmed === '') throw new AppError('request.invalid');
        if (
          (await findOrganizationByIdOrName(tx, trimmed)).some(
            (organization) => organization.kind === 'supervisor',
          )
        )
          throw new AppError('oversight.supervisor_name_taken', { name: trimmed });
        const created = await insertOrganization(tx, { name: trimmed, kind: 'supervisor' });
        await recordAudit(tx, clock, systemActor(created.id), {
          action: 'organization.create_supervisor',
          entityType: 'organization',
          entityId: created.id,
          after: { name: created.name, kind: created.kind },
        });
        return created;
      });
    },

    /** `luoshi org link`: the institution is overseen by the supervising organization from now on. */
    async link(
      supervisorWanted: string,
      institutionWanted: string,
    ): Promise<{ supervisor: Organization; institution: Organization }> {
      return db.transaction(async (tx) => {
        const supervisor = await pickOne(tx, supervisorWanted);
        const institution = await pickOne(tx, institutionWanted);
        if (supervisor.kind !== 'supervisor')
          throw new AppError('oversight.not_a_supervisor', { name: supervisor.name });
        if (institution.kind !== 'institution')
          throw new AppError('oversight.not_an_institution', { name: institution.name });
        const linked = await setSupervisor(tx, institution.id, supervisor.id, clock.now());
        // Recorded in both: the institution's trail says who oversees it (and wakes its snapshot), the supervisor's what it oversees.
        for (const organizationId of [institution.id, supervisor.id]) {
          await recordAudit(tx, clock, systemActor(organizationId), {
            action: 'organization.link_supervisor',
            entityType: 'organization',
            entityId: institution.id,
            before: { supervisorId: institution.supervisorId },
            after: { supervisorId: supervisor.id },
          });
        }
        return { supervisor, institution: linked };
      });
    },
  };
}

async function pickOne(
  executor: Parameters<typeof findOrganizationByIdOrName>[0],
  wanted: string,
): Promise<Organization> {
  const found = await findOrganizationByIdOrName(executor, wanted.trim());
  if (found.length === 0) throw new AppError('organization.not_found');
  if (found.length > 1)
    throw new AppError('oversight.organization_ambiguous', { name: wanted.trim() });
  return found[0]!;
}

export type OversightService = ReturnType<typeof createOversightService>;
