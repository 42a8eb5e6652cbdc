import { z } from 'zod';
import { timestampSchema } from './common';
import { deadlineSchema } from '../deadlines';
import { cellStates, reportingFrequencies, reportStatuses } from '../ledger/periods';
import { isoDateSchema } from '../plan-import/contract';
import type { ErrorCode } from '../errors';
import { sheetTokenSchema } from './breakdowns';
import { evidenceIdsSchema, evidenceViewSchema } from './evidence';
import { XLSX, defineOperation, fileResponse } from './operation';
import { idParamsSchema } from './contracts';
import { departmentEditors, organizationStaff } from '../access';
import { sheetUploadQuerySchema } from './breakdowns';

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as yyyy-mm');
export const periodKeySchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4]|spring|autumn)$/);
export const reportStatusSchema = z.enum(reportStatuses);
export const cellStateSchema = z.enum(cellStates);

export const ledgerParamsSchema = z.object({ id: z.uuid(), departmentId: z.uuid() });

export const ledgerSettingsBodySchema = z.object({
  frequency: z.enum(reportingFrequencies).default('monthly'),
  dueDay: z.number().int().min(1).max(28),
  firstPeriod: monthSchema,
  lastPeriod: monthSchema,
  /** The version the client last saw; absent when setting the periods for the first time. */
  version: z.number().int().positive().optional(),
});

export const reportingPeriodSchema = z.object({
  key: z.string(),
  label: z.string(),
  startsOn: isoDateSchema,
  endsOn: isoDateSchema,
  dueOn: isoDateSchema,
});

export const ledgerSettingsViewSchema = z.object({
  settings: z
    .object({
      frequency: z.enum(reportingFrequencies),
      dueDay: z.number().int(),
      firstPeriod: monthSchema,
      lastPeriod: monthSchema,
      version: z.number().int(),
      updatedAt: timestampSchema,
    })
    .nullable(),
  periods: z.array(reportingPeriodSchema),
  /** The institution's calendar day now, by which periods start and reports are late. */
  today: isoDateSchema,
  currentPeriodKey: z.string().nullable(),
});

export const progressReportViewSchema = z.object({
  id: z.uuid(),
  measureId: z.uuid(),
  periodKey: z.string(),
  /** 1 for the first report of the period; each correction is a new version, the old ones stay. */
  version: z.number().int(),
  status: reportStatusSchema,
  text: z.string(),
  evidence: z.array(evidenceViewSchema),
  late: z.boolean(),
  submittedBy: z.string(),
  submittedAt: timestampSchema,
});

export const reportBodySchema = z.object({
  measureId: z.uuid(),
  periodKey: periodKeySchema,
  /** The latest version the client saw for this measure and period, 0 when there was none: a stale one is refused. */
  basedOnVersion: z.number().int().min(0),
  status: reportStatusSchema,
  text: z.string().trim().min(1).max(5000),
  evidenceIds: evidenceIdsSchema,
});

export const ledgerPeriodCellSchema = z.object({
  periodKey: z.string(),
  state: cellStateSchema,
  /** Every version, oldest first; the last is the report as it stands. */
  versions: z.array(progressReportViewSchema),
});

export const departmentLedgerSchema = z.object({
  planId: z.uuid(),
  department: z.object({ id: z.uuid(), name: z.string() }),
  /** The department's task breakdown must be approved before it reports progress. */
  breakdownStatus: z.enum(['not_started', 'draft', 'submitted', 'returned', 'approved']),
  settings: ledgerSettingsViewSchema,
  measures: z.array(
    z.object({
      id: z.uuid(),
      item: z.object({ id: z.uuid(), no: z.number().int(), content: z.string() }),
      text: z.string(),
      deadline: deadlineSchema,
      periods: z.array(ledgerPeriodCellSchema),
    }),
  ),
});

