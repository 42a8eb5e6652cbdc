import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { DepartmentLedger } from '../../src/shared/api/ledger';
import { calendarDate } from '../../src/shared/dates';
import {
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import { createUser, signIn } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let liaisonName: string;
let ledgerBase: string;

/** yyyy-mm, `offset` months from the month of `day`. */
function month(day: string, offset: number): string {
  const [year, number] = day.split('-').map(Number);
  const index = year! * 12 + number! - 1 + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
const label = (key: string) => `${Number(key.slice(0, 4))}年${Number(key.slice(5))}月`;
const today = calendarDate(new Date());

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  liaisonName = (
    await createUser(server.database.db, union.organizationId, 'liaison', {
      departmentId: union.id,
      username: 'union-bulk',
    })
  ).username;
  const officeName = (
    await createUser(server.database.db, union.organizationId, 'coordinator', {
      username: 'bulk-office',
    })
  ).username;
  // The union's breakdown is approved, monthly periods run from two months ago, and the month
  // before last is reported: this month's page has a "last period" to carry over.
  const liaison = await signIn(server.app, liaisonName);
  const office = await signIn(server.app, officeName);
  const planId = (await office.get('/api/v1/plans')).json()[0].id;
  const base = `/api/v1/plans/${planId}/breakdowns/${union.id}`;
  const view: BreakdownView = (await liaison.get(base)).json();
  const items = view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  );
  const texts: Record<number, string> = {
    8: '把教师思政工作写入工会年度计划，每月推进',
    39: '建立教职工民生项目清单，逐月办结',
  };
  for (const item of items)
    await liaison.post(`${base}/measures`, {
      itemId: item.id,
      text: texts[item.no] ?? `第${item.no}项措施`,
      deadline: { kind: 'monthly', dueOn: '2024-05-31' },
    });
  await liaison.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  expect((await liaison.post(`${base}/submit`)).statusCode).toBe(200);
  expect((await office.post(`${base}/review`, { decision: 'approve' })).statusCode).toBe(200);
  const settings = await office.request({
    method: 'PUT',
    url: `/api/v1/plans/${planId}/ledger/settings`,
    payload: {
      frequency: 'monthly',
      dueDay: 5,
      firstPeriod: month(today, -2),
      lastPeriod: month(today, 3),
    },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  ledgerBase = `/api/v1/plans/${planId}/ledger/departments/${union.id}`;
  const measures = ((await liaison.get(ledgerBase)).json() as DepartmentLedger).measures;
  const reported = await liaison.post(`${ledgerBase}/periods/${month(today, -2)}/reports`, {
    reports: measures.map((measure, index) => ({
      measureId: measure.id,
      basedOnVersion: 0,
      status: index === 0 ? 'on_track' : 'at_risk',
      text:
        index === 0
          ? '召开工会委员会专题会议，部署教师思政工作，参加 23 人。'
          : '民生项目清单已征集 12 项，2 项待学校协调。',
      evidenceIds: [],
    })),
  });
  expect(reported.statusCode, reported.body).toBe(201);
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function signedIn(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  return openSignedIn(browser, server.url, username, viewport);
}

describe('a whole period on one page in the browser', () => {
  it('the liaison carries last period over in one click, saves the period, then fills this month in the period sheet offline', async () => {
    const page = await signedIn(liaisonName);
    await page.getByRole('menuitem', { name: '整期报送' }).click();
    await page.getByText('工会 · 整期报送').waitFor();
    // The earliest period still owed is chosen: last month.
    const last = month(today, -1);
    expect(await page.getByTestId('bulk-period').textContent()).toContain(label(last));
    const item8 = page.locator('[data-testid=bulk-row][data-item-no="8"]');
    const item39 = page.locator('[data-testid=bulk-row][data-item-no="39"]');
    expect(await item8.getByTestId('bulk-previous').textContent()).toContain('参加 23 人');
    expect(await page.getByTestId('bulk-save').isDisabled()).toBe(true);
    expect(await page.getByTestId('bulk-save-why').textContent()).toContain('没有改动');

    await item8.getByTestId('bulk-same').click();
    expect(await item8.getByTestId('bulk-text').inputValue()).toContain('参加 23 人');
    await item39.getByTestId('bulk-no-progress').click();
    expect(await item39.getByTestId('bulk-text').inputValue()).toBe('本期无新进展');
    expect(await page.getByTestId('bulk-save').textContent()).toContain('2 条');
    await page.screenshot({
      path: path.join(screenshots, 'bulk-progress-1366.png'),
      fullPage: true,
    });
    await page.getByTestId('bulk-save').click();
    await page.getByText('已报送 2 条。').waitFor();
    await item8.getByText(/^(已报送|逾期报送)$/).waitFor();
    expect(await page.getByTestId('bulk-save').isDisabled()).toBe(true);

    // This month, offline: download the period sheet, fill it in as in Excel, upload, preview, confirm.
    const current = month(today, 0);
    await page.getByTestId('bulk-period').click();
    await page
      .locator('.ant-select-dropdown:visible')
      .getByText(new RegExp(`^${label(current)}`))
      .click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-period-sheet').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/工作进度报送表（工会）.*\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(await download.path())) as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(String(sheet.getCell('A2').value)).toContain(`报送周期：${label(current)}`);
    for (let number = 5; number <= sheet.rowCount; number++) {
      const row = sheet.getRow(number);
      if (row.getCell(2).value === 8) {
        row.getCell(6).value = '已完成';
        row.getCell(7).value = '年度计划已修订并印发。';
      } else if (row.getCell(2).value === 39) row.getCell(7).value = '与上期相同';
    }
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    await page
      .getByTestId('upload-period-sheet')
      .locator('..')
      .locator('input[type=file]')
      .setInputFiles({
        name: '工会本月进度.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: filled,
      });
    await page.getByTestId('period-sheet-verdict').waitFor();
    expect(await page.getByTestId('period-sheet-verdict').textContent()).toContain('将报送 2 条');
    expect(await page.getByTestId('period-sheet-change').count()).toBe(2);
    await page.screenshot({ path: path.join(screenshots, 'bulk-progress-sheet-preview.png') });
    await page.getByTestId('apply-period-sheet').click();
    await page.getByText('已按报送表报送 2 条。').waitFor();
    await item8.getByText(/^(已报送|逾期报送)$/).waitFor();
    expect(await item8.getByTestId('bulk-text').inputValue()).toBe('年度计划已修订并印发。');
    await page.close();
  });

  it('reads on a phone: each measure a card, the buttons within reach', async () => {
    const page = await signedIn(liaisonName, { width: 375, height: 812 });
    await page.goto(`${server.url}/progress/bulk`);
    await page.getByText('工会 · 整期报送').waitFor();
    await page.locator('[data-testid=bulk-row]').first().waitFor();
    const row = page.locator('[data-testid=bulk-row]').first();
    const box = await row.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(375);
    const textBox = await row.getByTestId('bulk-text').boundingBox();
    expect(textBox!.x + textBox!.width).toBeLessThanOrEqual(375);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await page.screenshot({
      path: path.join(screenshots, 'bulk-progress-375.png'),
      fullPage: true,
    });
    await page.close();
  });
});
