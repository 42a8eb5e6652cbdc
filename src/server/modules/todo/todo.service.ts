import type { Locale } from '../../../shared/errors';
import { and, eq } from 'drizzle-orm';
import type { TodoItem, TodoKind, TodoView } from '../../../shared/api/todo';
import { periodLabel } from '../../../shared/ledger/periods';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { REVIEW_DAYS } from '../../../shared/notifications/messages';
import { addDays } from '../../../shared/supervision/rules';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import type { ViewCache } from '../data-versions/view-cache';
import type { Actor } from '../auth/actor';
import { systemActor } from '../auth/actor';
import type { BreakdownService } from '../breakdowns/breakdown.service';
import { findSummary } from '../conclusion/conclusion.repository';
import { listFindingsOfPlan } from '../findings/finding.repository';
import { listMissingPeriodReports } from '../ledger/ledger.service';
import { listPlansWithStandard } from '../plans/plan.repository';
import { deliverables } from '../plans/plan.table';
import { listReportsOfPlan, listReviews } from '../reports/report.repository';
import type { OverdueSource } from '../supervision/supervision.sources';
import type { NoticeService } from '../supervision/supervision.notices';
import { noticeNumberText } from '../../../shared/supervision/escalation';

/** How far ahead 我的待办 looks: what is due within this many days, and everything late. */
export const TODO_WINDOW_DAYS = 31;

const clip = (text: string, length = 36) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
};

const GROUP_LINKS: Record<TodoKind, string> = {
  breakdown: '/breakdown',
  progress: '/progress',
  measure: '/progress',
  obligation: '/duties',
  rectification: '/rectification',
  summary: '/conclusion',
  notice: '/notices',
  breakdown_review: '/board',
  verification: '/findings',
  report_review: '/report',
};

/** What each to-do says, in the reader's language; plan content inside it stays as written. */
const todoWords = {
  'zh-CN': {
    breakdownReturned: '按审核意见修改任务分解表并重新报送',
    breakdown: (items: number, filled: number) =>
      `填写并报送任务分解表（${items} 项指标，已填 ${filled} 项）`,
    progress: (no: number, measure: string) => `报送进度：指标 ${no} ${measure}`,
    measure: (no: number | null, what: string) => `完成落实措施：指标 ${no ?? ''} ${what}`,
    obligation: (no: number | null) => `登记履职记录：指标 ${no ?? ''}`,
    rectification: (no: number, title: string) => `整改问题 ${no}：${title}`,
    rectificationOpen: '尚未记录整改措施',
    rectificationInProgress: '整改中，完成后提交核验',
    summaryReturned: '按意见修改总结报告与自评并重新提交',
    summary: '撰写并提交总结报告与自评',
    review: (department: string) => `审核${department}的任务分解表`,
    verification: (no: number, title: string) => `核验问题 ${no} 的整改：${title}`,
    reportReview: (version: number) => `评议质量报告（第 ${version} 版）`,
  },
  en: {
    breakdownReturned: 'Revise the task breakdown as the review asks and submit it again',
    breakdown: (items: number, filled: number) =>
      `Fill in and submit the task breakdown (${items} item${items === 1 ? '' : 's'}, ${filled} filled in)`,
    progress: (no: number, measure: string) => `Report progress: item ${no} ${measure}`,
    measure: (no: number | null, what: string) => `Complete a measure: item ${no ?? ''} ${what}`,
    obligation: (no: number | null) => `Record an occurrence: item ${no ?? ''}`,
    rectification: (no: number, title: string) => `Rectify finding ${no}: ${title}`,
    rectificationOpen: 'No rectification action recorded yet',
    rectificationInProgress: 'In progress; ask for verification when done',
    summaryReturned: 'Revise the summary report and self-assessment and submit them again',
    summary: 'Write and submit the summary report and self-assessment',
    review: (department: string) => `Review the task breakdown of ${department}`,
    verification: (no: number, title: string) =>
      `Verify the rectification of finding ${no}: ${title}`,
    reportReview: (version: number) => `Review the quality report (version ${version})`,
  },
} satisfies Record<Locale, unknown>;

