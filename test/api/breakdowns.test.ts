import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { expectedItems } from '../fixtures/seed-expected';
import {
  createUser,
  createTestApp,
  signIn,
  type SignedInClient,
  type TestApp,
  institutionWithSeedPlan,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** An institution with the seed plan imported, its coordinator, and a way to get a liaison of any department. */
async function institutionWithPlan() {
  const { organization, coordinator, planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
  return { organization, coordinator, planId, idOf, liaisonOf };
}

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));
const expectedNumbers = (...names: string[]) =>
  expectedItems
    .filter(([, , departments]) => departments.some((name) => names.includes(name)))
    .map(([no]) => no);

async function fillEverything(client: SignedInClient, base: string, view: BreakdownView) {
  for (const item of itemsOf(view)) {
    const response = await client.post(`${base}/measures`, {
      itemId: item.id,
      text: `第${item.no}项：制定专项计划并落实`,
      deadline: { kind: 'semester', dueOn: '2024-07-15' },
    });
    expect(response.statusCode).toBe(201);
  }
}

describe("a liaison's task breakdown", () => {
  it('lists exactly the items the department answers for, by name or through 各教学单位', async () => {
    const { planId, idOf, liaisonOf } = await institutionWithPlan();
    const academic = await liaisonOf('教务处');
    const view: BreakdownView = (
      await academic.get(`/api/v1/plans/${planId}/breakdowns/${idOf('教务处')}`)
    ).json();
    expect(view).toMatchObject({
      status: 'not_started',
      dueOn: '2024-04-30',
      late: false,
      liaison: null,
    });
    expect(itemsOf(view).map((item) => item.no)).toEqual(expectedNumbers('教务处'));
    const item24 = itemsOf(view).find((item) => item.no === 24)!;
    expect(item24).toMatchObject({
      role: 'support',
      viaGroup: null,
      otherDepartments: ['党委教师工作部', '党委宣传部'],
    });
    expect(itemsOf(view).find((item) => item.no === 18)!.role).toBe('lead');

    const marxism = await liaisonOf('马克思主义学院');
    const teaching: BreakdownView = (
      await marxism.get(`/api/v1/plans/${planId}/breakdowns/${idOf('马克思主义学院')}`)
    ).json();
    expect(itemsOf(teaching).map((item) => item.no)).toEqual(
      expectedNumbers('马克思主义学院', '各教学单位'),
    );
    expect(itemsOf(teaching).find((item) => item.no === 9)!.viaGroup).toBe('各教学单位');
  });

  it("never shows or changes another department's breakdown", async () => {
    const { planId, idOf, liaisonOf } = await institutionWithPlan();
    const academic = await liaisonOf('教务处');
    const response = await academic.get(`/api/v1/plans/${planId}/breakdowns/${idOf('人事处')}`);
    expect(response.statusCode).toBe(403);
    const view: BreakdownView = (
      await academic.get(`/api/v1/plans/${planId}/breakdowns/${idOf('教务处')}`)
    ).json();
    const write = await academic.post(
      `/api/v1/plans/${planId}/breakdowns/${idOf('人事处')}/measures`,
      { itemId: itemsOf(view)[0]!.id, text: 'x', deadline: { kind: 'date', dueOn: '2024-06-01' } },
    );
    expect(write.statusCode).toBe(403);
    const notMine = await academic.post(
      `/api/v1/plans/${planId}/breakdowns/${idOf('教务处')}/measures`,
      {
        itemId: itemsOf(
          (
            await (
              await liaisonOf('工会')
            ).get(`/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`)
          ).json(),
        ).find((item) => item.no === 39)!.id,
        text: 'x',
        deadline: { kind: 'date', dueOn: '2024-06-01' },
      },
    );
    expect(notMine.statusCode).toBe(422);
    expect(notMine.json().error).toMatchObject({
      code: 'breakdown.not_assigned',
      params: { no: 39 },
    });
  });

  it('goes draft → submitted → returned with comments → resubmitted → approved, with history and audit', async () => {
    const { planId, idOf, liaisonOf, coordinator, organization } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    let view: BreakdownView = (await union.get(base)).json();
    expect(itemsOf(view).map((item) => item.no)).toEqual([8, 39]);

    const first = itemsOf(view)[0]!;
    await union.post(`${base}/measures`, {
      itemId: first.id,
      text: '工会年度工作计划纳入教师思政内容',
      deadline: { kind: 'yearly', dueOn: '2024-12-31' },
    });
    const incomplete = await union.post(`${base}/submit`);
    expect(incomplete.json().error).toMatchObject({
      code: 'breakdown.incomplete',
      params: { count: 1, items: '39' },
    });

    await union.post(`${base}/measures`, {
      itemId: itemsOf(view)[1]!.id,
      text: '建立民生项目年度清单',
      deadline: { kind: 'date', dueOn: '2024-06-30' },
    });
    expect((await union.post(`${base}/submit`)).json().error.code).toBe(
      'breakdown.liaison_missing',
    );
    const badLiaison = await union.request({
      method: 'PUT',
      url: `${base}/liaison`,
      payload: { name: '', phone: 'abc', email: 'nope' },
    });
    expect(
      badLiaison
        .json()
        .error.issues.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['body.email', 'body.name', 'body.phone']);
    const wang = { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' };
    expect(
      (await union.request({ method: 'PUT', url: `${base}/liaison`, payload: wang })).statusCode,
    ).toBe(200);
    // The office, still looking at the empty contact, is refused rather than overwriting 王老师.
    const stale = await coordinator.request({
      method: 'PUT',
      url: `${base}/liaison`,
      payload: { name: '李老师', phone: '13800000000', email: 'li@example.edu.cn', replaces: null },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'breakdown.liaison_conflict',
      params: { name: '王老师' },
    });
    expect((await union.get(base)).json().liaison).toEqual(wang);
    const renamed = { ...wang, phone: '010-88561235' };
    expect(
      (
        await coordinator.request({
          method: 'PUT',
          url: `${base}/liaison`,
          payload: { ...renamed, replaces: wang },
        })
      ).json().liaison,
    ).toEqual(renamed);

    view = (await union.post(`${base}/submit`)).json();
    expect(view.status).toBe('submitted');
    const locked = await union.post(`${base}/measures`, {
      itemId: first.id,
      text: '再加一条',
      deadline: { kind: 'ongoing', dueOn: '2024-05-01' },
    });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().error.code).toBe('breakdown.locked');
    expect((await union.post(`${base}/review`, { decision: 'approve' })).statusCode).toBe(403);

    const emptyReturn = await coordinator.post(`${base}/review`, { decision: 'return' });
    expect(emptyReturn.json().error.issues[0].path).toBe('body.itemComments');
    view = (
      await coordinator.post(`${base}/review`, {
        decision: 'return',
        itemComments: { [first.id]: '请写明具体举措和责任人' },
      })
    ).json();
    expect(view.status).toBe('returned');

    view = (await union.get(base)).json();
    const returned = itemsOf(view).find((item) => item.id === first.id)!;
    expect(returned.returnComment).toBe('请写明具体举措和责任人');
    expect(itemsOf(view).find((item) => item.id !== first.id)!.returnComment).toBeNull();
    const measure = returned.measures[0]!;
    expect(
      (
        await union.patch(`${base}/measures/${measure.id}`, {
          version: measure.version,
          text: '工会年度工作计划纳入教师思政内容，由工会主席负责，每学期检查',
        })
      ).statusCode,
    ).toBe(200);
    expect((await union.post(`${base}/submit`)).json().status).toBe('submitted');
    view = (
      await coordinator.post(`${base}/review`, { decision: 'approve', comment: '同意' })
    ).json();
    expect(view.status).toBe('approved');
    expect(view.history.map((event) => event.action)).toEqual([
      'submit',
      'return',
      'submit',
      'approve',
    ]);
    expect(view.history[1]!.itemComments).toEqual({ [first.id]: '请写明具体举措和责任人' });

    const actions = (
      await t.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.organizationId, organization.id))
        .orderBy(auditLog.id)
    ).map((row) => row.action);
    expect(actions.filter((action) => action.startsWith('submission.'))).toEqual([
      'submission.set_liaison',
      'submission.set_liaison',
      'submission.submit',
      'submission.return',
      'submission.submit',
      'submission.approve',
    ]);
  });

  it('refuses the later of two saves of the same measure and returns the current version', async () => {
    const { planId, idOf, liaisonOf } = await institutionWithPlan();
    const laptop = await liaisonOf('财务处');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('财务处')}`;
    const view: BreakdownView = (await laptop.get(base)).json();
    const created = (
      await laptop.post(`${base}/measures`, {
        itemId: itemsOf(view)[0]!.id,
        text: '经费列入预算',
        deadline: { kind: 'date', dueOn: '2024-05-31' },
      })
    ).json();
    const first = await laptop.patch(`${base}/measures/${created.id}`, {
      version: created.version,
      text: '经费列入年度预算',
    });
    expect(first.statusCode).toBe(200);
    const second = await laptop.patch(`${base}/measures/${created.id}`, {
      version: created.version,
      text: '覆盖别人的修改',
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({
      code: 'measure.version_conflict',
      params: { version: 2 },
      current: { text: '经费列入年度预算', version: 2 },
    });
    const stale = await laptop.request({
      method: 'DELETE',
      url: `${base}/measures/${created.id}?version=1`,
    });
    expect(stale.statusCode).toBe(409);
    const saved: BreakdownView = (await laptop.get(base)).json();
    expect(itemsOf(saved)[0]!.measures.map((measure) => measure.text)).toEqual([
      '经费列入年度预算',
    ]);
  });
});

describe("the coordinator's submission board", () => {
  it('shows every department with duties, 待审核 first and then the late ones once the deadline has passed', async () => {
    const { planId, idOf, liaisonOf, coordinator, organization } = await institutionWithPlan();
    const security = await liaisonOf('保卫处');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('保卫处')}`;
    await fillEverything(security, base, (await security.get(base)).json());
    await security.request({
      method: 'PUT',
      url: `${base}/liaison`,
      payload: { name: '李老师', phone: '13800000000', email: 'li@example.edu.cn' },
    });
    await security.post(`${base}/submit`);

    const boardResponse = await coordinator.get(`/api/v1/plans/${planId}/breakdowns`);
    expect(boardResponse.statusCode, boardResponse.body).toBe(200);
    let board = boardResponse.json();
    expect(board.dueOn).toBe('2024-04-30');
    expect(board.rows).toHaveLength(20);
    expect(board.rows.every((row: { late: boolean }) => !row.late)).toBe(true);
    expect(
      board.rows.find((row: { department: { name: string } }) => row.department.name === '保卫处'),
    ).toMatchObject({
      status: 'submitted',
      itemCount: 1,
      itemsWithMeasures: 1,
      liaisonNamed: true,
    });

    // Moving the clock on ends idle sessions: sign in again after each jump.
    const freshCoordinator = async () =>
      signIn(t.app, (await createUser(t.db, organization.id, 'coordinator')).username);
    t.clock.set('2024-04-30T15:59:00Z'); // 23:59 on the due day in Beijing: not late yet
    board = (await (await freshCoordinator()).get(`/api/v1/plans/${planId}/breakdowns`)).json();
    expect(board.rows.filter((row: { late: boolean }) => row.late)).toHaveLength(0);
    t.clock.set('2024-04-30T16:01:00Z'); // 00:01 on 1 May in Beijing
    board = (await (await freshCoordinator()).get(`/api/v1/plans/${planId}/breakdowns`)).json();
    expect(board.rows.filter((row: { late: boolean }) => row.late)).toHaveLength(19);
    // 待审核 first (the office's next work), then the late ones.
    expect(board.rows[0]).toMatchObject({
      department: { name: '保卫处' },
      status: 'submitted',
      late: false,
    });
    expect(board.rows.slice(1).every((row: { late: boolean }) => row.late)).toBe(true);

    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    expect((await leader.get(`/api/v1/plans/${planId}/breakdowns`)).statusCode).toBe(200);
    expect((await leader.post(`${base}/submit`)).statusCode).toBe(403);
    // A leader reads the breakdown, not the liaison's contacts; the office that chases them does.
    expect(((await leader.get(base)).json() as BreakdownView).liaison).toEqual({
      name: '李老师',
      phone: '138****0000',
      email: 'l***@example.edu.cn',
    });
    expect(((await (await freshCoordinator()).get(base)).json() as BreakdownView).liaison).toEqual({
      name: '李老师',
      phone: '13800000000',
      email: 'li@example.edu.cn',
    });
    t.clock.set('2024-04-22T02:00:00Z');
  });
});

