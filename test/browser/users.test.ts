import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, projectRoot, TEST_PASSWORD } from '../support/test-app';
import { endJourney, launchChromium, screenshots } from '../support/browser';
import { startTestServer, type TestServer } from '../support/test-server';
import { departments } from '../../src/server/modules/departments/department.table';

const work = path.join(projectRoot, 'test-results/users-sheets');
let server: TestServer;
let browser: Browser;
let adminName: string;

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  await mkdir(work, { recursive: true });
  server = await startTestServer();
  const [department] = await server.database.db.select().from(departments).limit(1);
  adminName = (
    await createUser(server.database.db, department!.organizationId, 'admin', {
      username: 'it-admin',
    })
  ).username;
  browser = await launchChromium();
});
afterAll(async () => {
  await endJourney({ server, browser });
});

async function signIn(page: Page, username: string, password: string) {
  await page.goto(server.url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.keyboard.press('Enter');
}

async function downloadBy(
  page: Page,
  click: () => Promise<void>,
): Promise<{ bytes: Buffer; name: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { bytes: await readFile(await download.path()), name: download.suggestedFilename() };
}

describe('用户管理 in the browser', () => {
  it('the admin imports two liaisons from the Excel template, hands out the passwords, and one of them must change it at the first sign-in', async () => {
    const admin = await browser.newPage({
      viewport: { width: 1366, height: 800 },
      acceptDownloads: true,
    });
    await signIn(admin, adminName, TEST_PASSWORD);
    await admin.getByTestId('todo-page').waitFor();
    await admin.goto(`${server.url}/users`);
    await admin.locator('[data-testid=user-row][data-username=it-admin]').waitFor();

    // The template, filled in Excel: the example row left as it is, two liaisons under it.
    await admin.getByTestId('import-users').click();
    const template = await downloadBy(admin, () => admin.getByTestId('download-template').click());
    expect(template.name).toBe('用户导入模板.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      '用户名',
      '姓名',
      '角色',
      '所属部门',
      '邮箱',
      '电话',
    ]);
    const offered = workbook.getWorksheet('选项')!.getColumn(2).values.slice(2) as string[];
    expect(offered).toEqual(expect.arrayContaining(['教务处', '工会']));
    sheet.addRow([
      'jwc-liaison',
      '教务处联络员',
      '部门联络员',
      '教务处',
      'jwc@example.edu.cn',
      '010-62780001',
    ]);
    sheet.addRow(['union-liaison', '工会联络员', '部门联络员', '工会', '', '']);
    const filled = path.join(work, '联络员名单.xlsx');
    await writeFile(filled, Buffer.from(await workbook.xlsx.writeBuffer()));

    await admin.getByTestId('import-file').setInputFiles(filled);
    await admin.getByTestId('import-verdict').waitFor();
    expect(await admin.getByTestId('import-verdict').textContent()).toContain(
      '检查通过：将创建 2 个用户',
    );
    expect(await admin.getByTestId('import-verdict').textContent()).toContain(
      '第 2 行是模板自带的示例，已跳过',
    );
    expect(await admin.getByTestId('import-entry').allTextContents()).toEqual([
      '3jwc-liaison教务处联络员部门联络员教务处jwc@example.edu.cn',
      '4union-liaison工会联络员部门联络员工会—',
    ]);
    await admin.waitForTimeout(400); // the dialog's opening animation
    await admin.screenshot({ path: path.join(screenshots, 'admin-users-import-preview.png') });

    await admin.getByTestId('import-confirm').click();
    await admin.getByTestId('import-created').waitFor();
    const shownRows = await admin.getByTestId('created-password').all();
    const shown = await Promise.all(
      shownRows.map(async (row) =>
        (await row.locator('td').allInnerTexts()).map((text) => text.trim()),
      ),
    );
    expect(shown.map(([username, name]) => [username, name])).toEqual([
      ['jwc-liaison', '教务处联络员'],
      ['union-liaison', '工会联络员'],
    ]);
    const saved = await downloadBy(admin, () => admin.getByTestId('download-passwords').click());
    expect(saved.name).toBe('一次性密码.xlsx');
    const passwords = new ExcelJS.Workbook();
    await passwords.xlsx.load(saved.bytes as unknown as ExcelJS.Buffer);
    expect(passwords.worksheets[0]!.getRow(2).values).toEqual([
      undefined,
      'jwc-liaison',
      '教务处联络员',
      shown[0]![2],
    ]);
    expect(passwords.worksheets[0]!.getRow(3).values).toEqual([
      undefined,
      'union-liaison',
      '工会联络员',
      shown[1]![2],
    ]);
    await admin.screenshot({ path: path.join(screenshots, 'admin-users-import-passwords.png') });
    await admin.getByTestId('import-close').click();
    await admin.getByTestId('import-created').waitFor({ state: 'detached' });

    // The list: the two new liaisons, waiting to change their passwords; search and filters.
    const jwcRow = admin.locator('[data-testid=user-row][data-username=jwc-liaison]');
    await jwcRow.waitFor();
    expect(await jwcRow.textContent()).toMatch(
      /教务处联络员jwc-liaison部门联络员教务处jwc@example\.edu\.cn010-62780001从未登录待修改密码/,
    );
    await admin.getByTestId('users-search').locator('input').fill('liaison');
    await expect.poll(() => admin.getByTestId('user-row').count()).toBe(2);
    expect(await admin.getByTestId('users-shown').textContent()).toBe('显示 2 / 共 6 人'); // with the three powers' accounts made at start-up (admin, secadmin, auditor);
    await admin.getByTestId('users-search').locator('input').fill('');

    // One more, by hand: a leader, whose password is shown once with what to tell them.
    await admin.getByTestId('add-user').click();
    const form = admin.getByRole('dialog', { name: '新建用户' });
    await form.getByLabel('用户名（登录时使用）').fill('vice-president');
    await form.getByLabel('姓名').fill('分管校领导');
    await form.getByLabel('角色').click();
    await admin
      .locator('.ant-select-item-option')
      .filter({ hasText: /^领导$/ })
      .click();
    await admin.getByTestId('user-save').click();
    await admin.getByTestId('password-dialog').waitFor();
    expect(await admin.getByTestId('password-dialog').textContent()).toContain(
      '首次登录后需修改密码',
    );
    expect((await admin.getByTestId('one-time-password').textContent())!.trim()).toMatch(
      /^[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}$/,
    );
    const first = (await admin.getByTestId('one-time-password').textContent())!.trim();
    await admin.getByTestId('password-close').click();
    const leaderRow = admin.locator('[data-testid=user-row][data-username=vice-president]');
    await leaderRow.waitFor();

    // They lost it: a reset shows a new one, once.
    await leaderRow.getByTestId('user-more').click();
    await admin.getByRole('menuitem', { name: '重置密码' }).click();
    await admin
      .locator('.ant-modal-confirm-title')
      .filter({ hasText: '为“分管校领导”生成新的一次性密码？' })
      .waitFor();
    await admin.getByRole('button', { name: /确\s*定|OK/ }).click();
    await admin.getByTestId('password-dialog').waitFor();
    const second = (await admin.getByTestId('one-time-password').textContent())!.trim();
    expect(second).toMatch(/^[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}$/);
    expect(second).not.toBe(first);
    await admin.getByTestId('password-close').click();
    await admin.getByTestId('password-dialog').waitFor({ state: 'detached' });
    await admin.mouse.move(0, 0);
    await admin.waitForTimeout(400);
    await admin.screenshot({ path: path.join(screenshots, 'admin-users.png'), fullPage: true });
    await admin.close();

    // The liaison signs in with the one-time password and is made to choose their own.
    const liaison = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(liaison, 'jwc-liaison', shown[0]![2]!);
    await liaison.getByText('设置新密码').waitFor();
    await liaison.getByLabel('当前密码', { exact: false }).fill(shown[0]![2]!);
    await liaison.getByLabel('新密码', { exact: true }).fill('Jiaowu-Office-2026');
    await liaison.getByLabel('再次输入新密码').fill('Jiaowu-Office-2026');
    await liaison.getByRole('button', { name: /保存并继续/ }).click();
    await liaison.getByTestId('todo-page').waitFor();
    await liaison.close();
  }, 120_000);
});
