import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../support/test-app';
import {
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let departmentId: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  departmentId = union.id;
  const db = server.database.db;
  await createUser(db, union.organizationId, 'coordinator', { username: 'review-office' });
  await createUser(db, union.organizationId, 'liaison', {
    departmentId: union.id,
    username: 'review-liaison',
  });
});
afterAll(async () => {
  await endJourney({ server, browser });
});

describe('review in one pass in the browser', () => {
  it('the liaison finds the returned item at the top; the office sees the earlier comment, the change, and the action bar while scrolling', async () => {
    const office = await signIn(server.app, 'review-office');
    const liaison = await signIn(server.app, 'review-liaison');
    const planId: string = (await office.get('/api/v1/plans')).json()[0].id;
    const base = `/api/v1/plans/${planId}/breakdowns/${departmentId}`;
    const items = (
      (await liaison.get(base)).json() as {
        indicators: { children: { items: { id: string; no: number }[] }[] }[];
      }
    ).indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));
    const made: { id: string; version: number }[] = [];
    for (const item of items)
      made.push(
        (
          await liaison.post(`${base}/measures`, {
            itemId: item.id,
            text: item.no === 39 ? '建立民生项目清单' : '把教师思政工作写入工会年度计划',
            deadline: { kind: 'date', dueOn: '2024-06-30' },
          })
        ).json(),
      );
    await liaison.request({
      method: 'PUT',
      url: `${base}/liaison`,
      payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
    });
    await liaison.post(`${base}/submit`);
    const item39 = items.find((item) => item.no === 39)!;
    await office.post(`${base}/review`, {
      decision: 'return',
      itemComments: { [item39.id]: '请写明清单公示方式' },
    });

    const page = await openSignedIn(browser, server.url, 'review-liaison');
    await page.getByRole('menuitem', { name: '我的任务分解表' }).click();
    const returned = page.getByTestId('returned-items');
    await returned.waitFor();
    expect(await returned.getByTestId('item-link').allTextContents()).toEqual([
      expect.stringMatching(/^39\./),
    ]);
    await page.screenshot({ path: path.join(screenshots, 'review-returned-items.png') });
    await page.close();

    const index = items.indexOf(item39);
    await liaison.patch(`${base}/measures/${made[index]!.id}`, {
      version: made[index]!.version,
      text: '建立民生项目年度清单并在校内公示',
    });
    await liaison.post(`${base}/submit`);

    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 375, height: 812 },
    ]) {
      const review = await openSignedIn(browser, server.url, 'review-office', viewport);
      await review.goto(`${server.url}/board/${departmentId}`);
      await review.getByTestId('resubmitted').waitFor();
      const card = review.locator('[data-testid=breakdown-item][data-item-no="39"]');
      expect(await card.getByTestId('previous-comment').textContent()).toContain(
        '请写明清单公示方式',
      );
      expect(await card.getByTestId('measure-changes').textContent()).toContain(
        '建立民生项目年度清单并在校内公示',
      );
      await review.getByTestId('resubmitted').getByTestId('item-link').first().click();
      await review.waitForTimeout(300);
      const bar = await review.getByTestId('review-bar').boundingBox();
      expect(bar).not.toBeNull();
      expect(bar!.y + bar!.height).toBeLessThanOrEqual(viewport.height + 1);
      expect(bar!.y).toBeGreaterThan(0);
      await review.screenshot({
        path: path.join(screenshots, `review-resubmitted-${viewport.width}.png`),
      });
      await review.close();
    }
  }, 90_000);

  it('批量通过: the office ticks the breakdowns waiting for review, sees them listed, and approves them at once', async () => {
    const db = server.database.db;
    const office = await signIn(server.app, 'review-office');
    const planId: string = (await office.get('/api/v1/plans')).json()[0].id;
    /** A liaison fills every item of their department's breakdown and submits it. */
    async function submitted(name: string) {
      const department = await seededDepartment(server, name);
      const user = await createUser(db, department.organizationId, 'liaison', {
        departmentId: department.id,
      });
      const liaison = await signIn(server.app, user.username);
      const base = `/api/v1/plans/${planId}/breakdowns/${department.id}`;
      const view = (await liaison.get(base)).json() as {
        indicators: { children: { items: { id: string }[] }[] }[];
      };
      for (const item of view.indicators.flatMap((one) => one.children.flatMap((two) => two.items)))
        await liaison.post(`${base}/measures`, {
          itemId: item.id,
          text: '按要求落实',
          deadline: { kind: 'date', dueOn: '2024-06-30' },
        });
      await liaison.request({
        method: 'PUT',
        url: `${base}/liaison`,
        payload: { name: '李老师', phone: '010-88561235', email: 'li@example.edu.cn' },
      });
      expect((await liaison.post(`${base}/submit`)).statusCode).toBe(200);
      return department;
    }
    await submitted('财务处');
    await submitted('保卫处');

    const page = await openSignedIn(browser, server.url, 'review-office');
    await page.getByRole('menuitem', { name: '报送情况' }).click();
    const row = (name: string) =>
      page.locator(`[data-testid=board-row][data-department="${name}"]`);
    await row('财务处').waitFor();
    // Only what waits for review can be ticked.
    expect(await row('党政办公室').locator('input[type=checkbox]').isDisabled()).toBe(true);
    await row('财务处').locator('input[type=checkbox]').check();
    await row('保卫处').locator('input[type=checkbox]').check();
    await page.getByTestId('batch-approve').click();
    const listed = page.getByTestId('batch-approve-list');
    await listed.waitFor();
    expect(await listed.textContent()).toContain('财务处');
    expect(await listed.textContent()).toContain('保卫处');
    await page.screenshot({ path: path.join(screenshots, 'board-batch-approve-1366.png') });
    await page.getByTestId('batch-approve-confirm').click();
    await page.getByText('已通过 2 份任务分解表').waitFor();
    await expect.poll(() => row('财务处').textContent()).toContain('审核通过');
    expect(await row('保卫处').textContent()).toContain('审核通过');
    await page.close();

    // On a phone: one ticked, approved by someone else meanwhile, is refused alone with the reason.
    const office2 = await submitted('党政办公室');
    const phone = await openSignedIn(browser, server.url, 'review-office', {
      width: 375,
      height: 812,
    });
    await phone.goto(`${server.url}/board`);
    const phoneRow = phone.locator(`[data-testid=board-row][data-department="党政办公室"]`);
    await phoneRow.locator('input[type=checkbox]').check();
    await phone.getByTestId('batch-approve').click();
    await phone.getByTestId('batch-approve-list').waitFor();
    await phone.screenshot({ path: path.join(screenshots, 'board-batch-approve-375.png') });
    await office.post(`/api/v1/plans/${planId}/breakdowns/${office2.id}/review`, {
      decision: 'approve',
    });
    await phone.getByTestId('batch-approve-confirm').click();
    const refused = phone.getByTestId('batch-refused');
    await refused.waitFor();
    await phone.locator('.ant-modal').waitFor({ state: 'hidden' });
    expect(await refused.textContent()).toContain('党政办公室');
    expect(await refused.textContent()).toContain('已审核通过');
    await phone.screenshot({
      path: path.join(screenshots, 'board-batch-refused-375.png'),
      fullPage: true,
    });
    await phone.close();
  }, 120_000);
});
