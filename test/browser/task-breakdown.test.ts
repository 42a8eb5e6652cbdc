import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { conductReports } from '../../src/server/modules/conduct-reports/conduct-report.table';
import { plans } from '../../src/server/modules/plans/plan.table';
import { createUser } from '../support/test-app';
import {
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let organizationId: string;
let browser: Browser;
let liaisonName: string;
let coordinatorName: string;
let leaderName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  organizationId = union.organizationId;
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
  leaderName = (
    await createUser(server.database.db, union.organizationId, 'leader', {
      username: 'vice-president',
    })
  ).username;
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function signedIn(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  return openSignedIn(browser, server.url, username, viewport);
}

async function addMeasure(page: Page, itemNo: number, text: string, kind: string, date: string) {
  const item = page.locator(`[data-testid=breakdown-item][data-item-no="${itemNo}"]`);
  await item.getByRole('button', { name: /添加落实措施/ }).click();
  await item.getByLabel('落实措施').fill(text);
  if (kind !== '具体日期') {
    await item.getByLabel('完成时限').click();
    await page.locator('.ant-select-dropdown:visible').getByText(kind, { exact: true }).click();
  }
  await item.locator('input[type=date]').fill(date);
  await item.getByRole('button', { name: /保\s*存/ }).click();
  await item.getByTestId('measure').filter({ hasText: text }).waitFor();
}

describe('phase 1 in the browser', () => {
  it('a liaison fills and submits; the office returns one item; the liaison fixes it; the office approves', async () => {
    const liaison = await signedIn(liaisonName);
    await liaison.getByRole('menuitem', { name: '我的任务分解表' }).click();
    await liaison.getByText('工会 · 任务分解表').waitFor();
    expect(
      await liaison
        .getByTestId('breakdown-item')
        .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.itemNo)),
    ).toEqual(['8', '39']);
    expect(await liaison.getByTestId('next-step').textContent()).toContain('下一步');
    // The form says why 保存 is grey, labels the date box, and asks no date for 长期坚持.
    const item8 = liaison.locator('[data-testid=breakdown-item][data-item-no="8"]');
    await item8.getByRole('button', { name: /添加落实措施/ }).click();
    const hint = item8.getByTestId('measure-deadline-hint');
    expect(await hint.textContent()).toBe('请先填写落实措施，才能保存。');
    await item8.getByLabel('落实措施').fill('常态化开展教职工谈心谈话');
    expect(await hint.textContent()).toBe('请填写完成日期，才能保存。');
    expect(await item8.getByRole('button', { name: /保\s*存/ }).isDisabled()).toBe(true);
    await item8.getByLabel('完成时限').click();
    await liaison
      .locator('.ant-select-dropdown:visible')
      .getByText('每学期', { exact: true })
      .click();
    expect(await item8.locator('.measure-deadline').textContent()).toContain('首次完成日期');
    expect(await hint.textContent()).toBe('请填写首次完成日期，才能保存。');
    await item8.getByLabel('完成时限').click();
    await liaison
      .locator('.ant-select-dropdown:visible')
      .getByText('长期坚持', { exact: true })
      .click();
    await liaison.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await liaison.screenshot({ path: path.join(screenshots, 'measure-deadline-ongoing.png') });
    expect(await item8.locator('input[type=date]').count()).toBe(0);
    expect(await hint.textContent()).toContain('无需日期');
    expect(await item8.getByRole('button', { name: /保\s*存/ }).isDisabled()).toBe(false);
    await liaison.screenshot({ path: path.join(screenshots, 'measure-deadline-ongoing.png') });
    await item8.getByRole('button', { name: /取\s*消/ }).click();
    await addMeasure(liaison, 8, '把教师思政工作写入工会年度计划', '每年', '2024-12-31');
    await addMeasure(liaison, 39, '建立民生项目年度清单', '具体日期', '2024-06-30');
    await liaison.getByLabel('姓名').fill('王老师');
    await liaison.getByLabel('电话').fill('010-88561234');
    await liaison.getByLabel('邮箱').fill('wang@example.edu.cn');
    await liaison.getByRole('button', { name: '保存联络员' }).click();
    await liaison.getByText('联络员已保存').waitFor();
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-breakdown.png'),
      fullPage: true,
    });
    await liaison.getByTestId('submit-breakdown').click();
    await liaison
      .locator('.ant-modal-confirm')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await expect.poll(() => liaison.getByTestId('status').first().textContent()).toBe('已报送');

    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '报送情况' }).click();
    await office.getByText('各部门任务分解表报送情况').waitFor();
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-board.png'),
      fullPage: true,
    });
    await office
      .getByTestId('board-department')
      .filter({ hasText: /^工会$/ })
      .click();
    await office.getByText('工会 · 任务分解表').waitFor();
    await office
      .locator('[data-testid=breakdown-item][data-item-no="39"]')
      .getByTestId('review-comment')
      .fill('请写明负责人和完成标准');
    await office.getByTestId('return').click();
    await expect.poll(() => office.getByTestId('status').first().textContent()).toBe('已退回');

    await liaison.reload();
    await liaison.getByText('工会 · 任务分解表').waitFor();
    expect(await liaison.getByTestId('return-comment').textContent()).toContain(
      '请写明负责人和完成标准',
    );
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-returned.png'),
      fullPage: true,
    });
    const item39 = liaison.locator('[data-testid=breakdown-item][data-item-no="39"]');
    await item39.getByRole('button', { name: /修\s*改/ }).click();
    await item39.getByLabel('落实措施').fill('建立民生项目年度清单，工会主席负责，年底逐项验收');
    await item39.getByRole('button', { name: /保\s*存/ }).click();
    await item39.getByTestId('measure').filter({ hasText: '年底逐项验收' }).waitFor();
    await liaison.getByTestId('submit-breakdown').click();
    await liaison
      .locator('.ant-modal-confirm')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await expect.poll(() => liaison.getByTestId('status').first().textContent()).toBe('已报送');

    await office.reload();
    await office.getByText('工会 · 任务分解表').waitFor();
    await office.getByTestId('approve').click();
    await expect.poll(() => office.getByTestId('status').first().textContent()).toBe('审核通过');
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-approved.png'),
      fullPage: true,
    });
    await liaison.close();
    await office.close();

    // One 师德师风监督举报 filed on the public page: the leader sees item 26 as counts only.
    const filed = await server.app.inject({
      method: 'POST',
      url: `/api/v1/public/organizations/${organizationId}/conduct-reports`,
      payload: { teacher: '张老师', what: '课堂上辱骂学生' },
      remoteAddress: '10.9.0.8',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    // Received in the plan's year (the bundled plan's year is not today's).
    const db = server.database.db;
    const [plan] = await db.select().from(plans).where(eq(plans.organizationId, organizationId));
    await db
      .update(conductReports)
      .set({ receivedAt: new Date(`${plan!.cycleYear}-06-01T02:00:00Z`) })
      .where(eq(conductReports.organizationId, organizationId));

    const leader = await signedIn(leaderName, { width: 375, height: 812 });
    await leader.getByTestId('open-menu').click();
    await leader.getByRole('menuitem', { name: '总体进展' }).click();
    await leader.getByTestId('chart-heatmap').locator('canvas').first().waitFor();
    expect(await leader.getByTestId('chart-level1').locator('canvas').count()).toBeGreaterThan(0);
    // The year's cards (issue 11.4): one breakdown approved, 工会 first in the ranking, cards stacked full width.
    await expect
      .poll(() =>
        leader.getByTestId('year-breakdown').locator('.ant-statistic-content-value').textContent(),
      )
      .toBe('1');
    await leader.getByTestId('year-ranking').getByText('工会').first().waitFor();
    expect(
      await leader
        .getByTestId('year-conduct')
        .locator('.ant-statistic-content-value')
        .textContent(),
    ).toBe('1');
    expect(await leader.getByTestId('year-conduct').textContent()).not.toContain('张老师');
    for (const card of [
      'year-breakdown',
      'year-execution',
      'year-overdue',
      'year-findings',
      'year-conduct',
    ]) {
      const box = await leader.getByTestId(card).boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
    }
    const overflow = await leader.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await leader.waitForTimeout(500);
    await leader.screenshot({
      path: path.join(screenshots, 'leader-dashboard-phone.png'),
      fullPage: true,
    });
    await leader.close();

    const desk = await signedIn(leaderName, { width: 1366, height: 900 });
    await desk.goto(`${server.url}/dashboard`);
    await desk.getByTestId('year-ranking').getByText('工会').first().waitFor();
    const cards = await Promise.all(
      ['year-breakdown', 'year-execution', 'year-overdue'].map((card) =>
        desk.getByTestId(card).boundingBox(),
      ),
    );
    // Three cards side by side on a laptop.
    expect(new Set(cards.map((box) => Math.round(box?.y ?? -1))).size).toBe(1);
    await desk.waitForTimeout(500);
    await desk.screenshot({
      path: path.join(screenshots, 'leader-dashboard-desk.png'),
      fullPage: true,
    });
    await desk.close();
  }, 120_000);
});
