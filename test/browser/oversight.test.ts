import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { institutionSnapshots } from '../../src/server/modules/oversight/oversight.table';
import { organizations } from '../../src/server/modules/organizations/organization.table';
import { insertOrganization } from '../../src/server/modules/organizations/organization.repository';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { endJourney, screenshots, seededDepartment, startJourney } from '../support/browser';
import { createUser, institutionWithSeedPlan, signIn, TEST_PASSWORD } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let overseerName: string;
let firstName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const db = server.database.db;
  const province = await insertOrganization(db, { name: '某省教育厅', kind: 'supervisor' });
  overseerName = (await createUser(db, province.id, 'overseer', { username: 'province-inspector' }))
    .username;
  // The bundled plan's university, where 工会 has an approved breakdown, and a second university that has only imported the plan.
  const union = await seededDepartment(server, '工会');
  firstName = (
    await db.select().from(organizations).where(eq(organizations.id, union.organizationId))
  )[0]!.name;
  const liaison = await signIn(
    server.app,
    (await createUser(db, union.organizationId, 'liaison', { departmentId: union.id })).username,
  );
  const office = await signIn(
    server.app,
    (await createUser(db, union.organizationId, 'coordinator')).username,
  );
  const planId = (await office.get('/api/v1/plans')).json()[0].id as string;
  const base = `/api/v1/plans/${planId}/breakdowns/${union.id}`;
  const view: BreakdownView = (await liaison.get(base)).json();
  for (const item of view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  )) {
    await liaison.post(`${base}/measures`, {
      itemId: item.id,
      text: `第${item.no}项：工会专项落实`,
      deadline: { kind: 'date', dueOn: '2024-06-30' },
    });
  }
  await liaison.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  await liaison.post(`${base}/submit`);
  await office.post(`${base}/review`, { decision: 'approve', itemComments: {} });
  const second = await institutionWithSeedPlan({ app: server.app, db });
  await db
    .update(organizations)
    .set({ name: '乙师范大学' })
    .where(eq(organizations.id, second.organization.id));
  for (const id of [union.organizationId, second.organization.id])
    await db
      .update(organizations)
      .set({ supervisorId: province.id })
      .where(eq(organizations.id, id));
  // The server's job runner computes both snapshots (tonight's sweep is already due).
  for (let waited = 0; (await db.select().from(institutionSnapshots)).length < 2; waited += 250) {
    if (waited > 30_000) throw new Error('the snapshots were not computed within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 120_000);
afterAll(async () => {
  await endJourney({ server, browser });
});

async function overseerPage(viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(10_000);
  await page.goto(server.url);
  await page.getByLabel('用户名').fill(overseerName);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: '院校总览' }).waitFor();
  return page;
}

describe('province oversight in the browser', () => {
  it('an overseer sees the institutions side by side, searches, and drills into one, read-only', async () => {
    const page = await overseerPage();
    await page.getByTestId('oversight-institution').first().waitFor();
    expect(await page.getByTestId('oversight-institution').allTextContents()).toEqual(
      expect.arrayContaining([firstName, '乙师范大学']),
    );
    expect(await page.getByTestId('oversight-updated').textContent()).toMatch(/^数据更新于 /);
    await page.getByTestId('oversight-heatmap').locator('canvas').first().waitFor();
    expect(await page.getByRole('menuitem', { name: '院校总览' }).count()).toBe(1);
    expect(await page.getByRole('menuitem', { name: '工作方案' }).count()).toBe(0);
    await page.screenshot({
      path: path.join(screenshots, 'oversight-overview.png'),
      fullPage: true,
    });

    await page.getByTestId('oversight-search').locator('input').fill('乙师范');
    await expect
      .poll(() => page.getByTestId('oversight-institution').allTextContents())
      .toEqual(['乙师范大学']);
    await page.getByTestId('oversight-search').locator('input').fill('');

    await page.getByTestId('oversight-institution').filter({ hasText: firstName }).click();
    await page.getByTestId('oversight-institution-name').filter({ hasText: firstName }).waitFor();
    await page.getByText('本页只读').waitFor();
    await page
      .getByTestId('oversight-by-level1')
      .locator('tbody tr.ant-table-row')
      .first()
      .waitFor();
    // 工会's two measures were due on 2024-06-30 and are not done: both are in the late list.
    const late = page.getByTestId('oversight-late-list');
    await late.getByText('工会').first().waitFor();
    const overview = (await (
      await page.request.get(`${server.url}/api/v1/oversight/institutions`)
    ).json()) as { institutions: { name: string; figures: { lateTotal: number } }[] };
    const lateTotal = overview.institutions.find((row) => row.name === firstName)!.figures
      .lateTotal;
    await page.getByText(`逾期事项清单（${lateTotal}）`).waitFor();
    // Late work is listed earliest first, 20 a page: 工会's measures (due 06-30) come after the breakdowns (due 04-30).
    let unionMeasures = 0;
    const lateCard = page.locator('.ant-card').filter({ hasText: '逾期事项清单' });
    for (const pageNo of [1, 2]) {
      if (pageNo > 1)
        await lateCard.locator('.ant-pagination-item', { hasText: String(pageNo) }).click();
      unionMeasures += await lateCard
        .locator('tbody tr.ant-table-row')
        .filter({ hasText: '落实措施' })
        .filter({ hasText: '工会' })
        .count();
    }
    expect(unionMeasures).toBe(2);
    // The institution's own dashboard, read through the drill-down: late departments first.
    await page
      .locator('.ant-card')
      .filter({ hasText: '各部门任务分解表' })
      .locator('tbody tr.ant-table-row')
      .first()
      .filter({ hasText: '逾期' })
      .waitFor();
    expect(await page.getByRole('button', { name: /保\s*存|报\s*送|审核/ }).count()).toBe(0);
    await page.screenshot({
      path: path.join(screenshots, 'oversight-institution.png'),
      fullPage: true,
    });
    await page.getByTestId('oversight-back').click();
    await page.getByTestId('oversight-heatmap').waitFor();
    await page.close();
  }, 60_000);

  it('works on a phone', async () => {
    const page = await overseerPage({ width: 375, height: 812 });
    await page.getByTestId('oversight-heatmap').locator('canvas').first().waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({
      path: path.join(screenshots, 'oversight-overview-phone.png'),
      fullPage: true,
    });
    await page.screenshot({ path: path.join(screenshots, 'oversight-overview-phone-top.png') });
    await page.getByTestId('oversight-institution').filter({ hasText: firstName }).click();
    await page.getByTestId('oversight-late-list').waitFor();
    expect(
      await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
    ).toBeLessThanOrEqual(0);
    await page.screenshot({
      path: path.join(screenshots, 'oversight-institution-phone.png'),
      fullPage: true,
    });
    await page.screenshot({ path: path.join(screenshots, 'oversight-institution-phone-top.png') });
    await page.locator('.ant-card').filter({ hasText: '逾期事项清单' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshots, 'oversight-institution-phone-late.png') });
    await page.close();
  }, 60_000);
});
