import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { PlanDetail, PlanTree } from '../../src/shared/api/contracts';
import type { ExtensionView, ItemDependents, PlanRevisionView } from '../../src/shared/api/plans';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { ManualClock } from '../../src/server/clock';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: new ManualClock('2024-04-22T02:00:00Z') });
});
afterAll(async () => t.close());

const itemsOf = (tree: PlanTree) =>
  tree.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

async function setUp() {
  const seeded = await institutionWithSeedPlan(t);
  const { coordinator, planId } = seeded;
  const plan = async (): Promise<PlanDetail> =>
    (await coordinator.get(`/api/v1/plans/${planId}`)).json();
  const tree = async (): Promise<PlanTree> =>
    (await coordinator.get(`/api/v1/plans/${planId}/tree`)).json();
  const revisions = async (): Promise<PlanRevisionView[]> =>
    (await coordinator.get(`/api/v1/plans/${planId}/revisions`)).json();
  const actions = async () =>
    (
      await t.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.organizationId, seeded.organization.id))
    ).map((row) => row.action);
  return { ...seeded, plan, tree, revisions, actions };
}

/** 工会 (items 8 and 39) fills in, submits, and the office approves its breakdown. */
async function approvedUnion(setup: Awaited<ReturnType<typeof setUp>>) {
  const { planId, idOf, liaisonOf, coordinator } = setup;
  const union = await liaisonOf('工会');
  const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
  const view: BreakdownView = (await union.get(base)).json();
  const items = view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  );
  for (const [index, item] of items.entries()) {
    expect(
      (
        await union.post(`${base}/measures`, {
          itemId: item.id,
          text: index === 0 ? '工会年度计划纳入教师思政内容' : '建立民生项目年度清单',
          deadline: { kind: 'date', dueOn: '2024-06-30' },
        })
      ).statusCode,
    ).toBe(201);
  }
  await union.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  expect((await union.post(`${base}/submit`)).statusCode).toBe(200);
  expect((await coordinator.post(`${base}/review`, { decision: 'approve' })).json().status).toBe(
    'approved',
  );
  const approved: BreakdownView = (await union.get(base)).json();
  const measures = approved.indicators
    .flatMap((level1) => level1.children.flatMap((level2) => level2.items))
    .flatMap((item) => item.measures);
  return { union, base, measures };
}

