import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/server/modules/auth/totp';
import { chooseFirstPassword, endJourney, screenshots, startJourney } from '../support/browser';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
});
afterAll(async () => {
  await endJourney({ server, browser });
});

/** The first sign-in of one of the three powers' accounts `npm start` created. */
async function firstSignIn(page: Page, username: string): Promise<void> {
  const account = server.accounts.find((candidate) => candidate.username === username)!;
  await chooseFirstPassword(
    page,
    server.url,
    account.username,
    account.oneTimePassword,
    'Audit-Trail-2026',
  );
}

describe('the three powers in the browser', () => {
  it('the auditor signs in, searches the audit log, reads a change, exports it, and sees nothing else', async () => {
    const page = await browser.newPage({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    page.setDefaultTimeout(10_000);
    await firstSignIn(page, 'auditor');
    await page
      .getByRole('heading', { name: '审计日志' })
      .or(page.locator('.ant-card-head-title', { hasText: '审计日志' }))
      .first()
      .waitFor();
    // The menu holds the audit log only; 账号安全 is under the name in the header.
    const menu = (await page.locator('.app-nav .ant-menu-item').allTextContents()).map((text) =>
      text.trim(),
    );
    expect(menu).toEqual(['审计日志']);
    await page.getByTestId('audit-row').first().waitFor();
    expect(await page.getByTestId('audit-total').textContent()).toMatch(/^共 \d+ 条$/);

    // Sign-ins only: the auditor's own, just now.
    await page.getByTestId('audit-action').click();
    await page.keyboard.type('登录与账号安全');
    await page.keyboard.press('Enter');
    await page.getByTestId('audit-search').click();
    await expect
      .poll(async () =>
        (await page.getByTestId('audit-row').allTextContents()).every((text) =>
          text.includes('auth.'),
        ),
      )
      .toBe(true);
    expect(await page.getByTestId('audit-row').filter({ hasText: '登录' }).count()).toBeGreaterThan(
      0,
    );
    await page.getByRole('button', { name: '清空条件' }).click();

    // A user's creation at the first start, before and after shown readably.
    await page.getByTestId('audit-q').fill('user.create');
    await page.getByTestId('audit-search').click();
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(3);
    await page.getByTestId('audit-row').first().click();
    await page.getByTestId('audit-detail').waitFor();
    expect(await page.getByTestId('audit-detail').textContent()).toContain('"role": "auditor"');
    await page.screenshot({ path: path.join(screenshots, 'audit-log.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('audit-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^审计日志-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await readFile((await download.path())!)) as unknown as ExcelJS.Buffer,
    );
    const sheet = workbook.getWorksheet('审计日志')!;
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(3).getCell(4).value).toBe('创建用户');

    // Nothing else opens: any other address shows the audit log again, and the API refuses.
    await page.goto(`${server.url}/board`);
    await page.getByTestId('audit-filters').waitFor();
    const plans = await page.evaluate(async () => (await fetch('/api/v1/plans')).status);
    expect(plans).toBe(403);

    // On a phone the same page works from the header's menu.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    await page.screenshot({ path: path.join(screenshots, 'audit-log-phone.png'), fullPage: true });
    await page.close();
  });

  it('the security admin must enrol an authenticator first, then manages accounts', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(10_000);
    await firstSignIn(page, 'secadmin');
    await page.getByTestId('totp-required').waitFor();
    await page.screenshot({
      path: path.join(screenshots, 'security-admin-enrol-first.png'),
      fullPage: true,
    });
    await page.getByTestId('totp-current-password').fill('Audit-Trail-2026');
    await page.getByRole('button', { name: '绑定身份验证器' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    await page.getByLabel('身份验证器上的动态码').fill(totpCode(secret, new Date()));
    await page.getByRole('button', { name: '确认开启' }).click();
    // Enrolled: 用户管理 opens, with every role to give and the lost-authenticator reset.
    await page.getByTestId('user-row').first().waitFor();
    const menu = (await page.locator('.app-nav .ant-menu-item').allTextContents()).map((text) =>
      text.trim(),
    );
    expect(menu).toContain('用户管理');
    expect(menu).not.toContain('工作方案');
    expect(await page.getByTestId('import-users').count()).toBe(0);
    await page.getByTestId('add-user').click();
    await page.getByTestId('user-role').click();
    for (const role of ['系统管理员', '安全管理员', '安全审计员'])
      await page.locator('.ant-select-item-option', { hasText: role }).first().waitFor();
    await page.keyboard.press('Escape');
    await page.screenshot({
      path: path.join(screenshots, 'security-admin-users.png'),
      fullPage: true,
    });
    await page.close();
  });
});