export function createTodoService({
  db,
  clock,
  breakdowns,
  sources,
  notices,
  views,
}: {
  db: Database;
  clock: Clock;
  breakdowns: BreakdownService;
  sources: { measures: OverdueSource; obligations: OverdueSource };
  notices: NoticeService;
  views: ViewCache;
}) {
  async function liaisonItems(
    actor: Actor,
    planId: string,
    today: string,
    locale: Locale,
  ): Promise<TodoItem[]> {
    const words = todoWords[locale];
    const departmentId = actor.departmentId!;
    const horizon = addDays(today, TODO_WINDOW_DAYS);
    const items: TodoItem[] = [];
    const board = await breakdowns.board(systemActor(actor.organizationId), planId);
    const row = board.rows.find((candidate) => candidate.department.id === departmentId);
    if (row && row.itemCount > 0 && row.status !== 'submitted' && row.status !== 'approved')
      items.push({
        key: `breakdown:${planId}`,
        kind: 'breakdown',
        title:
          row.status === 'returned'
            ? words.breakdownReturned
            : words.breakdown(row.itemCount, row.itemsWithMeasures),
        detail: null,
        departmentName: row.department.name,
        dueOn: board.dueOn,
        overdue: board.dueOn !== null && board.dueOn < today,
        link: '/breakdown',
      });
    for (const missing of await listMissingPeriodReports(
      db,
      actor.organizationId,
      planId,
      addDays(horizon, 1),
      departmentId,
    ))
      if (missing.departmentId === departmentId)
        items.push({
          key: `progress:${missing.measureId}:${missing.periodKey}`,
          kind: 'progress',
          title: words.progress(missing.itemNo, clip(missing.measureText)),
          detail: locale === 'en' ? periodLabel(missing.periodKey, 'en') : missing.periodLabel,
          departmentName: missing.departmentName,
          dueOn: missing.dueOn,
          overdue: missing.dueOn < today,
          link: `/progress?measureId=${missing.measureId}`,
        });
    const context = { executor: db, organizationId: actor.organizationId };
    for (const subject of await sources.measures({ ...context, today: addDays(horizon, 1) }))
      if (subject.departmentId === departmentId && subject.planId === planId)
        items.push({
          key: subject.key,
          kind: 'measure',
          title: words.measure(
            subject.itemNo,
            clip(locale === 'en' ? subject.whatEn : subject.what, 40),
          ),
          detail: null,
          departmentName: subject.departmentName,
          dueOn: subject.dueOn,
          overdue: subject.dueOn < today,
          link: subject.link,
        });
    for (const subject of await sources.obligations({ ...context, today }))
      if (subject.departmentId === departmentId && subject.planId === planId)
        items.push({
          key: subject.key,
          kind: 'obligation',
          title: words.obligation(subject.itemNo),
          detail: locale === 'en' ? subject.whatEn : subject.what,
          departmentName: subject.departmentName,
          dueOn: subject.dueOn,
          overdue: true,
          link: subject.link,
        });
    for (const finding of await listFindingsOfPlan(db, actor.organizationId, planId))
      if (
        finding.ownerDepartmentId === departmentId &&
        (finding.state === 'open' || finding.state === 'in_progress')
      )
        items.push({
          key: `finding:${finding.id}`,
          kind: 'rectification',
          title: words.rectification(finding.no, clip(finding.title)),
          detail:
            finding.state === 'open' ? words.rectificationOpen : words.rectificationInProgress,
          departmentName: row?.department.name ?? null,
          dueOn: finding.dueOn,
          overdue: finding.dueOn < today,
          link: `/rectification?findingId=${finding.id}`,
        });
    for (const notice of await notices.openOf(actor.organizationId, departmentId))
      items.push({
        key: `notice:${notice.id}`,
        kind: 'notice',
        title: `回复督办通知单 ${noticeNumberText(notice.year, notice.number)}（${notice.items.length} 项逾期工作）`,
        detail: notice.note,
        departmentName: notice.departmentName,
        dueOn: notice.answerDueOn,
        overdue: notice.answerDueOn < today,
        link: `/notices?noticeId=${notice.id}`,
      });
    const summary = await findSummary(db, planId, departmentId);
    const [summaryDue] = await db
      .select({ dueOn: deliverables.dueOn })
      .from(deliverables)
      .where(and(eq(deliverables.planId, planId), eq(deliverables.kind, 'summary')));
    if (
      summary?.status === 'returned' ||
      (summary?.status !== 'submitted' && summaryDue && summaryDue.dueOn <= horizon)
    )
      items.push({
        key: `summary:${planId}`,
        kind: 'summary',
        title: summary?.status === 'returned' ? words.summaryReturned : words.summary,
        detail: summary?.returnComment ?? null,
        departmentName: row?.department.name ?? null,
        dueOn: summaryDue?.dueOn ?? null,
        overdue: summaryDue !== undefined && summaryDue.dueOn < today,
        link: '/conclusion',
      });
    return items;
  }

  async function officeItems(
    actor: Actor,
    planId: string,
    today: string,
    locale: Locale,
  ): Promise<TodoItem[]> {
    const words = todoWords[locale];
    const items: TodoItem[] = [];
    const board = await breakdowns.board(actor, planId);
    for (const row of board.rows.filter((candidate) => candidate.status === 'submitted'))
      items.push({
        key: `breakdown_review:${row.department.id}`,
        kind: 'breakdown_review',
        title: words.review(row.department.name),
        detail: null,
        departmentName: row.department.name,
        dueOn: row.submittedAt ? calendarDate(new Date(row.submittedAt)) : null,
        overdue: false,
        link: `/board/${row.department.id}`,
      });
    for (const finding of await listFindingsOfPlan(db, actor.organizationId, planId))
      if (finding.state === 'awaiting_verification')
        items.push({
          key: `verification:${finding.id}`,
          kind: 'verification',
          title: words.verification(finding.no, clip(finding.title)),
          detail: null,
          departmentName: null,
          dueOn: finding.dueOn,
          overdue: finding.dueOn < today,
          link: `/findings?findingId=${finding.id}`,
        });
    return items;
  }

  async function reviewerItems(
    actor: Actor,
    planId: string,
    today: string,
    locale: Locale,
  ): Promise<TodoItem[]> {
    const words = todoWords[locale];
    const items: TodoItem[] = [];
    for (const report of await listReportsOfPlan(db, actor.organizationId, planId)) {
      if (!report.publishedAt) continue;
      const reviews = await listReviews(db, report.id);
      if (reviews.some((review) => review.reviewerUserId === actor.userId)) continue;
      const closes = addDays(calendarDate(report.publishedAt), REVIEW_DAYS);
      items.push({
        key: `report_review:${report.id}`,
        kind: 'report_review',
        title: words.reportReview(report.version),
        detail: null,
        departmentName: null,
        dueOn: closes,
        overdue: closes < today,
        link: `/report?reportId=${report.id}`,
      });
    }
    return items;
  }

  /**
   * The list is kept until the organization's next write (data-versions/view-cache.ts), per who
   * reads it: a liaison's reads only their own department's records of the department-owned
   * tables (the board's, the ledger's and the late sources' rows of other departments are read
   * and dropped), so it is kept under their department's version; the office's and a reviewer's
   * under the organization's. The day is in the key, so what becomes late at midnight shows.
   */
  function keptMine(actor: Actor, planId: string | undefined, locale: Locale): Promise<TodoView> {
    const who =
      actor.role === 'liaison'
        ? `liaison/${actor.departmentId ?? ''}`
        : actor.role === 'coordinator' || actor.role === 'admin'
          ? `office/${actor.departmentId ?? ''}`
          : actor.role === 'reviewer'
            ? `reviewer/${actor.userId}`
            : actor.role;
    return views.read(
      actor.organizationId,
      `todo.mine/${planId ?? 'newest'}/${who}/${locale}`,
      () => computeMine(actor, planId, locale),
      actor.role === 'liaison' && actor.departmentId ? { departmentId: actor.departmentId } : {},
    );
  }

  async function computeMine(
    actor: Actor,
    planId: string | undefined,
    locale: Locale,
  ): Promise<TodoView> {
    const today = calendarDate(clock.now());
    const plans = (await listPlansWithStandard(db, actor.organizationId))
      .map(({ plan }) => plan)
      .sort((a, b) => b.cycleYear - a.cycleYear || b.createdAt.getTime() - a.createdAt.getTime());
    const plan = planId ? plans.find((candidate) => candidate.id === planId) : plans[0];
    if (planId && !plan) throw new AppError('plan.not_found');
    let items: TodoItem[] = [];
    if (plan) {
      if (actor.role === 'liaison' && actor.departmentId)
        items = await liaisonItems(actor, plan.id, today, locale);
      else if (actor.role === 'coordinator' || actor.role === 'admin') {
        items = await officeItems(actor, plan.id, today, locale);
        // The office's own department (党委教师工作部) has its own duties to fill in and report.
        if (actor.departmentId)
          items = [...(await liaisonItems(actor, plan.id, today, locale)), ...items];
      } else if (actor.role === 'reviewer')
        items = await reviewerItems(actor, plan.id, today, locale);
    }
    items.sort(
      (a, b) =>
        (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999') || a.title.localeCompare(b.title),
    );
    const groups = new Map<TodoKind, TodoView['groups'][number]>();
    for (const item of items) {
      const group = groups.get(item.kind) ?? {
        kind: item.kind,
        count: 0,
        overdue: 0,
        nextDueOn: null,
        link: GROUP_LINKS[item.kind],
      };
      group.count += 1;
      if (item.overdue) group.overdue += 1;
      if (item.dueOn && (!group.nextDueOn || item.dueOn < group.nextDueOn))
        group.nextDueOn = item.dueOn;
      groups.set(item.kind, group);
    }
    const upcoming = items.filter((item) => item.dueOn && !item.overdue);
    return {
      plan: plan ? { id: plan.id, title: plan.title } : null,
      today,
      total: items.length,
      overdue: items.filter((item) => item.overdue).length,
      nextDueOn: (upcoming[0] ?? items[0])?.dueOn ?? null,
      groups: [...groups.values()],
      items,
    };
  }

  return {
    mine: (actor: Actor, planId?: string, locale: Locale = 'zh-CN'): Promise<TodoView> =>
      keptMine(actor, planId, locale),
  };
}

export type TodoService = ReturnType<typeof createTodoService>;
