import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buttonName,
  endJourney,
  openSignedIn,
  seededDepartment,
  startJourney,
} from '../support/browser';
import { samplePdf } from '../support/evidence-files';
import { createUser } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let coordinatorName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  coordinatorName = (await createUser(server.database.db, union.organizationId, 'coordinator'))
    .username;
}, 120_000);
afterAll(async () => {
  await endJourney({ server, browser });
});

async function resultsSheet(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('结果');
  sheet.addRow(['年度', '指标', '满意度', '样本量', '测评机构', '备注']);
  sheet.addRow(['2026', '27', '92.5', '1200', '某某教育评估中心', '教师满意度']);
  sheet.addRow(['2026', '28', '88', '', '某某教育评估中心', '']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('the office records third-party results', () => {
  it('imports a results sheet, attaches the report as evidence, and reads it on a phone', async () => {
    const page = await openSignedIn(browser, server.url, coordinatorName);
    page.setDefaultTimeout(15_000);
    await page.getByRole('menuitem', { name: '第三方测评' }).click();
    await page.getByText('还没有第三方测评结果').waitFor();
    await page
      .locator('input[type=file]')
      .first()
      .setInputFiles({
        name: '第三方测评结果.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await resultsSheet(),
      });
    await page.getByText('已导入 2 项，更新 0 项').waitFor();
    const rows = page.locator('[data-testid=satisfaction-table] tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByTestId('satisfaction-unproven').textContent()).toContain('有 2 项');

    await rows.first().getByRole('button', { name: '编辑' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[type=file]').setInputFiles({
      name: '2026年教师满意度测评报告.pdf',
      mimeType: 'application/pdf',
      buffer: samplePdf('satisfaction report'),
    });
    await dialog.getByText('2026年教师满意度测评报告.pdf').waitFor();
    await dialog.getByRole('button', { name: buttonName('保存') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.getByTestId('satisfaction-unproven').textContent())
      .toContain('有 1 项');
    expect(await rows.first().textContent()).toContain('2026年教师满意度测评报告.pdf');
    await page.screenshot({ path: '/tmp/satisfaction-1366.png', fullPage: true });

    // From a figure of the quality report: only that year and item.
    const phone = await openSignedIn(browser, server.url, coordinatorName, {
      width: 375,
      height: 812,
    });
    await phone.goto(`${server.url}/satisfaction?year=2026&item=28`);
    await phone.getByText('只显示 2026 年度、指标 28 的结果').waitFor();
    const shown = phone.locator('[data-testid=satisfaction-table] tr.ant-table-row');
    await expect.poll(() => shown.count()).toBe(1);
    expect(await shown.first().textContent()).toContain('88%');
    const problems = await phone.evaluate(() => {
      const found: string[] = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth + 1) found.push(`page ${root.scrollWidth} px wide`);
      const body = document.querySelector('.ant-table-body, .ant-table-content');
      if (!body || !['auto', 'scroll'].includes(getComputedStyle(body).overflowX))
        found.push('table does not scroll');
      return found;
    });
    expect(problems).toEqual([]);
    await phone.screenshot({ path: '/tmp/satisfaction-375.png', fullPage: true });
    await phone.getByTestId('language-switch').click();
    await phone.getByRole('heading', { name: 'Third-party survey results' }).waitFor();
    expect(await phone.locator('.ant-table-thead th').allTextContents()).toContain('Third party');
    await page.close();
    await phone.close();
  }, 120_000);
});
