import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  LogEntry,
  NotificationsView,
  OverdueView,
  RemindAllResult,
  SettingsView,
} from '../../src/shared/api/supervision';
import { buildApp } from '../../src/server/app';
import { ManualClock } from '../../src/server/clock';
import { connectDatabase } from '../../src/server/db/client';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { createSecretBox } from '../../src/server/modules/auth/secret-box';
import { createViewCache } from '../../src/server/modules/data-versions/view-cache';
import { createBreakdownService } from '../../src/server/modules/breakdowns/breakdown.service';
import { departments as departmentsTable } from '../../src/server/modules/departments/department.table';
import { createJobRunner, type JobRunner } from '../../src/server/modules/jobs/job.runner';
import { jobs as jobsTable } from '../../src/server/modules/jobs/job.table';
import { createSmtpMailer, type Mailer } from '../../src/server/modules/supervision/channels';
import { createSupervisionService } from '../../src/server/modules/supervision/supervision.service';
import { overdueSources } from '../../src/server/modules/supervision/supervision.sources';
import { supervisionLog } from '../../src/server/modules/supervision/supervision.table';
import { users } from '../../src/server/modules/users/user.table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  RECEIVER_BODY_SECRET,
  startRobotReceiver,
  startSmtpServer,
} from '../support/supervision-receivers';
import {
  createInstitution,
  createUser,
  enrolTotp,
  multipartFile,
  seedPlanFile,
  signIn,
  testConfig,
} from '../support/test-app';

const SECRET = 'SEC0123456789abcdef-dingtalk-secret';
const PUBLIC_URL = 'https://luoshi.test.edu.cn';
/** 09:00 Beijing time on a day. */
const morning = (day: string) => `${day}T01:00:00Z`;

let database: TestDatabase;
let app: FastifyInstance;
let runner: JobRunner;
let mailer: Mailer;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let robots: Awaited<ReturnType<typeof startRobotReceiver>>;
const clock = new ManualClock(morning('2024-04-30'));
const config = testConfig({ publicUrl: PUBLIC_URL });

beforeAll(async () => {
  [database, smtp, robots] = await Promise.all([
    createTestDatabase(),
    startSmtpServer(),
    startRobotReceiver(SECRET),
  ]);
  mailer = createSmtpMailer(smtp.url, 'luoshi@test.edu.cn');
  runner = createJobRunner({ db: database.db, clock });
  app = await buildApp({ db: database.db, clock, config, jobs: runner, mailer }, { logger: false });
});
afterAll(async () => {
  await app.close();
  mailer.close?.();
  await Promise.all([smtp.close(), robots.close()]);
  await database.destroy();
});

async function setEmail(userId: string, email: string) {
  await database.db.update(users).set({ email }).where(eq(users.id, userId));
}

/** An institution with the seed plan (task breakdowns due 2024-04-30), its coordinator, and liaisons. */
async function institutionWithPlan() {
  const { organization } = await createInstitution(database.db);
  const coordinatorUser = await createUser(database.db, organization.id, 'coordinator');
  const coordinator = await signIn(app, coordinatorUser.username);
  const { payload, headers } = multipartFile('plan.txt', await readFile(seedPlanFile));
  const planId: string = (
    await coordinator.request({ method: 'POST', url: '/api/v1/imports/plan', payload, headers })
  ).json().planId;
  const departments = await database.db
    .select()
    .from(departmentsTable)
    .where(eq(departmentsTable.organizationId, organization.id));
  const idOf = (name: string) => departments.find((department) => department.name === name)!.id;
  const liaisonOf = async (name: string) => {
    const user = await createUser(database.db, organization.id, 'liaison', {
      departmentId: idOf(name),
    });
    return { user, client: await signIn(app, user.username) };
  };
  return { organization, coordinator, coordinatorUser, planId, idOf, liaisonOf };
}

/** The organization's security admin, signed in with an authenticator enrolled: who sets the robots. */
async function securityAdminOf(organizationId: string) {
  const client = await signIn(
    app,
    (await createUser(database.db, organizationId, 'security_admin')).username,
  );
  await enrolTotp(client, clock);
  return client;
}

