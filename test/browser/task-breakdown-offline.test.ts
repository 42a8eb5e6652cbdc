import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { departments } from '../../src/server/modules/departments/department.table';
import { createUser, projectRoot, signIn } from '../support/test-app';
import { endJourney, launchChromium, openSignedIn, screenshots } from '../support/browser';
import { startTestServer, type TestServer } from '../support/test-server';

const work = path.join(projectRoot, 'test-results/offline-sheets');
let server: TestServer;
let browser: Browser;
let liaisonName: string;
let coordinatorName: string;
let security: { id: string; planId: string; itemNo: number };

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  await mkdir(work, { recursive: true });
  server = await startTestServer();
  const all = await server.database.db.select().from(departments);
  const union = all.find((department) => department.name === '工会')!;
  const guard = all.find((department) => department.name === '保卫处')!;
  liaisonName = (
    await createUser(server.database.db, union.organizationId, 'liaison', {
      departmentId: union.id,
      username: 'union-liaison',
    })
  ).username;
  coordinatorName = (
    await createUser(server.database.db, union.organizationId, 'coordinator', {
      username: 'teacher-office',
    })
  ).username;

  // 保卫处 has written its measures online: the whole-institution export must carry them.
  const guardLiaison = await signIn(
    server.app,
    (
      await createUser(server.database.db, union.organizationId, 'liaison', {
        departmentId: guard.id,
      })
    ).username,
  );
  const planId: string = (await guardLiaison.get('/api/v1/plans')).json()[0].id;
  const base = `/api/v1/plans/${planId}/breakdowns/${guard.id}`;
  const item = ((await guardLiaison.get(base)).json() as BreakdownView).indicators[0]!.children[0]!
    .items[0]!;
  for (const [text, deadline] of [
    ['校园安全稳定工作纳入教师思政考核', { kind: 'yearly', dueOn: '2024-12-31' }],
    ['开展安全教育进课堂', { kind: 'date', dueOn: '2024-09-30' }],
  ] as const) {
    expect(
      (await guardLiaison.post(`${base}/measures`, { itemId: item.id, text, deadline })).statusCode,
    ).toBe(201);
  }
  security = { id: guard.id, planId, itemNo: item.no };
  browser = await launchChromium();
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function signedIn(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  return openSignedIn(browser, server.url, username, viewport);
}

/** Clicks what downloads a file and returns the file's bytes. */
async function downloadBy(
  page: Page,
  click: () => Promise<void>,
): Promise<{ bytes: Buffer; name: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { bytes: await readFile(await download.path()), name: download.suggestedFilename() };
}

async function worksheetOf(bytes: Buffer): Promise<{
  workbook: ExcelJS.Workbook;
  sheet: ExcelJS.Worksheet;
  rowOf(no: number): ExcelJS.Row;
}> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const rowOf = (no: number) => {
    for (let index = 3; index <= sheet.rowCount; index++)
      if (String(sheet.getRow(index).getCell(3).value).startsWith(`${no}.`))
        return sheet.getRow(index);
    throw new Error(`no row for item ${no}`);
  };
  return { workbook, sheet, rowOf };
}

