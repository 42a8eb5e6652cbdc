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
let liaisonName: string;
let coordinatorName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
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
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function signedIn(username: string): Promise<Page> {
  return openSignedIn(browser, server.url, username);
}

async function choose(
  page: Page,
  select: ReturnType<Page['locator']>,
  typed: string,
  option: string | RegExp,
) {
  await select.click();
  await page.keyboard.type(typed);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: option })
    .first()
    .click();
}

describe('the conclude phase in the browser', () => {
  it('a liaison rates an item; the office moderates it; the office records a finding, the department acts, the office verifies', async () => {
    const liaison = await signedIn(liaisonName);
    await liaison.getByRole('menuitem', { name: '总结与自评' }).click();
    await liaison.getByText('工会 · 总结与自评').waitFor();
    expect(
      await liaison
        .getByTestId('rating-item')
        .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.itemNo)),
    ).toEqual(['8', '39']);
    expect(await liaison.getByTestId('next-step').textContent()).toContain('下一步');
    const item39 = liaison.locator('[data-testid=rating-item][data-item-no="39"]');
    expect(await item39.getByTestId('item-focus').textContent()).toContain('观测重点');
    await item39.getByText('达标（100）', { exact: true }).click();
    await item39.getByLabel('自评依据').fill('建立教职工民生项目年度清单，12 项已全部完成并公示');
    await item39.getByTestId('save-rating').click();
    await liaison.getByText('自评已保存').waitFor();
    await expect.poll(() => item39.locator('.ant-tag').allTextContents()).toContain('达标');
    await liaison.getByLabel('措施亮点').fill('“工会+思政”双融合机制');
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-self-assessment.png'),
      fullPage: true,
    });

    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '自评审核' }).click();
    await office.getByText('逐项审核').waitFor();
    await office.getByPlaceholder('搜索指标编号、内容或观测重点').fill('39');
    const row39 = office.locator('[data-testid=moderation-item][data-item-no="39"]');
    await row39.waitFor();
    expect(await row39.getByTestId('department-rating').textContent()).toBe('达标');
    await row39.getByText('建立教职工民生项目年度清单').waitFor();
    await choose(office, row39.getByTestId('institution-rating'), '', '基本达标（60）');
    await row39.getByLabel('审核意见（可选）').fill('清单已建立，满意度调查尚未开展');
    await row39.getByTestId('save-moderation').click();
    await office.getByText('已保存学校评价').waitFor();
    await row39.getByText('teacher-office 审核').waitFor();
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-moderation.png'),
      fullPage: true,
    });
    await office.getByRole('tab', { name: '按指标汇总' }).click();
    await office.getByTestId('chart-rollup-level2').locator('canvas').first().waitFor();
    await office.waitForTimeout(500);
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-rollup.png'),
      fullPage: true,
    });

    await office.getByRole('menuitem', { name: '问题清单' }).click();
    await office.getByTestId('create-finding').click();
    const form = office.getByTestId('create-finding-modal');
    await form.getByLabel('问题', { exact: true }).fill('教职工满意度调查未开展');
    await form.getByLabel('问题描述').fill('民生项目完成后未开展满意度调查，无法评价成效');
    await choose(office, form.getByLabel('涉及指标'), '39', /^39\./);
    await office.keyboard.press('Escape');
    await choose(office, form.getByLabel('整改责任部门'), '工会', /^工会$/);
    await form.locator('input[type=date]').fill('2026-12-31');
    await form.getByRole('button', { name: /确\s*定|OK/ }).click();
    await office.getByText('问题已登记').waitFor();
    await office.getByTestId('finding-row').filter({ hasText: '教职工满意度调查未开展' }).waitFor();

    await liaison.getByRole('menuitem', { name: '问题整改' }).click();
    const card = liaison
      .getByTestId('rectification-finding')
      .filter({ hasText: '教职工满意度调查未开展' });
    await card.waitFor();
    await card.getByLabel('整改措施').fill('12 月组织全体教职工满意度调查，回收问卷并形成分析报告');
    await card.getByTestId('record-action').click();
    await liaison.getByText('整改措施已登记').waitFor();
    await card.getByTestId('rectification-action').waitFor();
    await card.getByTestId('request-verification').click();
    await card.getByText('已报请核验，等待党委教师工作部核验。').waitFor();
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-rectification.png'),
      fullPage: true,
    });

    await office.reload();
    await office.getByTestId('finding-row').filter({ hasText: '教职工满意度调查未开展' }).click();
    const drawer = office.locator('.ant-drawer');
    await drawer.getByTestId('finding-action').waitFor();
    await drawer.getByTestId('finding-note').fill('问卷和分析报告齐全');
    await drawer.getByTestId('verify-finding').click();
    await office.getByText('已核验销号').first().waitFor();
    await expect.poll(() => drawer.getByTestId('finding-state').textContent()).toBe('已核验销号');
    await office.screenshot({ path: path.join(screenshots, 'coordinator-finding-verified.png') });
    await office.keyboard.press('Escape');
    await expect
      .poll(() => office.getByTestId('finding-row').getByTestId('finding-state').textContent())
      .toBe('已核验销号');
    await office.waitForTimeout(400);
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-findings.png'),
      fullPage: true,
    });
    await office.getByTestId('start-next-year').click();
    const nextYear = office.locator('.ant-modal').filter({ hasText: '开启 2025 年度工作方案' });
    await nextYear.getByText('没有需要转入的“纳入下年度重点工作”问题。').waitFor();
    expect(await nextYear.getByTestId('confirm-next-year').isEnabled()).toBe(true);
    await office.waitForTimeout(600);
    await office.screenshot({ path: path.join(screenshots, 'coordinator-next-year.png') });
    await liaison.close();
    await office.close();
  }, 120_000);
});
