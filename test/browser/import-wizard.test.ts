import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buttonName,
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import { createUser } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let office: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  office = (
    await createUser(server.database.db, union.organizationId, 'coordinator', {
      username: 'office-import',
    })
  ).username;
});
afterAll(async () => {
  await endJourney({ server, browser });
});

async function sheet(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet('要点');
  worksheet.addRow(['2027年工作要点任务分解表']);
  for (const row of rows) worksheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('the office imports a plan of another shape on the web', () => {
  it('sees the columns it was read by, maps a header Luoshi cannot guess, previews and imports', async () => {
    const page = await openSignedIn(browser, server.url, office);
    await page.getByTestId('plan-import').click();
    await page.getByText('导入工作方案').first().waitFor();

    // a header nobody writes: the wizard opens on the mapping step instead of refusing
    await page.locator('input[type=file]').setInputFiles({
      name: '2027年工作要点.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await sheet([
        ['No', '事项', '谁来办', '何时'],
        ['1', '召开全校教师工作会议', '党委教师工作部', '2027年3月31日'],
        ['2', '修订教师考核办法', '人事处', '2027年6月30日'],
      ]),
    });
    await expect
      .poll(() => page.getByTestId('import-error').textContent())
      .toContain('没有自动认出表头');
    await page.getByLabel('表头所在行').fill('2');
    await page.getByLabel('表头所在行').press('Enter');
    const choose = async (column: number, meaning: string) => {
      const select = page.getByLabel(`第 ${column} 列的含义`);
      await select.click();
      await select.fill(meaning);
      await select.press('Enter');
      await expect
        .poll(() =>
          page
            .getByTestId('import-columns')
            .locator('th')
            .nth(column - 1)
            .textContent(),
        )
        .toContain(meaning);
    };
    await choose(1, '序号');
    await choose(2, '任务内容');
    await choose(3, '责任单位');
    await choose(4, '完成时限');
    await page.getByText('预览：2 项任务，0 级').waitFor();
    await page.screenshot({
      path: path.join(screenshots, 'import-wizard-mapped.png'),
      fullPage: true,
    });
    await page.getByRole('button', { name: buttonName('导入') }).click();
    await page.getByText('已导入').waitFor();

    // a flat list with words Luoshi knows is read as it is, with no mapping at all
    await page.goto(`${server.url}/import`);
    await page.locator('input[type=file]').setInputFiles({
      name: '整改任务清单.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await sheet([
        ['序号', '问题表现', '整改措施', '责任校领导', '责任单位', '完成时限'],
        ['1', '师德考核流于形式', '修订考核细则', '张三', '人事处', '2027年6月30日'],
      ]),
    });
    await page.getByText('预览：1 项任务，0 级').waitFor();
    await page.locator('.ant-table-row').getByText('张三', { exact: true }).waitFor();
    expect(await page.locator('.ant-table-row').count()).toBe(1);
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({
      path: path.join(screenshots, 'import-wizard-phone.png'),
      fullPage: true,
    });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('button', { name: buttonName('导入') }).click();
    await page.getByText('已导入').waitFor();

    // The flat plan runs like any other: its page shows the task under 全部任务, and the
    // dashboard's matrix names the task, with no empty level heading.
    await page.goto(`${server.url}/plan`);
    await page.getByText('师德考核流于形式').first().waitFor();
    await page.getByText('全部任务').first().waitFor();
    // Named by its file without the extension, and the missing phases say why they are missing.
    await page.getByRole('heading', { name: '整改任务清单', exact: true }).waitFor();
    await page.getByTestId('no-phases').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'flat-plan-page.png'), fullPage: true });
    await page.goto(`${server.url}/dashboard`);
    await page.getByTestId('chart-heatmap').locator('canvas').first().waitFor();
    const headings = await page.locator('.ant-card-head-title').allTextContents();
    expect(headings).toContain('全部任务：已填写措施 / 已审核通过');
    expect(headings.filter((text) => text.trim() === '' || /undefined|null/.test(text))).toEqual(
      [],
    );
    await page.waitForTimeout(500);
    await page.screenshot({
      path: path.join(screenshots, 'flat-plan-dashboard.png'),
      fullPage: true,
    });
    await page.close();
  }, 90_000);
});
