import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { ManualClock, systemClock } from '../../src/server/clock';
import { departments } from '../../src/server/modules/departments/department.table';
import { createJobRunner, type JobRunner } from '../../src/server/modules/jobs/job.runner';
import { supervisionLog } from '../../src/server/modules/supervision/supervision.table';
import { totpCode } from '../../src/server/modules/auth/totp';
import { users } from '../../src/server/modules/users/user.table';
import { bootstrap } from '../../src/server/modules/system/bootstrap.service';
import { buttonName, launchChromium, screenshots } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startRobotReceiver } from '../support/supervision-receivers';
import {
  createUser,
  enrolTotp,
  seedPlanFile,
  signIn as signInByApi,
  TEST_PASSWORD,
  testConfig,
} from '../support/test-app';

let database: TestDatabase;
let app: FastifyInstance;
let runner: JobRunner;
let url: string;
let browser: Browser;
let robots: Awaited<ReturnType<typeof startRobotReceiver>>;
let liaisonName: string;
let coordinatorName: string;
let organizationId: string;
/** Monday 2024-05-06, 09:00 in Beijing: the seed's task breakdowns were due on 2024-04-30. */
const clock = new ManualClock('2024-05-06T01:00:00Z');

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  [database, robots] = await Promise.all([
    createTestDatabase(),
    startRobotReceiver('SEC-browser-secret'),
  ]);
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
  const [union] = await database.db.select().from(departments).where(eq(departments.name, '工会'));
  organizationId = union!.organizationId;
  liaisonName = (
    await createUser(database.db, organizationId, 'liaison', {
      departmentId: union!.id,
      username: 'union-liaison',
    })
  ).username;
  coordinatorName = (
    await createUser(database.db, organizationId, 'coordinator', { username: 'teacher-office' })
  ).username;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await robots?.close();
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

