import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
let coordinatorName: string;
let liaisonName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  coordinatorName = (
    await createUser(server.database.db, union.organizationId, 'coordinator', {
      username: 'office-setup',
    })
  ).username;
  liaisonName = (
    await createUser(server.database.db, union.organizationId, 'liaison', {
      departmentId: union.id,
      username: 'union-setup',
    })
  ).username;
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function signedIn(username: string): Promise<Page> {
  return openSignedIn(browser, server.url, username);
}

const cell = (page: Page, itemNo: number, column: string) =>
  page.locator(`[data-testid=matrix-cell][data-item-no="${itemNo}"][data-column="${column}"]`);

describe('the coordinating office sets up departments and responsibilities', () => {
  it('adds teaching units, merges a duplicate, names the departments behind a placeholder, and edits the matrix', async () => {
    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '部门管理' }).click();
    const teachingUnits = office.locator('[data-testid=group-row][data-group="各教学单位"]');
    await expect.poll(() => teachingUnits.textContent()).toContain('当前包含 2 个部门');

    await office.getByTestId('add-many').click();
    await office
      .getByLabel('部门名称（每行一个，可从 Excel 复制一列粘贴）')
      .fill('文学院\n理学院\n\n组织部');
    await office.getByText('将添加 3 个部门').waitFor();
    await office.locator('.ant-modal').getByRole('button', { name: '批量添加' }).click();
    await office.getByText('已添加 3 个部门').waitFor();
    await expect.poll(() => teachingUnits.textContent()).toContain('当前包含 5 个部门');

    // 组织部 was pasted as a teaching unit by mistake: it is 党委组织部 under another name.
    const duplicate = office.locator('[data-testid=department-row][data-name="组织部"]');
    await duplicate.getByTestId('merge').click();
    await office.getByRole('combobox', { name: '合并到' }).click();
    await office.keyboard.type('党委组织部');
    await office.keyboard.press('Enter');
    await office.getByTestId('merge-confirm').click();
    await office.getByText('已合并到“党委组织部”').waitFor();
    await expect
      .poll(() => office.locator('[data-testid=department-row][data-name="组织部"]').count())
      .toBe(0);
    expect(
      await office.locator('[data-testid=department-row][data-name="党委组织部"]').textContent(),
    ).toContain('组织部');
    await expect.poll(() => teachingUnits.textContent()).toContain('当前包含 4 个部门');
    await office.evaluate(() => window.scrollTo(0, 0));
    await office.waitForTimeout(600);
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-departments.png'),
      fullPage: true,
    });

    await office.getByRole('menuitem', { name: '责任分工' }).click();
    await cell(office, 1, '工会').waitFor();
    await cell(office, 1, '工会').click();
    await expect.poll(() => cell(office, 1, '工会').textContent()).toBe('牵');
    await cell(office, 1, '工会').click();
    await expect.poll(() => cell(office, 1, '工会').textContent()).toBe('配');

    await cell(office, 38, '相关职能部门').click();
    await office.getByTestId('resolve-departments').click();
    await office.keyboard.type('工会');
    await office.keyboard.press('Enter');
    await office.keyboard.press('Escape');
    await office.getByTestId('resolve-confirm').click();
    await office.getByText(/已指定：替换 1 处，新增 1 项责任/).waitFor();
    // Resolved everywhere, the placeholder no longer answers for anything, so its column goes.
    await expect.poll(() => cell(office, 38, '相关职能部门').count()).toBe(0);
    await expect
      .poll(async () => ['牵', '配'].includes((await cell(office, 38, '工会').textContent()) ?? ''))
      .toBe(true);
    await office.getByTestId('matrix-search').locator('input').fill('关心关爱');
    await office.waitForTimeout(300);
    await office.screenshot({ path: path.join(screenshots, 'coordinator-assignment-matrix.png') });
    await office.close();

    const liaison = await signedIn(liaisonName);
    await liaison.getByRole('menuitem', { name: '我的任务分解表' }).click();
    await liaison.getByText('工会 · 任务分解表').waitFor();
    expect(
      await liaison
        .getByTestId('breakdown-item')
        .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.itemNo)),
    ).toEqual(['1', '8', '38', '39']);
    expect(await liaison.getByRole('menuitem', { name: '责任分工' }).count()).toBe(0);
    await liaison.close();
  }, 120_000);

  it('adds a pasted list skipping the names that exist, and an office user of a department fills its breakdown', async () => {
    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '部门管理' }).click();
    await office.getByTestId('add-many').click();
    await office
      .getByLabel('部门名称（每行一个，可从 Excel 复制一列粘贴）')
      .fill('文学院\n法学院\n工会');
    await office.locator('.ant-modal').getByRole('button', { name: '批量添加' }).click();
    await office.getByText('已添加 1 个部门；已有的没有重复添加：文学院、工会').waitFor();
    await office.locator('[data-testid=department-row][data-name="法学院"]').waitFor();
    await office.close();

    // The coordinating office is itself a department with duties (党委教师工作部).
    const ownDepartment = await seededDepartment(server, '党委教师工作部');
    await createUser(server.database.db, ownDepartment.organizationId, 'coordinator', {
      departmentId: ownDepartment.id,
      username: 'office-with-department',
    });
    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 375, height: 812 },
    ]) {
      const page = await openSignedIn(browser, server.url, 'office-with-department', viewport);
      if (viewport.width === 375) await page.goto(`${server.url}/breakdown`);
      else {
        // The office's pages stay, and its own breakdown is there too.
        expect(await page.getByRole('menuitem', { name: '问题清单' }).count()).toBe(1);
        await page.getByRole('menuitem', { name: '我的任务分解表' }).click();
      }
      await page.getByText('党委教师工作部 · 任务分解表').waitFor();
      await page.getByTestId('breakdown-item').first().waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({
        path: path.join(screenshots, `office-own-breakdown-${viewport.width}.png`),
      });
      await page.close();
    }
  }, 120_000);
});
