import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { departments as departmentsTable } from '../../src/server/modules/departments/department.table';
import { progressReports } from '../../src/server/modules/ledger/ledger.table';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type {
  BulkReportResult,
  DepartmentLedger,
  PeriodSheetPreview,
} from '../../src/shared/api/ledger';
import { PERIOD_SHEET_HEADERS } from '../../src/shared/ledger/period-sheet';
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

const clock = new ManualClock('2024-04-22T02:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    clock,
    config: { sessionIdleMinutes: 10 * 365 * 24 * 60, sessionMaxHours: 10 * 365 * 24 },
  });
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

/**
 * The seed plan, monthly periods May–December due on the 5th, and 工会 (items 8 and 39) with an
 * approved breakdown of three measures; the clock on 10 June 2024 (May overdue, June open).
 */
async function unionReporting() {
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
  const union = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'liaison', { departmentId: idOf('工会') })).username,
  );
  const breakdown = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
  const [item8, item39] = itemsOf((await union.get(breakdown)).json());
  const texts = ['把教师思政工作写入工会年度计划', '开展教职工谈心谈话', '建立民生项目年度清单'];
  for (const [index, text] of texts.entries()) {
    const created = await union.post(`${breakdown}/measures`, {
      itemId: index < 2 ? item8!.id : item39!.id,
      text,
      deadline: { kind: 'monthly', dueOn: '2024-05-31' },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
  await union.request({
    method: 'PUT',
    url: `${breakdown}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  expect((await union.post(`${breakdown}/submit`)).statusCode).toBe(200);
  expect((await coordinator.post(`${breakdown}/review`, { decision: 'approve' })).statusCode).toBe(
    200,
  );
  const settings = await coordinator.request({
    method: 'PUT',
    url: `/api/v1/plans/${planId}/ledger/settings`,
    payload: { frequency: 'monthly', dueDay: 5, firstPeriod: '2024-05', lastPeriod: '2024-12' },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  const obligation = async (itemId: string) => {
    const added = await coordinator.post(`/api/v1/plans/${planId}/obligations`, {
      itemId,
      kind: 'frequency',
      period: 'month',
      minimumCount: 1,
      scope: 'each_department',
    });
    expect(added.statusCode, added.body).toBe(201);
    return added.json().id as string;
  };
  clock.set('2024-06-10T02:00:00Z');
  const ledgerBase = `/api/v1/plans/${planId}/ledger/departments/${idOf('工会')}`;
  const measures = async () => ((await union.get(ledgerBase)).json() as DepartmentLedger).measures;
  const reportCount = async () =>
    (await t.db.select().from(progressReports).where(eq(progressReports.planId, planId))).length;
  return {
    organization,
    coordinator,
    union,
    planId,
    idOf,
    item8: item8!,
    item39: item39!,
    ledgerBase,
    measures,
    obligation,
    reportCount,
  };
}

const entry = (measureId: string, extra: Record<string, unknown> = {}) => ({
  measureId,
  basedOnVersion: 0,
  status: 'on_track',
  text: '召开专题会议一次',
  evidenceIds: [],
  ...extra,
});

function upload(client: SignedInClient, url: string, bytes: Buffer, query: string, lang = 'zh-CN') {
  const { payload, headers } = multipartFile('报送表.xlsx', bytes);
  return client.request({
    method: 'POST',
    url: `${url}?${query}`,
    payload,
    headers: { ...headers, 'accept-language': lang },
  });
}

/** Opens a downloaded sheet, lets the test write into it as a person would in Excel, and saves it. */
async function editXlsx(
  bytes: Buffer,
  edit: (sheet: ExcelJS.Worksheet, rowOf: (measureId: string) => ExcelJS.Row) => void,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const rowOf = (measureId: string) => {
    for (let number = 1; number <= sheet.rowCount; number++)
      if (sheet.getRow(number).getCell(1).value === measureId) return sheet.getRow(number);
    throw new Error(`no row for ${measureId}`);
  };
  edit(sheet, rowOf);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('a whole period on one page (整期报送)', () => {
  it('reports every measure at once, one of them as an obligation occurrence too', async () => {
    const { union, planId, ledgerBase, measures, obligation, item8, idOf } = await unionReporting();
    const obligationId = await obligation(item8.id);
    const [first, second, third] = await measures();
    const response = await union.post(`${ledgerBase}/periods/2024-05/reports`, {
      reports: [
        entry(first!.id, {
          text: '6月3日召开工会委员会，研究教师思政工作',
          occurrence: { obligationId, occurredOn: '2024-06-03' },
        }),
        entry(second!.id, { status: 'done' }),
        entry(third!.id, { status: 'at_risk', text: '本期无新进展' }),
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    const result: BulkReportResult = response.json();
    expect(result.occurrences).toBe(1);
    expect(result.reports.map((report) => [report.measureId, report.version, report.late])).toEqual(
      [
        [first!.id, 1, true],
        [second!.id, 1, true],
        [third!.id, 1, true],
      ],
    );
    const after = await measures();
    expect(after.map((measure) => measure.periods[0]!.state)).toEqual(['late', 'late', 'late']);
    const occurrences = (
      await union.get(
        `/api/v1/plans/${planId}/occurrences?departmentId=${idOf('工会')}&obligationId=${obligationId}`,
      )
    ).json().occurrences;
    expect(occurrences).toMatchObject([
      { occurredOn: '2024-06-03', description: '6月3日召开工会委员会，研究教师思政工作' },
    ]);
  });

  it('writes nothing when one report of the batch is refused', async () => {
    const { union, ledgerBase, measures, reportCount, obligation, item39 } = await unionReporting();
    const [first, second] = await measures();
    expect(
      (await union.post(`${ledgerBase}/periods/2024-06/reports`, { reports: [entry(first!.id)] }))
        .statusCode,
    ).toBe(201);
    const before = await reportCount();

    // The first measure was reported since the page was opened: the whole batch is refused.
    const stale = await union.post(`${ledgerBase}/periods/2024-06/reports`, {
      reports: [entry(second!.id), entry(first!.id)],
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('ledger.report_version_conflict');

    const repeated = await union.post(`${ledgerBase}/periods/2024-06/reports`, {
      reports: [entry(second!.id), entry(second!.id)],
    });
    expect(repeated.statusCode).toBe(422);
    expect(repeated.json().error.code).toBe('ledger.bulk_repeated');

    // An obligation of item 39 cannot count a measure of item 8.
    const otherItem = await obligation(item39.id);
    const wrongItem = await union.post(`${ledgerBase}/periods/2024-06/reports`, {
      reports: [
        entry(second!.id, { occurrence: { obligationId: otherItem, occurredOn: '2024-06-08' } }),
      ],
    });
    expect(wrongItem.statusCode).toBe(422);
    expect(wrongItem.json().error.code).toBe('ledger.occurrence_wrong_item');

    const future = await union.post(`${ledgerBase}/periods/2024-08/reports`, {
      reports: [entry(second!.id)],
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().error.code).toBe('ledger.period_not_started');

    const unknown = await union.post(`${ledgerBase}/periods/2024-06/reports`, {
      reports: [entry(randomUUID())],
    });
    expect(unknown.statusCode).toBe(404);

    expect(await reportCount()).toBe(before);
  });

  it('is only the own department for a liaison', async () => {
    const { organization, planId, idOf, measures } = await unionReporting();
    const [first] = await measures();
    const other = await signIn(
      t.app,
      (
        await createUser(t.db, organization.id, 'liaison', {
          departmentId: idOf('教务处'),
        })
      ).username,
    );
    const base = `/api/v1/plans/${planId}/ledger/departments/${idOf('工会')}/periods/2024-06`;
    expect((await other.post(`${base}/reports`, { reports: [entry(first!.id)] })).statusCode).toBe(
      403,
    );
    expect((await other.get(`${base}/sheet`)).statusCode).toBe(403);
  });
});

describe("the department's period sheet (工作进度报送表)", () => {
  it('is downloaded, filled in offline, previewed and applied', async () => {
    const { union, ledgerBase, measures, reportCount } = await unionReporting();
    const [first, second, third] = await measures();
    await union.post(`${ledgerBase}/periods/2024-05/reports`, {
      reports: [
        entry(first!.id, { status: 'on_track', text: '5月召开工会委员会' }),
        entry(second!.id, { status: 'at_risk', text: '谈心谈话覆盖 60%' }),
      ],
    });
    const downloaded = await union.get(`${ledgerBase}/periods/2024-06/sheet`);
    expect(downloaded.statusCode, downloaded.body).toBe(200);
    expect(downloaded.headers['content-type']).toContain('spreadsheetml');
    const bytes = downloaded.rawPayload;

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(String(sheet.getCell('A1').value)).toContain('工作进度报送表（工会）');
    expect(String(sheet.getCell('A2').value)).toContain('报送周期：2024年6月（2024-06）');
    expect((sheet.getRow(4).values as unknown[]).slice(1)).toEqual([...PERIOD_SHEET_HEADERS]);
    expect(sheet.getColumn(1).hidden).toBe(true);
    expect(sheet.getRow(5).getCell(5).value).toBe('【按计划推进】5月召开工会委员会');
    expect(sheet.getRow(5).getCell(6).dataValidation).toMatchObject({ type: 'list' });

    const filled = await editXlsx(bytes, (_sheet, rowOf) => {
      rowOf(first!.id).getCell(6).value = '已完成';
      rowOf(first!.id).getCell(7).value = '6月完成年度计划修订';
      rowOf(second!.id).getCell(7).value = '与上期相同';
    });
    const previewResponse = await upload(
      union,
      `${ledgerBase}/periods/2024-06/sheet`,
      filled,
      'dryRun=true',
    );
    expect(previewResponse.statusCode, previewResponse.body).toBe(200);
    const preview: PeriodSheetPreview = previewResponse.json();
    expect(preview).toMatchObject({
      applied: false,
      rowsRead: 3,
      blank: 1,
      unchanged: 0,
      problems: [],
    });
    expect(preview.changes).toMatchObject([
      {
        measureId: first!.id,
        before: null,
        after: { status: 'done', text: '6月完成年度计划修订' },
      },
      {
        measureId: second!.id,
        after: { status: 'at_risk', text: '谈心谈话覆盖 60%' },
        sameAsPrevious: true,
      },
    ]);
    const count = await reportCount();
    expect(count).toBe(2);

    const applied = await upload(
      union,
      `${ledgerBase}/periods/2024-06/sheet`,
      filled,
      `basedOn=${preview.token}`,
    );
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({ applied: true, changes: preview.changes });
    expect(await reportCount()).toBe(4);
    const june = (await measures()).map(
      (measure) => measure.periods.find((period) => period.periodKey === '2024-06')!,
    );
    expect(june.map((cell) => [cell.state, cell.versions.at(-1)?.status])).toEqual([
      ['reported', 'done'],
      ['reported', 'at_risk'],
      ['open', undefined],
    ]);
    expect(third).toBeDefined();

    // The same sheet again changes nothing; and a token of an older preview is refused.
    const again: PeriodSheetPreview = (
      await upload(union, `${ledgerBase}/periods/2024-06/sheet`, filled, 'dryRun=true')
    ).json();
    expect(again).toMatchObject({ unchanged: 2, changes: [] });
    const stale = await upload(
      union,
      `${ledgerBase}/periods/2024-06/sheet`,
      filled,
      `basedOn=${preview.token}`,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('sheet.stale');
    expect(await reportCount()).toBe(4);
  });

  it('refuses a sheet of another department, another period, with an edited header, or an unknown measure, and changes nothing', async () => {
    const { union, ledgerBase, measures, reportCount } = await unionReporting();
    const [first, second] = await measures();
    const june = (await union.get(`${ledgerBase}/periods/2024-06/sheet`)).rawPayload;
    const may = (await union.get(`${ledgerBase}/periods/2024-05/sheet`)).rawPayload;
    const url = `${ledgerBase}/periods/2024-06/sheet`;
    const fill = (sheet: ExcelJS.Worksheet, rowOf: (id: string) => ExcelJS.Row) => {
      void sheet;
      rowOf(first!.id).getCell(6).value = '按计划推进';
      rowOf(first!.id).getCell(7).value = '推进中';
    };

    const otherDepartment = await editXlsx(june, (sheet, rowOf) => {
      fill(sheet, rowOf);
      sheet.getCell('A2').value = String(sheet.getCell('A2').value).replace('工会', '宣传部');
    });
    const refusedDepartment = await upload(union, url, otherDepartment, 'dryRun=true');
    expect(refusedDepartment.statusCode).toBe(422);
    expect(refusedDepartment.json().error).toMatchObject({
      code: 'progress_sheet.wrong_department',
      message: '这是“宣传部”的工作进度报送表，不是“工会”的。没有做任何修改。请上传本部门的报送表。',
    });

    const refusedPeriod = await upload(union, url, may, 'dryRun=true', 'en');
    expect(refusedPeriod.statusCode).toBe(422);
    expect(refusedPeriod.json().error).toMatchObject({
      code: 'progress_sheet.wrong_period',
      message:
        'This sheet is for 2024年5月, but 2024年6月 is chosen. Nothing was changed. Choose that period, or download the sheet of this one.',
    });

    const editedHeader = await editXlsx(june, (sheet, rowOf) => {
      fill(sheet, rowOf);
      sheet.getRow(4).getCell(7).value = '完成情况';
    });
    const refusedHeader = await upload(union, url, editedHeader, 'dryRun=true');
    expect(refusedHeader.statusCode).toBe(422);
    expect(refusedHeader.json().error).toMatchObject({
      code: 'progress_sheet.header_changed',
      params: { column: 7, found: '完成情况', expected: '本期进展情况' },
    });

    const notASheet = await editXlsx(june, (sheet) => {
      sheet.getRow(4).getCell(1).value = '编号';
    });
    expect((await upload(union, url, notASheet, 'dryRun=true')).json().error.code).toBe(
      'progress_sheet.not_a_sheet',
    );

    const unknownMeasure = await editXlsx(june, (sheet, rowOf) => {
      fill(sheet, rowOf);
      rowOf(second!.id).getCell(6).value = '进行中';
      rowOf(second!.id).getCell(7).value = '推进中';
      const copied = sheet.getRow(sheet.rowCount + 1);
      copied.getCell(1).value = randomUUID();
      copied.getCell(6).value = '已完成';
      copied.getCell(7).value = '从别的表复制来的一行';
    });
    const preview: PeriodSheetPreview = (
      await upload(union, url, unknownMeasure, 'dryRun=true')
    ).json();
    expect(preview.problems.map((problem) => [problem.row, problem.code])).toEqual([
      [6, 'progress_sheet.status_unreadable'],
      [8, 'progress_sheet.unknown_measure'],
    ]);
    expect(preview.problems[0]!.message).toBe(
      '“进行中”不是进展状态。请从下拉列表中选择：未启动、按计划推进、已完成、有风险、受阻。',
    );
    expect(preview.changes).toHaveLength(1);
    const refused = await upload(union, url, unknownMeasure, `basedOn=${preview.token}`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('sheet.has_problems');

    const word = await upload(union, url, Buffer.from('进度报送'), 'dryRun=true');
    expect(word.statusCode).toBe(415);
    expect(await reportCount()).toBe(0);
  });
});
