import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TodoView } from '../../src/shared/api/todo';
import type { MessageList } from '../../src/shared/api/notifications';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { NotificationsView } from '../../src/shared/api/supervision';
import { buildApp } from '../../src/server/app';
import { ManualClock } from '../../src/server/clock';
import { createJobRunner, type JobRunner } from '../../src/server/modules/jobs/job.runner';
import {
  messageDeliveries,
  messages,
} from '../../src/server/modules/notifications/notification.table';
import { users } from '../../src/server/modules/users/user.table';
import { createSmtpMailer, type Mailer } from '../../src/server/modules/supervision/channels';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startSmtpServer } from '../support/supervision-receivers';
import {
  createInstitution,
  createUser,
  multipartFile,
  seedPlanFile,
  signIn,
  TEST_PASSWORD,
  testConfig,
  type SignedInClient,
} from '../support/test-app';
import { startWorkChatServer } from '../support/work-chat-servers';

const PUBLIC_URL = 'https://luoshi.test.edu.cn';
const beijing = (day: string, time = '09:00') => new Date(`${day}T${time}:00+08:00`).toISOString();
const APPS = {
  wecom: {
    corpId: 'ww7f3a01',
    secret: 'wecom-app-secret-0123456789',
    agentId: 1000002,
    users: ['ZhangSan'],
  },
  dingtalk: {
    appKey: 'dingk7s01',
    appSecret: 'ding-app-secret-abcdef',
    agentId: 2940211,
    users: ['manager4220'],
  },
};

let database: TestDatabase;
let app: FastifyInstance;
let runner: JobRunner;
let mailer: Mailer;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let chat: Awaited<ReturnType<typeof startWorkChatServer>>;
const clock = new ManualClock(beijing('2024-04-22'));

beforeAll(async () => {
  [database, smtp, chat] = await Promise.all([
    createTestDatabase(),
    startSmtpServer(),
    startWorkChatServer(APPS),
  ]);
  mailer = createSmtpMailer(smtp.url, 'luoshi@test.edu.cn');
  runner = createJobRunner({ db: database.db, clock });
  const config = testConfig({
    publicUrl: PUBLIC_URL,
    wecomApiBase: chat.baseUrl,
    dingtalkApiBase: chat.baseUrl,
  });
  app = await buildApp({ db: database.db, clock, config, jobs: runner, mailer }, { logger: false });
});
afterAll(async () => {
  await app.close();
  mailer.close?.();
  await Promise.all([smtp.close(), chat.close()]);
  await database.destroy();
});

const put = (client: SignedInClient, url: string, payload: unknown) =>
  client.request({ method: 'PUT', url, payload: payload as object });
const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

