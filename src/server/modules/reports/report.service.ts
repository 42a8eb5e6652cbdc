import { queueMessages } from '../notifications/notification.outbox';
import { REVIEW_DAYS } from '../../../shared/notifications/messages';
import { addDays } from '../../../shared/supervision/rules';
import { z } from 'zod';
import type {
  FigureRecords,
  FigureRecordsQuery,
  ReportDetail,
  ReportSummary,
  reviewBodySchema,
} from '../../../shared/api/reports';
import { readFigureRecords } from './figure-records';
import { AppError, type Locale } from '../../../shared/errors';
import { translate } from '../../../shared/i18n/messages';
import { calendarDate } from '../../../shared/dates';
import { buildQualityReport } from '../../../shared/report/build-quality-report';
import {
  defaultPerformanceWeights,
  describePerformanceFormula,
  performanceScore,
} from '../../../shared/report/performance-score';
import { aggregateReviews } from '../../../shared/report/reviews';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { writeDocument } from '../../io/document-writer-pool';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { JobRunner } from '../jobs/job.runner';
import { gatherReportRecords } from './report.records';
import {
  findReport,
  findReportById,
  findReportDocx,
  findReview,
  insertReport,
  insertReview,
  listReportsOfPlan,
  listReviews,
  lockReportsOfPlan,
  nextReportVersion,
  updateReport,
  updateReviewAtVersion,
  type ReportRecord,
} from './report.repository';
import { reviewerGroups } from './report.table';
import { requirePlan } from '../plans/plan.scope';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'report.generate': { reportId: string };
  }
}

type ReviewInput = z.output<typeof reviewBodySchema>;

const FINDING_STATE_WORDS: Record<string, string> = {
  open: '待整改',
  in_progress: '整改中',
  awaiting_verification: '待核验',
  verified: '已核验',
  carried_over: '已纳入下年度',
};
const FINDING_KIND_WORDS: Record<string, string> = {
  immediate: '立行立改',
  carried_over: '纳入下年度重点工作',
};

export function toSummary(report: ReportRecord): ReportSummary {
  return {
    id: report.id,
    planId: report.planId,
    version: report.version,
    status: report.status,
    progress: report.progress,
    error: report.error,
    requestedAt: report.requestedAt.toISOString(),
    generatedAt: report.generatedAt?.toISOString() ?? null,
    publishedAt: report.publishedAt?.toISOString() ?? null,
    docxBytes: report.docxBytes,
  };
}