describe('supervision in the browser', () => {
  it('the daily sweep reminds the liaison through the bell; the office sees what is late, reminds by hand and sets up a robot', async () => {
    const started = Date.now();
    await runner.runDue();
    const sweepMs = Date.now() - started;
    expect(sweepMs).toBeLessThan(20_000);

    console.log(`sweep ${sweepMs} ms`);
    const liaison = await signedIn(liaisonName);
    const bell = liaison.getByTestId('notification-bell');
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('消息（1 条未读）');
    await bell.click();
    const list = liaison.getByTestId('notification-list');
    await list.getByText('【催办】工会：1 项工作已逾期').waitFor();
    await list.getByText(/已逾期 6 天（自 2024-05-01 起）/).waitFor();
    await liaison.waitForTimeout(400); // the popover's opening animation
    await liaison.screenshot({ path: path.join(screenshots, 'notification-bell.png') });
    await list.getByText('【催办】工会：1 项工作已逾期').click();
    await liaison.getByText('工会 · 任务分解表').waitFor();
    expect(new URL(liaison.url()).pathname).toBe('/breakdown');
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('消息（0 条未读）');

    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '督办催办' }).click();
    await office
      .getByTestId('supervision-summary')
      .getByText(/截至 2024-05-06，\d+ 个部门共 \d+ 项工作逾期。/)
      .waitFor();
    const unionRow = office.locator('tr', {
      has: office.getByTestId('late-department').getByText('工会', { exact: true }),
    });
    // 6 days late: yellow by the default thresholds (yellow 1, orange 7, red 15).
    await unionRow.getByText('黄色 · 6 天').first().waitFor();
    await unionRow.getByText('提醒联络员').waitFor();
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-supervision.png'),
      fullPage: false,
    });

    await unionRow.getByTestId('remind').click();
    await office
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /催\s*办/ })
      .click();
    await office.getByText('已发送 1 条提醒。').waitFor();
    const manual = await database.db
      .select()
      .from(supervisionLog)
      .where(
        and(eq(supervisionLog.organizationId, organizationId), eq(supervisionLog.level, 'manual')),
      );
    expect(
      manual.map((row) => `${row.channel}:${row.recipient}:${row.status}:${row.actorName}`),
    ).toEqual([`in_app:${liaisonName}:sent:${coordinatorName}`]);

    await office.getByRole('tab', { name: '督办记录' }).click();
    const log = office.getByTestId('supervision-log');
    await log.getByText('人工催办').first().waitFor();
    await office.getByPlaceholder('搜索接收人或内容').fill('工会：');
    await log.getByText('人工催办').waitFor();
    await office.screenshot({ path: path.join(screenshots, 'coordinator-supervision-log.png') });

    // The robot is the security admin's to set (外呼地址), with its internal address allowed.
    const securityClient = await signInByApi(
      app,
      (await createUser(database.db, organizationId, 'security_admin', { username: 'sec-office' }))
        .username,
    );
    const totpSecret = await enrolTotp(securityClient, clock);
    // The code confirmed at enrolment would count as replayed within its 30 seconds: forget it.
    await database.db
      .update(users)
      .set({ totpLastStep: null })
      .where(eq(users.username, 'sec-office'));
    const security = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await security.goto(url);
    await security.getByLabel('用户名').fill('sec-office');
    await security.getByLabel('密码').fill(TEST_PASSWORD);
    await security.keyboard.press('Enter');
    await security.getByTestId('sign-in-totp').fill(totpCode(totpSecret, clock.now()));
    await security.keyboard.press('Enter');
    await security.getByRole('menuitem', { name: '外呼地址' }).click();
    const outbound = security.getByTestId('outbound-settings');
    await outbound
      .getByLabel('企业微信群机器人 Webhook')
      .fill(`${robots.baseUrl}/wecom?key=browser-key-4d2e`);
    await outbound.getByLabel('允许访问的内部地址').fill('127.0.0.1');
    await outbound.getByRole('button', { name: '保存外呼地址' }).click();
    await security.getByText('外呼地址已保存').waitFor();
    await outbound.getByText(/已设置：http:\/\/127\.0\.0\.1:\d+\/wecom\?••••4d2e/).waitFor();
    expect(await outbound.getByLabel('企业微信群机器人 Webhook').inputValue()).toBe('');
    expect(await outbound.getByLabel('允许访问的内部地址').inputValue()).toBe('127.0.0.1/32');
    await security.screenshot({
      path: path.join(screenshots, 'security-admin-outbound.png'),
      fullPage: true,
    });
    await security.close();

    // The office's page was open all along: it reads the settings again when reloaded.
    await office.reload();
    await office.getByTestId('supervision-summary').waitFor();
    await office.getByRole('tab', { name: '提醒设置' }).click();
    await office.getByText(/服务器尚未配置发信邮箱/).waitFor();
    const settings = office.getByTestId('supervision-settings');
    await office
      .getByTestId('robots-by-security-admin')
      .getByText('群机器人由安全管理员设置')
      .waitFor();
    await settings.getByText(/http:\/\/127\.0\.0\.1:\d+\/wecom\?••••4d2e/).waitFor();
    // Read-only: no field to type an address into.
    expect(await settings.getByLabel('企业微信群机器人 Webhook').count()).toBe(0);
    expect(await settings.locator('input[type=password]').count()).toBe(0);
    await settings.getByTestId('test-wecom').click();
    await office.getByText('测试消息已送达（group）。').waitFor();
    expect(robots.posts.map((post) => post.body.markdown.content?.split('\n')[0])).toEqual([
      '### 【测试】落实督办消息',
    ]);
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-supervision-settings.png'),
      fullPage: true,
    });

    // Leaders read on phones; the office checks the board on one too.
    const phone = await signedIn(coordinatorName, { width: 390, height: 844 });
    await phone.goto(`${url}/supervision`);
    await phone.getByTestId('supervision-summary').waitFor();
    await phone.screenshot({ path: path.join(screenshots, 'coordinator-supervision-phone.png') });
    console.log(`supervision sweep of the seed plan (${sweepMs} ms)`);
  }, 120_000);

  it('催办全部: one click reminds every late department, one message each, and says how many were told', async () => {
    // A second liaison, so two departments can be reached in person; 工会 was reminded today already.
    const [finance] = await database.db
      .select()
      .from(departments)
      .where(eq(departments.name, '财务处'));
    await createUser(database.db, organizationId, 'liaison', {
      departmentId: finance!.id,
      username: 'finance-liaison',
    });
    robots.posts.length = 0;
    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 375, height: 812 },
    ]) {
      const office = await signedIn(coordinatorName, viewport);
      await office.goto(`${url}/supervision`);
      await office.getByTestId('remind-all').click();
      await office.getByText(/向 \d+ 个逾期部门发送催办？/).waitFor();
      await office.waitForTimeout(300);
      await office.screenshot({
        path: path.join(screenshots, `supervision-remind-all-confirm-${viewport.width}.png`),
      });
      await office.getByTestId('remind-all-ok').click();
      // The first click reaches 财务处 in person; the second, the same day, nobody again.
      await office
        .getByText(
          viewport.width === 1366
            ? /已催办 1 个部门（共 \d+ 个逾期部门），工作群另收到一条汇总消息/
            : /今天已催办过这些部门/,
        )
        .waitFor();
      await office.waitForTimeout(300);
      await office.screenshot({
        path: path.join(screenshots, `supervision-remind-all-done-${viewport.width}.png`),
      });
      await office.close();
    }
    const toFinance = await database.db
      .select()
      .from(supervisionLog)
      .where(
        and(
          eq(supervisionLog.organizationId, organizationId),
          eq(supervisionLog.recipient, 'finance-liaison'),
        ),
      );
    expect(toFinance).toHaveLength(1);
    // The group robot got one message about all of them, once.
    expect(robots.posts).toHaveLength(1);
  }, 120_000);

  it('三色预警 and 督办通知单: the office sees red work, sets the thresholds, issues a notice; the liaison answers it from the to-do; the office reads the answer', async () => {
    // 2024-05-20: the breakdowns due 2024-04-30 are 20 days late, red by the defaults.
    clock.set('2024-05-20T01:00:00Z');
    const office = await signedIn(coordinatorName);
    await office.goto(`${url}/supervision`);
    await office
      .getByTestId('warning-thresholds')
      .getByText(/15 天起为红色/)
      .waitFor();
    const unionRow = office.locator('tr', {
      has: office.getByTestId('late-department').getByText('工会', { exact: true }),
    });
    await unionRow.getByText('红色 · 20 天').first().waitFor();

    // Thresholds: an out-of-order set is refused with the reason; a good one recolours the list.
    await office.getByRole('tab', { name: '提醒设置' }).click();
    const thresholds = office.getByTestId('warning-form');
    await thresholds.getByLabel('橙色（逾期天数起）').fill('30');
    await thresholds.getByRole('button', { name: buttonName('保存预警天数') }).click();
    await office.getByText(/预警天数须满足 黄色 < 橙色 < 红色/).waitFor();
    await thresholds.getByLabel('橙色（逾期天数起）').fill('10');
    await thresholds.getByLabel('红色（逾期天数起）').fill('25');
    await thresholds.getByRole('button', { name: buttonName('保存预警天数') }).click();
    await office.getByText('预警天数已保存。').waitFor();
    await office.screenshot({ path: path.join(screenshots, 'supervision-thresholds.png') });
    await office.getByRole('tab', { name: '逾期工作' }).click();
    await unionRow.getByText('橙色 · 20 天').first().waitFor();
    await office.screenshot({ path: path.join(screenshots, 'supervision-colours.png') });

    // 发督办通知单 for 工会: numbered, listed under the notices tab.
    await unionRow.getByTestId('issue-notice').click();
    const dialog = office.getByRole('dialog');
    await dialog.getByText('向工会发督办通知单').waitFor();
    await dialog.getByLabel('督办要求（选填）').fill('请于期限内书面回复落实情况。');
    await dialog.getByRole('button', { name: buttonName('发出') }).click();
    await office.getByText('已发出督办通知单 督办〔2024〕1号，已通知该部门联络员。').waitFor();
    await unionRow.getByTestId('open-notice').getByText('督办〔2024〕1号 待回复').waitFor();
    await office.getByRole('tab', { name: '督办通知单' }).click();
    const notice = office.getByTestId('notice').first();
    await notice.getByText('督办〔2024〕1号 · 工会').waitFor();
    await notice.getByText('等待部门回复。').waitFor();
    await office.screenshot({ path: path.join(screenshots, 'supervision-notices-office.png') });

    // The liaison finds it in their to-do, opens it and answers.
    const liaison = await signedIn(liaisonName);
    await liaison.goto(`${url}/todo`);
    await liaison.getByText(/回复督办通知单 督办〔2024〕1号/).click();
    await liaison.getByText('有 1 份督办通知单待回复', { exact: false }).waitFor();
    const mine = liaison.getByTestId('notice').first();
    await mine.getByText('请于期限内书面回复落实情况。').waitFor();
    await mine.getByLabel('落实情况').fill('已于5月21日报送任务分解表，请审核。');
    await liaison.screenshot({ path: path.join(screenshots, 'supervision-notice-liaison.png') });
    await mine.getByRole('button', { name: buttonName('提交回复') }).click();
    await liaison.getByText('已回复督办通知单 督办〔2024〕1号。').waitFor();
    await mine
      .getByTestId('notice-answer')
      .getByText('已于5月21日报送任务分解表，请审核。')
      .waitFor();

    // On a phone (375 px) the liaison's notice and the office's list stay readable.
    const phone = await signedIn(liaisonName, { width: 375, height: 812 });
    await phone.goto(`${url}/notices`);
    await phone.getByTestId('notice').first().getByText('已回复', { exact: true }).waitFor();
    const title = await phone.locator('.ant-card-head-title').first().boundingBox();
    expect(title?.width ?? 0).toBeGreaterThan(50);
    await phone.screenshot({
      path: path.join(screenshots, 'supervision-notice-liaison-phone.png'),
      fullPage: true,
    });
    const officePhone = await signedIn(coordinatorName, { width: 375, height: 812 });
    await officePhone.goto(`${url}/supervision`);
    await officePhone.getByText('橙色 · 20 天').first().waitFor();
    await officePhone.screenshot({ path: path.join(screenshots, 'supervision-colours-phone.png') });
    await officePhone.getByRole('tab', { name: '督办通知单' }).click();
    await officePhone
      .getByTestId('notice-answer')
      .first()
      .getByText('已于5月21日报送任务分解表，请审核。')
      .waitFor();
    await officePhone.screenshot({
      path: path.join(screenshots, 'supervision-notices-office-phone.png'),
      fullPage: true,
    });
  }, 180_000);
});
