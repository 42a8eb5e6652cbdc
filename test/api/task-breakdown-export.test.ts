import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { inflateZip } from '../../src/server/io/zip-guard';
import { readPlanDocument } from '../../src/server/io/plan-document-reader';
import { departments as departmentsTable } from '../../src/server/modules/departments/department.table';
import { expectedItems } from '../fixtures/seed-expected';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  seedPlanFile,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function planWithUnionMeasures() {
  const { organization } = await createInstitution(t.db);
  const coordinator = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'coordinator')).username,
  );
  const { payload, headers } = multipartFile('plan.txt', await readFile(seedPlanFile));
  const planId: string = (
    await coordinator.request({ method: 'POST', url: '/api/v1/imports/plan', payload, headers })
  ).json().planId;
  const unionId = (
    await t.db
      .select()
      .from(departmentsTable)
      .where(eq(departmentsTable.organizationId, organization.id))
  ).find((department) => department.name === '工会')!.id;
  const liaison = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'liaison', { departmentId: unionId })).username,
  );
  const base = `/api/v1/plans/${planId}/breakdowns/${unionId}`;
  const view: BreakdownView = (await liaison.get(base)).json();
  const items = view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  );
  await liaison.post(`${base}/measures`, {
    itemId: items.find((item) => item.no === 39)!.id,
    text: '建立民生项目年度清单',
    deadline: { kind: 'date', dueOn: '2024-06-30' },
  });
  await liaison.post(`${base}/measures`, {
    itemId: items.find((item) => item.no === 39)!.id,
    text: '=HYPERLINK("http://evil.example","点我")',
    deadline: { kind: 'semester', dueOn: '2024-07-01' },
  });
  await liaison.post(`${base}/measures`, {
    itemId: items.find((item) => item.no === 8)!.id,
    text: '=1+1 工会年度计划写入教师思政内容',
    deadline: { kind: 'yearly', dueOn: '2024-12-31' },
  });
  return { organization, coordinator, liaison, planId, unionId };
}

async function sheetOf(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook.worksheets[0]!;
}

