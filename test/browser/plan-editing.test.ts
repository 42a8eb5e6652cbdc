import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../support/test-app';
import {
  buttonName,
  chooseOption,
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let coordinatorName: string;
let liaisonName: string;
let planId: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  const db = server.database.db;
  coordinatorName = (
    await createUser(db, union.organizationId, 'coordinator', { username: 'plan-office' })
  ).username;
  liaisonName = (
    await createUser(db, union.organizationId, 'liaison', {
      departmentId: union.id,
      username: 'union-liaison',
    })
  ).username;
  // 工会's breakdown, filled in, submitted and approved (the journey starts after phase 1).
  const office = await signIn(server.app, coordinatorName);
  const liaison = await signIn(server.app, liaisonName);
  planId = (await office.get('/api/v1/plans')).json()[0].id;
  const base = `/api/v1/plans/${planId}/breakdowns/${union.id}`;
  const view = (await liaison.get(base)).json() as {
    indicators: { children: { items: { id: string }[] }[] }[];
  };
  const items = view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  );
  for (const item of items)
    expect(
      (
        await liaison.post(`${base}/measures`, {
          itemId: item.id,
          text: '建立民生项目年度清单',
          deadline: { kind: 'date', dueOn: '2024-06-30' },
        })
      ).statusCode,
    ).toBe(201);
  await liaison.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  expect((await liaison.post(`${base}/submit`)).statusCode).toBe(200);
  expect((await office.post(`${base}/review`, { decision: 'approve' })).statusCode).toBe(200);
});
afterAll(async () => {
  await endJourney({ server, browser });
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, name) });

describe('the office edits the plan in the browser', () => {
  it('moves a phase, retires an item after seeing what depends on it, and reads the change log', async () => {
    const page = await openSignedIn(browser, server.url, coordinatorName);
    const maintenance = page.getByTestId('plan-maintenance');
    await maintenance.getByText('方案维护').waitFor();
    const execute = maintenance.getByTestId('phase-execute');
    const end = execute.locator('input[type=date]').nth(1);
    const before = await end.inputValue();
    await end.fill(`${before.slice(0, 4)}-10-15`);
    await execute.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存，并记入修订记录').waitFor();
    await shot(page, 'plan-edit-dates.png');

    // Out of order: the end before the start is refused, in words, and nothing changes.
    const start = execute.locator('input[type=date]').first();
    await end.fill(`${before.slice(0, 4)}-01-02`);
    await execute.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText(/结束日期早于开始日期，没有保存/).waitFor();
    expect(await start.inputValue()).not.toBe('');

    await maintenance.getByRole('tab', { name: '指标内容' }).click();
    await maintenance.getByTestId('item-search').locator('input').fill('39');
    await maintenance.getByTestId('item-retire-39').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('item-dependents').waitFor();
    expect(await dialog.getByTestId('item-dependents').textContent()).toContain('落实措施 1 条');
    expect(await dialog.getByTestId('item-dependents').textContent()).toContain('工会');
    await shot(page, 'plan-edit-retire.png');
    await dialog.getByRole('textbox').fill('与第 38 项合并');
    await dialog.getByRole('button', { name: '确认停用' }).click();
    await page.getByText('指标内容 39 已停用').waitFor();

    await maintenance.getByRole('tab', { name: '修订记录' }).click();
    const log = maintenance.getByTestId('plan-revisions');
    await log.getByText(/停用指标内容 39/).waitFor();
    expect(await log.getByText(/^阶段“[^”]+”：.+→/).count()).toBe(1);
    await shot(page, 'plan-edit-revisions.png');

    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await page.getByTestId('plan-maintenance').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'plan-edit-phone.png');
    await page.close();
  }, 90_000);
});

describe('an extension request in the browser', () => {
  for (const viewport of [
    { width: 375, height: 812 },
    { width: 1366, height: 768 },
  ]) {
    it(`a liaison asks, the office approves, the new deadline applies (${viewport.width} px)`, async () => {
      const liaison = await openSignedIn(browser, server.url, liaisonName, viewport);
      const card = liaison.getByTestId('plan-extensions');
      await card.getByTestId('extension-request').click();
      const dialog = liaison.getByRole('dialog');
      await chooseOption(liaison, dialog.getByTestId('extension-target'), /建立民生项目年度清单/);
      await dialog.getByText('现在的时限：').waitFor();
      const current = (await dialog.getByText('现在的时限：').textContent())!.replace(
        '现在的时限：',
        '',
      );
      // An earlier date says why 提交 stays disabled.
      await dialog.getByLabel('申请延期到').fill('2024-01-01');
      await dialog.getByText('新时限必须晚于现在的时限').waitFor();
      const later = `${Number(current.slice(0, 4))}-${viewport.width === 375 ? '08-31' : '09-30'}`;
      await dialog.getByLabel('申请延期到').fill(later);
      await dialog.getByLabel('理由').fill('暑期集中开展');
      await shot(liaison, `extension-request-${viewport.width}.png`);
      await dialog.locator('#extension-send').click();
      await liaison.getByText('延期申请已提交').waitFor();
      await card.getByTestId('extension-list').getByText('待审批').waitFor();
      await shot(liaison, `extension-pending-${viewport.width}.png`);

      const office = await openSignedIn(browser, server.url, coordinatorName, viewport);
      const maintenance = office.getByTestId('plan-maintenance');
      await maintenance.getByRole('tab', { name: '延期申请' }).click();
      await maintenance.getByTestId('extension-approve').first().click();
      const decide = office.getByRole('dialog');
      await decide.getByText(`${current} → ${later}`).waitFor();
      await decide.getByLabel('答复意见（可选）').fill('同意');
      await shot(office, `extension-decide-${viewport.width}.png`);
      await decide.getByRole('button', { name: buttonName('同意') }).click();
      await office.getByText('已同意延期，新的时限已生效').waitFor();
      await shot(office, `extension-approved-${viewport.width}.png`);

      await liaison.reload();
      await liaison.getByTestId('plan-extensions').getByText('已同意').first().waitFor();
      const progress = (
        await (
          await signIn(server.app, liaisonName)
        ).get(
          `/api/v1/plans/${planId}/extension-targets?departmentId=${(await seededDepartment(server, '工会')).id}`,
        )
      ).json() as { measures: { dueOn: string }[] };
      expect(progress.measures.map((measure) => measure.dueOn)).toContain(later);
      await liaison.close();
      await office.close();
    }, 90_000);
  }
});
