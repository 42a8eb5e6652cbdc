import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { ConclusionView } from '../../src/shared/api/conclusion';
import { buildApp } from '../../src/server/app';
import { ManualClock, systemClock } from '../../src/server/clock';
import { departments } from '../../src/server/modules/departments/department.table';
import { createJobRunner, type JobRunner } from '../../src/server/modules/jobs/job.runner';
import { plans } from '../../src/server/modules/plans/plan.table';
import { bootstrap } from '../../src/server/modules/system/bootstrap.service';
import { launchChromium, screenshots } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createUser, seedPlanFile, signIn, TEST_PASSWORD, testConfig } from '../support/test-app';

let database: TestDatabase;
let app: FastifyInstance;
let runner: JobRunner;
let url: string;
let browser: Browser;
/** 25 April 2024, 09:00 in Beijing: the seed's task breakdowns are due on the 30th. */
const clock = new ManualClock('2024-04-25T01:00:00Z');

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  database = await createTestDatabase();
  const config = testConfig({ seedFile: seedPlanFile });
  const outcome = await bootstrap(database.db, systemClock, {
    seedFile: config.seedFile,
    maxFileBytes: config.uploadMaxBytes,
  });
  if (outcome.kind !== 'created') throw new Error('a fresh database must bootstrap');
  runner = createJobRunner({ db: database.db, clock });
  app = await buildApp(
    { db: database.db, clock, config, jobs: runner, mailer: null },
    { logger: false },
  );
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.destroy();
});

