import type { OverdueSubject } from '../../../shared/supervision/rules';
import type { Executor } from '../../db/client';
import { systemActor } from '../auth/actor';
import type { BreakdownService } from '../breakdowns/breakdown.service';
import { listApprovedMeasures, listProgressReportFacts } from '../ledger/ledger.repository';
import { listMissingPeriodReports } from '../ledger/ledger.service';
import { listMissingOccurrences } from '../obligations/obligation.service';
import { listPlansWithStandard } from '../plans/plan.repository';
import type { Plan } from '../plans/plan.table';
import { listItemsOfStandard } from '../standards/standard.repository';

export interface SourceContext {
  executor: Executor;
  organizationId: string;
  /** The Beijing calendar date the sweep runs for. */
  today: string;
}

/** One kind of late work. The sweep asks every source and treats what they return alike. */
export type OverdueSource = (context: SourceContext) => Promise<OverdueSubject[]>;

const STATUS_WORDS = {
  not_started: '尚未填写',
  draft: '已填写但未报送',
  returned: '被退回后尚未重新报送',
  submitted: '已报送',
  approved: '已审核通过',
} as const;
const STATUS_WORDS_EN = {
  not_started: 'not started',
  draft: 'filled in but not submitted',
  returned: 'returned and not yet resubmitted',
  submitted: 'submitted',
  approved: 'approved',
} as const;

/** Task breakdowns not submitted (or returned and not resubmitted) after their deadline: the board's `late`. */
export function lateBreakdowns(breakdowns: BreakdownService): OverdueSource {
  return async ({ executor, organizationId }) => {
    const subjects: OverdueSubject[] = [];
    for (const { plan } of await listPlansWithStandard(executor, organizationId)) {
      const board = await breakdowns.board(systemActor(organizationId), plan.id);
      if (!board.dueOn) continue;
      for (const row of board.rows.filter((candidate) => candidate.late)) {
        subjects.push({
          key: `breakdown:${plan.id}:${row.department.id}`,
          kind: 'breakdown',
          departmentId: row.department.id,
          departmentName: row.department.name,
          planId: plan.id,
          itemNo: null,
          itemText: null,
          what: `任务分解表（${row.itemCount} 项指标）应于 ${row.dueOn ?? board.dueOn} 前报送，目前${STATUS_WORDS[row.status]}`,
          whatEn: `Task breakdown (${row.itemCount} item${row.itemCount === 1 ? '' : 's'}) due by ${row.dueOn ?? board.dueOn}; now ${STATUS_WORDS_EN[row.status]}`,
          dueOn: row.dueOn ?? board.dueOn,
          link: '/breakdown',
        });
      }
    }
    return subjects;
  };
}

const clip = (text: string, length = 40) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
};

/** A source that looks at each plan of the organization in turn, with the plan's item texts at hand. */
function perPlan(
  late: (
    context: SourceContext & { plan: Plan; itemText(itemId: string): string | null },
  ) => Promise<OverdueSubject[]>,
): OverdueSource {
  return async (context) => {
    const subjects: OverdueSubject[] = [];
    for (const { plan } of await listPlansWithStandard(context.executor, context.organizationId)) {
      const texts = new Map(
        (await listItemsOfStandard(context.executor, plan.standardId)).map((item) => [
          item.id,
          item.content,
        ]),
      );
      subjects.push(
        ...(await late({ ...context, plan, itemText: (itemId) => texts.get(itemId) ?? null })),
      );
    }
    return subjects;
  };
}

