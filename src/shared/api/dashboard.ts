import { z } from 'zod';
import { defineOperation } from './operation';
import { idParamsSchema } from './contracts';
import { rateSchema } from '../report/quality-report.contract';
import { reportSummarySchema } from './reports';

const count = z.number().int();

/**
 * The leader's year (issue 11.4): one number per phase of a plan. Every figure the quality report
 * also prints is taken from the same computation (buildQualityReport), so the two agree.
 */
export const yearDashboardSchema = z.object({
  plan: z.object({ id: z.uuid(), title: z.string(), cycleYear: z.number().int() }),
  asOf: z.string(),
  /** 任务分解: the departments with duties, by the state of their breakdown. */
  breakdown: z.object({
    departments: count,
    approved: count,
    submitted: count,
    returned: count,
    notSubmitted: count,
  }),
  /** 过程落实: measures by their latest progress report; period reports due so far. */
  execution: z.object({
    measures: count,
    done: count,
    inProgress: count,
    notStarted: count,
    completion: rateSchema,
    periodReportsDue: count,
    periodReportsIn: count,
    periodReportsMissing: count,
    onTime: rateSchema,
  }),
  /** 逾期事项 of this plan by 三色预警 colour; `none` is late but not yet yellow. */
  overdue: z.object({ total: count, yellow: count, orange: count, red: count, none: count }),
  obligations: z.object({ met: rateSchema }),
  /** 自评 and 年度总结. */
  conclusion: z.object({
    departments: count,
    summariesSubmitted: count,
    selfAssessedDepartments: count,
    itemsRated: count,
    itemsUnrated: count,
  }),
  /** 问题整改: open (待整改), rectifying (整改中 and 待核验), verified (已核验), carried over. */
  findings: z.object({
    total: count,
    open: count,
    rectifying: count,
    verified: count,
    carriedOver: count,
    overdue: count,
    closedRate: rateSchema,
  }),
  /** The latest quality report of the plan, if one was asked for. */
  report: reportSummarySchema.nullable(),
  /**
   * 覆盖率: each coverage rule's institution rate (the quality report's own figure) and the
   * departments lowest on it. Counts only: the names of the missing are on the activities page.
   */
  coverage: z.array(
    z.object({
      ruleId: z.uuid(),
      name: z.string(),
      itemNo: z.number().int().nullable(),
      window: z.string(),
      rate: rateSchema,
      lowest: z.array(
        z.object({
          departmentId: z.uuid().nullable(),
          name: z.string(),
          required: count,
          covered: count,
          value: z.number().nullable(),
        }),
      ),
    }),
  ),
  /**
   * 师德师风监督举报 (item 26) of the plan's year: counts only, never a name or a text; the on-time
   * rate is the quality report's figure. Null while no report was received.
   */
  conductReports: z
    .object({
      received: count,
      closed: count,
      founded: count,
      partly: count,
      unfounded: count,
      clarified: count,
      notified: count,
      onTime: rateSchema,
    })
    .nullable(),
  /** Departments by completion rate, the highest first; those with nothing to count last. */
  ranking: z.array(
    z.object({
      rank: count,
      departmentId: z.uuid(),
      name: z.string(),
      completion: rateSchema,
      onTime: rateSchema,
      overdue: count,
    }),
  ),
});
export type YearDashboard = z.infer<typeof yearDashboardSchema>;

export const dashboardApi = {
  year: defineOperation({
    id: 'dashboard.year',
    method: 'GET',
    path: '/api/v1/plans/:id/year-dashboard',
    tags: ['dashboard'],
    description: 'The leader year: numbers for every phase of a plan and a department ranking.',
    params: idParamsSchema,
    response: yearDashboardSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
};
