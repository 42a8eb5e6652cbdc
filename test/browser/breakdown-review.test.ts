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
});
