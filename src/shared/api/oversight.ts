import { z } from 'zod';
import { timestampSchema } from './common';
import { findingKinds, findingStates } from '../findings/finding-states';
import { isoDateSchema } from '../plan-import/contract';
import { defineOperation } from './operation';
import { dashboardSchema } from './breakdowns';
import { planTreeSchema } from './contracts';

/**
 * Province oversight (上级督导): a supervising organization's view of the institutions it
 * oversees. Every figure comes from a precomputed institution snapshot (`computedAt` says when).
 */
const count = z.number().int().nonnegative();

/** What is counted both plan-wide and for each level-1 indicator. */
const measureCountsSchema = z.object({
  items: count,
  /** Items with at least one measure in an approved task breakdown. */
  itemsWithApprovedMeasure: count,
  measures: count,
  measuresDone: count,
  /** Dated measures past their deadline without a report saying done (supervision's rule). */
  lateMeasures: count,
  /** Period progress reports past their due day and still missing. */
  missingReports: count,
  /** Period progress reports made after their due day. */
  lateReports: count,
});

/** One level-1 indicator of an institution's plan, as the snapshot counts it. */
export const indicatorFiguresSchema = measureCountsSchema.extend({
  code: z.string(),
  title: z.string(),
  /** Items the institution has rated (moderated rating). */
  rated: count,
});
export type IndicatorFigures = z.infer<typeof indicatorFiguresSchema>;

export const lateEntrySchema = z.object({
  kind: z.enum(['breakdown', 'measure', 'period_report', 'obligation']),
  departmentName: z.string(),
  itemNo: z.number().int().nullable(),
  what: z.string(),
  dueOn: isoDateSchema,
});
export type LateEntry = z.infer<typeof lateEntrySchema>;

export const snapshotFindingSchema = z.object({
  title: z.string(),
  kind: z.enum(findingKinds),
  state: z.enum(findingStates),
  owner: z.string(),
  dueOn: isoDateSchema.nullable(),
  overdue: z.boolean(),
});
export type SnapshotFinding = z.infer<typeof snapshotFindingSchema>;

/** The plan-wide figures of one institution's plan; `byLevel1` breaks the counts down by indicator. */
export const institutionFiguresSchema = measureCountsSchema.extend({
  /** Departments whose task breakdown is late (the board's rule). */
  lateBreakdowns: count,
  /** Every entry of the late list, breakdowns and obligations included. */
  lateTotal: count,
  departmentsSubmitted: count,
  departmentsTotal: count,
  selfAssessmentsRated: count,
  selfAssessmentsExpected: count,
  /** The institution's moderated ratings by level of its scale. */
  ratings: z.array(z.object({ label: z.string(), count })),
  unrated: count,
  findingsTotal: count,
  findingsOpen: count,
  findingsOverdue: count,
  findingsVerified: count,
  findingsCarriedOver: count,
  byLevel1: z.array(indicatorFiguresSchema),
});
export type InstitutionFigures = z.infer<typeof institutionFiguresSchema>;

/** Rates (percent, one decimal) the overview shows; null when there is nothing to divide. */
export const institutionRatesSchema = z.object({
  submissionRate: z.number().nullable(),
  measuresDoneRate: z.number().nullable(),
  selfAssessmentRate: z.number().nullable(),
});

/** The figures of an institution that its row shows and that add up across institutions. */
const rowFiguresSchema = institutionFiguresSchema.pick({
  departmentsSubmitted: true,
  departmentsTotal: true,
  measures: true,
  measuresDone: true,
  lateTotal: true,
  selfAssessmentsRated: true,
  selfAssessmentsExpected: true,
  findingsOpen: true,
  findingsOverdue: true,
});

/**
 * One institution in the overview: only what its row and its line of the heat map show, so that
 * a province of 150 institutions is a small answer on a phone. One institution's page has the rest.
 */
export const institutionRowSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Null while the institution has no plan (or no snapshot yet). */
  plan: z.object({ id: z.uuid(), cycleYear: z.number().int() }).nullable(),
  figures: rowFiguresSchema.nullable(),
  rates: institutionRatesSchema.nullable(),
  /** Percent of measures done under each of the overview's `indicators`, in their order; null where there are none. */
  doneByLevel1: z.array(z.number().nullable()),
  computedAt: timestampSchema.nullable(),
});
export type InstitutionRow = z.infer<typeof institutionRowSchema>;