describe("the leaders' dashboard", () => {
  it('places every duty by item and department and sums completion by level-1 indicator', async () => {
    const { planId, idOf, liaisonOf, organization } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const view: BreakdownView = (await union.get(base)).json();
    await union.post(`${base}/measures`, {
      itemId: itemsOf(view).find((item) => item.no === 39)!.id,
      text: '建立民生项目年度清单',
      deadline: { kind: 'date', dueOn: '2024-06-30' },
    });

    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    const dashboard = (await leader.get(`/api/v1/plans/${planId}/dashboard`)).json();
    expect(dashboard.items).toHaveLength(60);
    expect(dashboard.departments).toHaveLength(20);
    const unionIndex = dashboard.departments.findIndex(
      (department: { name: string }) => department.name === '工会',
    );
    const unionCells = dashboard.cells
      .filter((cell: number[]) => cell[1] === unionIndex)
      .map(([item, , state]: [number, number, number]) => [dashboard.items[item].no, state]);
    expect(unionCells.sort()).toEqual(
      [
        [39, 1],
        [8, 0],
      ].sort(),
    );
    const totalDuties = expectedItems.reduce(
      (sum, [, , departments]) =>
        sum +
        departments
          .filter((name) => !['相关职能部门', '涉及相关部门'].includes(name))
          .reduce((count, name) => count + (name === '各教学单位' ? 2 : 1), 0),
      0,
    );
    expect(
      dashboard.byLevel1.reduce((sum: number, row: { duties: number }) => sum + row.duties, 0),
    ).toBe(totalDuties - duplicatesThroughGroups());
    expect(
      dashboard.byLevel1.find((row: { title: string }) => row.title === '精准供给'),
    ).toMatchObject({ measured: 1, approved: 0 });
    const liaison = await liaisonOf('教务处');
    expect((await liaison.get(`/api/v1/plans/${planId}/dashboard`)).statusCode).toBe(403);
  });
});

/** Items naming both 各教学单位 and a teaching unit by name count once for that unit (41: 马克思主义学院). */
function duplicatesThroughGroups(): number {
  return expectedItems.filter(
    ([, , departments]) =>
      departments.includes('各教学单位') &&
      departments.some((name) => name === '马克思主义学院' || name === '公共教学部'),
  ).length;
}
