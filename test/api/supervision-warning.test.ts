import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageList } from '../../src/shared/api/notifications';
import type { NoticeView, OverdueView, SettingsView } from '../../src/shared/api/supervision';
import type { TodoView } from '../../src/shared/api/todo';
import { ManualClock } from '../../src/server/clock';
import { messages } from '../../src/server/modules/notifications/notification.table';
import { plans } from '../../src/server/modules/plans/plan.table';
import { items } from '../../src/server/modules/standards/standard.table';
import { users } from '../../src/server/modules/users/user.table';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  signIn,
  type TestApp,
} from '../support/test-app';

/** 09:00 Beijing time on a day. */
const morning = (day: string) => `${day}T01:00:00Z`;

let t: TestApp;
beforeAll(async () => {
  // The seed plan's breakdowns were due 2024-04-30: on 2024-05-20 every one still open is 20 days late.
  t = await createTestApp({ clock: new ManualClock(morning('2024-05-20')) });
});
afterAll(async () => t.close());

const put = (
  client: Awaited<ReturnType<typeof signIn>>,
  url: string,
  payload: Record<string, unknown>,
  language = 'zh-CN',
) => client.request({ method: 'PUT', url, payload, headers: { 'accept-language': language } });

describe('三色预警 thresholds', () => {
  it('defaults to 1/7/15, refuses fractions and out-of-order days with clear errors, and colours the overdue view by what the office saves', async () => {
    t.clock.set(morning('2024-05-20'));
    const { coordinator, idOf } = await institutionWithSeedPlan(t);
    const settings: SettingsView = (await coordinator.get('/api/v1/supervision/settings')).json();
    expect(settings.thresholds).toEqual({ yellowDays: 1, orangeDays: 7, redDays: 15 });

    let overdue: OverdueView = (await coordinator.get('/api/v1/supervision/overdue')).json();
    expect(overdue.thresholds).toEqual({ yellowDays: 1, orangeDays: 7, redDays: 15 });
    const union = () => overdue.departments.find((entry) => entry.department.id === idOf('工会'))!;
    expect(union().subjects[0]).toMatchObject({ kind: 'breakdown', daysLate: 20, colour: 'red' });
    expect(union().colour).toBe('red');

    const disordered = await put(
      coordinator,
      '/api/v1/supervision/thresholds',
      { version: settings.version, yellowDays: 5, orangeDays: 5, redDays: 30 },
      'en',
    );
    expect(disordered.statusCode).toBe(422);
    expect(disordered.json().error.code).toBe('supervision.thresholds_not_increasing');
    expect(disordered.json().error.message).toContain('yellow 5, orange 5, red 30');
    const fraction = await put(coordinator, '/api/v1/supervision/thresholds', {
      version: settings.version,
      yellowDays: 1.5,
      orangeDays: 7,
      redDays: 15,
    });
    expect(fraction.json().error.code).toBe('supervision.thresholds_not_integer');
    expect(fraction.json().error.message).toContain('整数');
    const zero = await put(coordinator, '/api/v1/supervision/thresholds', {
      version: settings.version,
      yellowDays: 0,
      orangeDays: 7,
      redDays: 15,
    });
    expect(zero.json().error.code).toBe('supervision.thresholds_out_of_range');
    // Nothing was saved.
    expect(
      ((await coordinator.get('/api/v1/supervision/settings')).json() as SettingsView).thresholds,
    ).toEqual({ yellowDays: 1, orangeDays: 7, redDays: 15 });

    const saved = await put(coordinator, '/api/v1/supervision/thresholds', {
      version: settings.version,
      yellowDays: 3,
      orangeDays: 10,
      redDays: 25,
    });
    expect(saved.statusCode).toBe(200);
    expect((saved.json() as SettingsView).thresholds).toEqual({
      yellowDays: 3,
      orangeDays: 10,
      redDays: 25,
    });
    overdue = (await coordinator.get('/api/v1/supervision/overdue')).json();
    expect(union().subjects[0]!.colour).toBe('orange');
    // The rest of the settings keep working on the same version.
    const stale = await put(coordinator, '/api/v1/supervision/thresholds', {
      version: settings.version,
      yellowDays: 1,
      orangeDays: 2,
      redDays: 3,
    });
    expect(stale.statusCode).toBe(409);
    const robots = await put(coordinator, '/api/v1/supervision/settings', {
      version: (saved.json() as SettingsView).version,
      escalationDays: 4,
    });
    expect(robots.statusCode).toBe(200);
    expect((robots.json() as SettingsView).thresholds.redDays).toBe(25);

    // A liaison may not change them.
    const liaison = await t.app.inject({ method: 'GET', url: '/api/v1/supervision/settings' });
    expect(liaison.statusCode).toBe(401);
  });
});

