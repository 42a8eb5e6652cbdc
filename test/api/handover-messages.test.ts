import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { ConclusionView } from '../../src/shared/api/conclusion';
import type { MessageList } from '../../src/shared/api/notifications';
import type { TodoView } from '../../src/shared/api/todo';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  type SignedInClient,
  signIn,
  type TestApp,
} from '../support/test-app';

/**
 * The handovers of the execute and conclude phases that the notifications journey does not walk:
 * a period report due soon and missing, a rectification reopened and verified, a summary
 * returned, and a report's review closing. Each reaches the people whose turn it is, once, and
 * names the plan, what to do and where.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const beijing = (day: string, time = '09:00') => new Date(`${day}T${time}:00+08:00`).toISOString();
const put = (client: SignedInClient, url: string, payload: unknown) =>
  client.request({ method: 'PUT', url, payload: payload as object });

async function messagesOf(client: SignedInClient, kind: string) {
  const list: MessageList = (await client.get('/api/v1/messages')).json();
  return list.items.filter((message) => message.kind === kind);
}

describe('messages at the handovers of execution and conclusion', () => {
  it('tells the liaison of a period report due and missing, a rectification reopened and verified, a summary returned; tells reviewers the review closes', async () => {
    t.clock.set(beijing('2024-04-22'));
    const { organization, coordinator, planId, idOf } = await institutionWithSeedPlan(t);
    const planTitle: string = (await coordinator.get(`/api/v1/plans/${planId}`)).json().title;
    const liaisonUser = await createUser(t.db, organization.id, 'liaison', {
      departmentId: idOf('工会'),
    });
    const liaison = () => signIn(t.app, liaisonUser.username);
    const officeUser = await createUser(t.db, organization.id, 'coordinator');
    // Sessions end when idle, and the clock jumps weeks: each step signs in again.
    const office = () => signIn(t.app, officeUser.username);

    // 工会's breakdown, approved; the ledger asks for a report by the 5th of each next month.
    const breakdown = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const view: BreakdownView = (await (await liaison()).get(breakdown)).json();
    const items = view.indicators.flatMap((l1) => l1.children.flatMap((l2) => l2.items));
    for (const item of items)
      await (await liaison()).post(`${breakdown}/measures`, {
        itemId: item.id,
        text: `工会落实第${item.no}项：专人负责，按月推进`,
        deadline: { kind: 'yearly', dueOn: '2024-11-30' },
      });
    await put(await liaison(), `${breakdown}/liaison`, {
      name: '王老师',
      phone: '010-88561234',
      email: 'wang@test.edu.cn',
    });
    expect((await (await liaison()).post(`${breakdown}/submit`)).statusCode).toBe(200);
    const approved = await (await office()).post(`${breakdown}/review`, {
      decision: 'approve',
      itemComments: {},
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const settings = await put(await office(), `/api/v1/plans/${planId}/ledger/settings`, {
      frequency: 'monthly',
      dueDay: 5,
      firstPeriod: '2024-05',
      lastPeriod: '2024-10',
    });
    expect(settings.statusCode, settings.body).toBe(200);
    await t.jobs.runDue();

    // 29 May, seven days (the default) before May's report is due on 5 June; run twice: one message.
    t.clock.set(beijing('2024-05-29'));
    await t.jobs.runDue();
    await t.jobs.runDue();
    const due = await messagesOf(await liaison(), 'period_report.due');
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ title: '本期进度即将截止报送', link: '/progress' });
    expect(due[0]!.body).toContain(`工作方案：${planTitle}`);
    expect(due[0]!.body).toContain('部门：工会');
    expect(due[0]!.body).toContain('截止：2024-06-05');
    expect(due[0]!.body).toContain('请在截止日前报送本期进度');
    // The office is not told of the liaison's turn.
    expect(await messagesOf(await office(), 'period_report.due')).toHaveLength(0);

    // 6 June: nothing was reported for May.
    t.clock.set(beijing('2024-06-06'));
    await t.jobs.runDue();
    await t.jobs.runDue();
    const missing = await messagesOf(await liaison(), 'period_report.missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ title: '本期进度未报送', link: '/progress' });
    expect(missing[0]!.body).toContain('请尽快补报本期进度');

    // A finding for 工会: rectified, reopened by the office, rectified again, verified.
    const created = await (await office()).post(`/api/v1/plans/${planId}/findings`, {
      title: '民生项目清单未按期验收',
      kind: 'immediate',
      ownerDepartmentId: idOf('工会'),
      itemIds: [items[0]!.id],
      dueOn: '2024-12-31',
    });
    expect(created.statusCode, created.body).toBe(201);
    const finding = `/api/v1/plans/${planId}/findings/${created.json().id}`;
    let version: number = created.json().version;
    const step = async (client: SignedInClient, path: string, body: object) => {
      const response = await client.post(`${finding}/${path}`, { version, ...body });
      expect(response.statusCode, response.body).toBe(200);
      version = response.json().version;
    };
    await step(await liaison(), 'actions', { text: '逐项验收民生项目' });
    await step(await liaison(), 'request-verification', { comment: '已整改，请核验' });
    await step(await office(), 'reopen', { reason: '验收报告未附签字页' });
    await t.jobs.runDue();
    const reopened = await messagesOf(await liaison(), 'finding.reopened');
    expect(reopened).toHaveLength(1);
    expect(reopened[0]).toMatchObject({ title: '整改被重新打开', link: '/rectification' });
    expect(reopened[0]!.body).toContain('意见：验收报告未附签字页');
    await step(await liaison(), 'actions', { text: '补附签字页' });
    await step(await liaison(), 'request-verification', { comment: '已补附' });
    await step(await office(), 'verify', { note: '材料齐全' });
    await t.jobs.runDue();
    const verified = await messagesOf(await liaison(), 'finding.verified');
    expect(verified).toHaveLength(1);
    expect(verified[0]).toMatchObject({ title: '整改已核验通过', link: '/rectification' });
    // The office heard of both requests for verification.
    expect(await messagesOf(await office(), 'rectification.submitted')).toHaveLength(2);

    // The summary and self-assessment, submitted and returned with a comment.
    const conclusion = `/api/v1/plans/${planId}/conclusion/${idOf('工会')}`;
    const mine: ConclusionView = (await (await liaison()).get(conclusion)).json();
    for (const item of mine.items) {
      const rated = await put(await liaison(), `${conclusion}/items/${item.id}`, {
        version: 0,
        rating: '达标',
        justification: '已按措施完成',
      });
      expect(rated.statusCode, rated.body).toBe(200);
    }
    await put(await liaison(), `${conclusion}/summary`, {
      version: 0,
      highlights: '建立“工会+思政”工作机制',
      results: '全年开展关爱活动 12 次',
      cases: '青年教师成长营',
      evidenceIds: [],
    });
    const submitted = await (await liaison()).post(`${conclusion}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    const returned = await (await office()).post(`${conclusion}/return`, {
      comment: '典型案例请补充成效数据',
    });
    expect(returned.statusCode, returned.body).toBe(200);
    await t.jobs.runDue();
    const summaryReturned = await messagesOf(await liaison(), 'summary.returned');
    expect(summaryReturned).toHaveLength(1);
    expect(summaryReturned[0]).toMatchObject({
      title: '总结报告与自评被退回',
      link: '/conclusion',
    });
    expect(summaryReturned[0]!.body).toContain('意见：典型案例请补充成效数据');
    const todo: TodoView = (await (await liaison()).get('/api/v1/todo')).json();
    expect(todo.items).toContainEqual(
      expect.objectContaining({
        kind: 'summary',
        title: '按意见修改总结报告与自评并重新提交',
        link: '/conclusion',
      }),
    );

    // The report, published on 10 June: its review closes on the 24th. On the 17th the reviewer
    // who has not reviewed is told; the one who has is not.
    const [waiting, done] = [
      await createUser(t.db, organization.id, 'reviewer'),
      await createUser(t.db, organization.id, 'reviewer'),
    ];
    t.clock.set(beijing('2024-06-10'));
    const requested = await (await office()).post(`/api/v1/plans/${planId}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    await t.jobs.runDue();
    const reportId: string = requested.json().id;
    expect((await (await office()).post(`/api/v1/reports/${reportId}/publish`)).statusCode).toBe(
      200,
    );
    const reviewed = await put(
      await signIn(t.app, done.username),
      `/api/v1/reports/${reportId}/review`,
      {
        representing: 'teacher',
        scores: { overall: 4, accuracy: 4, problems: 4, rectification: 4 },
      },
    );
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    t.clock.set(beijing('2024-06-17'));
    await t.jobs.runDue();
    await t.jobs.runDue();
    const closing = await messagesOf(await signIn(t.app, waiting.username), 'report.review_due');
    expect(closing).toHaveLength(1);
    expect(closing[0]).toMatchObject({ title: '质量报告评议即将截止', link: '/report' });
    expect(closing[0]!.body).toContain('截止：2024-06-24');
    expect(await messagesOf(await signIn(t.app, done.username), 'report.review_due')).toHaveLength(
      0,
    );
  }, 120_000);
});