describe('handover messages', () => {
  it('tells the next person at every handover, in-app, by e-mail and to them on WeCom and DingTalk, once each, retrying what failed', async () => {
    const { organization } = await createInstitution(database.db);
    const adminUser = await createUser(database.db, organization.id, 'admin');
    const coordinatorUser = await createUser(database.db, organization.id, 'coordinator');
    await database.db
      .update(users)
      .set({ email: 'office@test.edu.cn' })
      .where(eq(users.id, coordinatorUser.id));
    const office = await signIn(app, coordinatorUser.username);
    const { payload, headers } = multipartFile('plan.txt', await readFile(seedPlanFile));
    const imported = await office.request({
      method: 'POST',
      url: '/api/v1/imports/plan',
      payload,
      headers,
    });
    const planId: string = imported.json().planId;
    const planTitle: string = (await office.get(`/api/v1/plans/${planId}`)).json().title;
    const departments = (await office.get('/api/v1/departments')).json() as {
      id: string;
      name: string;
    }[];
    const union = departments.find((department) => department.name === '工会')!;

    // The office sets its channels: the WeCom and DingTalk applications; secrets never come back.
    const saved = await put(office, '/api/v1/messages/settings', {
      version: 0,
      defaultChannels: ['in_app', 'email'],
      dueSoonDays: 5,
      wecomCorpId: APPS.wecom.corpId,
      wecomAgentId: String(APPS.wecom.agentId),
      wecomSecret: APPS.wecom.secret,
      dingtalkAppKey: APPS.dingtalk.appKey,
      dingtalkAgentId: String(APPS.dingtalk.agentId),
      dingtalkAppSecret: APPS.dingtalk.appSecret,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).not.toContain(APPS.wecom.secret);
    expect(saved.body).not.toContain(APPS.dingtalk.appSecret);
    expect(saved.json()).toMatchObject({
      version: 1,
      dueSoonDays: 5,
      wecom: { secret: { set: true } },
    });

    // 1. The administrator creates the liaison's account: the liaison is told how to sign in (never the password).
    const admin = await signIn(app, adminUser.username);
    const username = `union-${organization.id.slice(0, 6)}`;
    const created = await admin.post('/api/v1/users', {
      username,
      displayName: '工会王老师',
      role: 'liaison',
      departmentId: union.id,
      email: 'wang@test.edu.cn',
    });
    expect(created.statusCode, created.body).toBe(201);
    const oneTimePassword: string = created.json().oneTimePassword;
    await runner.runDue();
    const welcome = smtp.mails.filter((mail) => mail.to.includes('wang@test.edu.cn'));
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.subject).toBe('您的落实（Luoshi）账号已开通');
    expect(welcome[0]!.text).toContain(`登录名：${username}`);
    expect(welcome[0]!.text).toContain(`打开：${PUBLIC_URL}/`);
    expect(welcome[0]!.text).toContain('部门：工会');
    expect(welcome[0]!.text).not.toContain(oneTimePassword);
    const first = await signIn(app, username, oneTimePassword);
    await first.post('/api/v1/auth/password', {
      currentPassword: oneTimePassword,
      newPassword: TEST_PASSWORD,
    });
    const liaison = await signIn(app, username);

    // The liaison wants every channel, and says who they are on WeCom and DingTalk.
    const preferences = await put(liaison, '/api/v1/messages/preferences', {
      version: 0,
      channels: ['email', 'wecom', 'dingtalk'],
      wecomUserId: 'ZhangSan',
      dingtalkUserId: 'manager4220',
    });
    expect(preferences.statusCode, preferences.body).toBe(200);
    expect(preferences.json()).toMatchObject({
      channels: ['in_app', 'email', 'wecom', 'dingtalk'],
      officeChannels: ['in_app', 'email'],
    });

    // 2. The liaison submits the breakdown: the office's turn.
    const breakdown = `/api/v1/plans/${planId}/breakdowns/${union.id}`;
    const view: BreakdownView = (await liaison.get(breakdown)).json();
    for (const duty of itemsOf(view))
      expect(
        (
          await liaison.post(`${breakdown}/measures`, {
            itemId: duty.id,
            text: `工会落实第${duty.no}项：专人负责，按月推进`,
            deadline: { kind: 'date', dueOn: '2024-05-10' },
          })
        ).statusCode,
      ).toBe(201);
    await put(liaison, `${breakdown}/liaison`, {
      name: '王老师',
      phone: '010-88561234',
      email: 'wang@test.edu.cn',
    });
    expect((await liaison.post(`${breakdown}/submit`)).json().status).toBe('submitted');
    await runner.runDue();
    const officeMessages: MessageList = (await office.get('/api/v1/messages')).json();
    expect(officeMessages.items.map((message) => message.kind)).toEqual(['breakdown.submitted']);
    expect(officeMessages.items[0]).toMatchObject({
      title: '工会已报送任务分解表',
      link: `/board/${union.id}`,
      planName: planTitle,
      departmentName: '工会',
    });
    expect(officeMessages.items[0]!.body).toContain(`工作方案：${planTitle}`);
    expect(officeMessages.items[0]!.body).toContain('请审核该部门的任务分解表');
    expect(
      smtp.mails.filter(
        (mail) => mail.to.includes('office@test.edu.cn') && mail.subject === '工会已报送任务分解表',
      ),
    ).toHaveLength(1);
    // And it is on the office's to-do, one click from the review.
    const officeTodo: TodoView = (await office.get('/api/v1/todo')).json();
    expect(officeTodo.items).toEqual([
      expect.objectContaining({ kind: 'breakdown_review', link: `/board/${union.id}` }),
    ]);
    // The office's bell has it, unread.
    const bell: NotificationsView = (await office.get('/api/v1/notifications')).json();
    expect(bell.items.find((item) => item.title === '工会已报送任务分解表')).toMatchObject({
      readAt: null,
      link: `/board/${union.id}`,
    });

    // 3. The office returns it with a comment while WeCom's gateway is down: every other channel
    // goes out, WeCom is retried by the job, and nothing is sent twice.
    clock.set(beijing('2024-04-25'));
    const officeAgain = await signIn(app, coordinatorUser.username);
    chat.failures.wecom = 1;
    const returned = await officeAgain.post(`${breakdown}/review`, {
      decision: 'return',
      comment: '请写明验收时间',
      itemComments: {},
    });
    expect(returned.statusCode, returned.body).toBe(200);
    // The office's review left its to-do by itself; the liaison's to-do says what to fix.
    expect((await officeAgain.get('/api/v1/todo')).json().total).toBe(0);
    const liaisonTodo: TodoView = (await (await signIn(app, username)).get('/api/v1/todo')).json();
    expect(liaisonTodo.items[0]).toMatchObject({
      kind: 'breakdown',
      title: '按审核意见修改任务分解表并重新报送',
      link: '/breakdown',
    });
    const firstRound = await runner.runDue();
    expect(firstRound.retried).toBe(1);
    let mine: MessageList = (await (await signIn(app, username)).get('/api/v1/messages')).json();
    const returnMessage = mine.items.find((message) => message.kind === 'breakdown.returned')!;
    expect(returnMessage.body).toContain('意见：请写明验收时间');
    expect(returnMessage.link).toBe('/breakdown');
    expect(Object.fromEntries(returnMessage.deliveries.map((d) => [d.channel, d.status]))).toEqual({
      in_app: 'sent',
      email: 'sent',
      wecom: 'failed',
      dingtalk: 'sent',
    });
    clock.set(new Date(clock.now().getTime() + 60_000).toISOString());
    expect((await runner.runDue()).done).toBeGreaterThanOrEqual(1);
    mine = (await (await signIn(app, username)).get('/api/v1/messages')).json();
    expect(
      mine.items
        .find((message) => message.kind === 'breakdown.returned')!
        .deliveries.every((delivery) => delivery.status === 'sent'),
    ).toBe(true);
    await runner.runDue();
    const toLiaison = smtp.mails.filter(
      (mail) => mail.to.includes('wang@test.edu.cn') && mail.subject.includes('退回'),
    );
    expect(toLiaison).toHaveLength(1);
    expect(toLiaison[0]!.text).toContain(`打开：${PUBLIC_URL}/breakdown`);
    const wecomSends = chat.received.filter((sent) => sent.platform === 'wecom');
    expect(wecomSends).toHaveLength(1);
    expect(wecomSends[0]!.body).toMatchObject({
      touser: 'ZhangSan',
      msgtype: 'textcard',
      agentid: APPS.wecom.agentId,
      textcard: { title: '任务分解表被退回，请修改后重新报送', url: `${PUBLIC_URL}/breakdown` },
    });
    const dingSends = chat.received.filter((sent) => sent.platform === 'dingtalk');
    expect(dingSends).toHaveLength(1);
    expect(dingSends[0]!.body).toMatchObject({
      agent_id: APPS.dingtalk.agentId,
      userid_list: 'manager4220',
      msg: { msgtype: 'action_card', action_card: { single_url: `${PUBLIC_URL}/breakdown` } },
    });
    expect(
      (dingSends[0]!.body as { msg: { action_card: { markdown: string } } }).msg.action_card
        .markdown,
    ).toContain('部门：工会');
    // One token per app, reused for the second call.
    expect(chat.counts).toMatchObject({ wecomTokens: 1, dingtalkTokens: 1, refused: 0 });

    // 4. Resubmitted: the office hears it as a resubmission. Approved while the tokens were revoked:
    // the refused send fetches a new token once and goes out.
    const liaisonAgain = await signIn(app, username);
    expect((await liaisonAgain.post(`${breakdown}/submit`)).json().status).toBe('submitted');
    await runner.runDue();
    const officeList: MessageList = (
      await (await signIn(app, coordinatorUser.username)).get('/api/v1/messages')
    ).json();
    expect(officeList.items[0]).toMatchObject({
      kind: 'breakdown.resubmitted',
      title: '工会已重新报送任务分解表',
    });
    chat.revokeTokens();
    await (await signIn(app, coordinatorUser.username)).post(`${breakdown}/review`, {
      decision: 'approve',
      itemComments: {},
    });
    await runner.runDue();
    expect(chat.counts).toMatchObject({ wecomTokens: 2, dingtalkTokens: 2, refused: 2 });
    expect(chat.received.filter((sent) => sent.platform === 'wecom')).toHaveLength(2);

    // 5. The day's messages: five days before the measures' deadline, and the day after it.
    clock.set(beijing('2024-05-05'));
    await runner.runDue();
    clock.set(beijing('2024-05-11'));
    await runner.runDue();
    await runner.runDue();
    mine = (await (await signIn(app, username)).get('/api/v1/messages')).json();
    const kinds = mine.items.map((message) => message.kind);
    expect(kinds.filter((kind) => kind === 'measure.due_soon')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'measure.overdue')).toHaveLength(1);
    const dueSoon = mine.items.find((message) => message.kind === 'measure.due_soon')!;
    expect(dueSoon.body).toContain('截止：2024-05-10');
    expect(dueSoon.body).toContain(`共 ${itemsOf(view).length} 项`);
    expect(dueSoon.link).toBe('/progress');

    // Now the to-do holds the measures, late, with the day they were due.
    const late: TodoView = (await (await signIn(app, username)).get('/api/v1/todo')).json();
    expect(late.groups.find((group) => group.kind === 'measure')).toMatchObject({
      count: itemsOf(view).length,
      overdue: itemsOf(view).length,
      nextDueOn: '2024-05-10',
      link: '/progress',
    });
    expect(late.items.some((item) => item.kind === 'breakdown')).toBe(false);

    // 催办 by hand: one message per recipient, counted and logged once, however many items are late.
    const remindOffice = await signIn(app, coordinatorUser.username);
    const reminded = await remindOffice.post('/api/v1/supervision/remind', {
      departmentId: union.id,
    });
    expect(reminded.statusCode, reminded.body).toBe(200);
    // 工会's liaison in-app and by e-mail (the account's address and the breakdown's, the same here).
    expect(reminded.json()).toMatchObject({ subjects: itemsOf(view).length, sent: 2, failed: 0 });
    const log = (await remindOffice.get('/api/v1/supervision/log')).json() as {
      entries: { level: string; subjectKey: string; summary: string }[];
    };
    const manual = log.entries.filter((entry) => entry.level === 'manual');
    expect(manual).toHaveLength(2);
    expect(manual.every((entry) => entry.subjectKey === `manual:${union.id}`)).toBe(true);
    expect(manual[0]!.summary).toMatch(new RegExp(`^工会：${itemsOf(view).length} 项工作已逾期`));
    expect(
      (await remindOffice.post('/api/v1/supervision/remind', { departmentId: union.id })).json(),
    ).toMatchObject({ sent: 0, skipped: 2 });

    // 6. A finding assigned to 工会 is its turn.
    const finding = await (await signIn(app, coordinatorUser.username)).post(
      `/api/v1/plans/${planId}/findings`,
      {
        title: '民生项目验收记录不全',
        kind: 'immediate',
        ownerDepartmentId: union.id,
        itemIds: [itemsOf(view)[0]!.id],
        dueOn: '2024-06-30',
      },
    );
    expect(finding.statusCode, finding.body).toBe(201);
    await runner.runDue();
    mine = (await (await signIn(app, username)).get('/api/v1/messages')).json();
    const assigned = mine.items.find((message) => message.kind === 'finding.assigned')!;
    expect(assigned.link).toBe('/rectification');
    expect(assigned.body).toContain('问题 1：民生项目验收记录不全');

    // Logged once per message and channel; the same step never made a second message.
    const rows = await database.db
      .select({ id: messageDeliveries.id })
      .from(messageDeliveries)
      .innerJoin(messages, eq(messages.id, messageDeliveries.messageId))
      .where(eq(messages.organizationId, organization.id));
    const all = await database.db
      .select()
      .from(messages)
      .where(eq(messages.organizationId, organization.id));
    expect(new Set(all.map((message) => message.dedupeKey)).size).toBe(all.length);
    expect(rows.length).toBeLessThanOrEqual(all.length * 4);
  });
});