const mailsTo = (address: string) => smtp.mails.filter((mail) => mail.to.includes(address));

describe('the supervision sweep, day by day', () => {
  it('reminds the liaison, escalates to the head after N days, sends the weekly digest, retries a failed robot the next day, and never sends twice', async () => {
    const { organization, coordinator, coordinatorUser, planId, idOf, liaisonOf } =
      await institutionWithPlan();
    await setEmail(coordinatorUser.id, 'office@test.edu.cn');
    const union = await liaisonOf('工会');
    await setEmail(union.user.id, 'union-liaison@test.edu.cn');
    const academic = await liaisonOf('教务处');
    expect(
      (
        await union.client.request({
          method: 'PUT',
          url: `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}/liaison`,
          payload: { name: '王老师', phone: '010-88561234', email: 'wang@test.edu.cn' },
        })
      ).statusCode,
    ).toBe(200);

    // The robots are the security admin's (外呼地址); the office sets the escalation days.
    const security = await securityAdminOf(organization.id);
    const robotsSaved = await security.request({
      method: 'PUT',
      url: '/api/v1/outbound',
      payload: {
        version: 0,
        wecomWebhookUrl: `${robots.baseUrl}/wecom?key=wecom-key-7f3a`,
        dingtalkWebhookUrl: `${robots.baseUrl}/dingtalk?access_token=ding-token-91bc`,
        dingtalkSecret: SECRET,
        allow: [],
      },
    });
    expect(robotsSaved.statusCode, robotsSaved.body).toBe(200);
    const saved = await coordinator.request({
      method: 'PUT',
      url: '/api/v1/supervision/settings',
      payload: { version: 0, escalationDays: 2 },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).not.toContain(SECRET);
    expect(saved.body).not.toContain('wecom-key-7f3a');
    expect(saved.json()).toMatchObject({
      version: 1,
      escalationDays: 2,
      mailConfigured: true,
      dingtalkSecret: { set: true, masked: '••••cret' },
      wecomWebhook: { set: true },
    });
    const contact = await coordinator.request({
      method: 'PUT',
      url: `/api/v1/supervision/contacts/${idOf('工会')}`,
      payload: { version: 0, headName: '李主席', headEmail: 'union-head@test.edu.cn' },
    });
    expect(contact.statusCode).toBe(200);

    // 2024-04-30 (Tuesday), the deadline: nothing is late; this week's digest goes out (nothing late).
    await runner.runDue();
    expect(mailsTo('union-liaison@test.edu.cn')).toHaveLength(0);
    expect(mailsTo('office@test.edu.cn').map((mail) => mail.subject)).toEqual([
      '【督办周报】2024-04-29 起一周：0 个部门 0 项工作逾期',
    ]);
    expect(mailsTo('office@test.edu.cn')[0]!.text).toContain('截至 2024-04-30，没有逾期工作。');
    expect(robots.posts.map((post) => post.robot).sort()).toEqual(['dingtalk', 'wecom']);
    smtp.mails.length = 0;
    robots.posts.length = 0;

    // Sessions time out while the clock moves on by days: each check signs in again.
    const staff = () => signIn(app, coordinatorUser.username);
    // 2024-05-01: one day late. The scheduled sweep and a second process's sweep run at the same time.
    clock.set(morning('2024-05-01'));
    const other = connectDatabase(database.url, { maxConnections: 5 });
    try {
      const secondProcess = createSupervisionService({
        db: other.db,
        clock,
        config,
        mailer,
        secrets: createSecretBox(config),
        sources: overdueSources({
          breakdowns: createBreakdownService({
            db: other.db,
            clock,
            views: createViewCache({ db: other.db, clock }),
          }),
        }),
      });
      await Promise.all([
        runner.runDue(),
        secondProcess.sweep(organization.id),
        secondProcess.sweep(organization.id),
      ]);
    } finally {
      await other.close();
    }
    expect(smtp.mails.map((mail) => mail.to.join()).sort()).toEqual([
      'union-liaison@test.edu.cn',
      'wang@test.edu.cn',
    ]);
    const toLiaison = mailsTo('union-liaison@test.edu.cn')[0]!;
    expect(toLiaison.subject).toBe('【催办】工会：1 项工作已逾期');
    expect(toLiaison.text).toContain('工会联络员：您好！');
    expect(toLiaison.text).toContain(
      '任务分解表（2 项指标）应于 2024-04-30 前报送，目前已填写但未报送，已逾期 1 天（自 2024-05-01 起）',
    );
    expect(toLiaison.text).toContain(`${PUBLIC_URL}/breakdown`);
    expect(robots.posts).toHaveLength(2);
    const wecom = robots.posts.find((post) => post.robot === 'wecom')!;
    expect(wecom.body.msgtype).toBe('markdown');
    expect(wecom.body.markdown.content).toContain('### 【催办】逾期工作提醒（2024-05-01）');
    expect(wecom.body.markdown.content).toContain('**工会**');
    expect(wecom.body.markdown.content).toContain('**教务处**');
    const dingtalk = robots.posts.find((post) => post.robot === 'dingtalk')!;
    expect(dingtalk).toMatchObject({
      signatureValid: true,
      timestamp: String(clock.now().getTime()),
    });
    expect(dingtalk.body.markdown.title).toBe('【催办】逾期工作提醒（2024-05-01）');

    // The same day again: a new sweep job (no dedupe key) runs and sends nothing.
    const again = await runner.enqueue(database.db, {
      kind: 'supervision.sweepOrganization',
      organizationId: organization.id,
      payload: { organizationId: organization.id, day: '2024-05-01' },
    });
    await runner.runDue();
    const [rerun] = await database.db
      .select()
      .from(jobsTable)
      .where(eq(jobsTable.id, again.job.id));
    expect(rerun).toMatchObject({
      status: 'done',
      result: { today: '2024-05-01', sent: 0, failed: 0 },
    });
    expect(smtp.mails).toHaveLength(2);
    expect(robots.posts).toHaveLength(2);

    // 2024-05-02: two days late, not yet escalated (N = 2); nothing new.
    clock.set(morning('2024-05-02'));
    await runner.runDue();
    expect(smtp.mails).toHaveLength(2);
    expect(robots.posts).toHaveLength(2);

    // 2024-05-03: three days late: escalated to the head. The DingTalk robot is down.
    clock.set(morning('2024-05-03'));
    robots.failing.add('dingtalk');
    await runner.runDue();
    const toHead = mailsTo('union-head@test.edu.cn');
    expect(toHead.map((mail) => mail.subject)).toEqual(['【督办】工会：1 项工作逾期超过 2 天']);
    expect(toHead[0]!.text).toContain('工会负责人 李主席：您好！');
    expect(toHead[0]!.text).toContain('已逾期 3 天（自 2024-05-01 起）');
    expect(
      robots.posts
        .filter((post) => post.robot === 'wecom')
        .map((post) => post.body.markdown.content!.split('\n')[0]),
    ).toEqual([
      '### 【催办】逾期工作提醒（2024-05-01）',
      '### 【督办】逾期超过 2 天的工作（2024-05-03）',
    ]);
    expect(
      robots.posts.filter((post) => post.robot === 'wecom').at(-1)!.body.markdown.content,
    ).toContain('**工会**（负责人：李主席）');
    const failedResponse = await (await staff()).get(
      '/api/v1/supervision/log?level=head&channel=dingtalk',
    );
    expect(failedResponse.statusCode, failedResponse.body).toBe(200);
    const failed: LogEntry[] = failedResponse.json().entries;
    expect(failed.length).toBeGreaterThan(0);
    expect(
      failed.every(
        (entry) =>
          entry.status === 'failed' &&
          entry.day === '2024-05-03' &&
          entry.error!.startsWith('HTTP 500'),
      ),
    ).toBe(true);
    // The robot's answer (its body) is nowhere in the 督办记录.
    expect(failedResponse.body).not.toContain(RECEIVER_BODY_SECRET);

    // 2024-05-04, Saturday: the robot is back; the failed post is retried.
    clock.set(morning('2024-05-04'));
    robots.failing.clear();
    await runner.runDue();
    expect(
      robots.posts
        .filter((post) => post.robot === 'dingtalk')
        .map((post) => post.body.markdown.title),
    ).toEqual(['【催办】逾期工作提醒（2024-05-01）', '【督办】逾期超过 2 天的工作（2024-05-04）']);
    expect(robots.posts.every((post) => post.robot !== 'dingtalk' || post.signatureValid)).toBe(
      true,
    );
    const headDingtalk: LogEntry[] = (
      await (await staff()).get('/api/v1/supervision/log?level=head&channel=dingtalk')
    ).json().entries;
    expect(new Set(headDingtalk.map((entry) => `${entry.day}:${entry.status}`))).toEqual(
      new Set(['2024-05-03:failed', '2024-05-04:sent']),
    );
    expect(mailsTo('office@test.edu.cn')).toHaveLength(0);

    // 2024-05-06, Monday: the week's digest for the coordinating office.
    clock.set(morning('2024-05-05'));
    await runner.runDue();
    clock.set(morning('2024-05-06'));
    await runner.runDue();
    const digest = mailsTo('office@test.edu.cn');
    expect(digest).toHaveLength(1);
    expect(digest[0]!.subject).toMatch(
      /^【督办周报】2024-05-06 起一周：\d+ 个部门 \d+ 项工作逾期$/,
    );
    expect(digest[0]!.text).toContain('工会：1 项，最长逾期 6 天');
    expect(digest[0]!.text).toContain(`督办台账：${PUBLIC_URL}/supervision`);
    expect(
      robots.posts.filter((post) => post.robot === 'dingtalk').at(-1)!.body.markdown.title,
    ).toMatch(/^【督办周报】2024-05-06 起一周/);
    expect(robots.posts.every((post) => post.robot !== 'dingtalk' || post.signatureValid)).toBe(
      true,
    );

    // Day after day, nothing new reaches the liaison or the head; no mail was ever sent twice.
    clock.set(morning('2024-05-07'));
    await runner.runDue();
    expect(mailsTo('union-liaison@test.edu.cn')).toHaveLength(1);
    expect(mailsTo('wang@test.edu.cn')).toHaveLength(1);
    expect(mailsTo('union-head@test.edu.cn')).toHaveLength(1);
    const sentRows = await database.db
      .select()
      .from(supervisionLog)
      .where(
        and(eq(supervisionLog.organizationId, organization.id), eq(supervisionLog.status, 'sent')),
      );
    const attempts = sentRows.map(
      (row) => `${row.subjectKey}|${row.level}|${row.channel}|${row.recipient}`,
    );
    expect(new Set(attempts).size).toBe(attempts.length);

    // What is late now, for the board: the oldest first, with the last reminder.
    const overdue: OverdueView = (await (await staff()).get('/api/v1/supervision/overdue')).json();
    expect(overdue.today).toBe('2024-05-07');
    const unionLate = overdue.departments.find((entry) => entry.department.name === '工会')!;
    expect(unionLate).toMatchObject({
      maxDaysLate: 7,
      subjects: [
        { kind: 'breakdown', daysLate: 7, dueOn: '2024-04-30', lastReminder: { level: 'head' } },
      ],
    });

    // In-app: each liaison sees only their own department's reminders.
    const unionInbox: NotificationsView = (
      await (await signIn(app, union.user.username)).get('/api/v1/notifications')
    ).json();
    expect(unionInbox.unread).toBe(1);
    expect(unionInbox.items[0]).toMatchObject({
      title: '【催办】工会：1 项工作已逾期',
      link: '/breakdown',
      readAt: null,
    });
    const academicInbox: NotificationsView = (
      await (await signIn(app, academic.user.username)).get('/api/v1/notifications')
    ).json();
    expect(academicInbox.items.map((item) => item.title)).toEqual([
      '【催办】教务处：1 项工作已逾期',
    ]);
    expect(
      (
        await (
          await signIn(app, academic.user.username)
        ).post(`/api/v1/notifications/${unionInbox.items[0]!.id}/read`)
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await (
          await signIn(app, union.user.username)
        ).post(`/api/v1/notifications/${unionInbox.items[0]!.id}/read`)
      ).statusCode,
    ).toBe(204);
    expect(
      (
        (
          await (await signIn(app, union.user.username)).get('/api/v1/notifications')
        ).json() as NotificationsView
      ).unread,
    ).toBe(0);
    const office: NotificationsView = (await (await staff()).get('/api/v1/notifications')).json();
    expect(office.items).toHaveLength(2);
    expect(
      office.items.every(
        (item) => item.title.startsWith('【督办周报】') && item.link === '/supervision',
      ),
    ).toBe(true);
    expect((await (await staff()).post('/api/v1/notifications/read-all')).statusCode).toBe(204);
    expect(
      ((await (await staff()).get('/api/v1/notifications')).json() as NotificationsView).unread,
    ).toBe(0);

    // A liaison cannot see the supervision board or its log.
    expect(
      (await (await signIn(app, union.user.username)).get('/api/v1/supervision/overdue'))
        .statusCode,
    ).toBe(403);
    expect(
      (await (await signIn(app, union.user.username)).get('/api/v1/supervision/log')).statusCode,
    ).toBe(403);

    // 催办 by hand from the board: once a day per recipient, recorded the same way.
    const manual = await (await staff()).post('/api/v1/supervision/remind', {
      departmentId: idOf('工会'),
    });
    expect(manual.statusCode).toBe(200);
    expect(manual.json()).toMatchObject({ subjects: 1, failed: 0, skipped: 0 });
    expect(manual.json().sent).toBe(5);
    const manualMail = mailsTo('union-liaison@test.edu.cn').at(-1)!;
    expect(manualMail.text).toContain('党委教师工作部提醒：以下工作已超过完成时限，请尽快办理：');
    const twice = await (await staff()).post('/api/v1/supervision/remind', {
      departmentId: idOf('工会'),
    });
    expect(twice.json()).toMatchObject({ sent: 0, skipped: 5 });
    const manualLog: LogEntry[] = (
      await (await staff()).get(`/api/v1/supervision/log?level=manual&departmentId=${idOf('工会')}`)
    ).json().entries;
    expect(manualLog.map((entry) => entry.channel).sort()).toEqual([
      'dingtalk',
      'email',
      'email',
      'in_app',
      'wecom',
    ]);
    expect(
      manualLog.every((entry) => entry.status === 'sent' && entry.actorName !== 'system'),
    ).toBe(true);
    const searched: LogEntry[] = (
      await (await staff()).get('/api/v1/supervision/log?q=wang%40test')
    ).json().entries;
    expect(searched.length).toBeGreaterThan(0);
    expect(searched.every((entry) => entry.recipient === 'wang@test.edu.cn')).toBe(true);
  });
});

describe('supervision settings and manual reminders', () => {
  it('keeps secrets sealed and masked, refuses stale writes, and test-sends on each channel', async () => {
    const { organization } = await createInstitution(database.db, [{ name: '党委办公室' }]);
    const coordinatorUser = await createUser(database.db, organization.id, 'coordinator');
    await setEmail(coordinatorUser.id, 'tester@test.edu.cn');
    const coordinator = await signIn(app, coordinatorUser.username);
    const initial: SettingsView = (await coordinator.get('/api/v1/supervision/settings')).json();
    expect(initial).toMatchObject({
      version: 0,
      escalationDays: 3,
      dingtalkSecret: { set: false, masked: null },
    });
    expect(initial.contacts.map((entry) => entry.department.name)).toEqual(['党委办公室']);

    const security = await securityAdminOf(organization.id);
    const robotsFirst = await security.request({
      method: 'PUT',
      url: '/api/v1/outbound',
      payload: {
        version: 0,
        dingtalkWebhookUrl: `${robots.baseUrl}/dingtalk?access_token=abc`,
        dingtalkSecret: SECRET,
        allow: [],
      },
    });
    expect(robotsFirst.json()).toMatchObject({
      version: 1,
      wecomWebhook: { set: false },
      dingtalkSecret: { set: true, masked: '••••cret' },
    });
    expect(robotsFirst.body).not.toContain(SECRET);
    expect(robotsFirst.body).not.toContain('access_token=abc');
    const first = await coordinator.request({
      method: 'PUT',
      url: '/api/v1/supervision/settings',
      payload: { version: 0, escalationDays: 5 },
    });
    expect(first.json()).toMatchObject({
      version: 1,
      escalationDays: 5,
      wecomWebhook: { set: false },
      dingtalkWebhook: { set: true },
    });
    const stale = await coordinator.request({
      method: 'PUT',
      url: '/api/v1/supervision/settings',
      payload: { version: 0, escalationDays: 4 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('supervision.settings_conflict');
    expect(stale.body).not.toContain(SECRET);
    // Leaving a secret out keeps it; the audit log holds only masked values.
    const kept = await coordinator.request({
      method: 'PUT',
      url: '/api/v1/supervision/settings',
      payload: { version: 1, escalationDays: 4 },
    });
    expect(kept.json()).toMatchObject({
      version: 2,
      escalationDays: 4,
      dingtalkSecret: { set: true },
    });
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.organizationId, organization.id));
    expect(audit.filter((entry) => entry.action === 'supervision.settings.update')).toHaveLength(2);
    expect(audit.filter((entry) => entry.action === 'outbound.settings.update')).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    const invalid = await coordinator.request({
      method: 'PUT',
      url: '/api/v1/supervision/settings',
      payload: { version: 2, escalationDays: 0 },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(
      invalid
        .json()
        .error.issues.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['body.escalationDays']);

    robots.posts.length = 0;
    robots.failing.clear();
    const ding = await coordinator.post('/api/v1/supervision/test', { channel: 'dingtalk' });
    expect(ding.json()).toMatchObject({ ok: true, recipient: 'group', error: null });
    expect(robots.posts).toHaveLength(1);
    expect(robots.posts[0]).toMatchObject({ robot: 'dingtalk', signatureValid: true });
    expect(robots.posts[0]!.body.markdown.title).toBe('【测试】落实督办消息');
    const mail = await coordinator.post('/api/v1/supervision/test', { channel: 'email' });
    expect(mail.json()).toMatchObject({ ok: true, recipient: 'tester@test.edu.cn' });
    expect(mailsTo('tester@test.edu.cn').map((received) => received.subject)).toEqual([
      '【测试】落实督办消息',
    ]);
    const noRobot = await coordinator.post('/api/v1/supervision/test', { channel: 'wecom' });
    expect(noRobot.statusCode).toBe(422);
    expect(noRobot.json().error.code).toBe('supervision.channel_not_configured');

    // A wrong secret: DingTalk refuses the signature; the attempt is recorded as failed.
    const wrongSecret = await security.request({
      method: 'PUT',
      url: '/api/v1/outbound',
      payload: { version: 1, dingtalkSecret: 'not-the-right-secret', allow: [] },
    });
    expect(wrongSecret.statusCode).toBe(200);
    const refused = await coordinator.post('/api/v1/supervision/test', { channel: 'dingtalk' });
    expect(refused.json()).toMatchObject({ ok: false, error: 'errcode 310000' });
    // The robot answered with its body; neither the reply nor the 督办记录 repeats it.
    expect(refused.body).not.toContain(RECEIVER_BODY_SECRET);
    const testLogResponse = await coordinator.get('/api/v1/supervision/log?level=test');
    expect(testLogResponse.body).not.toContain(RECEIVER_BODY_SECRET);
    const testLog: LogEntry[] = testLogResponse.json().entries;
    expect(testLog.map((entry) => `${entry.channel}:${entry.status}`).sort()).toEqual([
      'dingtalk:failed',
      'dingtalk:sent',
      'email:sent',
    ]);

    const nothing = await coordinator.post('/api/v1/supervision/remind', {
      departmentId: (
        await database.db
          .select()
          .from(departmentsTable)
          .where(eq(departmentsTable.organizationId, organization.id))
      )[0]!.id,
    });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().error.code).toBe('supervision.nothing_late');

    const contact = await coordinator.request({
      method: 'PUT',
      url: `/api/v1/supervision/contacts/${initial.contacts[0]!.department.id}`,
      payload: { version: 0, headName: '张主任', headEmail: 'head@test.edu.cn' },
    });
    expect(contact.json().contacts[0]).toMatchObject({
      headName: '张主任',
      headEmail: 'head@test.edu.cn',
      version: 1,
    });
    const staleContact = await coordinator.request({
      method: 'PUT',
      url: `/api/v1/supervision/contacts/${initial.contacts[0]!.department.id}`,
      payload: { version: 0, headName: '王主任', headEmail: 'head2@test.edu.cn' },
    });
    expect(staleContact.statusCode).toBe(409);
    expect(staleContact.json().error.code).toBe('supervision.contact_conflict');

    // Another organization sees none of it.
    const stranger = await createInstitution(database.db);
    const strangerCoordinator = await signIn(
      app,
      (await createUser(database.db, stranger.organization.id, 'coordinator')).username,
    );
    expect((await strangerCoordinator.get('/api/v1/supervision/log')).json().entries).toEqual([]);
    expect((await strangerCoordinator.get('/api/v1/supervision/settings')).json()).toMatchObject({
      version: 0,
      dingtalkSecret: { set: false },
    });
    const foreignContact = await strangerCoordinator.request({
      method: 'PUT',
      url: `/api/v1/supervision/contacts/${initial.contacts[0]!.department.id}`,
      payload: { version: 1, headName: 'x', headEmail: 'x@test.edu.cn' },
    });
    expect(foreignContact.statusCode).toBe(404);
  });
});

describe('late work from the progress ledger', () => {
  it('lists a dated measure not reported done and a missing period report, and reminds the liaison of both by item', async () => {
    clock.set(morning('2024-06-10'));
    const { coordinator, planId, idOf, liaisonOf } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    await setEmail(union.user.id, 'union-ledger@test.edu.cn');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const view = (await union.client.get(base)).json() as {
      indicators: { children: { items: { id: string; no: number }[] }[] }[];
    };
    const items = view.indicators.flatMap((level1) =>
      level1.children.flatMap((level2) => level2.items),
    );
    expect(items.map((item) => item.no)).toEqual([8, 39]);
    expect(
      (
        await union.client.post(`${base}/measures`, {
          itemId: items[0]!.id,
          text: '召开教职工代表大会专题审议师德师风建设方案',
          deadline: { kind: 'date', dueOn: '2024-05-20' },
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await union.client.post(`${base}/measures`, {
          itemId: items[1]!.id,
          text: '组织教师参加暑期社会实践',
          deadline: { kind: 'date', dueOn: '2024-08-31' },
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await union.client.request({
          method: 'PUT',
          url: `${base}/liaison`,
          payload: { name: '王老师', phone: '010-88561234', email: 'wang-ledger@test.edu.cn' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await union.client.post(`${base}/submit`)).statusCode).toBe(200);
    expect((await coordinator.post(`${base}/review`, { decision: 'approve' })).statusCode).toBe(
      200,
    );
    const periods = await coordinator.request({
      method: 'PUT',
      url: `/api/v1/plans/${planId}/ledger/settings`,
      payload: { frequency: 'monthly', dueDay: 5, firstPeriod: '2024-05', lastPeriod: '2024-12' },
    });
    expect(periods.statusCode, periods.body).toBe(200);

    const overdue: OverdueView = (await coordinator.get('/api/v1/supervision/overdue')).json();
    const unionLate = overdue.departments.find((entry) => entry.department.name === '工会')!;
    const kinds = unionLate.subjects
      .map((subject) => `${subject.kind}:${subject.itemNo}:${subject.dueOn}`)
      .sort();
    expect(kinds).toEqual([
      'measure:8:2024-05-20',
      'period_report:39:2024-06-05',
      'period_report:8:2024-06-05',
    ]);
    const measure = unionLate.subjects.find((subject) => subject.kind === 'measure')!;
    expect(measure).toMatchObject({ daysLate: 21, link: '/progress' });
    expect(measure.what).toBe(
      '落实措施“召开教职工代表大会专题审议师德师风建设方案”应于 2024-05-20 完成，尚未报送“已完成”',
    );
    expect(measure.itemText!.length).toBeGreaterThan(10);

    const reminded = await coordinator.post('/api/v1/supervision/remind', {
      departmentId: idOf('工会'),
    });
    expect(reminded.json()).toMatchObject({ subjects: 3, failed: 0 });
    const mail = mailsTo('union-ledger@test.edu.cn').at(-1)!;
    expect(mail.subject).toBe('【催办】工会：3 项工作已逾期');
    expect(mail.text).toMatch(
      /指标 8「[^」]+」：落实措施“召开教职工代表大会专题审议师德师风建设方案”应于 2024-05-20 完成，尚未报送“已完成”，已逾期 21 天（自 2024-05-21 起）/,
    );
    expect(mail.text).toContain(`${PUBLIC_URL}/progress`);
    expect(mailsTo('wang-ledger@test.edu.cn')).toHaveLength(1);
  });
});

describe('催办全部: every late department at once', () => {
  it('sends one message per department about all its late work, says how many were told, and reminds nobody twice a day', async () => {
    clock.set(morning('2024-05-10'));
    const { coordinator, idOf, liaisonOf, organization } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    const finance = await liaisonOf('财务处');
    await setEmail(union.user.id, 'union-all@test.edu.cn');
    await setEmail(finance.user.id, 'finance-all@test.edu.cn');
    const overdue: OverdueView = (await coordinator.get('/api/v1/supervision/overdue')).json();
    const late = overdue.departments.map((entry) => entry.department.name);
    expect(late).toContain('工会');

    const answer = await coordinator.request({
      method: 'POST',
      url: '/api/v1/supervision/remind-all',
      headers: { 'accept-language': 'en' },
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const result: RemindAllResult = answer.json();
    expect(result.departments.map((entry) => entry.department.name).sort()).toEqual(
      [...late].sort(),
    );
    expect(result.told).toBe(2);
    const of = (name: string) =>
      result.departments.find((entry) => entry.department.name === name)!;
    expect(of('工会')).toMatchObject({ refusal: null, failed: 0 });
    expect(of('工会').sent).toBeGreaterThan(0);
    // A department nobody can be reached at is answered alone, in English but for its name.
    const unreachable = result.departments.filter((entry) => entry.refusal);
    expect(unreachable).toHaveLength(late.length - 2);
    for (const entry of unreachable) {
      expect(entry.refusal!.code).toBe('supervision.no_recipients');
      expect(entry.refusal!.message.replace(entry.department.name, '')).not.toMatch(
        /[\u3400-\u9fff，。：；（）！？]/,
      );
    }
    // One e-mail per department, about all of its late work.
    expect(mailsTo('union-all@test.edu.cn')).toHaveLength(1);
    expect(mailsTo('finance-all@test.edu.cn')).toHaveLength(1);
    expect(mailsTo('union-all@test.edu.cn')[0]!.subject).toMatch(/^【催办】工会：\d+ 项工作已逾期/);

    const again: RemindAllResult = (
      await coordinator.post('/api/v1/supervision/remind-all')
    ).json();
    expect(again.told).toBe(0);
    expect(
      again.departments.find((entry) => entry.department.id === idOf('工会'))!.skipped,
    ).toBeGreaterThan(0);
    expect(mailsTo('union-all@test.edu.cn')).toHaveLength(1);

    const leader = await signIn(
      app,
      (await createUser(database.db, organization.id, 'leader')).username,
    );
    for (const client of [union.client, leader])
      expect((await client.post('/api/v1/supervision/remind-all')).statusCode).toBe(403);
  });

  it('refuses when nothing is late anywhere', async () => {
    clock.set(morning('2024-04-01'));
    const { coordinator } = await institutionWithPlan();
    const refused = await coordinator.post('/api/v1/supervision/remind-all');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('supervision.nothing_late_anywhere');
  });
});
