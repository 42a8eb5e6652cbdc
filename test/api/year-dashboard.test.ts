import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { YearDashboard } from '../../src/shared/api/dashboard';
import type { DepartmentLedger } from '../../src/shared/api/ledger';
import type { ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import type { OverdueView } from '../../src/shared/api/supervision';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
const clock = new ManualClock('2024-04-22T02:00:00Z');
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

/**
 * A year with every phase in a different state: 工会 approved and reporting (one measure done,
 * one on track, reports late), 人事处 submitted, 党政办公室 returned, the others not started;
 * three findings (open, rectifying, verified).
 */
async function aMixedYear() {
  clock.set('2024-04-22T02:00:00Z');
  const seeded = await institutionWithSeedPlan(t);
  const { organization, planId } = seeded;
  const coordinatorName = (await createUser(t.db, organization.id, 'coordinator')).username;
  const leaderName = (await createUser(t.db, organization.id, 'leader')).username;
  const liaisonNames = new Map<string, string>();
  for (const name of ['工会', '人事处', '党政办公室']) {
    const user = await createUser(t.db, organization.id, 'liaison', {
      departmentId: seeded.idOf(name),
    });
    liaisonNames.set(name, user.username);
  }
  const liaison = (name: string) => signIn(t.app, liaisonNames.get(name)!);
  let coordinator = await signIn(t.app, coordinatorName);
  const base = (name: string) => `/api/v1/plans/${planId}/breakdowns/${seeded.idOf(name)}`;

  for (const name of ['工会', '人事处', '党政办公室']) {
    const client = await liaison(name);
    for (const item of itemsOf((await client.get(base(name))).json())) {
      const created = await client.post(`${base(name)}/measures`, {
        itemId: item.id,
        text: `第${item.no}项：${name}落实举措`,
        deadline: { kind: 'monthly', dueOn: '2024-06-05' },
      });
      expect(created.statusCode).toBe(201);
    }
    await client.request({
      method: 'PUT',
      url: `${base(name)}/liaison`,
      payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
    });
    expect((await client.post(`${base(name)}/submit`)).statusCode).toBe(200);
  }
  const firstItemOf = async (name: string) =>
    itemsOf((await coordinator.get(base(name))).json())[0]!.id;
  expect(
    (await coordinator.post(`${base('工会')}/review`, { decision: 'approve', itemComments: {} }))
      .statusCode,
  ).toBe(200);
  expect(
    (
      await coordinator.post(`${base('党政办公室')}/review`, {
        decision: 'return',
        itemComments: { [await firstItemOf('党政办公室')]: '请写明完成时间' },
      })
    ).statusCode,
  ).toBe(200);
  expect(
    (
      await coordinator.request({
        method: 'PUT',
        url: `/api/v1/plans/${planId}/ledger/settings`,
        payload: { frequency: 'monthly', dueDay: 5, firstPeriod: '2024-05', lastPeriod: '2024-12' },
      })
    ).statusCode,
  ).toBe(200);

  const unionId = seeded.idOf('工会');
  const ledgerBase = `/api/v1/plans/${planId}/ledger/departments/${unionId}`;
  let union = await liaison('工会');
  const measures = ((await union.get(ledgerBase)).json() as DepartmentLedger).measures;
  const report = (measureId: string, periodKey: string, status: string) =>
    union.post(`${ledgerBase}/reports`, {
      measureId,
      periodKey,
      basedOnVersion: 0,
      status,
      text: `${periodKey} 按计划推进`,
      evidenceIds: [],
    });
  clock.set('2024-06-03T02:00:00Z');
  union = await liaison('工会');
  for (const measure of measures)
    expect((await report(measure.id, '2024-05', 'on_track')).statusCode).toBe(201);
  clock.set('2024-07-08T02:00:00Z');
  union = await liaison('工会');
  expect((await report(measures[0]!.id, '2024-06', 'done')).statusCode).toBe(201);

  coordinator = await signIn(t.app, coordinatorName);
  const findingAt = (id: string, tail = '') => `/api/v1/plans/${planId}/findings/${id}${tail}`;
  const finding = async (title: string, dueOn: string) => {
    const created = await coordinator.post(`/api/v1/plans/${planId}/findings`, {
      title,
      description: `${title}：需整改`,
      kind: 'immediate',
      ownerDepartmentId: unionId,
      departmentIds: [],
      itemIds: [await firstItemOf('工会')],
      dueOn,
    });
    expect(created.statusCode).toBe(201);
    return created.json().id as string;
  };
  await finding('民生项目验收滞后', '2024-07-31');
  const rectifying = await finding('教代会提案答复不全', '2024-12-31');
  const verified = await finding('慰问经费台账不清', '2024-12-31');
  for (const id of [rectifying, verified])
    expect(
      (await union.post(findingAt(id, '/actions'), { version: 1, text: '已逐项整改' })).statusCode,
    ).toBe(200);
  expect(
    (await union.post(findingAt(verified, '/request-verification'), { version: 2 })).statusCode,
  ).toBe(200);
  expect((await coordinator.post(findingAt(verified, '/verify'), { version: 3 })).statusCode).toBe(
    200,
  );

  clock.set('2024-08-10T02:00:00Z');
  coordinator = await signIn(t.app, coordinatorName);
  const leader = await signIn(t.app, leaderName);
  union = await liaison('工会');
  return { seeded, planId, coordinator, leader, union };
}

async function generated(coordinator: SignedInClient, planId: string): Promise<ReportDetail> {
  const requested = await coordinator.post(`/api/v1/plans/${planId}/reports`);
  expect(requested.statusCode).toBe(202);
  const summary = requested.json() as ReportSummary;
  expect((await t.jobs.runDue()).done).toBeGreaterThanOrEqual(1);
  return (await coordinator.get(`/api/v1/reports/${summary.id}`)).json() as ReportDetail;
}

describe("the leader's year dashboard", () => {
  it('shows the same figures as the quality report of the same day, and refuses a liaison', async () => {
    const { seeded, planId, coordinator, leader, union } = await aMixedYear();
    // One conduct report of the plan's year, filed on the public page: item 26 counts it.
    const filed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/organizations/${seeded.organization.id}/conduct-reports`,
      payload: { teacher: '张老师', what: '课堂上辱骂学生' },
      remoteAddress: '10.9.0.7',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const report = await generated(coordinator, planId);
    const content = report.content!;
    const response = await leader.get(`/api/v1/plans/${planId}/year-dashboard`);
    expect(response.statusCode).toBe(200);
    const dashboard = response.json() as YearDashboard;

    expect(dashboard.asOf).toBe(content.asOf);
    expect(dashboard.report).toMatchObject({ id: report.id, status: 'ready', version: 1 });
    expect(dashboard.breakdown).toEqual({
      departments: content.totals.departments,
      approved: 1,
      submitted: 1,
      returned: 1,
      notSubmitted: content.totals.departments - 3,
    });

    const { completion, onTime } = content.completion.overall;
    expect(dashboard.execution.completion).toEqual(completion);
    expect(dashboard.execution.onTime).toEqual(onTime);
    expect(dashboard.execution.measures).toBe(content.totals.measures);
    expect(dashboard.execution.done).toBe(completion.numerator);
    expect(dashboard.execution.done).toBe(1);
    // 工会's other measure reported on track; every other department's measures have no report.
    expect(dashboard.execution.inProgress).toBe(1);
    expect(dashboard.execution.notStarted).toBe(content.totals.measures - 2);
    expect(dashboard.execution.periodReportsIn).toBe(content.totals.periodReports);
    expect(dashboard.execution.periodReportsDue).toBe(onTime.denominator);
    expect(dashboard.execution.periodReportsMissing).toBeGreaterThan(0);

    const byState = (state: string) =>
      content.findings.byState.find((entry) => entry.state === state)?.count ?? 0;
    expect(dashboard.findings).toMatchObject({
      total: content.findings.total,
      open: byState('open'),
      rectifying: byState('in_progress') + byState('awaiting_verification'),
      verified: byState('verified'),
      overdue: content.findings.overdue,
      closedRate: content.findings.closedRate,
    });
    expect(dashboard.findings).toMatchObject({
      total: 3,
      open: 1,
      rectifying: 1,
      verified: 1,
      overdue: 1,
    });
    expect(dashboard.obligations.met).toEqual(content.obligations.overall);
    expect(dashboard.conclusion.itemsUnrated).toBe(content.selfAssessment.unrated);

    expect(dashboard.ranking).toHaveLength(content.completion.byDepartment.length);
    for (const row of dashboard.ranking) {
      const inReport = content.completion.byDepartment.find(
        (entry) => entry.departmentId === row.departmentId,
      )!;
      expect(row.completion).toEqual(inReport.completion);
      expect(row.onTime).toEqual(inReport.onTime);
    }
    expect(dashboard.ranking[0]).toMatchObject({ rank: 1, departmentId: seeded.idOf('工会') });
    const values = dashboard.ranking.map((row) => row.completion.value ?? -1);
    expect(values).toEqual([...values].sort((a, b) => b - a));

    // Late work by colour: the plan's rows of supervision's own overdue view.
    const overdue = (await coordinator.get('/api/v1/supervision/overdue')).json() as OverdueView;
    const late = overdue.departments
      .flatMap((entry) => entry.subjects)
      .filter((subject) => subject.planId === planId);
    expect(late.length).toBeGreaterThan(0);
    expect(dashboard.overdue.total).toBe(late.length);
    for (const colour of ['yellow', 'orange', 'red'] as const)
      expect(dashboard.overdue[colour]).toBe(
        late.filter((subject) => subject.colour === colour).length,
      );
    expect(dashboard.overdue.none).toBe(late.filter((subject) => subject.colour === null).length);

    const item26 = content.teachers!.figures.find((figure) => figure.kind === 'conduct_reports')!;
    expect(dashboard.conductReports).toEqual({
      received: 1,
      closed: 0,
      founded: 0,
      partly: 0,
      unfounded: 0,
      clarified: 0,
      notified: 0,
      onTime: {
        numerator: item26.numerator,
        denominator: item26.denominator,
        value: item26.value,
        ref: item26.ref,
      },
    });
    expect(JSON.stringify(dashboard)).not.toContain('张老师');

    const refused = await union.get(`/api/v1/plans/${planId}/year-dashboard`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.forbidden');
  });
});
