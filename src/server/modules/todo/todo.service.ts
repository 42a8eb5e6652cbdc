import { and, eq } from 'drizzle-orm';
import type { TodoItem, TodoKind, TodoView } from '../../../shared/api/todo';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { REVIEW_DAYS } from '../../../shared/notifications/messages';
import { addDays } from '../../../shared/supervision/rules';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
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
  breakdown_review: '/board',
  verification: '/findings',
  report_review: '/report',
};

export function createTodoService({
  db,
  clock,
  breakdowns,
  sources,
}: {
  db: Database;
  clock: Clock;
  breakdowns: BreakdownService;
  sources: { measures: OverdueSource; obligations: OverdueSource };
}) {
  async function liaisonItems(actor: Actor, planId: string, today: string): Promise<TodoItem[]> {
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
            ? '按审核意见修改任务分解表并重新报送'
            : `填写并报送任务分解表（${row.itemCount} 项指标，已填 ${row.itemsWithMeasures} 项）`,
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
    ))
      if (missing.departmentId === departmentId)
        items.push({
          key: `progress:${missing.measureId}:${missing.periodKey}`,
          kind: 'progress',
          title: `报送进度：指标 ${missing.itemNo} ${clip(missing.measureText)}`,
          detail: missing.periodLabel,
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
          title: `完成落实措施：指标 ${subject.itemNo ?? ''} ${clip(subject.what, 40)}`,
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
          title: `登记履职记录：指标 ${subject.itemNo ?? ''}`,
          detail: subject.what,
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
          title: `整改问题 ${finding.no}：${clip(finding.title)}`,
          detail: finding.state === 'open' ? '尚未记录整改措施' : '整改中，完成后提交核验',
          departmentName: row?.department.name ?? null,
          dueOn: finding.dueOn,
          overdue: finding.dueOn < today,
          link: `/rectification?findingId=${finding.id}`,
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
        title:
          summary?.status === 'returned'
            ? '按意见修改总结报告与自评并重新提交'
            : '撰写并提交总结报告与自评',
        detail: summary?.returnComment ?? null,
        departmentName: row?.department.name ?? null,
        dueOn: summaryDue?.dueOn ?? null,
        overdue: summaryDue !== undefined && summaryDue.dueOn < today,
        link: '/conclusion',
      });
    return items;
  }

  async function officeItems(actor: Actor, planId: string, today: string): Promise<TodoItem[]> {
    const items: TodoItem[] = [];
    const board = await breakdowns.board(actor, planId);
    for (const row of board.rows.filter((candidate) => candidate.status === 'submitted'))
      items.push({
        key: `breakdown_review:${row.department.id}`,
        kind: 'breakdown_review',
        title: `审核${row.department.name}的任务分解表`,
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
          title: `核验问题 ${finding.no} 的整改：${clip(finding.title)}`,
          detail: null,
          departmentName: null,
          dueOn: finding.dueOn,
          overdue: finding.dueOn < today,
          link: `/findings?findingId=${finding.id}`,
        });
    return items;
  }

  async function reviewerItems(actor: Actor, planId: string, today: string): Promise<TodoItem[]> {
    const items: TodoItem[] = [];
    for (const report of await listReportsOfPlan(db, actor.organizationId, planId)) {
      if (!report.publishedAt) continue;
      const reviews = await listReviews(db, report.id);
      if (reviews.some((review) => review.reviewerUserId === actor.userId)) continue;
      const closes = addDays(calendarDate(report.publishedAt), REVIEW_DAYS);
      items.push({
        key: `report_review:${report.id}`,
        kind: 'report_review',
        title: `评议质量报告（第 ${report.version} 版）`,
        detail: null,
        departmentName: null,
        dueOn: closes,
        overdue: closes < today,
        link: `/report?reportId=${report.id}`,
      });
    }
    return items;
  }

  return {
    async mine(actor: Actor, planId?: string): Promise<TodoView> {
      const today = calendarDate(clock.now());
      const plans = (await listPlansWithStandard(db, actor.organizationId))
        .map(({ plan }) => plan)
        .sort((a, b) => b.cycleYear - a.cycleYear || b.createdAt.getTime() - a.createdAt.getTime());
      const plan = planId ? plans.find((candidate) => candidate.id === planId) : plans[0];
      if (planId && !plan) throw new AppError('plan.not_found');
      let items: TodoItem[] = [];
      if (plan) {
        if (actor.role === 'liaison' && actor.departmentId)
          items = await liaisonItems(actor, plan.id, today);
        else if (actor.role === 'coordinator' || actor.role === 'admin') {
          items = await officeItems(actor, plan.id, today);
          // The office's own department (党委教师工作部) has its own duties to fill in and report.
          if (actor.departmentId)
            items = [...(await liaisonItems(actor, plan.id, today)), ...items];
        } else if (actor.role === 'reviewer') items = await reviewerItems(actor, plan.id, today);
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
    },
  };
}

export type TodoService = ReturnType<typeof createTodoService>;