describe('editing a plan on the web (方案维护)', () => {
  it('changes phase dates and deadlines with a revision and an audit entry; dates out of order change nothing', async () => {
    const { planId, coordinator, liaisonOf, plan, revisions, actions } = await setUp();
    const before = await plan();
    const execute = before.phases.find((phase) => phase.kind === 'execute')!;
    const moved = await coordinator.patch(`/api/v1/plans/${planId}/phases/${execute.id}`, {
      startsOn: '2024-05-06',
      endsOn: '2024-10-15',
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ startsOn: '2024-05-06', endsOn: '2024-10-15' });
    const [revision] = await revisions();
    expect(revision).toMatchObject({
      revision: 1,
      kind: 'phase.update',
      before: { startsOn: '2024-05-01', endsOn: '2024-09-30' },
      after: { startsOn: '2024-05-06', endsOn: '2024-10-15' },
    });
    expect(revision!.summary).toContain('2024-05-01 – 2024-09-30 → 2024-05-06 – 2024-10-15');
    expect(await actions()).toContain('plan.phase.update');

    const backwards = await coordinator.request({
      method: 'PATCH',
      url: `/api/v1/plans/${planId}/phases/${execute.id}`,
      payload: { startsOn: '2024-09-01', endsOn: '2024-06-01' },
      headers: { 'accept-language': 'en' },
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().error).toMatchObject({ code: 'plan.phase_ends_before_start' });
    expect(backwards.json().error.message).toContain('nothing was saved');
    const beforePrevious = await coordinator.patch(`/api/v1/plans/${planId}/phases/${execute.id}`, {
      startsOn: '2024-03-01',
      endsOn: '2024-10-15',
    });
    expect(beforePrevious.json().error.code).toBe('plan.phase_before_previous');
    const breakdown = before.deliverables.find((entry) => entry.kind === 'task_breakdown')!;
    if (breakdown.phaseId) {
      const outside = await coordinator.patch(
        `/api/v1/plans/${planId}/deliverables/${breakdown.id}`,
        { dueOn: '2024-12-31' },
      );
      expect(outside.json().error.code).toBe('plan.deliverable_outside_phase');
    }
    expect((await plan()).phases.find((phase) => phase.id === execute.id)).toMatchObject({
      startsOn: '2024-05-06',
      endsOn: '2024-10-15',
    });
    expect(await revisions()).toHaveLength(1);

    const due = await coordinator.patch(`/api/v1/plans/${planId}/deliverables/${breakdown.id}`, {
      dueOn: '2024-04-28',
    });
    expect(due.json()).toMatchObject({ dueOn: '2024-04-28' });
    expect((await revisions())[0]).toMatchObject({ revision: 2, kind: 'deliverable.update' });
    expect((await coordinator.get(`/api/v1/plans/${planId}/breakdowns`)).json().dueOn).toBe(
      '2024-04-28',
    );

    const union = await liaisonOf('工会');
    expect(
      (
        await union.patch(`/api/v1/plans/${planId}/phases/${execute.id}`, {
          startsOn: '2024-05-01',
          endsOn: '2024-09-30',
        })
      ).statusCode,
    ).toBe(403);
    expect((await union.get(`/api/v1/plans/${planId}/revisions`)).statusCode).toBe(403);
  });

  it('adds and edits items, shows what depends on one before retiring it, and refuses retiring it twice', async () => {
    const setup = await setUp();
    const { planId, coordinator, tree, revisions } = setup;
    const { measures } = await approvedUnion(setup);
    const level2 = (await tree()).indicators[0]!.children[0]!;
    const created = await coordinator.post(`/api/v1/plans/${planId}/items`, {
      indicatorId: level2.id,
      content: '建立教师思政工作年度例会制度',
      focus: '例会纪要',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ no: 61 });
    const newId: string = created.json().id;
    expect(
      (
        await coordinator.patch(`/api/v1/plans/${planId}/items/${newId}`, {
          content: '建立教师思政工作季度例会制度',
        })
      ).json(),
    ).toMatchObject({ no: 61, content: '建立教师思政工作季度例会制度' });
    expect(itemsOf(await tree()).find((item) => item.id === newId)?.content).toBe(
      '建立教师思政工作季度例会制度',
    );
    const badIndicator = await coordinator.post(`/api/v1/plans/${planId}/items`, {
      indicatorId: (await tree()).indicators[0]!.id,
      content: 'x',
    });
    expect(badIndicator.json().error.code).toBe('plan.indicator_not_found');

    const item8 = itemsOf(await tree()).find((item) => item.no === 8)!;
    const dependents: ItemDependents = (
      await coordinator.get(`/api/v1/plans/${planId}/items/${item8.id}/dependents`)
    ).json();
    expect(dependents.retired).toBe(false);
    expect(dependents.assignments.map((entry) => entry.name)).toContain('工会');
    expect(dependents.measures.map((measure) => measure.departmentName)).toContain('工会');
    expect(measures.length).toBe(2);

    const retired = await coordinator.post(`/api/v1/plans/${planId}/items/${item8.id}/retire`, {
      reason: '与第 7 项合并',
    });
    expect(retired.statusCode).toBe(200);
    const after = await tree();
    expect(after.retiredItems?.map((entry) => entry.itemId)).toEqual([item8.id]);
    expect(itemsOf(after).find((item) => item.id === item8.id)!.assignments).toEqual([]);
    const again = await coordinator.post(`/api/v1/plans/${planId}/items/${item8.id}/retire`, {
      reason: '再停一次',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'plan.item_retired', params: { no: 8 } });
    expect(
      (
        await coordinator.patch(`/api/v1/plans/${planId}/items/${item8.id}`, { content: 'y' })
      ).json().error.code,
    ).toBe('plan.item_retired');
    const kinds = (await revisions()).map((revision) => revision.kind);
    expect(kinds).toEqual(['item.retire', 'item.update', 'item.create']);
    expect(
      (await coordinator.get(`/api/v1/plans/${planId}/items/${item8.id}/dependents`)).json()
        .retired,
    ).toBe(true);
  });
});

describe('extension requests (延期申请)', () => {
  it("moves an approved measure's deadline when the office agrees; someone else's measure or an earlier date is refused", async () => {
    const setup = await setUp();
    const { planId, coordinator, liaisonOf, idOf, revisions, actions } = setup;
    const { union, base, measures } = await approvedUnion(setup);
    const measure = measures[0]!;
    const targets = (
      await union.get(`/api/v1/plans/${planId}/extension-targets?departmentId=${idOf('工会')}`)
    ).json();
    expect(targets.measures.map((entry: { id: string }) => entry.id)).toContain(measure.id);

    const hr = await liaisonOf('人事处');
    const foreign = await hr.post(`/api/v1/plans/${planId}/extensions`, {
      target: 'measure',
      measureId: measure.id,
      requestedDueOn: '2024-08-31',
      reason: '人员调整',
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('extension.not_own');
    const otherDepartment = await hr.post(`/api/v1/plans/${planId}/extensions`, {
      target: 'measure',
      measureId: measure.id,
      departmentId: idOf('工会'),
      requestedDueOn: '2024-08-31',
      reason: '人员调整',
    });
    expect(otherDepartment.json().error.code).toBe('extension.not_own');
    const earlier = await union.post(`/api/v1/plans/${planId}/extensions`, {
      target: 'measure',
      measureId: measure.id,
      requestedDueOn: '2024-06-01',
      reason: '提前',
    });
    expect(earlier.statusCode).toBe(422);
    expect(earlier.json().error).toMatchObject({
      code: 'extension.not_later',
      params: { requested: '2024-06-01', current: '2024-06-30' },
    });
    expect((await coordinator.get(`/api/v1/plans/${planId}/extensions`)).json()).toEqual([]);

    const asked = await union.post(`/api/v1/plans/${planId}/extensions`, {
      target: 'measure',
      measureId: measure.id,
      requestedDueOn: '2024-08-31',
      reason: '暑期集中开展',
    });
    expect(asked.statusCode).toBe(201);
    const request: ExtensionView = asked.json();
    expect(request).toMatchObject({
      status: 'pending',
      currentDueOn: '2024-06-30',
      department: { name: '工会' },
    });
    expect(
      (
        await union.post(`/api/v1/plans/${planId}/extensions`, {
          target: 'measure',
          measureId: measure.id,
          requestedDueOn: '2024-09-30',
          reason: '再延',
        })
      ).json().error.code,
    ).toBe('extension.pending_exists');
    expect(
      (
        await union.post(`/api/v1/plans/${planId}/extensions/${request.id}/decision`, {
          decision: 'approve',
          version: 1,
        })
      ).statusCode,
    ).toBe(403);
    expect((await hr.get(`/api/v1/plans/${planId}/extensions`)).json()).toEqual([]);

    const decided = await coordinator.post(
      `/api/v1/plans/${planId}/extensions/${request.id}/decision`,
      { decision: 'approve', comment: '同意', version: 1 },
    );
    expect(decided.json()).toMatchObject({ status: 'approved', decisionComment: '同意' });
    const now: BreakdownView = (await union.get(base)).json();
    const moved = now.indicators
      .flatMap((level1) => level1.children.flatMap((level2) => level2.items))
      .flatMap((item) => item.measures)
      .find((entry) => entry.id === measure.id)!;
    expect(moved.deadline).toEqual({ kind: 'date', dueOn: '2024-08-31' });
    expect((await revisions())[0]).toMatchObject({ kind: 'extension.approve' });
    expect(await actions()).toEqual(
      expect.arrayContaining(['extension.request', 'extension.approve']),
    );
    const twice = await coordinator.post(
      `/api/v1/plans/${planId}/extensions/${request.id}/decision`,
      { decision: 'refuse', version: 2 },
    );
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('extension.decided');
  });

  it('gives one department a later task-breakdown deadline: the board and supervision read it, the others stay late', async () => {
    const setup = await setUp();
    const { planId, coordinator, liaisonOf, idOf, plan } = setup;
    const union = await liaisonOf('工会');
    const breakdown = (await plan()).deliverables.find((entry) => entry.kind === 'task_breakdown')!;
    // The office brings the deadline forward to yesterday: every department without a submission is late.
    await coordinator.patch(`/api/v1/plans/${planId}/deliverables/${breakdown.id}`, {
      dueOn: '2024-04-21',
    });
    const asked = await union.post(`/api/v1/plans/${planId}/extensions`, {
      target: 'deliverable',
      deliverableId: breakdown.id,
      requestedDueOn: '2024-05-20',
      reason: '部门换届',
    });
    expect(asked.statusCode).toBe(201);
    const refusedFirst = await coordinator.post(
      `/api/v1/plans/${planId}/extensions/${asked.json().id}/decision`,
      { decision: 'refuse', comment: '请按期报送', version: 1 },
    );
    expect(refusedFirst.json().status).toBe('refused');
    const again = await union.post(`/api/v1/plans/${planId}/extensions`, {
      target: 'deliverable',
      deliverableId: breakdown.id,
      requestedDueOn: '2024-04-29',
      reason: '部门换届，已确定新联络员',
    });
    await coordinator.post(`/api/v1/plans/${planId}/extensions/${again.json().id}/decision`, {
      decision: 'approve',
      version: 1,
    });
    {
      const board = (await coordinator.get(`/api/v1/plans/${planId}/breakdowns`)).json();
      const row = (name: string) =>
        board.rows.find(
          (entry: { department: { name: string } }) => entry.department.name === name,
        );
      expect(row('工会')).toMatchObject({ late: false, dueOn: '2024-04-29' });
      expect(row('人事处')).toMatchObject({ late: true, dueOn: '2024-04-21' });
      const unionView: BreakdownView = (
        await union.get(`/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`)
      ).json();
      expect(unionView).toMatchObject({ dueOn: '2024-04-29', late: false });
      const overdue = (await coordinator.get('/api/v1/supervision/overdue')).json() as {
        departments: {
          department: { name: string };
          subjects: { kind: string; dueOn: string }[];
        }[];
      };
      const lateNames = overdue.departments
        .filter((entry) => entry.subjects.some((subject) => subject.kind === 'breakdown'))
        .map((entry) => entry.department.name);
      expect(lateNames).toContain('人事处');
      expect(lateNames).not.toContain('工会');
    }
  });
});

describe('starting next year with dates set by the office', () => {
  it('uses the dates given and refuses dates out of order', async () => {
    const { planId, coordinator, plan } = await setUp();
    const current = await plan();
    const [mobilize, execute, conclude] = current.phases;
    const wrong = await coordinator.post(`/api/v1/plans/${planId}/next-year`, {
      phases: [{ position: execute!.position, startsOn: '2025-09-01', endsOn: '2025-05-01' }],
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('plan.phase_ends_before_start');
    const started = await coordinator.post(`/api/v1/plans/${planId}/next-year`, {
      phases: [
        { position: mobilize!.position, startsOn: '2025-03-10', endsOn: '2025-04-20' },
        { position: execute!.position, startsOn: '2025-04-21', endsOn: '2025-10-31' },
      ],
      deliverables: current.deliverables
        .filter((entry) => entry.phaseId === mobilize!.id)
        .map((entry) => ({ fromId: entry.id, dueOn: '2025-04-15' })),
    });
    expect(started.statusCode).toBe(201);
    const next: PlanDetail = (
      await coordinator.get(`/api/v1/plans/${started.json().planId}`)
    ).json();
    expect(next.phases.map((phase) => [phase.startsOn, phase.endsOn])).toEqual([
      ['2025-03-10', '2025-04-20'],
      ['2025-04-21', '2025-10-31'],
      [`2025${conclude!.startsOn!.slice(4)}`, `2025${conclude!.endsOn!.slice(4)}`],
    ]);
    expect(next.deliverables.find((entry) => entry.kind === 'task_breakdown')!.dueOn).toBe(
      '2025-04-15',
    );
  });
});

describe("the institution's time zone (an organization setting)", () => {
  it('is Asia/Shanghai by default, set by the admin only, and refuses a name that is no zone', async () => {
    const { organization, coordinator } = await setUp();
    expect((await coordinator.get('/api/v1/organization')).json().timeZone).toBe('Asia/Shanghai');
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    expect((await coordinator.patch('/api/v1/organization', { timeZone: 'UTC' })).statusCode).toBe(
      403,
    );
    const wrong = await admin.patch('/api/v1/organization', { timeZone: 'Mars/Olympus' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('organization.invalid_time_zone');
    expect((await admin.get('/api/v1/organization')).json().timeZone).toBe('Asia/Shanghai');
    const set = await admin.patch('/api/v1/organization', { timeZone: 'Asia/Urumqi' });
    expect(set.json().timeZone).toBe('Asia/Urumqi');
    expect((await admin.get('/api/v1/auth/session')).json().organization.timeZone).toBe(
      'Asia/Urumqi',
    );
  });
});
