import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YearDashboard } from '../../src/shared/api/dashboard';
import type { MessageList } from '../../src/shared/api/notifications';
import type { ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import type { OverdueView } from '../../src/shared/api/supervision';
import { importRoster, rosterSheet, teachersOf } from '../support/roster';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2024-11-20T02:00:00Z');
});
afterAll(async () => t.close());

const beijingMorning = (day: string) => `${day}T01:00:00Z`;

async function coverageMessages(client: SignedInClient) {
  const response = await client.get('/api/v1/messages');
  if (response.statusCode !== 200) throw new Error(response.body);
  const list = response.json() as MessageList;
  return list.items.filter((message) => message.kind === 'coverage.gap');
}

describe('coverage feeds supervision and the dashboard', () => {
  it('reminds a short department once per rule and period near its due day, lists gaps for the office, and puts the report figures on the dashboard', async () => {
    const seeded = await institutionWithSeedPlan(t);
    const { organization, planId, idOf } = seeded;
    let { coordinator } = seeded;
    const liaisonName = async (department: string) =>
      (await createUser(t.db, organization.id, 'liaison', { departmentId: idOf(department) }))
        .username;
    const unionName = await liaisonName('工会');
    const marxismName = await liaisonName('马克思主义学院');
    const coordinatorName = (await createUser(t.db, organization.id, 'coordinator')).username;
    const leaderName = (await createUser(t.db, organization.id, 'leader')).username;
    const union = () => signIn(t.app, unionName);
    await importRoster(
      coordinator,
      await rosterSheet([...teachersOf('工会', 'G', 4), ...teachersOf('马克思主义学院', 'M', 2)]),
    );
    const kind = (
      await coordinator.post('/api/v1/activity-kinds', { name: '国情研修', itemNos: [36] })
    ).json();
    const rule = (
      await coordinator.post('/api/v1/coverage-rules', {
        kindId: kind.id,
        name: '全体教师每年至少参加1次国情研修',
        population: 'all',
        frequency: 'yearly',
        itemNo: 36,
      })
    ).json();
    const teachers = (await coordinator.get('/api/v1/teachers')).json().teachers as {
      id: string;
      workNo: string;
    }[];
    const idsOf = (...workNos: string[]) =>
      teachers.filter((row) => workNos.includes(row.workNo)).map((row) => row.id);
    // 工会: G001 took part, three missing; 马克思主义学院: both took part.
    for (const [department, people] of [
      ['工会', idsOf('G001')],
      ['马克思主义学院', idsOf('M001', 'M002')],
    ] as const)
      expect(
        (
          await coordinator.post('/api/v1/activities', {
            kindId: kind.id,
            departmentId: idOf(department),
            title: '国情研修班',
            heldOn: '2024-07-10',
            participantIds: people,
          })
        ).statusCode,
      ).toBe(201);

    // The office's supervision view: the gap, as a count, with the link to the coverage page.
    const overdue = (await coordinator.get('/api/v1/supervision/overdue')).json() as OverdueView;
    expect(overdue.coverageGaps).toEqual([
      {
        department: { id: idOf('工会'), name: '工会' },
        missing: 3,
        rules: [
          expect.objectContaining({
            ruleId: rule.id,
            required: 4,
            covered: 1,
            missing: 3,
            dueOn: '2024-12-31',
            link: `/activities?rule=${rule.id}&departmentId=${idOf('工会')}`,
          }),
        ],
      },
    ]);
    expect(JSON.stringify(overdue.coverageGaps)).not.toContain('G002');

    // 20 November is more than 30 days before the year's end: no reminder yet.
    await t.jobs.runDue();
    expect(await coverageMessages(await union())).toHaveLength(0);

    // From 1 December the short department's liaison hears once, with its own missing people.
    t.clock.set(beijingMorning('2024-12-01'));
    await t.jobs.runDue();
    await t.jobs.runDue();
    const [message, ...others] = await coverageMessages(await union());
    expect(others).toHaveLength(0);
    expect(message!.link).toBe(`/activities?rule=${rule.id}`);
    expect(message!.body).toContain('应参加 4 人，已参加 1 人，尚有 3 人未参加');
    expect(message!.body).toContain('G002');
    expect(message!.body).not.toContain('G001');
    // A fully covered department is not reminded.
    expect(await coverageMessages(await signIn(t.app, marxismName))).toHaveLength(0);
    // Later days of the same period send nothing more.
    t.clock.set(beijingMorning('2024-12-02'));
    await t.jobs.runDue();
    t.clock.set(beijingMorning('2024-12-20'));
    await t.jobs.runDue();
    expect(await coverageMessages(await union())).toHaveLength(1);

    coordinator = await signIn(t.app, coordinatorName);
    const leader = await signIn(t.app, leaderName);
    // The dashboard's coverage card equals the quality report's coverage figure of the same day.
    const requested = await coordinator.post(`/api/v1/plans/${planId}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    const summary = requested.json() as ReportSummary;
    await t.jobs.runDue();
    const report = (await coordinator.get(`/api/v1/reports/${summary.id}`)).json() as ReportDetail;
    const figure = report.content!.teachers!.figures.find((row) => row.kind === 'coverage')!;
    expect(figure).toMatchObject({ value: 50, numerator: 3, denominator: 6 });
    const dashboard = (
      await leader.get(`/api/v1/plans/${planId}/year-dashboard`)
    ).json() as YearDashboard;
    expect(dashboard.coverage).toEqual([
      {
        ruleId: rule.id,
        name: figure.label,
        itemNo: 36,
        window: figure.detail,
        rate: {
          value: figure.value,
          numerator: figure.numerator,
          denominator: figure.denominator,
          ref: figure.ref,
        },
        lowest: [{ departmentId: idOf('工会'), name: '工会', required: 4, covered: 1, value: 25 }],
      },
    ]);
    // The leader sees counts, never the names of the missing.
    expect(JSON.stringify(dashboard)).not.toContain('G002');
  });
});
