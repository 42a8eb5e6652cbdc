import { readFile } from 'node:fs/promises';
import { and, asc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { departments as departmentsTable } from '../../src/server/modules/departments/department.table';
import { readDataVersion } from '../../src/server/modules/data-versions/data-version.repository';
import { listMissingPeriodReports } from '../../src/server/modules/ledger/ledger.service';
import { measures as measuresTable } from '../../src/server/modules/breakdowns/breakdown.table';
import { progressReports } from '../../src/server/modules/ledger/ledger.table';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { EvidenceView } from '../../src/shared/api/evidence';
import type {
  DepartmentLedger,
  LedgerOverview,
  LedgerSettingsView,
  ProgressReportView,
} from '../../src/shared/api/ledger';
import { samplePdf } from '../support/evidence-files';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  seedPlanFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';
import { CJK, downloadInEnglish, sheetOfDownload } from '../support/english';

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

/** The seed plan, its coordinator, and 工会 (items 8 and 39) with an approved breakdown of three measures. */
async function approvedUnion() {
  clock.set('2024-04-22T02:00:00Z');
  const { organization } = await createInstitution(t.db);
  const coordinator = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'coordinator')).username,
  );
  const { payload, headers } = multipartFile('plan.txt', await readFile(seedPlanFile));
  const planId: string = (
    await coordinator.request({ method: 'POST', url: '/api/v1/imports/plan', payload, headers })
  ).json().planId;
  const all = await t.db
    .select()
    .from(departmentsTable)
    .where(eq(departmentsTable.organizationId, organization.id));
  const idOf = (name: string) => all.find((department) => department.name === name)!.id;
  const liaisonOf = async (name: string) =>
    signIn(
      t.app,
      (await createUser(t.db, organization.id, 'liaison', { departmentId: idOf(name) })).username,
    );
  const union = await liaisonOf('工会');
  const breakdown = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
  const view: BreakdownView = (await union.get(breakdown)).json();
  const [item8, item39] = itemsOf(view);
  const texts = [
    '把教师思政工作写入工会年度计划',
    '=HYPERLINK("http://evil.example","点我")',
    '建立民生项目年度清单',
  ];
  for (const [index, text] of texts.entries()) {
    const created = await union.post(`${breakdown}/measures`, {
      itemId: index < 2 ? item8!.id : item39!.id,
      text,
      deadline: { kind: 'monthly', dueOn: '2024-05-31' },
    });
    expect(created.statusCode).toBe(201);
  }
  await union.request({
    method: 'PUT',
    url: `${breakdown}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  const ledgerBase = `/api/v1/plans/${planId}/ledger/departments/${idOf('工会')}`;
  const approve = async () => {
    expect((await union.post(`${breakdown}/submit`)).statusCode).toBe(200);
    expect(
      (await coordinator.post(`${breakdown}/review`, { decision: 'approve' })).statusCode,
    ).toBe(200);
  };
  const measuresOf = async (client: SignedInClient = union) =>
    ((await client.get(ledgerBase)).json() as DepartmentLedger).measures;
  return {
    organization,
    coordinator,
    planId,
    idOf,
    liaisonOf,
    union,
    ledgerBase,
    approve,
    measuresOf,
  };
}

async function monthly(
  coordinator: SignedInClient,
  planId: string,
  extra: Record<string, unknown> = {},
) {
  return coordinator.request({
    method: 'PUT',
    url: `/api/v1/plans/${planId}/ledger/settings`,
    payload: {
      frequency: 'monthly',
      dueDay: 5,
      firstPeriod: '2024-05',
      lastPeriod: '2024-12',
      ...extra,
    },
  });
}

const report = (client: SignedInClient, base: string, body: Record<string, unknown>) =>
  client.post(`${base}/reports`, {
    status: 'on_track',
    text: '召开专题会议一次',
    basedOnVersion: 0,
    evidenceIds: [],
    ...body,
  });

describe('reporting periods of a plan', () => {
  it('are set by the coordinating office, versioned, and never drop a period that has reports', async () => {
    const { coordinator, union, planId, approve, ledgerBase, measuresOf } = await approvedUnion();
    expect((await coordinator.get(`/api/v1/plans/${planId}/ledger/settings`)).json()).toMatchObject(
      { settings: null, periods: [], today: '2024-04-22' },
    );
    expect((await monthly(union, planId)).statusCode).toBe(403);
    const backwards = await monthly(coordinator, planId, {
      firstPeriod: '2024-12',
      lastPeriod: '2024-05',
    });
    expect(backwards.json().error).toMatchObject({ code: 'ledger.bad_settings' });
    expect((await monthly(coordinator, planId, { dueDay: 31 })).json().error.issues[0].path).toBe(
      'body.dueDay',
    );

    const set: LedgerSettingsView = (await monthly(coordinator, planId)).json();
    expect(set.settings).toMatchObject({ frequency: 'monthly', dueDay: 5, version: 1 });
    expect(set.periods).toHaveLength(8);
    expect(set.periods[0]).toEqual({
      key: '2024-05',
      label: '2024年5月',
      startsOn: '2024-05-01',
      endsOn: '2024-05-31',
      dueOn: '2024-06-05',
    });
    expect(set.currentPeriodKey).toBe('2024-05');
    // Setting them again without naming the version seen is a conflict, as is a stale version.
    const blind = await monthly(coordinator, planId, { lastPeriod: '2025-01' });
    expect(blind.statusCode).toBe(409);
    expect(blind.json().error.current.settings.version).toBe(1);
    expect(
      (await monthly(coordinator, planId, { lastPeriod: '2025-01', version: 1 })).json().periods,
    ).toHaveLength(9);
    expect(
      (await monthly(coordinator, planId, { lastPeriod: '2025-02', version: 1 })).json().error.code,
    ).toBe('ledger.settings_version_conflict');

    await approve();
    clock.set('2024-05-10T02:00:00Z');
    const [measure] = await measuresOf();
    expect(
      (await report(union, ledgerBase, { measureId: measure!.id, periodKey: '2024-05' }))
        .statusCode,
    ).toBe(201);
    const quarterly = await monthly(coordinator, planId, { frequency: 'quarterly', version: 2 });
    expect(quarterly.statusCode).toBe(409);
    expect(quarterly.json().error).toMatchObject({
      code: 'ledger.settings_in_use',
      params: { periods: '2024-05' },
    });
  });
});

describe("a department's breakdown while it reports", () => {
  it('keeps its version (and so its kept views) through reports and evidence, not through a change of the breakdown', async () => {
    const { organization, coordinator, union, planId, idOf, approve, ledgerBase, measuresOf } =
      await approvedUnion();
    await monthly(coordinator, planId);
    await approve();
    clock.set('2024-05-20T02:00:00Z');
    const unionId = idOf('工会');
    const breakdown = `/api/v1/plans/${planId}/breakdowns/${unionId}`;
    const versions = async () => ({
      breakdown: await readDataVersion(t.db, organization.id, unionId, 'breakdown'),
      department: await readDataVersion(t.db, organization.id, unionId),
    });
    const before = await versions();
    const viewBefore: BreakdownView = (await union.get(breakdown)).json();

    const [measure] = await measuresOf();
    const { payload, headers } = multipartFile('会议记录.pdf', samplePdf('会议记录.pdf'));
    const uploaded = await union.request({
      method: 'POST',
      url: '/api/v1/evidence',
      payload,
      headers,
    });
    expect(uploaded.statusCode).toBe(201);
    // An upload is the department's own record, its bytes included: nobody else's views change.
    expect(await versions()).toEqual({
      ...before,
      department: expect.not.stringMatching(before.department),
    });
    const reported = await report(union, ledgerBase, {
      measureId: measure!.id,
      periodKey: '2024-05',
      evidenceIds: [(uploaded.json() as EvidenceView).id],
    });
    expect(reported.statusCode).toBe(201);
    const afterReport = await versions();
    expect(afterReport.department).not.toBe(before.department);
    expect(afterReport.breakdown).toBe(before.breakdown);
    expect((await union.get(breakdown)).json()).toEqual(viewBefore);

    // A change of one of its measures (as any write of the table would make it) is the breakdown's.
    await t.db
      .update(measuresTable)
      .set({ text: '把教师思政工作写入工会年度计划并逐月检查' })
      .where(eq(measuresTable.id, measure!.id));
    const afterMeasure = await versions();
    expect(afterMeasure.breakdown).not.toBe(before.breakdown);
    expect(afterMeasure.department).not.toBe(afterReport.department);
    expect(
      itemsOf((await union.get(breakdown)).json()).flatMap((item) =>
        item.measures.map((each) => each.text),
      ),
    ).toContain('把教师思政工作写入工会年度计划并逐月检查');
  });
});

describe('progress reports', () => {
  it('wait for the approved breakdown and for the period to start (by the Beijing calendar)', async () => {
    const { coordinator, union, planId, approve, ledgerBase, measuresOf } = await approvedUnion();
    const early = await union.get(ledgerBase);
    expect(early.json()).toMatchObject({
      breakdownStatus: 'draft',
      measures: [],
      settings: { settings: null },
    });
    await monthly(coordinator, planId);
    expect(
      (
        await report(union, ledgerBase, {
          measureId: '00000000-0000-4000-8000-000000000000',
          periodKey: '2024-05',
        })
      ).json().error.code,
    ).toBe('ledger.not_approved');
    await approve();
    const measures = await measuresOf();
    expect(measures.map((measure) => measure.item.no)).toEqual([8, 8, 39]);
    expect(measures[0]!.periods.map((period) => period.state)).toEqual(Array(8).fill('upcoming'));

    clock.set('2024-04-30T15:59:00Z'); // 23:59 on 30 April in Beijing
    const tooEarly = await report(union, ledgerBase, {
      measureId: measures[0]!.id,
      periodKey: '2024-05',
    });
    expect(tooEarly.statusCode).toBe(422);
    expect(tooEarly.json().error).toMatchObject({
      code: 'ledger.period_not_started',
      params: { period: '2024年5月', startsOn: '2024-05-01' },
    });
    expect(
      (await report(union, ledgerBase, { measureId: measures[0]!.id, periodKey: '2024-13' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await report(union, ledgerBase, { measureId: measures[0]!.id, periodKey: '2025-06' })).json()
        .error.code,
    ).toBe('ledger.unknown_period');
    clock.set('2024-04-30T16:00:00Z'); // midnight: 1 May in Beijing, still 30 April in UTC
    const first = await report(union, ledgerBase, {
      measureId: measures[0]!.id,
      periodKey: '2024-05',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ version: 1, late: false, periodKey: '2024-05' });
  });

  it('are versioned: a new version names the one it corrects, a stale one is refused with the current report, history stays', async () => {
    const { coordinator, union, planId, approve, ledgerBase, measuresOf, organization, idOf } =
      await approvedUnion();
    await monthly(coordinator, planId);
    await approve();
    clock.set('2024-05-20T02:00:00Z');
    const [measure] = await measuresOf();
    const v1: ProgressReportView = (
      await report(union, ledgerBase, {
        measureId: measure!.id,
        periodKey: '2024-05',
        status: 'not_started',
        text: '已制定计划',
      })
    ).json();
    const again = await report(union, ledgerBase, {
      measureId: measure!.id,
      periodKey: '2024-05',
      text: '重复报送',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'ledger.report_version_conflict',
      params: { version: 1 },
      current: { id: v1.id, text: '已制定计划' },
    });
    const v2 = await report(union, ledgerBase, {
      measureId: measure!.id,
      periodKey: '2024-05',
      basedOnVersion: 1,
      status: 'done',
      text: '已召开专题会议，计划已印发',
    });
    expect(v2.json()).toMatchObject({ version: 2, status: 'done' });
    // The coordinating office may report for the department too, as the next version.
    expect(
      (
        await report(coordinator, ledgerBase, {
          measureId: measure!.id,
          periodKey: '2024-05',
          basedOnVersion: 2,
          status: 'done',
          text: '补充：会议纪要已归档',
        })
      ).json().version,
    ).toBe(3);
    // A correction of an older version is refused with the latest one, not the first.
    const stale = await report(union, ledgerBase, {
      measureId: measure!.id,
      periodKey: '2024-05',
      basedOnVersion: 2,
      text: '基于旧版本的更正',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'ledger.report_version_conflict',
      params: { version: 3 },
      current: { version: 3, text: '补充：会议纪要已归档' },
    });
    // Each correction's audit entry names the version it replaced.
    const audited = await t.db
      .select({ before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(
        and(eq(auditLog.organizationId, organization.id), eq(auditLog.action, 'ledger.report')),
      )
      .orderBy(asc(auditLog.id));
    expect(
      audited.map((entry) => [
        (entry.before as { version: number } | null)?.version ?? null,
        (entry.after as { version: number }).version,
      ]),
    ).toEqual([
      [null, 1],
      [1, 2],
      [2, 3],
    ]);
    const [seen] = await measuresOf();
    const may = seen!.periods.find((period) => period.periodKey === '2024-05')!;
    expect(may.versions.map((version) => [version.version, version.text])).toEqual([
      [1, '已制定计划'],
      [2, '已召开专题会议，计划已印发'],
      [3, '补充：会议纪要已归档'],
    ]);
    expect(may.state).toBe('reported');
    // Done in May: June onwards needs nothing more for this measure.
    expect(seen!.periods.slice(1).map((period) => period.state)).toEqual(Array(7).fill('closed'));
    const rows = await t.db
      .select()
      .from(progressReports)
      .where(eq(progressReports.organizationId, organization.id));
    expect(rows).toHaveLength(3);
    // The database keeps the history too: a version cannot be rewritten or erased.
    const refusal = (error: unknown) =>
      `${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`;
    expect(
      refusal(
        await t.db
          .update(progressReports)
          .set({ text: '改写' })
          .where(eq(progressReports.id, v1.id))
          .catch((error: unknown) => error),
      ),
    ).toContain('append-only');
    expect(
      refusal(
        await t.db
          .delete(progressReports)
          .where(eq(progressReports.id, v1.id))
          .catch((error: unknown) => error),
      ),
    ).toContain('append-only');
    // … except moving it to the department another one is merged into.
    const [moved] = await t.db
      .update(progressReports)
      .set({ departmentId: idOf('教务处') })
      .where(eq(progressReports.id, v1.id))
      .returning();
    expect(moved!.departmentId).toBe(idOf('教务处'));
  });

  it('are late after the due day by the Beijing calendar, and missing ones are listed from that minute', async () => {
    const { coordinator, union, planId, approve, ledgerBase, measuresOf, organization, idOf } =
      await approvedUnion();
    await monthly(coordinator, planId);
    await approve();
    const [a, b, c] = await measuresOf();
    clock.set('2024-06-05T15:59:00Z'); // 23:59 on 5 June in Beijing: May's reports are due today
    expect(await listMissingPeriodReports(t.db, organization.id, planId, clock.now())).toEqual([]);
    expect(
      (await report(union, ledgerBase, { measureId: a!.id, periodKey: '2024-05' })).json().late,
    ).toBe(false);
    clock.set('2024-06-05T16:00:00Z'); // midnight
    const missing = await listMissingPeriodReports(t.db, organization.id, planId, clock.now());
    expect(missing).toEqual(
      [b, c].map((measure) => ({
        departmentId: idOf('工会'),
        departmentName: '工会',
        measureId: measure!.id,
        measureText: measure!.text,
        itemId: measure!.item.id,
        itemNo: measure!.item.no,
        periodKey: '2024-05',
        periodLabel: '2024年5月',
        dueOn: '2024-06-05',
      })),
    );
    expect(await listMissingPeriodReports(t.db, organization.id, planId, '2024-06-05')).toEqual([]);
    clock.set('2024-06-05T16:01:00Z');
    const late: ProgressReportView = (
      await report(union, ledgerBase, { measureId: b!.id, periodKey: '2024-05' })
    ).json();
    expect(late.late).toBe(true);
    // A correction of an on-time report stays on time; the ledger judges by the first version.
    expect(
      (
        await report(union, ledgerBase, {
          measureId: a!.id,
          periodKey: '2024-05',
          basedOnVersion: 1,
        })
      ).json().late,
    ).toBe(true);
    const states = (await measuresOf()).map((measure) => measure.periods[0]!.state);
    expect(states).toEqual(['reported', 'late', 'missing']);
    expect(
      (await listMissingPeriodReports(t.db, organization.id, planId, clock.now())).map(
        (row) => row.measureId,
      ),
    ).toEqual([c!.id]);
    await expect(
      listMissingPeriodReports(
        t.db,
        (await createInstitution(t.db)).organization.id,
        planId,
        clock.now(),
      ),
    ).rejects.toMatchObject({ code: 'plan.not_found' });
  });

  it('cite evidence of the department only, and only their own department is reachable to a liaison', async () => {
    const {
      coordinator,
      union,
      planId,
      approve,
      ledgerBase,
      measuresOf,
      liaisonOf,
      idOf,
      organization,
    } = await approvedUnion();
    await monthly(coordinator, planId);
    await approve();
    clock.set('2024-05-20T02:00:00Z');
    const [measure] = await measuresOf();
    const upload = async (client: SignedInClient, name: string) => {
      const { payload, headers } = multipartFile(name, samplePdf(name));
      return (
        await client.request({ method: 'POST', url: '/api/v1/evidence', payload, headers })
      ).json() as EvidenceView;
    };
    const mine = await upload(union, '工会会议纪要.pdf');
    const academic = await liaisonOf('教务处');
    const theirs = await upload(academic, '教务处材料.pdf');
    const refused = await report(union, ledgerBase, {
      measureId: measure!.id,
      periodKey: '2024-05',
      evidenceIds: [mine.id, theirs.id],
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('evidence.not_found');
    expect(
      await t.db
        .select()
        .from(progressReports)
        .where(eq(progressReports.organizationId, organization.id)),
    ).toEqual([]);
    const link: EvidenceView = (
      await union.post('/api/v1/evidence/links', {
        title: '新闻报道',
        url: 'https://news.example.edu.cn/a',
      })
    ).json();
    const saved: ProgressReportView = (
      await report(union, ledgerBase, {
        measureId: measure!.id,
        periodKey: '2024-05',
        evidenceIds: [mine.id, link.id, mine.id],
      })
    ).json();
    expect(saved.evidence.map((item) => item.title)).toEqual(['工会会议纪要.pdf', '新闻报道']);

    // Another department's liaison: neither read nor write.
    expect((await academic.get(ledgerBase)).statusCode).toBe(403);
    expect(
      (
        await report(academic, ledgerBase, {
          measureId: measure!.id,
          periodKey: '2024-05',
          basedOnVersion: 1,
        })
      ).statusCode,
    ).toBe(403);
    expect((await academic.get(`/api/v1/plans/${planId}/ledger`)).statusCode).toBe(403);
    // A measure of another department cannot be reported through this one.
    expect(
      (
        await report(coordinator, `/api/v1/plans/${planId}/ledger/departments/${idOf('教务处')}`, {
          measureId: measure!.id,
          periodKey: '2024-05',
        })
      ).json().error.code,
    ).toBe('ledger.not_approved');
    // Another organization sees no plan.
    const stranger = await signIn(
      t.app,
      (await createUser(t.db, (await createInstitution(t.db)).organization.id, 'coordinator'))
        .username,
    );
    expect((await stranger.get(`/api/v1/plans/${planId}/ledger`)).json().error.code).toBe(
      'plan.not_found',
    );
    expect((await stranger.get(ledgerBase)).statusCode).toBe(404);
    // A save's plan and department are read in one statement, refused in the same order:
    // another organization's plan first, then a department not of the plan's organization.
    const strangerDepartment = (
      await t.db
        .insert(departmentsTable)
        .values({
          organizationId: (await createInstitution(t.db)).organization.id,
          name: '外校',
          kind: 'other',
        })
        .returning()
    )[0]!.id;
    const body = { measureId: measure!.id, periodKey: '2024-05', basedOnVersion: 1 };
    const refusal = async (client: SignedInClient, department: string) => {
      const response = await report(
        client,
        `/api/v1/plans/${planId}/ledger/departments/${department}`,
        body,
      );
      return [response.statusCode, response.json().error.code];
    };
    expect(await refusal(stranger, strangerDepartment)).toEqual([404, 'plan.not_found']);
    expect(await refusal(stranger, idOf('工会'))).toEqual([404, 'plan.not_found']);
    expect(await refusal(coordinator, strangerDepartment)).toEqual([404, 'department.not_found']);
    expect(await refusal(union, strangerDepartment)).toEqual([404, 'department.not_found']);
    expect(await refusal(union, idOf('教务处'))).toEqual([403, 'auth.forbidden']);
  });
});

describe("the coordinating office's ledger", () => {
  it('lists measure × period with filters, the department × period matrix, and exports it as .xlsx', async () => {
    const { coordinator, union, planId, approve, ledgerBase, measuresOf, organization } =
      await approvedUnion();
    await monthly(coordinator, planId, { lastPeriod: '2024-07' });
    await approve();
    const [a, b] = await measuresOf();
    clock.set('2024-05-20T02:00:00Z');
    const { payload, headers } = multipartFile('五月会议纪要.pdf', samplePdf('may'));
    const file: EvidenceView = (
      await union.request({ method: 'POST', url: '/api/v1/evidence', payload, headers })
    ).json();
    await report(union, ledgerBase, {
      measureId: a!.id,
      periodKey: '2024-05',
      text: '召开专题会议',
      evidenceIds: [file.id],
    });
    clock.set('2024-06-10T02:00:00Z');
    await report(union, ledgerBase, {
      measureId: b!.id,
      periodKey: '2024-05',
      status: 'at_risk',
      text: '@SUM(1,2) 经费未到位',
    });

    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    const overview: LedgerOverview = (await leader.get(`/api/v1/plans/${planId}/ledger`)).json();
    expect(overview.totalRows).toBe(9);
    expect(overview.rows).toHaveLength(9);
    // One page at a time: a year of 80 departments is far too much for one answer.
    const lastPage: LedgerOverview = (
      await leader.get(`/api/v1/plans/${planId}/ledger?pageSize=4&page=3`)
    ).json();
    expect(lastPage).toMatchObject({ matchingRows: 9, totalRows: 9 });
    expect(lastPage.rows.map((row) => `${row.measure.id}/${row.period.key}`)).toEqual(
      overview.rows.slice(8).map((row) => `${row.measure.id}/${row.period.key}`),
    );
    expect(
      (await leader.get(`/api/v1/plans/${planId}/ledger?pageSize=501`)).json().error.issues[0].path,
    ).toBe('querystring.pageSize');
    expect(overview.departments.map((department) => department.name)).toEqual(['工会']);
    expect(overview.matrix.map((cell) => [cell.periodKey, cell.state, cell.counts])).toEqual([
      ['2024-05', 'missing', { reported: 1, late: 1, missing: 1 }],
      ['2024-06', 'open', { open: 3 }],
      ['2024-07', 'upcoming', { upcoming: 3 }],
    ]);
    const only = async (query: string) =>
      (
        (await coordinator.get(`/api/v1/plans/${planId}/ledger${query}`)).json() as LedgerOverview
      ).rows.map((row) => `${row.item.no}/${row.period.key}/${row.state}`);
    expect(await only('?state=missing')).toEqual(['39/2024-05/missing']);
    expect(await only('?state=late')).toEqual(['8/2024-05/late']);
    expect(await only('?itemNo=39&periodKey=2024-06')).toEqual(['39/2024-06/open']);
    expect(await only('?status=at_risk')).toEqual(['8/2024-05/late']);
    expect(await only(`?search=${encodeURIComponent('专题会议')}`)).toEqual(['8/2024-05/reported']);
    expect((await coordinator.get(`/api/v1/plans/${planId}/ledger?state=nope`)).statusCode).toBe(
      400,
    );

    const exported = await coordinator.get(
      `/api/v1/plans/${planId}/ledger/export?periodKey=2024-05`,
    );
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(exported.headers['content-disposition']).toContain("filename*=UTF-8''");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('工作进度督办台账');
    expect(String(sheet.getCell('A1').value)).toContain('工作进度督办台账');
    expect(String(sheet.getCell('A2').value)).toContain('周期：2024年5月');
    const header = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual([
      '责任部门',
      '指标序号',
      '指标内容',
      '落实措施',
      '报送周期',
      '报送截止日期',
      '报送情况',
      '进展状态',
      '完成情况',
      '佐证材料',
      '是否逾期',
      '报送人',
      '报送时间',
      '版本',
    ]);
    const rows = Array.from({ length: sheet.rowCount - 3 }, (_, index) =>
      (sheet.getRow(index + 4).values as unknown[])
        .slice(1)
        .map((value) => (value === undefined || value === null ? '' : String(value))),
    );
    expect(rows).toHaveLength(3);
    const byMeasure = (text: string) => rows.find((row) => row[3] === text)!;
    expect(byMeasure('把教师思政工作写入工会年度计划')).toEqual(
      expect.arrayContaining([
        '工会',
        '8',
        '2024年5月',
        '2024-06-05',
        '已报送',
        '按计划推进',
        '召开专题会议',
        '五月会议纪要.pdf',
        '否',
      ]),
    );
    // In English for a reader who chose it: only the plan's texts and names stay Chinese.
    const english = await sheetOfDownload(
      (
        await downloadInEnglish(
          coordinator,
          `/api/v1/plans/${planId}/ledger/export?periodKey=2024-05`,
        )
      ).rawPayload,
    );
    expect(english.sheet.name).toBe('Progress ledger');
    expect(english.rows[0]![0]).toMatch(/^Progress ledger: /);
    expect(english.rows[1]![0]).toMatch(
      /^Exported .* \(Beijing time\) · 3 rows · Filters: Period: /,
    );
    expect(english.rows[1]![0]).not.toMatch(CJK);
    expect(english.rows[2]).toEqual([
      'Department',
      'Item no.',
      'Item',
      'Measure',
      'Period',
      'Due on',
      'Report state',
      'Status',
      'Progress',
      'Evidence',
      'Late',
      'Reported by',
      'Reported at',
      'Version',
    ]);
    for (const row of english.rows.slice(3))
      for (const column of [4, 5, 6, 7, 10, 12, 13]) expect(row[column]).not.toMatch(CJK);
    expect(
      english.rows
        .slice(3)
        .map((row) => row[6])
        .sort(),
    ).toEqual(['Missing', 'Reported', 'Reported late']);
    expect(english.sheet.headerFooter.oddFooter).toBe('&CPage &P of &N');
    // Accept-Language alone (an API client) chooses English too; the default stays Chinese.
    const byHeader = await coordinator.request({
      method: 'GET',
      url: `/api/v1/plans/${planId}/ledger/export?periodKey=2024-05`,
      headers: { 'accept-language': 'en-GB,en' },
    });
    expect((await sheetOfDownload(byHeader.rawPayload)).sheet.name).toBe('Progress ledger');
    const injected = byMeasure(`'=HYPERLINK("http://evil.example","点我")`);
    expect(injected.slice(6, 11)).toEqual([
      '逾期报送',
      '有风险',
      "'@SUM(1,2) 经费未到位",
      '',
      '是',
    ]);
    expect(rows.find((row) => row[1] === '39')!.slice(6, 11)).toEqual([
      '逾期未报',
      '',
      '',
      '',
      '是',
    ]);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});
