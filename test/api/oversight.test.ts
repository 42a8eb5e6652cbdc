import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { jobs } from '../../src/server/modules/jobs/job.table';
import { REFRESH_DELAY_MS } from '../../src/server/modules/oversight/oversight.jobs';
import {
  compactLevel1,
  upsertSnapshots,
} from '../../src/server/modules/oversight/oversight.repository';
import { institutionSnapshots } from '../../src/server/modules/oversight/oversight.table';
import { plans } from '../../src/server/modules/plans/plan.table';
import { standards } from '../../src/server/modules/standards/standard.table';
import { organizations } from '../../src/server/modules/organizations/organization.table';
import { insertOrganization } from '../../src/server/modules/organizations/organization.repository';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { DepartmentLedger } from '../../src/shared/api/ledger';
import {
  OVERVIEW_MAX_PAGE_SIZE,
  overviewSortKeys,
  type InstitutionDetail,
  type Overview,
} from '../../src/shared/api/oversight';
import { sortInstitutionRows } from '../../src/shared/oversight/institution-figures';
import { percent } from '../../src/shared/report/build-quality-report';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  projectRoot,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

const clock = new ManualClock('2024-04-22T02:00:00Z');
let t: TestApp;
beforeAll(async () => {
  // Months pass in these tests: sessions must outlive them.
  t = await createTestApp({
    clock,
    config: { sessionIdleMinutes: 10 * 365 * 24 * 60, sessionMaxHours: 10 * 365 * 24 },
  });
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));
const put = (client: SignedInClient, url: string, payload: unknown) =>
  client.request({ method: 'PUT', url, payload: payload as never });

async function supervisor(name: string) {
  const organization = await insertOrganization(t.db, { name, kind: 'supervisor' });
  const overseer = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'overseer')).username,
  );
  return { organization, overseer };
}

async function overseen(supervisorId: string) {
  const seeded = await institutionWithSeedPlan(t);
  await t.db
    .update(organizations)
    .set({ supervisorId })
    .where(eq(organizations.id, seeded.organization.id));
  return seeded;
}

/**
 * An institution where 工会 (items 8 and 39) has an approved breakdown — item 8 monthly, item 39
 * due 2024-06-30 — reports monthly from May (both on time in May, item 8 late in June, nothing
 * since), has rated item 8 itself, the office moderated it 基本达标, and one finding is open and
 * overdue. Today is 2024-08-10.
 */
async function busyInstitution(supervisorId: string) {
  clock.set('2024-04-22T02:00:00Z');
  const seeded = await overseen(supervisorId);
  const { planId, idOf, coordinator } = seeded;
  const union = await seeded.liaisonOf('工会');
  const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
  const [item8, item39] = itemsOf((await union.get(base)).json());
  expect(
    (
      await union.post(`${base}/measures`, {
        itemId: item8!.id,
        text: '工会年度计划纳入教师思政内容',
        deadline: { kind: 'monthly', dueOn: '2024-06-05' },
      })
    ).statusCode,
  ).toBe(201);
  expect(
    (
      await union.post(`${base}/measures`, {
        itemId: item39!.id,
        text: '建立民生项目年度清单',
        deadline: { kind: 'date', dueOn: '2024-06-30' },
      })
    ).statusCode,
  ).toBe(201);
  await put(union, `${base}/liaison`, {
    name: '王老师',
    phone: '010-88561234',
    email: 'wang@example.edu.cn',
  });
  expect((await union.post(`${base}/submit`)).statusCode).toBe(200);
  expect(
    (await coordinator.post(`${base}/review`, { decision: 'approve', itemComments: {} }))
      .statusCode,
  ).toBe(200);
  expect(
    (
      await put(coordinator, `/api/v1/plans/${planId}/ledger/settings`, {
        frequency: 'monthly',
        dueDay: 5,
        firstPeriod: '2024-05',
        lastPeriod: '2024-12',
      })
    ).statusCode,
  ).toBe(200);
  const ledgerBase = `/api/v1/plans/${planId}/ledger/departments/${idOf('工会')}`;
  const measures = ((await union.get(ledgerBase)).json() as DepartmentLedger).measures;
  const measureOf = (itemId: string) => measures.find((measure) => measure.item.id === itemId)!;
  const report = (itemId: string, periodKey: string, status: string) =>
    union.post(`${ledgerBase}/reports`, {
      measureId: measureOf(itemId).id,
      periodKey,
      basedOnVersion: 0,
      status,
      text: `${periodKey} 按计划推进`,
      evidenceIds: [],
    });
  clock.set('2024-06-03T02:00:00Z');
  for (const item of [item8!, item39!])
    expect((await report(item.id, '2024-05', 'on_track')).statusCode).toBe(201);
  clock.set('2024-07-08T02:00:00Z');
  expect((await report(item8!.id, '2024-06', 'on_track')).statusCode).toBe(201);
  expect(
    (
      await put(union, `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/items/${item8!.id}`, {
        version: 0,
        rating: '达标',
        justification: '已写入年度计划',
      })
    ).statusCode,
  ).toBe(200);
  expect(
    (
      await put(coordinator, `/api/v1/plans/${planId}/moderation/${item8!.id}`, {
        version: 0,
        rating: '基本达标',
      })
    ).statusCode,
  ).toBe(200);
  expect(
    (
      await coordinator.post(`/api/v1/plans/${planId}/findings`, {
        title: '民生项目清单未按期验收',
        kind: 'immediate',
        ownerDepartmentId: idOf('工会'),
        itemIds: [item39!.id],
        dueOn: '2024-07-31',
      })
    ).statusCode,
  ).toBe(201);
  clock.set('2024-08-10T02:00:00Z');
  return { ...seeded, union, item8: item8!, item39: item39!, report };
}

