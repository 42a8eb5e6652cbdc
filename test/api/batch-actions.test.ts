import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApproveManyResult, BreakdownView } from '../../src/shared/api/breakdowns';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

/** A measure on every item, the liaison named, and (unless told) submitted. */
async function fillBreakdown(
  client: SignedInClient,
  planId: string,
  departmentId: string,
  { submit = true } = {},
) {
  const base = `/api/v1/plans/${planId}/breakdowns/${departmentId}`;
  const view: BreakdownView = (await client.get(base)).json();
  for (const item of itemsOf(view)) {
    const created = await client.post(`${base}/measures`, {
      itemId: item.id,
      text: `落实指标 ${item.no} 的措施`,
      deadline: { kind: 'date', dueOn: '2024-06-30' },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
  const named = await client.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  expect(named.statusCode, named.body).toBe(200);
  if (submit) expect((await client.post(`${base}/submit`)).statusCode).toBe(200);
}

describe('批量通过: approving several submitted breakdowns at once', () => {
  it('approves each submitted one and refuses the others alone, saying why', async () => {
    const { planId, idOf, liaisonOf, coordinator, organization } = await institutionWithSeedPlan(t);
    const union = await liaisonOf('工会');
    const youth = await liaisonOf('财务处');
    const library = await liaisonOf('保卫处');
    await fillBreakdown(union, planId, idOf('工会'));
    await fillBreakdown(youth, planId, idOf('财务处'));
    // Filled in but not sent: the office cannot approve a draft.
    await fillBreakdown(library, planId, idOf('保卫处'), { submit: false });
    const stranger = '00000000-0000-4000-8000-000000000001';

    const answer = await coordinator.request({
      method: 'POST',
      url: `/api/v1/plans/${planId}/breakdowns/approve`,
      payload: {
        departmentIds: [idOf('工会'), idOf('保卫处'), idOf('财务处'), stranger],
        comment: '措施具体，同意',
      },
      headers: { 'accept-language': 'en' },
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const result: ApproveManyResult = answer.json();
    expect(result.approved.map((row) => row.name).sort()).toEqual(['财务处', '工会'].sort());
    expect(result.refused).toEqual([
      {
        departmentId: idOf('保卫处'),
        name: '保卫处',
        code: 'breakdown.not_submitted',
        message: expect.stringMatching(/^[^\u3400-\u9fff]+$/),
      },
      {
        departmentId: stranger,
        name: null,
        code: 'department.not_found',
        message: expect.any(String),
      },
    ]);

    // Each approved exactly as one approval: status, history with the comment, the liaison told.
    const unionView: BreakdownView = (
      await coordinator.get(`/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`)
    ).json();
    expect(unionView.status).toBe('approved');
    expect(unionView.history.at(-1)).toMatchObject({
      action: 'approve',
      comment: '措施具体，同意',
    });
    const libraryView: BreakdownView = (
      await coordinator.get(`/api/v1/plans/${planId}/breakdowns/${idOf('保卫处')}`)
    ).json();
    expect(libraryView.status).toBe('draft');
    expect(libraryView.history).toEqual([]);
    await t.jobs.runDue();
    const told = (await union.get('/api/v1/messages')).json();
    expect(told.items.map((message: { kind: string }) => message.kind)).toContain(
      'breakdown.approved',
    );

    // Approving them again is refused one by one, and changes nothing.
    const again: ApproveManyResult = (
      await coordinator.post(`/api/v1/plans/${planId}/breakdowns/approve`, {
        departmentIds: [idOf('工会')],
      })
    ).json();
    expect(again.approved).toEqual([]);
    expect(again.refused[0]).toMatchObject({ code: 'breakdown.already_approved', name: '工会' });
    expect(again.refused[0]!.message).toMatch(/[\u3400-\u9fff]/);
    const history = (
      (
        await coordinator.get(`/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`)
      ).json() as BreakdownView
    ).history;
    expect(history.filter((event) => event.action === 'approve')).toHaveLength(1);

    // Only the office: a liaison and a leader are refused before anything is read.
    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    for (const client of [youth, leader]) {
      const refused = await client.post(`/api/v1/plans/${planId}/breakdowns/approve`, {
        departmentIds: [idOf('保卫处')],
      });
      expect(refused.statusCode).toBe(403);
    }
    // An empty list is bad input.
    const empty = await coordinator.post(`/api/v1/plans/${planId}/breakdowns/approve`, {
      departmentIds: [],
    });
    expect(empty.statusCode).toBe(400);
  });

  it("refuses another institution's plan whole", async () => {
    const mine = await institutionWithSeedPlan(t);
    const theirs = await institutionWithSeedPlan(t);
    const refused = await mine.coordinator.post(
      `/api/v1/plans/${theirs.planId}/breakdowns/approve`,
      { departmentIds: [theirs.idOf('工会')] },
    );
    expect(refused.statusCode).toBe(404);
  });
});

describe("the office fills its own department's breakdown online", () => {
  it('an office user of 党委教师工作部 sees it in their to-do list, fills it and submits it like a liaison', async () => {
    const { planId, idOf, organization } = await institutionWithSeedPlan(t);
    const ownDepartment = idOf('党委教师工作部');
    const officeUser = await createUser(t.db, organization.id, 'coordinator', {
      departmentId: ownDepartment,
    });
    const office = await signIn(t.app, officeUser.username);
    const todo = (await office.get(`/api/v1/todo?planId=${planId}`)).json();
    const kinds = todo.items.map(
      (item: { kind: string; link: string }) => `${item.kind}:${item.link}`,
    );
    // Its own breakdown to fill, next to what the office reviews.
    expect(kinds).toContain('breakdown:/breakdown');

    await fillBreakdown(office, planId, ownDepartment);
    const view: BreakdownView = (
      await office.get(`/api/v1/plans/${planId}/breakdowns/${ownDepartment}`)
    ).json();
    expect(view.status).toBe('submitted');
    const after = (await office.get(`/api/v1/todo?planId=${planId}`)).json();
    expect(after.items.map((item: { kind: string }) => item.kind)).not.toContain('breakdown');
    expect(
      after.items.some((item: { link: string }) => item.link === `/board/${ownDepartment}`),
    ).toBe(true);

    // A leader of a department reads it but cannot fill it in.
    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader', { departmentId: idOf('工会') })).username,
    );
    const refused = await leader.post(
      `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}/measures`,
      {
        itemId: itemsOf(view)[0]!.id,
        text: '不应写入',
        deadline: { kind: 'date', dueOn: '2024-06-30' },
      },
    );
    expect(refused.statusCode).toBe(403);
  });
});