async function signedIn(username: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByTestId('notification-bell').waitFor();
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

describe('handovers in the browser', () => {
  it('the office finds a submitted breakdown on its to-do and bell; the liaison finds it returned, with the to-do saying what is due when', async () => {
    const [union] = await database.db
      .select()
      .from(departments)
      .where(eq(departments.name, '工会'));
    const [plan] = await database.db.select().from(plans);
    const organizationId = union!.organizationId;
    const liaisonUser = await createUser(database.db, organizationId, 'liaison', {
      departmentId: union!.id,
      username: 'union-liaison',
    });
    const officeUser = await createUser(database.db, organizationId, 'coordinator', {
      username: 'teacher-office',
    });

    // The liaison fills in and submits 工会's breakdown (through the API: the giver's side).
    const liaisonApi = await signIn(app, liaisonUser.username);
    const breakdown = `/api/v1/plans/${plan!.id}/breakdowns/${union!.id}`;
    const view: BreakdownView = (await liaisonApi.get(breakdown)).json();
    for (const item of view.indicators.flatMap((l1) => l1.children.flatMap((l2) => l2.items)))
      await liaisonApi.post(`${breakdown}/measures`, {
        itemId: item.id,
        text: `工会落实第${item.no}项：专人负责，按月推进`,
        deadline: { kind: 'yearly', dueOn: '2024-11-30' },
      });
    await liaisonApi.request({
      method: 'PUT',
      url: `${breakdown}/liaison`,
      payload: { name: '王老师', phone: '010-88561234', email: 'wang@test.edu.cn' },
    });
    expect((await liaisonApi.post(`${breakdown}/submit`)).statusCode).toBe(200);
    await runner.runDue();

    // The office signs in: its landing page is 我的待办, with the review one click away, and the bell has the message.
    const office = await signedIn(officeUser.username);
    await office.getByTestId('todo-page').waitFor();
    await office.getByText('审核工会的任务分解表').waitFor();
    const bell = office.getByTestId('notification-bell');
    await expect.poll(() => bell.getAttribute('aria-label')).toMatch(/消息（[1-9]\d* 条未读）/);
    await bell.click();
    await office.getByTestId('notification-list').getByText('工会已报送任务分解表').waitFor();
    await office.waitForTimeout(400);
    await shot(office, 'handover-office-bell');
    await office.keyboard.press('Escape');
    await office.getByText('审核工会的任务分解表').click();
    await expect.poll(() => new URL(office.url()).pathname).toBe(`/board/${union!.id}`);
    await office.getByText('工会 · 任务分解表').waitFor();
    const officePhone = await signedIn(officeUser.username, { width: 375, height: 812 });
    await officePhone.getByText('审核工会的任务分解表').waitFor();
    await shot(officePhone, 'handover-office-todo-375');
    // At 375 px no card title disappears beside its header buttons (报送情况, 督办).
    for (const page of ['/ledger', '/supervision']) {
      await officePhone.goto(`${url}${page}`);
      await officePhone.locator('.ant-card-head-title').first().waitFor();
      await officePhone.waitForTimeout(300);
      const widths = await officePhone
        .locator('.ant-card-head-title')
        .evaluateAll((titles) => titles.map((title) => title.getBoundingClientRect().width));
      expect(
        widths.every((width) => width > 40),
        `${page}: ${widths.join(', ')}`,
      ).toBe(true);
      await shot(officePhone, `handover-375${page.replace('/', '-')}`);
    }

    // The office returns it with a comment (the giver's side again).
    const officeApi = await signIn(app, officeUser.username);
    expect(
      (
        await officeApi.post(`${breakdown}/review`, {
          decision: 'return',
          comment: '请写明民生项目的验收时间',
          itemComments: {},
        })
      ).statusCode,
    ).toBe(200);
    await runner.runDue();

    // The liaison signs in: the first screen says what is theirs and by when, and the message is there.
    const liaison = await signedIn(liaisonUser.username);
    await expect
      .poll(() => liaison.getByTestId('todo-headline').textContent())
      .toBe('您有 1 项待填写，截止 4月30日');
    await liaison.getByText('按审核意见修改任务分解表并重新报送').waitFor();
    await shot(liaison, 'handover-liaison-todo');
    await liaison.getByTestId('notification-bell').click();
    await liaison.getByTestId('all-messages').click();
    const messageList = liaison.getByTestId('message-list');
    await messageList.getByText('任务分解表被退回，请修改后重新报送').waitFor();
    await messageList.getByText(/意见：请写明民生项目的验收时间/).waitFor();
    await shot(liaison, 'handover-liaison-messages');
    await messageList.getByRole('button', { name: '去修改' }).click();
    await expect.poll(() => new URL(liaison.url()).pathname).toBe('/breakdown');
    const phone = await signedIn(liaisonUser.username, { width: 375, height: 812 });
    await expect
      .poll(() => phone.getByTestId('todo-headline').textContent())
      .toBe('您有 1 项待填写，截止 4月30日');
    await shot(phone, 'handover-liaison-todo-375');

    // Resubmitted: the office's to-do has the review again, and nothing is left on the liaison's.
    expect(
      (await (await signIn(app, liaisonUser.username)).post(`${breakdown}/submit`)).statusCode,
    ).toBe(200);
    await runner.runDue();
    await liaison.goto(url);
    await expect
      .poll(() => liaison.getByTestId('todo-headline').textContent())
      .toBe('目前没有您的待办事项');
    await office.goto(url);
    await office.getByText('审核工会的任务分解表').waitFor();
    await office.getByTestId('notification-bell').click();
    await office.getByTestId('notification-list').getByText('工会已重新报送任务分解表').waitFor();
  }, 180_000);

  it('the liaison finds a finding assigned to the department; the reviewer finds the published report, and lands on it', async () => {
    const [union] = await database.db
      .select()
      .from(departments)
      .where(eq(departments.name, '工会'));
    const [plan] = await database.db.select().from(plans);
    const organizationId = union!.organizationId;
    const liaisonUser = await createUser(database.db, organizationId, 'liaison', {
      departmentId: union!.id,
    });
    const reviewerUser = await createUser(database.db, organizationId, 'reviewer');
    const officeApi = await signIn(
      app,
      (await createUser(database.db, organizationId, 'coordinator')).username,
    );
    const view: BreakdownView = (
      await officeApi.get(`/api/v1/plans/${plan!.id}/breakdowns/${union!.id}`)
    ).json();
    const item = view.indicators.flatMap((l1) => l1.children.flatMap((l2) => l2.items))[0]!;

    // The office assigns a finding to 工会: the liaison's to-do and messages say so.
    const finding = await officeApi.post(`/api/v1/plans/${plan!.id}/findings`, {
      title: '民生项目清单未按期验收',
      description: '工会民生项目年底验收滞后',
      kind: 'immediate',
      ownerDepartmentId: union!.id,
      departmentIds: [],
      itemIds: [item.id],
      dueOn: '2024-12-31',
    });
    expect(finding.statusCode, finding.body).toBe(201);
    await runner.runDue();
    const liaison = await signedIn(liaisonUser.username, { width: 375, height: 812 });
    await liaison.getByText(/整改问题 \d+：民生项目清单未按期验收/).waitFor();
    await liaison.getByTestId('notification-bell').click();
    await liaison.getByTestId('all-messages').click();
    const messageList = liaison.getByTestId('message-list');
    await messageList.getByText('新的查摆问题交由本部门整改').waitFor();
    await shot(liaison, 'handover-finding-liaison-375');
    await messageList.getByRole('button', { name: '去整改' }).click();
    await expect.poll(() => new URL(liaison.url()).pathname).toBe('/rectification');
    await liaison.getByText('民生项目清单未按期验收').first().waitFor();

    // The liaison records the rectification and asks for verification: the office's to-do and bell.
    const officeUser = await createUser(database.db, organizationId, 'coordinator');
    const liaisonApi = await signIn(app, liaisonUser.username);
    const findingPath = `/api/v1/plans/${plan!.id}/findings/${(finding.json() as { id: string }).id}`;
    const acted = await liaisonApi.post(`${findingPath}/actions`, {
      version: 1,
      text: '逐项验收民生项目，形成验收报告',
    });
    expect(acted.statusCode, acted.body).toBe(200);
    const asked = await liaisonApi.post(`${findingPath}/request-verification`, {
      version: 2,
      comment: '已整改完毕，请核验',
    });
    expect(asked.statusCode, asked.body).toBe(200);
    await runner.runDue();
    const office = await signedIn(officeUser.username);
    await office.getByText(/核验问题 \d+ 的整改：民生项目清单未按期验收/).waitFor();
    await office.getByTestId('notification-bell').click();
    await office.getByTestId('notification-list').getByText('工会已提交整改').waitFor();
    await office.close();

    // The office publishes the quality report: the reviewer lands on it, with the message in the bell.
    const requested = await officeApi.post(`/api/v1/plans/${plan!.id}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    await runner.runDue();
    const reportId = (requested.json() as { id: string }).id;
    expect((await officeApi.post(`/api/v1/reports/${reportId}/publish`)).statusCode).toBe(200);
    await runner.runDue();
    const reviewer = await signedIn(reviewerUser.username);
    // Their first screen is the report itself (not the plan page).
    await reviewer.getByTestId('report-body').waitFor();
    expect(await reviewer.getByText('指标体系与责任部门').count()).toBe(0);
    await reviewer.getByTestId('notification-bell').click();
    await reviewer.getByTestId('notification-list').getByText('质量报告已发布，请评议').waitFor();
    await reviewer.waitForTimeout(300);
    await shot(reviewer, 'handover-report-reviewer');
    await liaison.close();
    await reviewer.close();
  }, 180_000);

  it('a new account finds how to sign in; a returned summary reaches the liaison; a reviewer is told the review closes soon', async () => {
    const [union] = await database.db
      .select()
      .from(departments)
      .where(eq(departments.name, '工会'));
    const [plan] = await database.db.select().from(plans);
    const organizationId = union!.organizationId;
    const admin = await signIn(
      app,
      (await createUser(database.db, organizationId, 'admin')).username,
    );
    const officeApi = await signIn(
      app,
      (await createUser(database.db, organizationId, 'coordinator')).username,
    );

    // The administrator opens an account for 工会's new liaison: after the first sign-in (and the
    // new password) the message says who they are and where to sign in, never the password.
    const created = await admin.post('/api/v1/users', {
      username: 'union-li',
      displayName: '工会李老师',
      role: 'liaison',
      departmentId: union!.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const oneTimePassword: string = created.json().oneTimePassword;
    await runner.runDue();
    const first = await signIn(app, 'union-li', oneTimePassword);
    await first.post('/api/v1/auth/password', {
      currentPassword: oneTimePassword,
      newPassword: TEST_PASSWORD,
    });
    const liaison = await signedIn('union-li', { width: 375, height: 812 });
    await liaison.getByTestId('notification-bell').click();
    await liaison.getByTestId('all-messages').click();
    const messageList = liaison.getByTestId('message-list');
    await messageList.getByText('您的落实（Luoshi）账号已开通').waitFor();
    await messageList.getByText(/登录名：union-li/).waitFor();
    // An account belongs to no plan: no empty 工作方案 line.
    expect(await messageList.textContent()).not.toContain('工作方案：—');
    expect(await messageList.textContent()).not.toContain(oneTimePassword);
    await shot(liaison, 'handover-account-375');

    // The liaison submits the summary and self-assessment (the giver's side), the office returns it.
    const liaisonApi = await signIn(app, 'union-li');
    const conclusion = `/api/v1/plans/${plan!.id}/conclusion/${union!.id}`;
    const mine: ConclusionView = (await liaisonApi.get(conclusion)).json();
    for (const item of mine.items)
      await liaisonApi.request({
        method: 'PUT',
        url: `${conclusion}/items/${item.id}`,
        payload: { version: 0, rating: '达标', justification: '已按措施完成' },
      });
    await liaisonApi.request({
      method: 'PUT',
      url: `${conclusion}/summary`,
      payload: {
        version: 0,
        highlights: '建立“工会+思政”工作机制',
        results: '全年开展关爱活动 12 次',
        cases: '青年教师成长营',
        evidenceIds: [],
      },
    });
    const submitted = await liaisonApi.post(`${conclusion}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    const returned = await officeApi.post(`${conclusion}/return`, {
      comment: '典型案例请补充成效数据',
    });
    expect(returned.statusCode, returned.body).toBe(200);
    await runner.runDue();
    await liaison.goto(url);
    await liaison.getByText('按意见修改总结报告与自评并重新提交').waitFor();
    await liaison.getByTestId('notification-bell').click();
    await liaison.getByTestId('all-messages').click();
    await messageList.getByText('总结报告与自评被退回').waitFor();
    // At 375 px a long body is folded: 展开 shows the office's comment.
    const returnedCard = messageList.locator('[data-testid=message]').filter({
      hasText: '总结报告与自评被退回',
    });
    await returnedCard.getByText('展开').click();
    await returnedCard.getByText(/意见：典型案例请补充成效数据/).waitFor();
    await shot(liaison, 'handover-summary-returned-375');
    await messageList.getByRole('button', { name: '去修改' }).first().click();
    await expect.poll(() => new URL(liaison.url()).pathname).toBe('/conclusion');
    await liaison.getByText('工会 · 总结与自评').waitFor();

    // A report published today closes for review in 14 days; 7 days before, the reviewer who has
    // not reviewed is told, and the message opens the report.
    const reviewerUser = await createUser(database.db, organizationId, 'reviewer');
    const requested = await officeApi.post(`/api/v1/plans/${plan!.id}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    await runner.runDue();
    const reportId = (requested.json() as { id: string }).id;
    expect((await officeApi.post(`/api/v1/reports/${reportId}/publish`)).statusCode).toBe(200);
    clock.set(new Date(clock.now().getTime() + 7 * 24 * 3600_000).toISOString());
    await runner.runDue();
    const reviewer = await signedIn(reviewerUser.username, { width: 375, height: 812 });
    await reviewer.getByTestId('notification-bell').click();
    await reviewer
      .getByTestId('notification-list')
      .getByText('质量报告评议即将截止')
      .first()
      .waitFor();
    await reviewer.waitForTimeout(300);
    await shot(reviewer, 'handover-review-due-375');
    await liaison.close();
    await reviewer.close();
  }, 180_000);
});