describe('exporting the 任务分解表', () => {
  it("as .xlsx in the official layout, with each department's measures in the right cells", async () => {
    const { coordinator, planId } = await planWithUnionMeasures();
    const response = await coordinator.get(`/api/v1/plans/${planId}/task-breakdown?format=xlsx`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('任务分解表'));
    const sheet = await sheetOf(response.rawPayload);
    expect(sheet.getCell('A1').value).toBe(
      '落实《普通高等学校教师党建和思想政治工作质量标准（试行）》任务分解表',
    );
    expect(sheet.getCell('G1').isMerged).toBe(true);
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      '一级指标',
      '二级指标',
      '指标内容',
      '观测重点',
      '责任部门',
      '落实部门',
      '落实措施',
      '完成时限',
    ]);
    // One row per measure: 60 items, item 39 with two measures, item 8 with one.
    expect(sheet.rowCount).toBe(63);
    expect(sheet.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: false,
      printTitlesRow: '2:2',
    });
    // Our own page breaks at a scale that fits the width (Excel ignores breaks under fit-to-page):
    // no merged cell crosses one, and no page holds more rows than A4 landscape has room for.
    const scale = sheet.pageSetup.scale!;
    expect(scale).toBeGreaterThan(60);
    expect(scale).toBeLessThan(100);
    // exceljs does not read page breaks back: they come from the sheet's XML.
    const xml = (
      await inflateZip(response.rawPayload, (name) => name === 'xl/worksheets/sheet1.xml')
    )
      .get('xl/worksheets/sheet1.xml')!
      .toString();
    const breaks = [...xml.matchAll(/<brk id="(\d+)"[^>]*man="1"/g)].map((match) =>
      Number(match[1]),
    );
    expect(breaks.length).toBeGreaterThan(3);
    const pageOf = (row: number) => breaks.filter((last) => last < row).length;
    for (const range of sheet.model.merges) {
      const [top, bottom] = range.split(':').map((address) => sheet.getCell(address).row);
      expect(pageOf(Number(top)), range).toBe(pageOf(Number(bottom)));
    }
    const room = ((595.28 - 1.4 * 72) * 100) / scale;
    for (let page = 0; page <= breaks.length; page++) {
      let used = 24 + (page === 0 ? 30 : 0);
      for (let row = 3; row <= sheet.rowCount; row++)
        if (pageOf(row) === page) used += sheet.getRow(row).height;
      expect(used, `page ${page + 1}`).toBeLessThanOrEqual(room);
    }
    expect(sheet.headerFooter.oddFooter).toContain('&P');
    expect(sheet.getCell('A3').value).toBe('一、党的领导');
    expect(sheet.getCell('A19').value).toBe('一、党的领导');
    expect(sheet.getCell('A20').value).toBe('二、立德树人');
    const [first39, second39] = [sheet.getRow(2 + 39), sheet.getRow(3 + 39)];
    expect(first39.getCell(3).value).toMatch(/^39\.建立民生项目年度工作清单/);
    expect(second39.getCell(3).value).toBe(first39.getCell(3).value);
    expect(first39.getCell(5).value).toBe('工会');
    expect([first39, second39].map((row) => [2, 6, 7, 8].map((n) => row.getCell(n).value))).toEqual(
      [
        [first39.getCell(2).value, '工会', '建立民生项目年度清单', '2024年6月30日'],
        [
          first39.getCell(2).value,
          '工会',
          // Formula-safe: written as text.
          '\'=HYPERLINK("http://evil.example","点我")',
          '每学期（自2024年7月1日起）',
        ],
      ],
    );
    // Heights from the text, within Excel's limit.
    for (let row = 3; row <= sheet.rowCount; row++) {
      expect(sheet.getRow(row).height).toBeGreaterThanOrEqual(20);
      expect(sheet.getRow(row).height).toBeLessThanOrEqual(409);
    }
    expect(sheet.getRow(2 + 1).getCell(7).value ?? '').toBe('');
  });

  it('is read back by the importer as the same 60 items, in .xlsx and in .docx', async () => {
    const { coordinator, planId } = await planWithUnionMeasures();
    for (const format of ['xlsx', 'docx'] as const) {
      const response = await coordinator.get(
        `/api/v1/plans/${planId}/task-breakdown?format=${format}`,
      );
      expect(response.statusCode).toBe(200);
      const parsed = await readPlanDocument({
        bytes: response.rawPayload,
        fileName: `export.${format}`,
      });
      expect(parsed.items.map((item) => [item.no, item.level2, item.departments])).toEqual(
        expectedItems,
      );
      expect(parsed.items[38]!.measuresRaw).toContain('建立民生项目年度清单');
    }
  });

  it("gives a liaison their own department's sheet only, and writes formulas as text", async () => {
    const { liaison, planId, unionId, organization } = await planWithUnionMeasures();
    const own = await liaison.get(
      `/api/v1/plans/${planId}/task-breakdown?format=xlsx&departmentId=${unionId}`,
    );
    const sheet = await sheetOf(own.rawPayload);
    expect(sheet.getCell('A1').value).toContain('（工会）');
    expect(sheet.rowCount).toBe(5);
    // Only a cell that starts with = + - @ runs as a formula: that one is written as text.
    expect(sheet.getRow(3).getCell(6).value).toBe("'=1+1 工会年度计划写入教师思政内容");
    expect([4, 5].map((row) => sheet.getRow(row).getCell(6).value)).toEqual([
      '建立民生项目年度清单',
      '\'=HYPERLINK("http://evil.example","点我")',
    ]);
    expect(
      (await liaison.get(`/api/v1/plans/${planId}/task-breakdown?format=xlsx`)).statusCode,
    ).toBe(403);
    const other = (
      await t.db
        .select()
        .from(departmentsTable)
        .where(eq(departmentsTable.organizationId, organization.id))
    ).find((department) => department.name === '教务处')!;
    expect(
      (
        await liaison.get(
          `/api/v1/plans/${planId}/task-breakdown?format=xlsx&departmentId=${other.id}`,
        )
      ).statusCode,
    ).toBe(403);
  });

  it("shows a measure added after an earlier export, in the whole sheet and the department's", async () => {
    const { coordinator, liaison, planId, unionId } = await planWithUnionMeasures();
    const texts = async (client: typeof coordinator, query: string) => {
      const response = await client.get(`/api/v1/plans/${planId}/task-breakdown?${query}`);
      expect(response.statusCode).toBe(200);
      const sheet = await sheetOf(response.rawPayload);
      const values: string[] = [];
      sheet.eachRow((row) => {
        row.eachCell((cell) => {
          values.push(String(cell.value ?? ''));
        });
      });
      return values;
    };
    const whole = 'format=xlsx';
    const own = `format=xlsx&departmentId=${unionId}`;
    expect(await texts(coordinator, whole)).not.toContain('工会新增的一项措施');
    expect(await texts(liaison, own)).not.toContain('工会新增的一项措施');
    const base = `/api/v1/plans/${planId}/breakdowns/${unionId}`;
    const view: BreakdownView = (await liaison.get(base)).json();
    const item8 = view.indicators
      .flatMap((level1) => level1.children.flatMap((level2) => level2.items))
      .find((item) => item.no === 8)!;
    expect(
      (
        await liaison.post(`${base}/measures`, {
          itemId: item8.id,
          text: '工会新增的一项措施',
          deadline: { kind: 'date', dueOn: '2024-09-30' },
        })
      ).statusCode,
    ).toBeLessThan(300);
    expect(await texts(coordinator, whole)).toContain('工会新增的一项措施');
    expect(await texts(liaison, own)).toContain('工会新增的一项措施');
  });
});
