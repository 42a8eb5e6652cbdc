import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endJourney, screenshots, startJourney } from '../support/browser';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
});
afterAll(async () => {
  await endJourney({ server, browser });
});

describe('a new administrator in the browser', () => {
  it('signs in with the one-time password, must choose a password, then sees the plan and its 60 items', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(server.url);
    await page.getByLabel('用户名').fill(server.username);
    await page.getByLabel('密码').fill('wrong-password');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent())
      .toBe('用户名或密码不正确。');
    await page.getByLabel('密码').fill(server.oneTimePassword);
    await page.screenshot({ path: path.join(screenshots, 'sign-in.png') });
    await page.keyboard.press('Enter');

    await page.getByText('设置新密码').waitFor();
    await page.getByLabel('当前密码（一次性密码）').fill(server.oneTimePassword);
    await page.getByLabel('新密码', { exact: true }).fill('Quality-Plan-2026');
    await page.getByLabel('再次输入新密码').fill('Quality-Plan-2026');
    await page.screenshot({ path: path.join(screenshots, 'change-password.png') });
    await page.getByRole('button', { name: /保存并继续/ }).click();

    // The administrator lands on 我的待办; the plan is one click away.
    await page.getByTestId('todo-page').waitFor();
    await page.getByRole('menuitem', { name: '工作方案' }).click();
    await page.getByText('指标体系与责任部门').waitFor();
    expect(await page.getByTestId('level1').allTextContents()).toEqual([
      '一、党的领导',
      '二、立德树人',
      '三、精准供给',
      '四、条件保障',
      '五、持续改进',
    ]);
    expect(await page.getByTestId('item').count()).toBe(60);
    expect(await page.getByTestId('deliverable').allTextContents()).toEqual([
      expect.stringContaining('任务分解表'),
      expect.stringContaining('联络员名单'),
    ]);
    await page.screenshot({ path: path.join(screenshots, 'plan.png') });

    await page.getByTestId('tree-search').locator('input').fill('资产管理处');
    await expect
      .poll(() =>
        page
          .getByTestId('item')
          .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.itemNo)),
      )
      .toEqual(['47', '48']);
    expect(await page.getByTestId('items-shown').textContent()).toBe('显示 2 / 60 项');
    await page.screenshot({ path: path.join(screenshots, 'plan-search.png') });

    await page.getByTestId('language-switch').click();
    await expect
      .poll(() => page.getByTestId('items-shown').textContent())
      .toBe('2 of 60 items shown');
    await page.getByText('Indicators and responsible departments').waitFor();

    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await page.getByText('Indicators and responsible departments').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(screenshots, 'plan-phone.png'), fullPage: false });
    await page.close();
  }, 60_000);
});