describe('red escalation', () => {
  it('sends one message per person per department to the department head and the responsible leader when work turns red, and never again for the same work', async () => {
    t.clock.set(morning('2024-05-10'));
    const { organization, coordinator, planId, idOf } = await institutionWithSeedPlan(t);
    const [plan] = await t.db.select().from(plans).where(eq(plans.id, planId));
    await t.db
      .update(items)
      .set({ leader: '张书记' })
      .where(eq(items.standardId, plan!.standardId));
    const leader = await createUser(t.db, organization.id, 'leader');
    await t.db.update(users).set({ displayName: '张书记' }).where(eq(users.id, leader.id));
    const head = await createUser(t.db, organization.id, 'leader');
    await t.db.update(users).set({ email: 'union-head@test.edu.cn' }).where(eq(users.id, head.id));
    const liaison = await createUser(t.db, organization.id, 'liaison', {
      departmentId: idOf('工会'),
    });
    expect(
      (
        await put(coordinator, `/api/v1/supervision/contacts/${idOf('工会')}`, {
          version: 0,
          headName: '李主席',
          headEmail: 'Union-Head@test.edu.cn',
        })
      ).statusCode,
    ).toBe(200);

    const redOf = (userId: string) =>
      t.db
        .select()
        .from(messages)
        .where(and(eq(messages.recipientUserId, userId), eq(messages.kind, 'supervision.red')));
    // 10 days late: orange, nothing escalated.
    await t.jobs.runDue();
    expect(await redOf(head.id)).toHaveLength(0);

    // 15 days late: red.
    t.clock.set(morning('2024-05-15'));
    await t.jobs.runDue();
    const headMessages = await redOf(head.id);
    expect(headMessages).toHaveLength(1);
    expect(headMessages[0]).toMatchObject({
      departmentId: idOf('工会'),
      link: `/board/${idOf('工会')}`,
    });
    expect(headMessages[0]!.body).toContain('任务分解表');
    expect(headMessages[0]!.title).toContain('工会');
    const leaderMessages = await redOf(leader.id);
    // The leader answers for every department's items here: one message per department, not per item.
    expect(leaderMessages.length).toBeGreaterThan(1);
    expect(new Set(leaderMessages.map((message) => message.departmentId)).size).toBe(
      leaderMessages.length,
    );
    expect(leaderMessages.filter((message) => message.departmentId === idOf('工会'))).toHaveLength(
      1,
    );
    expect(await redOf(liaison.id)).toHaveLength(0);
    // The head sees it in their message list.
    const list: MessageList = (
      await (await signIn(t.app, head.username)).get('/api/v1/messages')
    ).json();
    expect(list.items.some((message) => message.kind === 'supervision.red')).toBe(true);

    // The next day's sweep finds the same work still red: nobody is told twice.
    t.clock.set(morning('2024-05-16'));
    await t.jobs.runDue();
    expect(await redOf(head.id)).toHaveLength(1);
    expect((await redOf(leader.id)).length).toBe(leaderMessages.length);
  });
});

