import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { DepartmentLedger } from '../../src/shared/api/ledger';
import type { FigureRecords, ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import type { RecordRef } from '../../src/shared/report/quality-report.contract';
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

/** 工会 approved and reporting (one measure done, one late period), two findings (one verified). */
async function aYearWithRecords() {
  clock.set('2024-04-22T02:00:00Z');
  const seeded = await institutionWithSeedPlan(t);
  const { organization, planId } = seeded;
  const coordinatorName = (await createUser(t.db, organization.id, 'coordinator')).username;
  const reviewerName = (await createUser(t.db, organization.id, 'reviewer')).username;
  const unionId = seeded.idOf('工会');
  const liaisonName = (
    await createUser(t.db, organization.id, 'liaison', { departmentId: unionId })
  ).username;
  let coordinator = await signIn(t.app, coordinatorName);
  let union = await signIn(t.app, liaisonName);
  const base = `/api/v1/plans/${planId}/breakdowns/${unionId}`;
  const items = itemsOf((await union.get(base)).json());
  for (const item of items)
    expect(
      (
        await union.post(`${base}/measures`, {
          itemId: item.id,
          text: `第${item.no}项：工会落实举措`,
          deadline: { kind: 'monthly', dueOn: '2024-06-05' },
        })
      ).statusCode,
    ).toBe(201);
  await union.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  expect((await union.post(`${base}/submit`)).statusCode).toBe(200);
  expect(
    (await coordinator.post(`${base}/review`, { decision: 'approve', itemComments: {} }))
      .statusCode,
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
  const ledgerBase = `/api/v1/plans/${planId}/ledger/departments/${unionId}`;
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
  union = await signIn(t.app, liaisonName);
  for (const measure of measures)
    expect((await report(measure.id, '2024-05', 'on_track')).statusCode).toBe(201);
  clock.set('2024-07-08T02:00:00Z');
  union = await signIn(t.app, liaisonName);
  expect((await report(measures[0]!.id, '2024-06', 'done')).statusCode).toBe(201);

  coordinator = await signIn(t.app, coordinatorName);
  const findingAt = (id: string, tail = '') => `/api/v1/plans/${planId}/findings/${id}${tail}`;
  const finding = async (title: string) => {
    const created = await coordinator.post(`/api/v1/plans/${planId}/findings`, {
      title,
      description: `${title}：需整改`,
      kind: 'immediate',
      ownerDepartmentId: unionId,
      departmentIds: [],
      itemIds: [items[0]!.id],
      dueOn: '2024-12-31',
    });
    expect(created.statusCode).toBe(201);
    return created.json().id as string;
  };
  await finding('民生项目验收滞后');
  const verified = await finding('慰问经费台账不清');
  expect(
    (await union.post(findingAt(verified, '/actions'), { version: 1, text: '已逐项整改' }))
      .statusCode,
  ).toBe(200);
  expect(
    (await union.post(findingAt(verified, '/request-verification'), { version: 2 })).statusCode,
  ).toBe(200);
  expect((await coordinator.post(findingAt(verified, '/verify'), { version: 3 })).statusCode).toBe(
    200,
  );
  clock.set('2024-08-10T02:00:00Z');
  coordinator = await signIn(t.app, coordinatorName);
  const plans = (await coordinator.get('/api/v1/plans')).json() as {
    id: string;
    cycleYear: number;
  }[];
  const cycleYear = plans.find((plan) => plan.id === planId)!.cycleYear;
  expect(
    (
      await coordinator.post('/api/v1/satisfaction-results', {
        year: cycleYear,
        itemNo: 27,
        value: 92.5,
        sample: 300,
        source: '麦可思',
        note: '教师满意度调查',
      })
    ).statusCode,
  ).toBe(201);
  return {
    organizationId: organization.id,
    planId,
    unionId,
    coordinator,
    reviewer: await signIn(t.app, reviewerName),
    union: await signIn(t.app, liaisonName),
  };
}

async function generated(coordinator: SignedInClient, planId: string): Promise<ReportDetail> {
  const requested = await coordinator.post(`/api/v1/plans/${planId}/reports`);
  expect(requested.statusCode).toBe(202);
  const summary = requested.json() as ReportSummary;
  expect((await t.jobs.runDue()).done).toBeGreaterThanOrEqual(1);
  return (await coordinator.get(`/api/v1/reports/${summary.id}`)).json() as ReportDetail;
}

const recordsUrl = (reportId: string, ref: RecordRef, extra = '') =>
  `/api/v1/reports/${reportId}/figure-records?${new URLSearchParams({
    page: ref.page,
    filters: new URLSearchParams(ref.filters).toString(),
  }).toString()}${extra}`;

async function recordsOf(client: SignedInClient, reportId: string, ref: RecordRef) {
  const response = await client.get(recordsUrl(reportId, ref, '&limit=200'));
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as FigureRecords;
}

describe("the records behind a report's figures", () => {
  it('open read-only for a reviewer of a published report, exactly the records each figure counts', async () => {
    const { planId, unionId, coordinator, reviewer, union } = await aYearWithRecords();
    const report = await generated(coordinator, planId);
    const content = report.content!;
    // Not yet published: a reviewer cannot see the report nor its records; the office can.
    const overall = content.completion.overall;
    const early = await reviewer.get(recordsUrl(report.id, overall.completion.ref));
    expect(early.statusCode).toBe(404);
    expect(early.json().error.code).toBe('report.not_found');
    expect((await coordinator.get(recordsUrl(report.id, overall.completion.ref))).statusCode).toBe(
      200,
    );
    expect((await coordinator.post(`/api/v1/reports/${report.id}/publish`)).statusCode).toBe(200);

    // 措施完成率: every measure of the plan, those done marked counted.
    const completion = await recordsOf(reviewer, report.id, overall.completion.ref);
    expect(completion.figure).toMatchObject({
      kind: 'completion',
      numerator: overall.completion.numerator,
      denominator: overall.completion.denominator,
    });
    expect(completion.total).toBe(overall.completion.denominator);
    expect(completion.records.kind).toBe('ledger');
    const ledgerRows = (records: FigureRecords) =>
      records.records.kind === 'ledger' ? records.records.rows : [];
    const counted = ledgerRows(completion).filter((row) => row.counted);
    expect(counted).toHaveLength(overall.completion.numerator);
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({
      department: '工会',
      status: 'done',
      note: '2024-06 按计划推进',
    });
    expect(counted[0]!.measure).toMatch(/工会落实举措/);
    expect(completion.current).toEqual({
      numerator: overall.completion.numerator,
      denominator: overall.completion.denominator,
    });

    // 按时报送率: each period report due, those made in time counted; paged.
    const onTime = await recordsOf(reviewer, report.id, overall.onTime.ref);
    expect(onTime.total).toBe(overall.onTime.denominator);
    expect(onTime.records.rows.filter((row) => row.counted)).toHaveLength(overall.onTime.numerator);
    const firstPage = (
      await reviewer.get(recordsUrl(report.id, overall.onTime.ref, '&limit=1&offset=1'))
    ).json() as FigureRecords;
    expect(firstPage).toMatchObject({ total: onTime.total, offset: 1, limit: 1 });
    expect(firstPage.records.rows).toEqual(onTime.records.rows.slice(1, 2));

    // A department's row and a level-1 indicator's row.
    const unionRow = content.completion.byDepartment.find((row) => row.departmentId === unionId)!;
    const unionRecords = await recordsOf(reviewer, report.id, unionRow.completion.ref);
    expect(unionRecords.total).toBe(unionRow.completion.denominator);
    expect(ledgerRows(unionRecords)).toHaveLength(unionRow.completion.denominator);
    expect(ledgerRows(unionRecords).every((row) => row.department === '工会')).toBe(true);
    for (const row of content.completion.byLevel1) {
      const level1 = await recordsOf(reviewer, report.id, row.onTime.ref);
      expect(level1.total).toBe(row.onTime.denominator);
      expect(level1.records.rows.filter((entry) => entry.counted)).toHaveLength(
        row.onTime.numerator,
      );
    }

    // Findings by state, and the self-assessment by indicator.
    for (const state of content.findings.byState) {
      const records = await recordsOf(reviewer, report.id, state.ref);
      expect(records.total).toBe(state.count);
      expect(records.records.kind).toBe('findings');
      if (records.records.kind === 'findings')
        expect(records.records.rows.every((row) => row.state === state.state)).toBe(true);
    }
    const level1 = content.selfAssessment.byLevel1[0]!;
    const assessed = await recordsOf(reviewer, report.id, level1.ref);
    expect(assessed.total).toBe(level1.items);
    expect(assessed.records.rows.filter((row) => row.counted)).toHaveLength(level1.rated);

    // A third party's result: its own record, with its source and sample.
    const thirdParty = content.teachers!.figures.find((figure) => figure.kind === 'third_party')!;
    const satisfaction = await recordsOf(reviewer, report.id, thirdParty.ref);
    expect(satisfaction.records).toEqual({
      kind: 'satisfaction',
      rows: [
        {
          counted: true,
          itemNo: 27,
          source: '麦可思',
          value: 92.5,
          sample: 300,
          note: '教师满意度调查',
          evidence: [],
        },
      ],
    });

    // Only the report's own figures: a made-up ref is refused, in the reader's language.
    const madeUp = await reviewer.get(
      recordsUrl(report.id, { page: 'ledger', filters: { plan: planId, departmentId: planId } }),
    );
    expect(madeUp.statusCode).toBe(404);
    expect(madeUp.json().error.code).toBe('report.figure_unknown');
    expect(madeUp.json().error.message).toMatch(/没有这个数字/);
    const inEnglish = await reviewer.request({
      method: 'GET',
      url: recordsUrl(report.id, { page: 'findings', filters: { plan: planId, state: 'nope' } }),
      headers: { 'accept-language': 'en' },
    });
    expect(inEnglish.json().error).toMatchObject({ code: 'report.figure_unknown' });
    expect(inEnglish.json().error.message).toMatch(/no such figure/);

    // A newer version, not yet published: the reviewer cannot open its records.
    const second = await generated(coordinator, planId);
    const unpublished = await reviewer.get(recordsUrl(second.id, overall.completion.ref));
    expect(unpublished.statusCode).toBe(404);
    expect(unpublished.json().error.code).toBe('report.not_found');

    // A liaison is refused; so is a reviewer of another institution.
    const liaison = await union.get(recordsUrl(report.id, overall.completion.ref));
    expect(liaison.statusCode).toBe(403);
    expect(liaison.json().error.code).toBe('auth.forbidden');
    const other = await institutionWithSeedPlan(t);
    const stranger = await signIn(
      t.app,
      (await createUser(t.db, other.organization.id, 'reviewer')).username,
    );
    const foreign = await stranger.get(recordsUrl(report.id, overall.completion.ref));
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('report.not_found');
  }, 120_000);
});