const rowOf = (overview: Overview, id: string) =>
  overview.institutions.find((row) => row.id === id)!;

describe('province oversight', () => {
  it("shows each overseen institution's current plan side by side, with figures that agree with its own pages", async () => {
    const province = await supervisor(`某省教育厅-${Date.now()}`);
    const busy = await busyInstitution(province.organization.id);
    const quiet = await overseen(province.organization.id);
    const before: Overview = (await province.overseer.get('/api/v1/oversight/institutions')).json();
    expect(before.institutions.map((row) => [row.id, row.figures])).toEqual(
      expect.arrayContaining([
        [busy.organization.id, null],
        [quiet.organization.id, null],
      ]),
    );

    await t.jobs.runDue(); // the nightly sweep of today computes both
    const overview: Overview = (
      await province.overseer.get('/api/v1/oversight/institutions')
    ).json();
    expect(overview.supervisor.id).toBe(province.organization.id);
    expect(overview.institutions).toHaveLength(2);
    expect(overview.computedAt).toBe('2024-08-10T02:00:00.000Z');
    const row = rowOf(overview, busy.organization.id);
    expect(row.plan).toMatchObject({ id: busy.planId, cycleYear: 2024 });

    // What the institution's own pages say, read by its coordinator.
    const board = (
      await busy.coordinator.get(`/api/v1/plans/${busy.planId}/breakdowns`)
    ).json() as { rows: { late: boolean; status: string }[] };
    const summaries = (
      await busy.coordinator.get(`/api/v1/plans/${busy.planId}/summaries`)
    ).json() as { rows: { itemCount: number }[] };
    const detail: InstitutionDetail = (
      await province.overseer.get(`/api/v1/oversight/institutions/${busy.organization.id}`)
    ).json();
    const plan = detail.plans[0]!;
    expect(plan.figures).toMatchObject({
      items: 60,
      itemsWithApprovedMeasure: 2,
      measures: 2,
      measuresDone: 0,
      // item 39 was due on 06-30 and nobody reported it done
      lateMeasures: 1,
      // June for item 39, July for both: due 07-05 and 08-05, never made
      missingReports: 3,
      // June for item 8, made on 07-08 though due on 07-05
      lateReports: 1,
      departmentsSubmitted: 1,
      departmentsTotal: board.rows.length,
      lateBreakdowns: board.rows.filter((entry) => entry.late).length,
      selfAssessmentsRated: 1,
      selfAssessmentsExpected: summaries.rows.reduce((sum, entry) => sum + entry.itemCount, 0),
      ratings: [
        { label: '达标', count: 0 },
        { label: '基本达标', count: 1 },
        { label: '未达标', count: 0 },
      ],
      unrated: 59,
      findingsTotal: 1,
      findingsOpen: 1,
      findingsOverdue: 1,
      findingsVerified: 0,
      findingsCarriedOver: 0,
    });
    expect(plan.figures.lateTotal).toBe(plan.figures.lateBreakdowns + 1 + 3 + 0);
    // The overview's row is the same snapshot, cut to what the table and the heat map show.
    expect(row.figures).toEqual({
      departmentsSubmitted: 1,
      departmentsTotal: board.rows.length,
      measures: 2,
      measuresDone: 0,
      lateTotal: plan.figures.lateTotal,
      selfAssessmentsRated: 1,
      selfAssessmentsExpected: plan.figures.selfAssessmentsExpected,
      findingsOpen: 1,
      findingsOverdue: 1,
    });
    expect(row.rates).toMatchObject({
      submissionRate: Math.round((1 / board.rows.length) * 1000) / 10,
      measuresDoneRate: 0,
    });
    // By indicator: the two measures sit under the level-1 indicators of items 8 and 39, and the counts add up.
    const byLevel1 = plan.figures.byLevel1;
    expect(byLevel1.map((level1) => level1.code)).toEqual(
      overview.indicators.map((indicator) => indicator.code),
    );
    expect(row.doneByLevel1).toEqual(byLevel1.map((level1) => (level1.measures > 0 ? 0 : null)));
    expect(byLevel1.reduce((sum, level1) => sum + level1.items, 0)).toBe(60);
    expect(byLevel1.reduce((sum, level1) => sum + level1.measures, 0)).toBe(2);
    expect(byLevel1.reduce((sum, level1) => sum + level1.missingReports, 0)).toBe(3);
    expect(byLevel1.reduce((sum, level1) => sum + level1.rated, 0)).toBe(1);
    // The dashboard's own completion by indicator counts the same measured duties.
    const dashboard = (
      await busy.coordinator.get(`/api/v1/plans/${busy.planId}/dashboard`)
    ).json() as { byLevel1: { title: string; approved: number }[] };
    for (const level1 of byLevel1)
      expect(level1.itemsWithApprovedMeasure).toBe(
        dashboard.byLevel1.find((entry) => entry.title === level1.title)!.approved,
      );

    const quietRow = rowOf(overview, quiet.organization.id);
    expect(quietRow.figures).toMatchObject({
      measures: 0,
      departmentsSubmitted: 0,
      lateTotal: quietRow.figures!.departmentsTotal,
      findingsOpen: 0,
    });
    expect(quietRow.doneByLevel1.every((value) => value === null)).toBe(true);

    // Sorted and searched by the server.
    const byLate: Overview = (
      await province.overseer.get('/api/v1/oversight/institutions?sort=lateTotal&order=desc')
    ).json();
    const lates = byLate.institutions.map((entry) => entry.figures!.lateTotal);
    expect(lates).toEqual([...lates].sort((a, b) => b - a));
    const searched: Overview = (
      await province.overseer.get(
        `/api/v1/oversight/institutions?q=${encodeURIComponent(busy.organization.name)}`,
      )
    ).json();
    expect(searched.institutions.map((entry) => entry.id)).toEqual([busy.organization.id]);
    expect(
      (await province.overseer.get('/api/v1/oversight/institutions?sort=nonsense')).statusCode,
    ).toBe(400);

    // One institution: figures, the late list with departments, findings.
    expect(detail.institution).toEqual({ id: busy.organization.id, name: busy.organization.name });
    expect(plan).toMatchObject({
      id: busy.planId,
      current: true,
      computedAt: '2024-08-10T02:00:00.000Z',
    });
    expect(plan.late.filter((entry) => entry.kind === 'measure')).toEqual([
      expect.objectContaining({ departmentName: '工会', itemNo: 39, dueOn: '2024-06-30' }),
    ]);
    expect(
      plan.late
        .filter((entry) => entry.kind === 'period_report')
        .map((entry) => [entry.itemNo, entry.dueOn])
        .sort(),
    ).toEqual(
      [
        [39, '2024-07-05'],
        [39, '2024-08-05'],
        [8, '2024-08-05'],
      ].sort(),
    );
    expect(plan.findings).toEqual([
      expect.objectContaining({
        title: '民生项目清单未按期验收',
        owner: '工会',
        overdue: true,
        state: 'open',
      }),
    ]);

    // Drill-down: the institution's own dashboard and plan tree, exactly as its coordinator sees them.
    const drilled = await province.overseer.get(
      `/api/v1/oversight/institutions/${busy.organization.id}/plans/${busy.planId}/dashboard`,
    );
    expect(drilled.statusCode).toBe(200);
    expect(drilled.json()).toEqual(dashboard);
    const tree = await province.overseer.get(
      `/api/v1/oversight/institutions/${busy.organization.id}/plans/${busy.planId}/tree`,
    );
    expect(tree.json()).toEqual(
      (await busy.coordinator.get(`/api/v1/plans/${busy.planId}/tree`)).json(),
    );
    // A plan of another institution is not found through this one.
    expect(
      (
        await province.overseer.get(
          `/api/v1/oversight/institutions/${busy.organization.id}/plans/${quiet.planId}/tree`,
        )
      ).json().error.code,
    ).toBe('plan.not_found');
  });

  it('refreshes an institution once after a burst of writes, and shows when its figures were computed', async () => {
    const province = await supervisor(`另一省教育厅-${Date.now()}`);
    const busy = await busyInstitution(province.organization.id);
    await t.jobs.runDue();
    clock.advance(REFRESH_DELAY_MS);
    await t.jobs.runDue(); // the refresh the set-up's writes asked for
    const figuresNow = async () =>
      (
        (
          await province.overseer.get(`/api/v1/oversight/institutions/${busy.organization.id}`)
        ).json() as InstitutionDetail
      ).plans[0]!.figures;
    expect(await figuresNow()).toMatchObject({ measuresDone: 0, lateMeasures: 1 });

    clock.advance(60_000);
    // Item 39 reported done for July, late (due 08-05): done, no longer a late measure, one more late report.
    expect((await busy.report(busy.item39.id, '2024-07', 'done')).statusCode).toBe(201);
    await t.jobs.runDue(); // notices the write, waits a little for more
    expect(
      rowOf(
        (await province.overseer.get('/api/v1/oversight/institutions')).json(),
        busy.organization.id,
      ).figures,
    ).toMatchObject({ measuresDone: 0 });
    clock.advance(2_000);
    expect((await busy.report(busy.item8.id, '2024-07', 'on_track')).statusCode).toBe(201);
    await t.jobs.runDue();
    clock.advance(REFRESH_DELAY_MS);
    await t.jobs.runDue();

    const after = rowOf(
      (await province.overseer.get('/api/v1/oversight/institutions')).json(),
      busy.organization.id,
    );
    expect(after.computedAt).toBe(new Date(clock.now().getTime()).toISOString());
    expect(await figuresNow()).toMatchObject({
      measuresDone: 1,
      lateMeasures: 0,
      lateReports: 3,
      missingReports: 1,
    });
    const refreshes = await t.db
      .select({ key: jobs.dedupeKey, status: jobs.status })
      .from(jobs)
      .where(
        and(
          eq(jobs.kind, 'oversight.refreshSnapshot'),
          like(jobs.dedupeKey, `oversight:${busy.organization.id}:%`),
        ),
      );
    // One for the set-up before the first refresh, one for the burst: never one per write.
    expect(refreshes).toHaveLength(2);
    expect(refreshes.every((job) => job.status === 'done')).toBe(true);
    // Signing in, downloading a file: nothing the figures count, so no refresh.
    clock.advance(60_000);
    await signIn(t.app, (await createUser(t.db, busy.organization.id, 'leader')).username);
    expect(
      (await busy.coordinator.get(`/api/v1/plans/${busy.planId}/task-breakdown?format=xlsx`))
        .statusCode,
    ).toBe(200);
    await t.jobs.runDue();
    clock.advance(REFRESH_DELAY_MS);
    await t.jobs.runDue();
    expect(
      await t.db
        .select()
        .from(jobs)
        .where(
          and(
            eq(jobs.kind, 'oversight.refreshSnapshot'),
            like(jobs.dedupeKey, `oversight:${busy.organization.id}:%`),
          ),
        ),
    ).toHaveLength(2);
  });

  it('reaches only the institutions its organization oversees', async () => {
    const north = await supervisor(`北省教育厅-${Date.now()}`);
    const south = await supervisor(`南省教育厅-${Date.now()}`);
    const ours = await overseen(north.organization.id);
    const theirs = await overseen(south.organization.id);
    await t.jobs.runDue();
    const overview: Overview = (await north.overseer.get('/api/v1/oversight/institutions')).json();
    expect(overview.institutions.map((row) => row.id)).toEqual([ours.organization.id]);
    for (const path of ['', `/plans/${theirs.planId}/dashboard`, `/plans/${theirs.planId}/tree`]) {
      const response = await north.overseer.get(
        `/api/v1/oversight/institutions/${theirs.organization.id}${path}`,
      );
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('oversight.institution_not_found');
      expect(response.body).not.toContain(theirs.organization.name);
    }
    // An institution's own staff cannot use the overseers' pages, and an overseer not the institution's.
    expect((await ours.coordinator.get('/api/v1/oversight/institutions')).statusCode).toBe(403);
    expect((await north.overseer.get(`/api/v1/plans/${ours.planId}/dashboard`)).statusCode).toBe(
      403,
    );
    expect((await north.overseer.get(`/api/v1/plans/${ours.planId}`)).statusCode).toBe(404);
  });

  it('never writes in an institution it oversees', async () => {
    const province = await supervisor(`督导省教育厅-${Date.now()}`);
    const { organization, planId, idOf, coordinator } = await overseen(province.organization.id);
    const view: BreakdownView = (
      await coordinator.get(`/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`)
    ).json();
    const itemId = itemsOf(view)[0]!.id;
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const auditCount = async () =>
      (await t.db.select().from(auditLog).where(eq(auditLog.organizationId, organization.id)))
        .length;
    const before = await auditCount();
    const writes: [string, string, unknown][] = [
      [
        'POST',
        `${base}/measures`,
        { itemId, text: '上级代填', deadline: { kind: 'date', dueOn: '2024-06-01' } },
      ],
      [
        'PUT',
        `${base}/liaison`,
        { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
      ],
      ['POST', `${base}/submit`, {}],
      ['POST', `${base}/review`, { decision: 'approve', itemComments: {} }],
      [
        'PUT',
        `/api/v1/plans/${planId}/items/${itemId}/assignments`,
        { departmentId: idOf('工会'), role: 'lead' },
      ],
      [
        'PUT',
        `/api/v1/plans/${planId}/ledger/settings`,
        { frequency: 'monthly', dueDay: 5, firstPeriod: '2024-05', lastPeriod: '2024-12' },
      ],
      ['PUT', `/api/v1/plans/${planId}/moderation/${itemId}`, { version: 0, rating: '达标' }],
      [
        'PUT',
        `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/items/${itemId}`,
        { version: 0, rating: '达标', justification: 'x' },
      ],
      [
        'POST',
        `/api/v1/plans/${planId}/findings`,
        {
          title: 'x',
          kind: 'immediate',
          ownerDepartmentId: idOf('工会'),
          itemIds: [itemId],
          dueOn: '2024-12-31',
        },
      ],
      ['POST', `/api/v1/plans/${planId}/reports`, {}],
      ['POST', '/api/v1/departments', { name: '上级新设部门', kind: 'functional' }],
    ];
    for (const [method, url, payload] of writes) {
      const response = await province.overseer.request({
        method: method as 'POST',
        url,
        payload: payload as never,
      });
      expect([response.statusCode, response.json().error?.code], `${method} ${url}`).toEqual([
        403,
        'auth.forbidden',
      ]);
    }
    expect(await auditCount()).toBe(before);
  });
});

describe('the overview of many institutions (issue 16: a national office)', () => {
  /**
   * A supervisor over one real institution (its snapshot computed by the job), eleven more whose
   * snapshots are the real one's with other figures (written by the job's own writer), and one
   * without any snapshot yet. Names in pinyin order are not in code-point order, and one has a %.
   */
  async function nationalOffice() {
    const office = await supervisor(`全国督导办公室-${Date.now()}`);
    const real = await busyInstitution(office.organization.id);
    await t.jobs.runDue();
    const [source] = await t.db
      .select()
      .from(institutionSnapshots)
      .where(eq(institutionSnapshots.organizationId, real.organization.id));
    const [sourcePlan] = await t.db.select().from(plans).where(eq(plans.id, real.planId));
    const [sourceStandard] = await t.db
      .select()
      .from(standards)
      .where(eq(standards.id, sourcePlan!.standardId));
    const suffix = randomUUID().slice(0, 6);
    const names = [
      '北京',
      '安徽',
      '上海',
      '重庆',
      '天津',
      '甘肃',
      '广西',
      '海南',
      '江苏',
      '四川',
      '50%院校',
    ];
    const derived: string[] = [];
    for (const [k, region] of names.entries()) {
      const organization = await insertOrganization(t.db, {
        name: `${region}测试大学-${suffix}`,
        kind: 'institution',
      });
      await t.db
        .update(organizations)
        .set({ supervisorId: office.organization.id })
        .where(eq(organizations.id, organization.id));
      const { id: _standardId, createdAt: _standardAt, ...standard } = sourceStandard!;
      const [newStandard] = await t.db
        .insert(standards)
        .values({ ...standard, organizationId: organization.id })
        .returning();
      const { id: _planId, createdAt: _planAt, ...plan } = sourcePlan!;
      const [newPlan] = await t.db
        .insert(plans)
        .values({ ...plan, organizationId: organization.id, standardId: newStandard!.id })
        .returning();
      const {
        id: _id,
        level1Codes,
        level1Titles,
        level1Measures,
        level1MeasuresDone,
        ...row
      } = source!;
      void [level1Codes, level1Titles, level1Measures, level1MeasuresDone];
      // Figures that differ between institutions, with ties (k % 4) so that names break them.
      const byLevel1 = row.byLevel1.map((level1, index) => ({
        ...level1,
        measures: level1.measures + ((k + index) % 5),
        measuresDone: Math.min(level1.measures + ((k + index) % 5), (k * index) % 4),
      }));
      await upsertSnapshots(t.db, [
        {
          ...row,
          organizationId: organization.id,
          planId: newPlan!.id,
          departmentsSubmitted: k % 3,
          departmentsTotal: k === 5 ? 0 : 3,
          measures: byLevel1.reduce((sum, level1) => sum + level1.measures, 0),
          measuresDone: byLevel1.reduce((sum, level1) => sum + level1.measuresDone, 0),
          lateTotal: k % 4,
          selfAssessmentsRated: k,
          selfAssessmentsExpected: 12,
          findingsOpen: k % 2,
          findingsOverdue: 0,
          byLevel1,
          computedAt: new Date(row.computedAt.getTime() - k * 60_000),
        },
      ]);
      derived.push(organization.id);
    }
    const empty = await insertOrganization(t.db, {
      name: `西藏测试大学-${suffix}`,
      kind: 'institution',
    });
    await t.db
      .update(organizations)
      .set({ supervisorId: office.organization.id })
      .where(eq(organizations.id, empty.id));
    return { office, real, derived, empty, suffix };
  }

  const page = async (
    client: SignedInClient,
    query: Record<string, string | number>,
  ): Promise<Overview> => {
    const response = await client.get(
      `/api/v1/oversight/institutions?${new URLSearchParams(
        Object.entries(query).map(([key, value]) => [key, String(value)]),
      )}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it('pages, sorts and sums in the database exactly as the overview orders and counts its rows', async () => {
    const { office, empty } = await nationalOffice();
    const all = await page(office.overseer, { pageSize: 200 });
    expect(all.total).toBe(13);
    expect(all.institutions).toHaveLength(13);
    // The institution without a snapshot is counted, listed last, and has no figures.
    expect(all.institutions.at(-1)).toMatchObject({ id: empty.id, figures: null, plan: null });

    for (const sort of overviewSortKeys)
      for (const order of ['asc', 'desc'] as const) {
        const expected = sortInstitutionRows(all.institutions, sort, order).map((row) => row.id);
        const pages: string[] = [];
        for (let number = 1; number <= 3; number += 1) {
          const one = await page(office.overseer, { sort, order, page: number, pageSize: 5 });
          expect(one).toMatchObject({ page: number, pageSize: 5, total: 13 });
          expect(one.institutions.length).toBe(number < 3 ? 5 : 3);
          pages.push(...one.institutions.map((row) => row.id));
        }
        expect(pages, `${sort} ${order}`).toEqual(expected);
      }
    // Past the last page: nothing, and still the count and the summary.
    const past = await page(office.overseer, { page: 4, pageSize: 5 });
    expect(past).toMatchObject({ institutions: [], total: 13, computedAt: all.computedAt });
    expect(past.summary).toEqual(all.summary);
    // Every page carries the same summary.
    expect((await page(office.overseer, { page: 2, pageSize: 5 })).summary).toEqual(all.summary);

    // The summary is the sum of the rows, and its rates are made from the sums.
    const rows = all.institutions.flatMap((row) => (row.figures ? [row.figures] : []));
    const sum = (key: keyof (typeof rows)[number]) =>
      rows.reduce((total, figures) => total + figures[key], 0);
    expect(all.summary).toEqual({
      institutions: 13,
      withFigures: 12,
      figures: {
        departmentsSubmitted: sum('departmentsSubmitted'),
        departmentsTotal: sum('departmentsTotal'),
        measures: sum('measures'),
        measuresDone: sum('measuresDone'),
        lateTotal: sum('lateTotal'),
        selfAssessmentsRated: sum('selfAssessmentsRated'),
        selfAssessmentsExpected: sum('selfAssessmentsExpected'),
        findingsOpen: sum('findingsOpen'),
        findingsOverdue: sum('findingsOverdue'),
      },
      rates: {
        submissionRate: percent(sum('departmentsSubmitted'), sum('departmentsTotal')),
        measuresDoneRate: percent(sum('measuresDone'), sum('measures')),
        selfAssessmentRate: percent(sum('selfAssessmentsRated'), sum('selfAssessmentsExpected')),
      },
    });
    expect(all.computedAt).toBe(
      all.institutions
        .flatMap((row) => (row.computedAt ? [row.computedAt] : []))
        .sort()
        .at(0),
    );
  });

  it('searches names literally, and sums only what the search selects', async () => {
    const { office, suffix } = await nationalOffice();
    const sichuan = await page(office.overseer, { q: '四川' });
    expect(sichuan.total).toBe(1);
    expect(sichuan.institutions.map((row) => row.name)).toEqual([`四川测试大学-${suffix}`]);
    expect(sichuan.summary.institutions).toBe(1);
    expect(sichuan.summary.figures.lateTotal).toBe(sichuan.institutions[0]!.figures!.lateTotal);
    // % and _ are letters of a name, not wildcards.
    expect((await page(office.overseer, { q: '%' })).institutions.map((row) => row.name)).toEqual([
      `50%院校测试大学-${suffix}`,
    ]);
    expect((await page(office.overseer, { q: '_' })).total).toBe(0);
    const none = await page(office.overseer, { q: '没有这所学校' });
    expect(none).toMatchObject({ institutions: [], total: 0, computedAt: null });
    expect(none.summary).toMatchObject({ institutions: 0, withFigures: 0 });
    // The heat map's columns are those of the page's institutions: none here, five for Sichuan.
    expect(none.indicators).toEqual([]);
    expect(sichuan.indicators.length).toBeGreaterThan(0);
    expect(sichuan.institutions[0]!.doneByLevel1).toHaveLength(sichuan.indicators.length);
  });

  it('keeps a page until a snapshot, an institution or the supervisor changes, and shows the change in the next read', async () => {
    const { office, derived, empty, suffix } = await nationalOffice();
    const first = await page(office.overseer, { pageSize: 200 });
    expect(await page(office.overseer, { pageSize: 200 })).toEqual(first);
    const row = (overview: Overview, id: string) =>
      overview.institutions.find((institution) => institution.id === id);

    // A snapshot written (as a refresh writes it): its figures and the sums.
    const [snapshot] = await t.db
      .select()
      .from(institutionSnapshots)
      .where(eq(institutionSnapshots.organizationId, derived[0]!));
    const { id: _id, ...rest } = snapshot!;
    await upsertSnapshots(t.db, [{ ...rest, lateTotal: snapshot!.lateTotal + 7 }]);
    const refreshed = await page(office.overseer, { pageSize: 200 });
    expect(row(refreshed, derived[0]!)!.figures!.lateTotal).toBe(snapshot!.lateTotal + 7);
    expect(refreshed.summary.figures.lateTotal).toBe(first.summary.figures.lateTotal + 7);

    // A write rolled back changes nothing, and the page stays as it was.
    await t.db
      .transaction(async (tx) => {
        await tx
          .update(organizations)
          .set({ name: '不该出现的名字' })
          .where(eq(organizations.id, derived[1]!));
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await page(office.overseer, { pageSize: 200 })).toEqual(refreshed);

    // An institution renamed, one added, one moved to no supervisor, the supervisor renamed.
    await t.db
      .update(organizations)
      .set({ name: `新名字测试大学-${suffix}` })
      .where(eq(organizations.id, derived[1]!));
    expect(row(await page(office.overseer, { pageSize: 200 }), derived[1]!)!.name).toBe(
      `新名字测试大学-${suffix}`,
    );
    const added = await insertOrganization(t.db, {
      name: `新增测试大学-${suffix}`,
      kind: 'institution',
    });
    await t.db
      .update(organizations)
      .set({ supervisorId: office.organization.id })
      .where(eq(organizations.id, added.id));
    expect((await page(office.overseer, { pageSize: 200 })).total).toBe(first.total + 1);
    await t.db
      .update(organizations)
      .set({ supervisorId: null })
      .where(eq(organizations.id, empty.id));
    const moved = await page(office.overseer, { pageSize: 200 });
    expect(moved.total).toBe(first.total);
    expect(row(moved, empty.id)).toBeUndefined();
    await t.db
      .update(organizations)
      .set({ name: `改名督导办公室-${suffix}` })
      .where(eq(organizations.id, office.organization.id));
    expect((await page(office.overseer, { pageSize: 200 })).supervisor.name).toBe(
      `改名督导办公室-${suffix}`,
    );
  });

  it('refuses a bad page, size, sort or order with the field named, and changes nothing', async () => {
    const { office } = await nationalOffice();
    const before = await t.db
      .select()
      .from(institutionSnapshots)
      .where(eq(institutionSnapshots.supervisorId, office.organization.id));
    const auditBefore = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.organizationId, office.organization.id));
    for (const [query, field] of [
      ['page=0', 'page'],
      ['page=x', 'page'],
      ['pageSize=0', 'pageSize'],
      [`pageSize=${OVERVIEW_MAX_PAGE_SIZE + 1}`, 'pageSize'],
      ['pageSize=1.5', 'pageSize'],
      ['sort=nonsense', 'sort'],
      ['order=up', 'order'],
      [`q=${'长'.repeat(101)}`, 'q'],
    ] as const) {
      const response = await office.overseer.get(`/api/v1/oversight/institutions?${query}`);
      expect(response.statusCode, query).toBe(400);
      const error = response.json().error as { code: string; issues: { path: string }[] };
      expect(error.code, query).toBe('request.invalid');
      expect(JSON.stringify(error.issues), query).toContain(field);
    }
    expect(
      await t.db
        .select()
        .from(institutionSnapshots)
        .where(eq(institutionSnapshots.supervisorId, office.organization.id)),
    ).toEqual(before);
    expect(
      await t.db.select().from(auditLog).where(eq(auditLog.organizationId, office.organization.id)),
    ).toEqual(auditBefore);
  });

  it("keeps the heat map's compact columns equal to the detailed figures, and fills them for older snapshots", async () => {
    const { office } = await nationalOffice();
    const snapshots = await t.db
      .select()
      .from(institutionSnapshots)
      .where(eq(institutionSnapshots.supervisorId, office.organization.id));
    expect(snapshots.length).toBe(12);
    for (const snapshot of snapshots) {
      expect(snapshot.level1Codes.length).toBeGreaterThan(0);
      expect({
        level1Codes: snapshot.level1Codes,
        level1Titles: snapshot.level1Titles,
        level1Measures: snapshot.level1Measures,
        level1MeasuresDone: snapshot.level1MeasuresDone,
      }).toEqual(compactLevel1(snapshot.byLevel1));
    }
    // The page's heat map line is the detailed figures' percentages, read from the compact columns.
    const all = await page(office.overseer, { pageSize: 200 });
    for (const row of all.institutions.filter((entry) => entry.figures)) {
      const detail: InstitutionDetail = (
        await office.overseer.get(`/api/v1/oversight/institutions/${row.id}`)
      ).json();
      const byCode = new Map(
        detail.plans[0]!.figures.byLevel1.map((level1) => [
          level1.code,
          percent(level1.measuresDone, level1.measures),
        ]),
      );
      expect(row.doneByLevel1).toEqual(all.indicators.map(({ code }) => byCode.get(code) ?? null));
    }
    // Snapshots written before the columns existed: the migration's own statement fills them from by_level1.
    const migration = readFileSync(
      path.join(projectRoot, 'migrations/0027_oversight_compact_level1.sql'),
      'utf8',
    );
    const backfill = migration
      .split('--> statement-breakpoint')
      .find((statement) => statement.includes('UPDATE'))!;
    const ids = snapshots.map((snapshot) => snapshot.id);
    await t.db
      .update(institutionSnapshots)
      .set({ level1Codes: [], level1Titles: [], level1Measures: [], level1MeasuresDone: [] })
      .where(inArray(institutionSnapshots.id, ids));
    await t.db.execute(
      sql.raw(
        backfill.replace(/;\s*$/, ` WHERE "id" IN (${ids.map((id) => `'${id}'`).join(', ')});`),
      ),
    );
    const filled = await t.db
      .select()
      .from(institutionSnapshots)
      .where(inArray(institutionSnapshots.id, ids));
    for (const snapshot of filled)
      expect({
        level1Codes: snapshot.level1Codes,
        level1Titles: snapshot.level1Titles,
        level1Measures: snapshot.level1Measures,
        level1MeasuresDone: snapshot.level1MeasuresDone,
      }).toEqual(compactLevel1(snapshot.byLevel1));
  });
});