describe('督办通知单', () => {
  it('numbers notices per organization and year, even when two are issued at once, tells the liaison, and records their answer', async () => {
    t.clock.set(morning('2024-05-20'));
    const { coordinator, idOf, liaisonOf } = await institutionWithSeedPlan(t);
    const unionLiaison = await liaisonOf('工会');
    const academicLiaison = await liaisonOf('教务处');
    const issue = (departmentName: string, answerDueOn = '2024-05-31') =>
      coordinator.post('/api/v1/supervision/notices', {
        departmentId: idOf(departmentName),
        answerDueOn,
        note: '请于期限内书面回复。',
      });

    const past = await issue('工会', '2024-05-20');
    expect(past.statusCode).toBe(422);
    expect(past.json().error.code).toBe('supervision.notice_answer_due_past');
    expect(
      (
        await unionLiaison.post('/api/v1/supervision/notices', {
          departmentId: idOf('工会'),
          answerDueOn: '2024-05-31',
        })
      ).statusCode,
    ).toBe(403);

    const [first, second] = await Promise.all([issue('工会'), issue('教务处')]);
    expect(first!.statusCode).toBe(201);
    expect(second!.statusCode).toBe(201);
    const issued = [first!.json() as NoticeView, second!.json() as NoticeView];
    expect(issued.map((notice) => notice.number).sort()).toEqual([1, 2]);
    expect(issued.every((notice) => notice.year === 2024)).toBe(true);
    const union = issued.find((notice) => notice.department.id === idOf('工会'))!;
    expect(union.numberText).toBe(`督办〔2024〕${union.number}号`);
    expect(union.items[0]).toMatchObject({
      kind: 'breakdown',
      daysLate: 20,
      colour: 'red',
      dueOn: '2024-04-30',
    });
    expect(union.answered).toBe(false);

    // The liaison is told (a message) and finds it in their to-do.
    const told: MessageList = (await unionLiaison.get('/api/v1/messages')).json();
    const message = told.items.find((item) => item.kind === 'supervision.notice');
    expect(message?.body).toContain(union.numberText);
    expect(message?.body).toContain('2024-05-31');
    let todo: TodoView = (await unionLiaison.get('/api/v1/todo')).json();
    expect(todo.items.find((item) => item.kind === 'notice')).toMatchObject({
      dueOn: '2024-05-31',
      link: `/notices?noticeId=${union.id}`,
    });

    // A liaison sees their department's notices only, and cannot open or answer another's.
    const academic = issued.find((notice) => notice.department.id === idOf('教务处'))!;
    const mine = (await unionLiaison.get('/api/v1/supervision/notices')).json()
      .notices as NoticeView[];
    expect(mine.map((notice) => notice.id)).toEqual([union.id]);
    expect(
      (
        await academicLiaison.post(`/api/v1/supervision/notices/${union.id}/answer`, {
          text: '已办',
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await academicLiaison.get(`/api/v1/supervision/notices/${union.id}/docx`)).statusCode,
    ).toBe(404);
    expect(
      (await coordinator.post(`/api/v1/supervision/notices/${union.id}/answer`, { text: '代答' }))
        .statusCode,
    ).toBe(403);

    const docx = await unionLiaison.get(`/api/v1/supervision/notices/${union.id}/docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    const answered = await unionLiaison.post(`/api/v1/supervision/notices/${union.id}/answer`, {
      text: '已于5月22日报送任务分解表。',
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({
      answered: true,
      answer: { text: '已于5月22日报送任务分解表。', evidenceIds: [] },
    });
    const again = await unionLiaison.post(`/api/v1/supervision/notices/${union.id}/answer`, {
      text: '再答',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('supervision.notice_answered');
    // The office sees the answer; the to-do item left by itself.
    const office = (
      await coordinator.get(`/api/v1/supervision/notices?departmentId=${idOf('工会')}`)
    ).json().notices as NoticeView[];
    expect(office[0]).toMatchObject({
      id: union.id,
      answered: true,
      answer: { text: '已于5月22日报送任务分解表。' },
    });
    todo = (await unionLiaison.get('/api/v1/todo')).json();
    expect(todo.items.some((item) => item.kind === 'notice')).toBe(false);
    expect(academic.answered).toBe(false);
  });

  it("takes the year from the institution's zone: 01:00 on 1 January in Beijing starts 2025 at number 1", async () => {
    t.clock.set(morning('2024-12-20'));
    const { organization, coordinator, idOf } = await institutionWithSeedPlan(t);
    const late2024 = await coordinator.post('/api/v1/supervision/notices', {
      departmentId: idOf('工会'),
      answerDueOn: '2025-01-10',
    });
    expect(late2024.json()).toMatchObject({ year: 2024, number: 1 });
    // 17:00 UTC on 31 December is already 2025 in Beijing.
    t.clock.set('2024-12-31T17:00:00Z');
    const office = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    const first2025 = await office.post('/api/v1/supervision/notices', {
      departmentId: idOf('工会'),
      answerDueOn: '2025-01-10',
    });
    expect(first2025.json()).toMatchObject({
      year: 2025,
      number: 1,
      numberText: '督办〔2025〕1号',
    });
  });
});