export const overviewSortKeys = [
  'name',
  'submissionRate',
  'measuresDoneRate',
  'lateTotal',
  'selfAssessmentRate',
  'findingsOpen',
  'findingsOverdue',
  'computedAt',
] as const;
/** The largest page of the overview: a national office pages through 3,000 institutions, never reads them at once. */
export const OVERVIEW_MAX_PAGE_SIZE = 200;

export const overviewQuerySchema = z.object({
  /** Part of an institution's name (a region's name finds its institutions: 北京, 四川…). */
  q: z.string().trim().max(100).optional(),
  sort: z.enum(overviewSortKeys).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(OVERVIEW_MAX_PAGE_SIZE).default(50),
});

/**
 * The institutions the search selects, summed in SQL: how many there are, how many have figures,
 * and the sums of the figures that add up across institutions (rates are made from the sums, so an
 * institution of 80 departments weighs more than one of 20).
 */
export const overviewSummarySchema = z.object({
  institutions: count,
  withFigures: count,
  figures: rowFiguresSchema,
  rates: institutionRatesSchema,
});
export type OverviewSummary = z.infer<typeof overviewSummarySchema>;

export const overviewSchema = z.object({
  supervisor: z.object({ id: z.uuid(), name: z.string() }),
  /** The level-1 indicators of the page's institutions' current plans, in order (the heat map's columns). */
  indicators: z.array(z.object({ code: z.string(), title: z.string() })),
  /** One page of the institutions the search selects, in the order asked for. */
  institutions: z.array(institutionRowSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Institutions the search selects, on every page together. */
  total: count,
  summary: overviewSummarySchema,
  /** The oldest snapshot of those selected: every figure is at least this fresh. */
  computedAt: timestampSchema.nullable(),
});
export type Overview = z.infer<typeof overviewSchema>;

export const institutionDetailSchema = z.object({
  institution: z.object({ id: z.uuid(), name: z.string() }),
  /** Every plan of the institution with a snapshot, the current one first. */
  plans: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      cycleYear: z.number().int(),
      current: z.boolean(),
      figures: institutionFiguresSchema,
      rates: institutionRatesSchema,
      late: z.array(lateEntrySchema),
      findings: z.array(snapshotFindingSchema),
      computedAt: timestampSchema,
    }),
  ),
});
export type InstitutionDetail = z.infer<typeof institutionDetailSchema>;

export const institutionParamsSchema = z.object({ id: z.uuid() });
export const institutionPlanParamsSchema = z.object({ id: z.uuid(), planId: z.uuid() });

/** The oversight operations: what the server serves and the web calls. */
export const oversightApi = {
  overview: defineOperation({
    id: 'oversight.overview',
    method: 'GET',
    path: '/api/v1/oversight/institutions',
    tags: ['oversight'],
    query: overviewQuerySchema,
    response: overviewSchema,
    // province oversight: an overseer reads the institutions its supervising organization oversees, never writes there
    access: ['overseer'],
  }),
  institution: defineOperation({
    id: 'oversight.institution',
    method: 'GET',
    path: '/api/v1/oversight/institutions/:id',
    tags: ['oversight'],
    params: institutionParamsSchema,
    response: institutionDetailSchema,
    access: ['overseer'],
  }),
  dashboard: defineOperation({
    id: 'oversight.dashboard',
    method: 'GET',
    path: '/api/v1/oversight/institutions/:id/plans/:planId/dashboard',
    tags: ['oversight'],
    params: institutionPlanParamsSchema,
    response: dashboardSchema,
    access: ['overseer'],
  }),
  tree: defineOperation({
    id: 'oversight.tree',
    method: 'GET',
    path: '/api/v1/oversight/institutions/:id/plans/:planId/tree',
    tags: ['oversight'],
    params: institutionPlanParamsSchema,
    response: planTreeSchema,
    access: ['overseer'],
  }),
} as const;
