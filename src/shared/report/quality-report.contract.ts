import { z } from 'zod';

/**
 * The quality report (质量报告, items 56–57): every figure says what it counts and where the
 * records behind it are, so that a reader can go from a number to the rows that make it.
 */

/** Where the records behind a figure are: a page of the app and the filters that select them. */
export const recordRefSchema = z.object({
  page: z.enum([
    'ledger',
    'obligations',
    'assessments',
    'findings',
    'summaries',
    'breakdowns',
    'surveys',
    'activities',
    'satisfaction',
    'conductCases',
  ]),
  filters: z.record(z.string(), z.string()),
});

/** A rate with the counts it comes from; value is null when there is nothing to count yet. */
export const rateSchema = z.object({
  numerator: z.number().int(),
  denominator: z.number().int(),
  /** Percent with one decimal, or null when the denominator is 0. */
  value: z.number().nullable(),
  ref: recordRefSchema,
});

const unitRatesSchema = z.object({
  /** Measures whose latest progress report says done, of all measures. */
  completion: rateSchema,
  /** Period reports made by their due date, of all period reports due so far. */
  onTime: rateSchema,
});

/**
 * Figures counted per teacher (items 15/16, 21, 27/28, 36, 43, 49, 52): survey response rates and
 * satisfaction, activity coverage, third-party results. A figure has its counts when it has them
 * (a third party's result has a value and a sample), and always the link to its records.
 */
export const teacherFigureSchema = z.object({
  itemNo: z.number().int().nullable(),
  kind: z.enum([
    'survey_response',
    'survey_favourable',
    'coverage',
    'third_party',
    'conduct_reports',
  ]),
  label: z.string(),
  value: z.number().nullable(),
  numerator: z.number().int().nullable(),
  denominator: z.number().int().nullable(),
  detail: z.string(),
  ref: recordRefSchema,
});
export type TeacherFigure = z.infer<typeof teacherFigureSchema>;

export const qualityReportSchema = z.object({
  title: z.string(),
  organizationName: z.string(),
  plan: z.object({ id: z.uuid(), title: z.string(), cycleYear: z.number().int() }),
  /** The Beijing calendar day the figures are as of. */
  asOf: z.string(),
  generatedAt: z.string(),
  totals: z.object({
    items: z.number().int(),
    departments: z.number().int(),
    measures: z.number().int(),
    periodReports: z.number().int(),
    evidence: z.number().int(),
  }),
  completion: z.object({
    overall: unitRatesSchema,
    byLevel1: z.array(unitRatesSchema.extend({ code: z.string(), title: z.string() })),
    byDepartment: z.array(unitRatesSchema.extend({ departmentId: z.uuid(), name: z.string() })),
  }),
  obligations: z.object({
    overall: rateSchema,
    rows: z.array(
      z.object({
        obligationId: z.uuid(),
        itemNo: z.number().int(),
        description: z.string(),
        met: rateSchema,
        late: z.number().int(),
      }),
    ),
  }),
  selfAssessment: z.object({
    scale: z.array(z.object({ key: z.string(), label: z.string(), score: z.number() })),
    /** Items by the institution's (moderated) rating; `unrated` counts those without one. */
    distribution: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        count: z.number().int(),
        ref: recordRefSchema,
      }),
    ),
    unrated: z.number().int(),
    byLevel1: z.array(
      z.object({
        code: z.string(),
        title: z.string(),
        meanScore: z.number().nullable(),
        rated: z.number().int(),
        items: z.number().int(),
        ref: recordRefSchema,
      }),
    ),
  }),
  findings: z.object({
    total: z.number().int(),
    byState: z.array(
      z.object({ state: z.string(), count: z.number().int(), ref: recordRefSchema }),
    ),
    overdue: z.number().int(),
    carriedOver: z.number().int(),
    closedRate: rateSchema,
    rows: z.array(
      z.object({
        id: z.uuid(),
        title: z.string(),
        kind: z.string(),
        state: z.string(),
        owner: z.string(),
        dueOn: z.string().nullable(),
        overdue: z.boolean(),
      }),
    ),
  }),
  highlights: z.array(
    z.object({
      departmentId: z.uuid(),
      department: z.string(),
      text: z.string(),
      ref: recordRefSchema,
    }),
  ),
  /** Absent in reports generated before teachers were counted. */
  teachers: z.object({ figures: z.array(teacherFigureSchema) }).optional(),
});

export type RecordRef = z.infer<typeof recordRefSchema>;
export type Rate = z.infer<typeof rateSchema>;
export type QualityReport = z.infer<typeof qualityReportSchema>;
