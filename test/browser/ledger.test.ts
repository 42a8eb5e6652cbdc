import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { calendarDate } from '../../src/shared/dates';
import {
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import { samplePdf } from '../support/evidence-files';
import { createUser, signIn } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let liaisonName: string;
let coordinatorName: string;
let planId: string;

/** yyyy-mm, `offset` months from the month of `day`. */
function month(day: string, offset: number): string {
  const [year, number] = day.split('-').map(Number);
  const index = year! * 12 + number! - 1 + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  liaisonName = (
    await createUser(server.database.db, union.organizationId, 'liaison', {
      departmentId: union.id,
      username: 'union-progress',
    })
  ).username;
  coordinatorName = (
    await createUser(server.database.db, union.organizationId, 'coordinator', {
      username: 'ledger-office',
    })
  ).username;
  // Phase 1 is done: the union's breakdown is approved (the breakdown journey covers it in the browser).
  const liaison = await signIn(server.app, liaisonName);
  const office = await signIn(server.app, coordinatorName);
  planId = (await office.get('/api/v1/plans')).json()[0].id;
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
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function signedIn(username: string): Promise<Page> {
  return openSignedIn(browser, server.url, username);
}

describe('the progress ledger in the browser', () => {
  it('the office sets monthly periods; the liaison reports a period with a PDF; the office sees it in the ledger and exports it', async () => {
    const today = calendarDate(new Date());
    const first = month(today, -2);

    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '督办台账' }).click();
    await office.getByText('工作进度督办台账').first().waitFor();
    expect(await office.getByTestId('next-step').textContent()).toContain('下一步');
    const settings = office.getByTestId('ledger-settings');
    await settings.getByLabel('第一期').fill(first);
    await settings.getByLabel('最后一期').fill(month(today, 3));
    await settings.getByRole('button', { name: /保存设置/ }).click();
    await office.getByText(/报送周期已保存，共 6 期/).waitFor();

    const liaison = await signedIn(liaisonName);
    await liaison.getByRole('menuitem', { name: '进度报送' }).click();
    await liaison.getByText('工会 · 工作进度报送').waitFor();
    const next = await liaison.getByTestId('next-step').textContent();
    // The earliest period still owed comes first: two months ago, already past its due day.
    expect(next).toContain(
      `下一步：为下面 2 条落实措施报送“${Number(first.slice(0, 4))}年${Number(first.slice(5))}月”的进度`,
    );
    const measure = liaison.locator('[data-testid=progress-measure][data-item-no="8"]');
    expect(await measure.getByTestId('report-state').textContent()).toBe('逾期未报');
    await measure.getByTestId('open-report').click();
    await measure.getByText('按计划推进').click();
    await measure
      .getByLabel('完成情况')
      .fill('召开工会委员会专题会议，部署教师思政工作，参加 23 人。');
    await measure.locator('input[type=file]').setInputFiles({
      name: '专题会议纪要.pdf',
      mimeType: 'application/pdf',
      buffer: samplePdf('minutes'),
    });
    await measure.getByTestId('evidence-item').filter({ hasText: '专题会议纪要.pdf' }).waitFor();
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-progress-form.png'),
      fullPage: true,
    });
    await measure.getByTestId('submit-report').click();
    await liaison.getByText('进度已报送').waitFor();
    await expect.poll(() => measure.getByTestId('report-state').textContent()).toBe('逾期报送');
    expect(await measure.locator('.report-current').textContent()).toContain('参加 23 人');
    await liaison.evaluate(() => window.scrollTo(0, 0));
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-progress.png'),
      fullPage: true,
    });
    // The file downloads with its name.
    const [download] = await Promise.all([
      liaison.waitForEvent('download'),
      measure.locator('.report-current').getByText('专题会议纪要.pdf').click(),
    ]);
    expect(download.suggestedFilename()).toBe('专题会议纪要.pdf');
    await liaison.close();

    await office.reload();
    await office.getByTestId('ledger-matrix').waitFor();
    expect(
      await office.locator('[data-testid=ledger-matrix] td[data-state=missing]').count(),
    ).toBeGreaterThan(0);
    await office.getByTestId('state-filter').click();
    await office
      .locator('.ant-select-dropdown:visible')
      .getByText('逾期报送', { exact: true })
      .click();
    await office.getByTestId('ledger-table').getByText('参加 23 人').waitFor();
    await office.getByTestId('ledger-table').getByText('专题会议纪要.pdf').waitFor();
    await office.keyboard.press('Escape');
    await office.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-ledger.png'),
      fullPage: true,
    });
    const [exported] = await Promise.all([
      office.waitForEvent('download'),
      office.getByTestId('export-ledger').click(),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await exported.path())!)) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const rows = Array.from({ length: sheet.rowCount - 3 }, (_, index) =>
      (sheet.getRow(index + 4).values as unknown[]).slice(1).map(String),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual(
      expect.arrayContaining([
        '工会',
        '8',
        '逾期报送',
        '按计划推进',
        '召开工会委员会专题会议，部署教师思政工作，参加 23 人。',
        '专题会议纪要.pdf',
        '是',
      ]),
    );
    await office.close();
  }, 120_000);
});