export const ledgerQuerySchema = z.object({
  departmentId: z.uuid().optional(),
  itemNo: z.coerce.number().int().positive().optional(),
  /** Items numbered from … to …, inclusive: a level-1 indicator's items, as the quality report links them. */
  itemFrom: z.coerce.number().int().positive().optional(),
  itemTo: z.coerce.number().int().positive().optional(),
  periodKey: periodKeySchema.optional(),
  status: reportStatusSchema.optional(),
  state: cellStateSchema.optional(),
  /** Words in the measure, the report or the department's name. */
  search: z.string().trim().max(100).optional(),
  /** The overview answers one page of the matching rows (a year of 80 departments is ~20,000). */
  page: z.coerce.number().int().positive().default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const ledgerRowSchema = z.object({
  department: z.object({ id: z.uuid(), name: z.string() }),
  item: z.object({ id: z.uuid(), no: z.number().int(), content: z.string() }),
  measure: z.object({ id: z.uuid(), text: z.string() }),
  period: reportingPeriodSchema,
  state: cellStateSchema,
  report: progressReportViewSchema.nullable(),
});

export const ledgerOverviewSchema = z.object({
  settings: ledgerSettingsViewSchema,
  departments: z.array(z.object({ id: z.uuid(), name: z.string() })),
  /** Department × period: the worst state among the department's measures (all measures, whatever the filters). */
  matrix: z.array(
    z.object({
      departmentId: z.uuid(),
      periodKey: z.string(),
      state: cellStateSchema,
      counts: z.record(z.string(), z.number().int()),
    }),
  ),
  /** One page of the rows that match the filters. */
  rows: z.array(ledgerRowSchema),
  /** How many rows match the filters, on all pages. */
  matchingRows: z.number().int(),
  /** Rows before the filters, for "n of m". */
  totalRows: z.number().int(),
});

export type LedgerSettingsView = z.infer<typeof ledgerSettingsViewSchema>;
export type ProgressReportView = z.infer<typeof progressReportViewSchema>;
export type DepartmentLedger = z.infer<typeof departmentLedgerSchema>;
export type LedgerOverview = z.infer<typeof ledgerOverviewSchema>;
export type LedgerRow = z.infer<typeof ledgerRowSchema>;

// ---- a whole period at once (整期报送): on one page, or in the department's period sheet

export const periodParamsSchema = z.object({
  id: z.uuid(),
  departmentId: z.uuid(),
  periodKey: periodKeySchema,
});

/** The same activity counted for a confirmed obligation of the measure's item (履职记录) too. */
export const alsoOccurrenceSchema = z.object({
  obligationId: z.uuid(),
  /** The day it happened, where the institution is; not after today. */
  occurredOn: isoDateSchema,
  /** For an obligation counted person by person: how many reached it, out of how many. */
  achieved: z.number().int().nonnegative().nullable().default(null),
  outOf: z.number().int().positive().max(1_000_000).nullable().default(null),
});

export const bulkReportEntrySchema = reportBodySchema.omit({ periodKey: true }).extend({
  occurrence: alsoOccurrenceSchema.optional(),
});

export const bulkReportBodySchema = z.object({
  /** Every measure reported in this period, each naming the latest version it saw; all or nothing. */
  reports: z.array(bulkReportEntrySchema).min(1).max(500),
});

export const bulkReportResultSchema = z.object({
  reports: z.array(progressReportViewSchema),
  /** Obligation occurrences recorded with the reports. */
  occurrences: z.number().int(),
});

/** What can be wrong with one row of an uploaded period sheet; each is an error code with its wording. */
export const periodSheetProblemCodes = [
  'progress_sheet.unknown_measure',
  'progress_sheet.measure_repeated',
  'progress_sheet.status_unreadable',
  'progress_sheet.status_missing',
  'progress_sheet.text_missing',
  'progress_sheet.text_too_long',
  'progress_sheet.no_previous',
] as const satisfies readonly ErrorCode[];

export const periodSheetProblemSchema = z.object({
  row: z.number().int(),
  code: z.enum(periodSheetProblemCodes),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const periodSheetChangeSchema = z.object({
  row: z.number().int(),
  measureId: z.uuid(),
  itemNo: z.number().int(),
  measureText: z.string(),
  /** The report of this period as it stands; null when there is none yet. */
  before: z
    .object({ status: reportStatusSchema, text: z.string(), version: z.number().int() })
    .nullable(),
  after: z.object({ status: reportStatusSchema, text: z.string() }),
  /** Written as 与上期相同: the previous period's status, text and evidence. */
  sameAsPrevious: z.boolean(),
});

export const periodSheetPreviewSchema = z.object({
  /** True once the reports are written; a preview and a refused sheet are false. */
  applied: z.boolean(),
  /** Echo it as basedOn to apply exactly this preview. */
  token: sheetTokenSchema,
  fileName: z.string(),
  period: reportingPeriodSchema,
  /** Measure rows read from the sheet. */
  rowsRead: z.number().int(),
  /** Rows left blank: nothing reported for them. */
  blank: z.number().int(),
  /** Rows that say what the period's report already says. */
  unchanged: z.number().int(),
  changes: z.array(periodSheetChangeSchema),
  /** Rows that cannot be applied, in the caller's language; while there is one, nothing is applied. */
  problems: z.array(periodSheetProblemSchema.extend({ message: z.string() })),
});

export type BulkReportResult = z.infer<typeof bulkReportResultSchema>;
export type PeriodSheetProblem = z.infer<typeof periodSheetProblemSchema>;
export type PeriodSheetChange = z.infer<typeof periodSheetChangeSchema>;
export type PeriodSheetPreview = z.infer<typeof periodSheetPreviewSchema>;

/** The ledger operations: what the server serves and the web calls. */
export const ledgerApi = {
  getSettings: defineOperation({
    id: 'ledger.getSettings',
    method: 'GET',
    path: '/api/v1/plans/:id/ledger/settings',
    tags: ['ledger'],
    params: idParamsSchema,
    response: ledgerSettingsViewSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  setSettings: defineOperation({
    id: 'ledger.setSettings',
    method: 'PUT',
    path: '/api/v1/plans/:id/ledger/settings',
    tags: ['ledger'],
    description:
      'The reporting periods of the plan: frequency, the day of the following month a report is due, the first and last period.',
    params: idParamsSchema,
    body: ledgerSettingsBodySchema,
    response: ledgerSettingsViewSchema,
    access: organizationStaff,
  }),
  department: defineOperation({
    id: 'ledger.department',
    method: 'GET',
    path: '/api/v1/plans/:id/ledger/departments/:departmentId',
    tags: ['ledger'],
    params: ledgerParamsSchema,
    response: departmentLedgerSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  report: defineOperation({
    id: 'ledger.report',
    method: 'POST',
    path: '/api/v1/plans/:id/ledger/departments/:departmentId/reports',
    tags: ['ledger'],
    description:
      'Report one period of one approved measure; a correction is a new version naming the one it corrects (basedOnVersion).',
    params: ledgerParamsSchema,
    body: reportBodySchema,
    response: progressReportViewSchema,
    status: 201,
    access: departmentEditors,
  }),
  overview: defineOperation({
    id: 'ledger.overview',
    method: 'GET',
    path: '/api/v1/plans/:id/ledger',
    tags: ['ledger'],
    params: idParamsSchema,
    query: ledgerQuerySchema,
    response: ledgerOverviewSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  export: defineOperation({
    id: 'ledger.export',
    method: 'GET',
    path: '/api/v1/plans/:id/ledger/export',
    tags: ['ledger'],
    description: 'The ledger as .xlsx, with the same filters as the overview.',
    params: idParamsSchema,
    query: ledgerQuerySchema,
    response: fileResponse,
    produces: [XLSX],
    access: ['admin', 'coordinator', 'leader'],
  }),
  reportPeriod: defineOperation({
    id: 'ledger.reportPeriod',
    method: 'POST',
    path: '/api/v1/plans/:id/ledger/departments/:departmentId/periods/:periodKey/reports',
    tags: ['ledger'],
    description:
      'Report a whole period at once (整期报送): every measure given, each naming the latest version it saw (basedOnVersion), all or nothing; a report may also record an occurrence of a confirmed obligation of its item.',
    params: periodParamsSchema,
    body: bulkReportBodySchema,
    response: bulkReportResultSchema,
    status: 201,
    access: departmentEditors,
  }),
  exportPeriodSheet: defineOperation({
    id: 'ledger.exportPeriodSheet',
    method: 'GET',
    path: '/api/v1/plans/:id/ledger/departments/:departmentId/periods/:periodKey/sheet',
    tags: ['ledger'],
    description:
      "The department's 工作进度报送表 of one period (.xlsx): every approved measure a row, this period's report filled in, to fill in offline and upload back.",
    params: periodParamsSchema,
    response: fileResponse,
    produces: [XLSX],
    access: departmentEditors,
  }),
  uploadPeriodSheet: defineOperation({
    id: 'ledger.uploadPeriodSheet',
    method: 'POST',
    path: '/api/v1/plans/:id/ledger/departments/:departmentId/periods/:periodKey/sheet',
    tags: ['ledger'],
    description:
      'Upload the period sheet filled in offline (.xlsx, multipart field "file"). With dryRun=true, the reports it would make and the rows that cannot be applied; then the same file with basedOn=<token of the preview> applies them, all or nothing.',
    params: periodParamsSchema,
    query: sheetUploadQuerySchema,
    upload: true,
    response: periodSheetPreviewSchema,
    access: departmentEditors,
  }),
} as const;