describe('the 任务分解表 offline, in the browser', () => {
  it('the office exports the whole institution; a liaison downloads their sheet, fills it in Excel, uploads, checks and applies it', async () => {
    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '报送情况' }).click();
    await office.getByText('各部门任务分解表报送情况').waitFor();
    const whole = await downloadBy(office, () =>
      office.getByRole('link', { name: /导出 Excel/ }).click(),
    );
    expect(whole.name).toMatch(/任务分解表\.xlsx$/);
    const exported = await worksheetOf(whole.bytes);
    expect(exported.sheet.getRow(2).values).toEqual([
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
    // One row per measure: the item's cells merged over its measures, the department, the measure
    // and its deadline side by side.
    const guardRow = exported.rowOf(security.itemNo);
    expect(String(guardRow.getCell(5).value).split('\n')).toContain('保卫处');
    const guardMeasures = exported.sheet
      .getRows(3, exported.sheet.rowCount - 2)!
      .filter((row) => row.getCell(6).value === '保卫处')
      .map((row) => [row.getCell(7).value, row.getCell(8).value]);
    expect(guardMeasures).toEqual([
      ['校园安全稳定工作纳入教师思政考核', '每年（自2024年12月31日起）'],
      ['开展安全教育进课堂', '2024年9月30日'],
    ]);
    expect(exported.rowOf(39).getCell(7).value ?? '').toBe('');
    await office.close();

    const liaison = await signedIn(liaisonName);
    await liaison.getByRole('menuitem', { name: '我的任务分解表' }).click();
    await liaison.getByText('工会 · 任务分解表').waitFor();
    expect(await liaison.getByTestId('sheet-hint').textContent()).toContain('上传填好的表格');
    const own = await downloadBy(liaison, () => liaison.getByTestId('download-sheet').click());
    expect(own.name).toBe(
      '落实《普通高等学校教师党建和思想政治工作质量标准（试行）》任务分解表（工会）.xlsx',
    );

    // First try: a deadline the person wrote as “尽快” is refused with its row; nothing changes.
    const draft = await worksheetOf(own.bytes);
    draft.rowOf(8).getCell(6).value =
      '把教师思政工作写入工会年度工作计划\n每学期召开一次青年教师座谈会';
    draft.rowOf(8).getCell(7).value = '每年（自2024年12月31日起）\n每学期（自2024年9月1日起）';
    draft.rowOf(39).getCell(6).value = '建立教职工民生实事项目清单';
    draft.rowOf(39).getCell(7).value = '尽快';
    const badFile = path.join(work, '工会任务分解表-有误.xlsx');
    await writeFile(badFile, Buffer.from(await draft.workbook.xlsx.writeBuffer()));
    await liaison.locator('input[type=file]').setInputFiles(badFile);
    await liaison.getByTestId('sheet-verdict').waitFor();
    expect(await liaison.getByTestId('sheet-verdict').textContent()).toContain(
      '表格中有 1 处问题，系统没有做任何修改',
    );
    const problem = liaison.getByTestId('sheet-problem');
    expect(await problem.count()).toBe(1);
    expect(await problem.textContent()).toMatch(/第 4 行.*39.*看不懂完成时限“尽快”/);
    expect(await liaison.getByTestId('apply-sheet').isDisabled()).toBe(true);
    await liaison.waitForTimeout(500); // the dialog's opening animation
    await liaison.screenshot({ path: path.join(screenshots, 'liaison-sheet-problems.png') });
    await liaison.getByRole('button', { name: /取\s*消/ }).click();
    expect(await liaison.getByTestId('measure').count()).toBe(0);

    // Fixed in Excel and uploaded again: the preview lists the two measures; applied, they are on the page.
    draft.rowOf(39).getCell(7).value = '2024年6月30日';
    const goodFile = path.join(work, '工会任务分解表-已填.xlsx');
    await writeFile(goodFile, Buffer.from(await draft.workbook.xlsx.writeBuffer()));
    await liaison.locator('input[type=file]').setInputFiles(goodFile);
    await liaison.getByTestId('sheet-verdict').waitFor();
    expect(await liaison.getByTestId('sheet-verdict').textContent()).toContain(
      '将新增 3 条、修改 0 条、删除 0 条落实措施',
    );
    expect(await liaison.getByTestId('sheet-change').allTextContents()).toEqual([
      expect.stringMatching(
        /^第 3 行8新增把教师思政工作写入工会年度工作计划完成时限：每年 · 首次完成日期 2024-12-31$/,
      ),
      expect.stringMatching(
        /^第 3 行8新增每学期召开一次青年教师座谈会完成时限：每学期 · 首次完成日期 2024-09-01$/,
      ),
      expect.stringMatching(/^第 4 行39新增建立教职工民生实事项目清单完成时限：2024-06-30$/),
    ]);
    await liaison.waitForTimeout(500);
    await liaison.screenshot({ path: path.join(screenshots, 'liaison-sheet-preview.png') });
    await liaison.getByTestId('apply-sheet').click();
    await liaison.getByText('已按表格修改 3 处').waitFor();
    await liaison.getByTestId('apply-sheet').waitFor({ state: 'hidden' });
    const item8 = liaison.locator('[data-testid=breakdown-item][data-item-no="8"]');
    await item8
      .getByTestId('measure')
      .filter({ hasText: '每学期召开一次青年教师座谈会' })
      .waitFor();
    expect(await item8.getByTestId('measure').count()).toBe(2);
    expect(
      await liaison
        .locator('[data-testid=breakdown-item][data-item-no="39"]')
        .getByTestId('measure')
        .textContent(),
    ).toContain('建立教职工民生实事项目清单');
    expect(await liaison.getByText('已填写 2 / 2 项').count()).toBe(1);
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-sheet-applied.png'),
      fullPage: true,
    });
    await liaison.close();
  }, 120_000);
});