/** Measures with a dated deadline (kind date) that has passed, with no progress report saying done. */
export const lateMeasures: OverdueSource = perPlan(async ({ executor, plan, today }) => {
  const dated = (await listApprovedMeasures(executor, plan.id)).filter(
    (measure) => measure.deadlineKind === 'date' && measure.dueOn < today,
  );
  if (dated.length === 0) return [];
  // A measure is done when the latest version of one of its periods' reports says so.
  const latest = new Map<string, { measureId: string; version: number; status: string }>();
  for (const report of await listProgressReportFacts(executor, plan.id)) {
    const key = `${report.measureId}/${report.periodKey}`;
    if ((latest.get(key)?.version ?? 0) < report.version)
      latest.set(key, {
        measureId: report.measureId,
        version: report.version,
        status: report.status,
      });
  }
  const done = new Set<string>();
  for (const report of latest.values()) if (report.status === 'done') done.add(report.measureId);
  return dated
    .filter((measure) => !done.has(measure.id))
    .map((measure) => ({
      key: `measure:${measure.id}`,
      kind: 'measure' as const,
      departmentId: measure.departmentId,
      departmentName: measure.departmentName,
      planId: plan.id,
      itemNo: measure.itemNo,
      itemText: measure.itemContent,
      what: `落实措施“${clip(measure.text)}”应于 ${measure.dueOn} 完成，尚未报送“已完成”`,
      whatEn: `Measure “${clip(measure.text)}” was due by ${measure.dueOn}; not yet reported done`,
      dueOn: measure.dueOn,
      link: '/progress',
    }));
});

/** Progress reports (进度报送) not made for a period whose due day has passed. */
export const missingPeriodReports: OverdueSource = perPlan(
  async ({ executor, organizationId, plan, today, itemText }) => {
    // A measure misses many periods: its text is clipped once, not once per period.
    const clipped = new Map<string, string>();
    const clipOnce = (text: string) => {
      let short = clipped.get(text);
      if (short === undefined) {
        short = clip(text);
        clipped.set(text, short);
      }
      return short;
    };
    return (await listMissingPeriodReports(executor, organizationId, plan.id, today)).map(
      (missing) => {
        const measureText = clipOnce(missing.measureText);
        return {
          key: `period_report:${missing.measureId}:${missing.periodKey}`,
          kind: 'period_report' as const,
          departmentId: missing.departmentId,
          departmentName: missing.departmentName,
          planId: plan.id,
          itemNo: missing.itemNo,
          itemText: itemText(missing.itemId),
          what: `落实措施“${measureText}”${missing.periodLabel}的进度应于 ${missing.dueOn} 前报送，尚未报送`,
          whatEn: `Progress of measure “${measureText}” for period ${missing.periodKey} was due by ${missing.dueOn}; not reported`,
          dueOn: missing.dueOn,
          link: '/progress',
        };
      },
    );
  },
);

/** Obligations (量化要求, e.g. 每学期至少1次) that ended a period short of their occurrences. */
export const missingOccurrences: OverdueSource = perPlan(
  async ({ executor, organizationId, plan, today, itemText }) =>
    (await listMissingOccurrences(executor, organizationId, plan.id, today)).map((missing) => ({
      key: `obligation:${missing.obligationId}:${missing.departmentId}:${missing.periodEndsOn}`,
      kind: 'obligation' as const,
      departmentId: missing.departmentId,
      departmentName: missing.departmentName,
      planId: plan.id,
      itemNo: missing.itemNo,
      itemText: itemText(missing.itemId),
      what:
        missing.required === null
          ? `${missing.periodLabel}（截至 ${missing.periodEndsOn}）未达到量化要求`
          : `${missing.periodLabel}（截至 ${missing.periodEndsOn}）应至少完成 ${missing.required} 次，已登记 ${missing.recorded ?? 0} 次`,
      whatEn:
        missing.required === null
          ? `The period ending ${missing.periodEndsOn} did not meet the obligation`
          : `At least ${missing.required} needed in the period ending ${missing.periodEndsOn}; ${missing.recorded ?? 0} recorded`,
      dueOn: missing.periodEndsOn,
      link: '/duties',
    })),
);

/** Every source of late work: adding a kind of late work is one line here. */
export function overdueSources(dependencies: { breakdowns: BreakdownService }): OverdueSource[] {
  return [
    lateBreakdowns(dependencies.breakdowns),
    lateMeasures,
    missingPeriodReports,
    missingOccurrences,
  ];
}