export function createReportService({
  db,
  clock,
  jobs,
}: {
  db: Database;
  clock: Clock;
  jobs: JobRunner;
}) {
  /** A report the actor may see: representatives only see published ones. */
  async function visibleReport(actor: Actor, reportId: string): Promise<ReportRecord> {
    const report = await findReport(db, actor.organizationId, reportId);
    if (!report || (actor.role === 'reviewer' && !report.publishedAt))
      throw new AppError('report.not_found');
    return report;
  }

  /** The figures, then the .docx, with progress reported between the steps. */
  async function generate(
    reportId: string,
    progress: (percent: number) => Promise<void>,
  ): Promise<{ docxBytes: number }> {
    const report = await findReportById(db, reportId);
    if (!report) throw new Error(`report ${reportId} vanished`);
    await updateReport(db, reportId, { status: 'generating', progress: 5, error: null });
    await progress(5);
    try {
      const now = clock.now();
      const records = await gatherReportRecords(db, report.organizationId, report.planId, now);
      await updateReport(db, reportId, { progress: 60 });
      await progress(60);
      const content = buildQualityReport(records.reportInput);
      const docx = await writeDocument('qualityReportDocx', content, {
        findingStates: FINDING_STATE_WORDS,
        findingKinds: FINDING_KIND_WORDS,
      });
      await updateReport(db, reportId, {
        status: 'ready',
        progress: 100,
        content,
        docx,
        generatedAt: clock.now(),
      });
      return { docxBytes: docx.length };
    } catch (error) {
      await updateReport(db, reportId, {
        status: 'failed',
        error: error instanceof Error ? error.message.slice(0, 500) : String(error),
      });
      throw error;
    }
  }

  jobs.register('report.generate', {
    payload: z.object({ reportId: z.uuid() }),
    // A failed generation is marked failed at once; the office asks again rather than waiting for retries.
    handle: ({ reportId }, context) => generate(reportId, (percent) => context.progress(percent)),
  });

  return {
    /** Queues a new generation; while one is still queued or running for the plan, that one is returned. */
    async request(actor: Actor, planId: string): Promise<ReportSummary> {
      const { plan } = await requirePlan(db, actor.organizationId, planId);
      return db.transaction(async (tx) => {
        await lockReportsOfPlan(tx, plan.id);
        const pending = (await listReportsOfPlan(tx, actor.organizationId, plan.id)).find(
          (report) => report.status === 'queued' || report.status === 'generating',
        );
        if (pending) return toSummary(pending);
        const now = clock.now();
        const report = await insertReport(tx, {
          organizationId: actor.organizationId,
          planId: plan.id,
          version: await nextReportVersion(tx, plan.id),
          requestedBy: actor.userId,
          requestedAt: now,
        });
        await jobs.enqueue(tx, {
          kind: 'report.generate',
          organizationId: actor.organizationId,
          payload: { reportId: report.id },
          dedupeKey: `report:${report.id}`,
          maxAttempts: 1,
        });
        await recordAudit(tx, clock, actor, {
          action: 'report.request',
          entityType: 'quality_report',
          entityId: report.id,
          after: { planId: plan.id, version: report.version },
        });
        return toSummary(report);
      });
    },

    async list(actor: Actor, planId: string): Promise<ReportSummary[]> {
      const { plan } = await requirePlan(db, actor.organizationId, planId);
      const reports = await listReportsOfPlan(db, actor.organizationId, plan.id);
      return reports
        .filter((report) => actor.role !== 'reviewer' || report.publishedAt)
        .map(toSummary);
    },

    async get(actor: Actor, reportId: string): Promise<ReportDetail> {
      const report = await visibleReport(actor, reportId);
      const reviews = report.publishedAt ? await listReviews(db, report.id) : [];
      const mine = reviews.find((review) => review.reviewerUserId === actor.userId);
      const aggregate = aggregateReviews(
        reviews.map((review) => ({ representing: review.representing, scores: review.scores })),
        reviewerGroups,
      );
      return {
        ...toSummary(report),
        content: report.content,
        myReview:
          actor.role === 'reviewer' && mine
            ? {
                representing: mine.representing,
                scores: mine.scores as ReviewInput['scores'],
                comment: mine.comment,
                version: mine.version,
              }
            : null,
        reviews:
          actor.role === 'reviewer' || !report.publishedAt
            ? null
            : {
                ...aggregate,
                byGroup: aggregate.byGroup.map((group) => ({
                  ...group,
                  group: group.group as (typeof reviewerGroups)[number],
                })),
                comments: reviews
                  .filter((review) => review.comment.trim() !== '')
                  .map((review) => ({ group: review.representing, comment: review.comment })),
              },
      };
    },

    async docx(actor: Actor, reportId: string): Promise<{ fileName: string; bytes: Buffer }> {
      const report = await visibleReport(actor, reportId);
      const bytes = await findReportDocx(db, actor.organizationId, report.id);
      if (!bytes || report.status !== 'ready')
        throw new AppError('report.not_ready', { progress: report.progress });
      await recordAudit(db, clock, actor, {
        action: 'export.quality_report',
        entityType: 'quality_report',
        entityId: report.id,
        after: { format: 'docx', bytes: bytes.length },
      });
      return {
        fileName: `${report.content?.title ?? '质量报告'}（第${report.version}版）.docx`,
        bytes,
      };
    },

    /**
     * The records behind one of a report's figures, read-only. Representatives only reach
     * published reports (visibleReport), and every role only the refs of the report's own figures.
     */
    async figureRecords(
      actor: Actor,
      reportId: string,
      query: FigureRecordsQuery,
    ): Promise<FigureRecords> {
      const report = await visibleReport(actor, reportId);
      const content = report.content;
      if (report.status !== 'ready' || !content)
        throw new AppError('report.not_ready', { progress: report.progress });
      return readFigureRecords(db, { ...report, content }, query);
    },

    /** Opens a generated report to representatives' review; its figures no longer change. */
    async publish(actor: Actor, reportId: string): Promise<ReportSummary> {
      return db.transaction(async (tx) => {
        const report = await findReport(tx, actor.organizationId, reportId);
        if (!report) throw new AppError('report.not_found');
        if (report.status !== 'ready')
          throw new AppError('report.not_ready', { progress: report.progress });
        if (report.publishedAt) throw new AppError('report.already_published');
        const publishedAt = clock.now();
        await updateReport(tx, report.id, { publishedAt });
        await queueMessages(tx, clock, {
          organizationId: actor.organizationId,
          kind: 'report.published',
          eventKey: report.id,
          to: { role: 'reviewer' },
          planId: report.planId,
          facts: {
            subject: `质量报告第 ${report.version} 版`,
            dueOn: addDays(calendarDate(publishedAt), REVIEW_DAYS),
            recordId: report.id,
          },
        });
        await recordAudit(tx, clock, actor, {
          action: 'report.publish',
          entityType: 'quality_report',
          entityId: report.id,
          after: { publishedAt },
        });
        return toSummary({ ...report, publishedAt });
      });
    },

    /** A representative's own review of a published report, created or changed at the version seen. */
    async review(actor: Actor, reportId: string, input: ReviewInput): Promise<ReportDetail> {
      const report = await visibleReport(actor, reportId);
      await db.transaction(async (tx) => {
        const existing = await findReview(tx, report.id, actor.userId);
        const now = clock.now();
        if (!existing) {
          const created = await insertReview(tx, {
            organizationId: actor.organizationId,
            reportId: report.id,
            reviewerUserId: actor.userId,
            representing: input.representing,
            scores: input.scores,
            comment: input.comment,
            createdAt: now,
            updatedAt: now,
          }).catch((error: unknown) => {
            // Two first reviews from the same person at once: the second is a stale write.
            if (isUniqueViolation(error)) throw new AppError('review.version_conflict');
            throw error;
          });
          await recordAudit(tx, clock, actor, {
            action: 'report.review',
            entityType: 'report_review',
            entityId: created.id,
            after: created,
          });
          return;
        }
        const after = await updateReviewAtVersion(tx, existing.id, input.version ?? 0, {
          representing: input.representing,
          scores: input.scores,
          comment: input.comment,
          updatedAt: now,
        });
        if (!after) throw new AppError('review.version_conflict');
        await recordAudit(tx, clock, actor, {
          action: 'report.review',
          entityType: 'report_review',
          entityId: existing.id,
          before: existing,
          after,
        });
      });
      return this.get(actor, reportId);
    },

    /** Item 58: each department's score for the annual performance review, from the same records as the report. */
    async performanceSheet(
      actor: Actor,
      planId: string,
      locale: Locale = 'zh-CN',
    ): Promise<{ fileName: string; bytes: Buffer }> {
      const { plan } = await requirePlan(db, actor.organizationId, planId);
      const records = await gatherReportRecords(db, actor.organizationId, plan.id, clock.now());
      const report = buildQualityReport(records.reportInput);
      const completionOf = new Map(
        report.completion.byDepartment.map((row) => [row.departmentId, row]),
      );
      const rows = records.reportInput.departments
        .filter(
          (department) =>
            completionOf.has(department.id) || records.departmentScores.has(department.id),
        )
        .map((department) => {
          const components = {
            completion: completionOf.get(department.id)?.completion.value ?? null,
            onTime: completionOf.get(department.id)?.onTime.value ?? null,
            selfAssessment: records.departmentScores.get(department.id) ?? null,
            rectification: records.rectificationRates.get(department.id) ?? 'not_applicable',
          };
          return {
            department: department.name,
            ...components,
            score: performanceScore(components),
          };
        })
        .sort((a, b) => b.score - a.score);
      const title = translate(locale, 'export.performance.title', { year: plan.cycleYear });
      const bytes = await writeDocument('performanceSheetXlsx', {
        locale,
        title,
        formula: describePerformanceFormula(defaultPerformanceWeights, locale),
        weights: defaultPerformanceWeights,
        rows,
      });
      await recordAudit(db, clock, actor, {
        action: 'export.performance_sheet',
        entityType: 'plan',
        entityId: plan.id,
        after: { rows: rows.length, asOf: calendarDate(clock.now()) },
      });
      return { fileName: `${title}.xlsx`, bytes };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
