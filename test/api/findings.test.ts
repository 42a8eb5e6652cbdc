import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  FindingDetail,
  FindingList,
  NextYearPreview,
  StartNextYearResult,
} from '../../src/shared/api/findings';
import type { PlanDetail } from '../../src/shared/api/contracts';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { listOverdueFindings } from '../../src/server/modules/findings/finding.repository';
import { findings as findingsTable } from '../../src/server/modules/findings/finding.table';
import { plans } from '../../src/server/modules/plans/plan.table';
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

async function institutionWithPlan() {
  const { organization, coordinator, planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
  const tree = (await coordinator.get(`/api/v1/plans/${planId}/tree`)).json() as {
    indicators: { children: { items: { id: string; no: number }[] }[] }[];
  };
  const itemIds = new Map(
    tree.indicators
      .flatMap((level1) => level1.children.flatMap((level2) => level2.items))
      .map((item) => [item.no, item.id]),
  );
  const itemOf = (no: number) => itemIds.get(no)!;
  const actions = async () =>
    (
      await t.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.organizationId, organization.id))
        .orderBy(auditLog.id)
    ).map((row) => row.action);
  const create = async (overrides: Record<string, unknown> = {}): Promise<FindingDetail> => {
    const response = await coordinator.post(`/api/v1/plans/${planId}/findings`, {
      title: '民生项目清单未按期验收',
      description: '工会民生项目年底验收滞后',
      kind: 'immediate',
      ownerDepartmentId: idOf('工会'),
      departmentIds: [idOf('人事处')],
      itemIds: [itemOf(39)],
      dueOn: '2024-12-31',
      ...overrides,
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  };
  return { organization, coordinator, planId, idOf, liaisonOf, itemOf, actions, create };
}

const at = (planId: string, finding: { id: string }, path = '') =>
  `/api/v1/plans/${planId}/findings/${finding.id}${path}`;

describe('findings (查摆问题)', () => {
  it("are created by the coordinating office only, naming plan items and the organization's departments", async () => {
    const { planId, coordinator, liaisonOf, idOf, create, itemOf } = await institutionWithPlan();
    const finding = await create();
    expect(finding).toMatchObject({
      no: 1,
      state: 'open',
      kind: 'immediate',
      ownerDepartment: { name: '工会' },
      items: [{ no: 39 }],
      overdue: false,
      version: 1,
      actionCount: 0,
    });
    expect(finding.departments.map((department) => department.name)).toEqual(['工会', '人事处']);
    expect(finding.transitions).toEqual(['update']);
    expect((await create({ title: '第二个问题' })).no).toBe(2);

    const union = await liaisonOf('工会');
    const body = {
      title: 'x',
      kind: 'immediate',
      ownerDepartmentId: idOf('工会'),
      itemIds: [itemOf(39)],
      dueOn: '2024-12-31',
    };
    expect((await union.post(`/api/v1/plans/${planId}/findings`, body)).statusCode).toBe(403);
    const invalid = await coordinator.post(`/api/v1/plans/${planId}/findings`, {
      ...body,
      itemIds: [],
      kind: 'someday',
      dueOn: '31/12/2024',
    });
    expect(
      invalid
        .json()
        .error.issues.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['body.dueOn', 'body.itemIds', 'body.kind']);
    const other = await institutionWithPlan();
    expect(
      (
        await coordinator.post(`/api/v1/plans/${planId}/findings`, {
          ...body,
          ownerDepartmentId: other.idOf('工会'),
        })
      ).json().error.code,
    ).toBe('department.not_found');
    expect(
      (
        await coordinator.post(`/api/v1/plans/${planId}/findings`, {
          ...body,
          itemIds: [other.itemOf(39)],
        })
      ).json().error.code,
    ).toBe('finding.unknown_item');
    expect((await other.coordinator.get(at(planId, finding))).statusCode).toBe(404);
  });

  it('are seen by a liaison only when their department owns them or is named', async () => {
    const { planId, liaisonOf, create, idOf } = await institutionWithPlan();
    const mine = await create();
    await create({
      title: '宣传部的问题',
      ownerDepartmentId: idOf('党委宣传部'),
      departmentIds: [],
    });
    const union = await liaisonOf('工会');
    const personnel = await liaisonOf('人事处');
    const finance = await liaisonOf('财务处');
    expect(
      ((await union.get(`/api/v1/plans/${planId}/findings`)).json() as FindingList).rows.map(
        (row) => row.no,
      ),
    ).toEqual([1]);
    expect(
      ((await personnel.get(`/api/v1/plans/${planId}/findings`)).json() as FindingList).rows.map(
        (row) => row.no,
      ),
    ).toEqual([1]);
    expect(
      ((await finance.get(`/api/v1/plans/${planId}/findings`)).json() as FindingList).rows,
    ).toEqual([]);
    expect((await finance.get(at(planId, mine))).statusCode).toBe(404);
    expect(((await union.get(at(planId, mine))).json() as FindingDetail).transitions).toEqual([
      'record_action',
    ]);
    expect(((await personnel.get(at(planId, mine))).json() as FindingDetail).transitions).toEqual(
      [],
    );
    const notOwner = await personnel.post(at(planId, mine, '/actions'), {
      version: 1,
      text: '配合整改',
    });
    expect(notOwner.statusCode).toBe(403);
    expect(notOwner.json().error).toMatchObject({
      code: 'finding.not_owner',
      params: { department: '工会' },
    });
  });

  it('go round the closed loop through the API: actions by the owner, verification only by the office, reopening with a reason', async () => {
    const { planId, coordinator, liaisonOf, create, actions } = await institutionWithPlan();
    let finding = await create();
    const union = await liaisonOf('工会');

    expect(
      (await coordinator.post(at(planId, finding, '/verify'), { version: 1 })).json().error,
    ).toMatchObject({
      code: 'finding.transition_refused',
      params: { state: '待整改', action: '核验销号' },
    });
    expect(
      (await coordinator.post(at(planId, finding, '/actions'), { version: 1, text: '代为登记' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await union.post(at(planId, finding, '/request-verification'), { version: 1 })).json().error
        .code,
    ).toBe('finding.transition_refused');

    const evidence = (
      await union.post('/api/v1/evidence/links', {
        title: '验收记录',
        url: 'https://example.edu.cn/acceptance',
      })
    ).json().id as string;
    finding = (
      await union.post(at(planId, finding, '/actions'), {
        version: 1,
        text: '逐项验收民生项目，形成验收报告',
        evidenceIds: [evidence],
      })
    ).json();
    expect(finding).toMatchObject({
      state: 'in_progress',
      version: 2,
      actionCount: 1,
      actions: [
        { text: '逐项验收民生项目，形成验收报告', evidenceIds: [evidence], departmentName: '工会' },
      ],
    });
    const stale = await union.post(at(planId, finding, '/actions'), {
      version: 1,
      text: '重复提交',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'finding.version_conflict',
      params: { version: 2 },
      current: { state: 'in_progress' },
    });

    finding = (
      await union.post(at(planId, finding, '/request-verification'), {
        version: 2,
        comment: '已整改完毕，请核验',
      })
    ).json();
    expect(finding.state).toBe('awaiting_verification');
    const ownerVerifies = await union.post(at(planId, finding, '/verify'), { version: 3 });
    expect(ownerVerifies.statusCode).toBe(403);
    expect(ownerVerifies.json().error.code).toBe('auth.forbidden');
    expect(
      (await union.post(at(planId, finding, '/actions'), { version: 3, text: '补充' })).json().error
        .code,
    ).toBe('finding.transition_refused');

    finding = (
      await coordinator.post(at(planId, finding, '/verify'), { version: 3, note: '验收报告齐全' })
    ).json();
    expect(finding.state).toBe('verified');
    expect(finding.verifiedAt).not.toBeNull();
    expect(
      (await coordinator.post(at(planId, finding, '/reopen'), { version: 4, reason: ' ' }))
        .statusCode,
    ).toBe(400);
    finding = (
      await coordinator.post(at(planId, finding, '/reopen'), {
        version: 4,
        reason: '复查发现两个项目未验收',
      })
    ).json();
    expect(finding).toMatchObject({ state: 'in_progress', verifiedAt: null });
    expect(finding.events.map((event) => [event.action, event.toState])).toEqual([
      ['create', 'open'],
      ['record_action', 'in_progress'],
      ['request_verification', 'awaiting_verification'],
      ['verify', 'verified'],
      ['reopen', 'in_progress'],
    ]);
    expect(finding.events.at(-1)!.comment).toBe('复查发现两个项目未验收');
    expect((await actions()).filter((action) => action.startsWith('finding.'))).toEqual([
      'finding.create',
      'finding.record_action',
      'finding.request_verification',
      'finding.verify',
      'finding.reopen',
    ]);
  });

  it('are late when still open after the due date by the Beijing calendar, and filter by state, kind, department and lateness', async () => {
    const { planId, organization, create, idOf } = await institutionWithPlan();
    const due = await create({ dueOn: '2024-04-22' });
    await create({
      title: '宣传阵地管理',
      kind: 'carried_over',
      ownerDepartmentId: idOf('党委宣传部'),
      departmentIds: [],
      dueOn: '2025-06-30',
    });
    t.clock.set('2024-04-22T15:59:00Z');
    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    expect(
      (await coordinator.get(`/api/v1/plans/${planId}/findings?overdue=true`)).json().rows,
    ).toEqual([]);
    expect(await listOverdueFindings(t.db, organization.id, planId, '2024-04-22')).toEqual([]);
    t.clock.set('2024-04-22T16:00:00Z');
    const late: FindingList = (
      await coordinator.get(`/api/v1/plans/${planId}/findings?overdue=true`)
    ).json();
    expect(late).toMatchObject({ today: '2024-04-23', rows: [{ id: due.id, overdue: true }] });
    expect(await listOverdueFindings(t.db, organization.id, planId, '2024-04-23')).toEqual([
      expect.objectContaining({
        id: due.id,
        no: 1,
        dueOn: '2024-04-22',
        ownerDepartmentName: '工会',
        state: 'open',
      }),
    ]);
    expect(
      (
        (
          await coordinator.get(`/api/v1/plans/${planId}/findings?kind=carried_over`)
        ).json() as FindingList
      ).rows.map((row) => row.no),
    ).toEqual([2]);
    expect(
      (
        (
          await coordinator.get(`/api/v1/plans/${planId}/findings?departmentId=${idOf('人事处')}`)
        ).json() as FindingList
      ).rows.map((row) => row.no),
    ).toEqual([1]);
    expect(
      (
        (
          await coordinator.get(`/api/v1/plans/${planId}/findings?state=verified`)
        ).json() as FindingList
      ).rows,
    ).toEqual([]);
    t.clock.set('2024-04-22T02:00:00Z');
  });
});

describe("starting next year's plan (开启下一年度)", () => {
  async function closeLoop(
    planId: string,
    coordinator: SignedInClient,
    owner: SignedInClient,
    finding: FindingDetail,
  ) {
    const acted: FindingDetail = (
      await owner.post(at(planId, finding, '/actions'), {
        version: finding.version,
        text: '已整改',
      })
    ).json();
    return (
      await coordinator.post(at(planId, finding, '/verify'), { version: acted.version })
    ).json() as FindingDetail;
  }

  it('refuses while an immediate finding is open, then copies the plan and brings every open carried-over finding along', async () => {
    const { planId, coordinator, liaisonOf, create, idOf, organization, actions } =
      await institutionWithPlan();
    const union = await liaisonOf('工会');
    const openImmediate = await create({ title: '立行立改：慰问制度不健全' });
    const closedImmediate = await closeLoop(
      planId,
      coordinator,
      union,
      await create({ title: '立行立改：已整改' }),
    );
    const carriedOpen = await create({
      title: '下年度：教师关爱体系',
      kind: 'carried_over',
      dueOn: '2024-11-30',
    });
    const carriedAwaiting = await create({ title: '下年度：青年教师成长营', kind: 'carried_over' });
    const acted: FindingDetail = (
      await union.post(at(planId, carriedAwaiting, '/actions'), { version: 1, text: '制定方案' })
    ).json();
    await union.post(at(planId, carriedAwaiting, '/request-verification'), {
      version: acted.version,
    });
    const carriedClosed = await closeLoop(
      planId,
      coordinator,
      union,
      await create({ title: '下年度：已提前完成', kind: 'carried_over' }),
    );
    const before = await t.db
      .select({ id: plans.id })
      .from(plans)
      .where(eq(plans.organizationId, organization.id));

    const preview: NextYearPreview = (
      await coordinator.get(`/api/v1/plans/${planId}/next-year`)
    ).json();
    expect(preview).toMatchObject({
      cycleYear: 2025,
      existingPlanId: null,
      plan: { cycleYear: 2024 },
    });
    expect(preview.carried.map((finding) => finding.id)).toEqual([
      carriedOpen.id,
      carriedAwaiting.id,
    ]);
    expect(preview.blocking.map((finding) => finding.id)).toEqual([openImmediate.id]);
    expect((await union.get(`/api/v1/plans/${planId}/next-year`)).statusCode).toBe(403);
    expect((await union.post(`/api/v1/plans/${planId}/next-year`, {})).statusCode).toBe(403);

    const refused = await coordinator.post(`/api/v1/plans/${planId}/next-year`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'nextYear.open_immediate',
      params: { count: 1 },
    });
    expect(refused.json().error.message).toContain('立行立改：慰问制度不健全');
    expect(refused.json().error.current.blocking).toHaveLength(1);
    expect(
      (
        await coordinator.post(`/api/v1/plans/${planId}/next-year`, {
          carryOver: [closedImmediate.id],
        })
      ).json().error.code,
    ).toBe('nextYear.unknown_finding');
    expect(
      await t.db
        .select({ id: plans.id })
        .from(plans)
        .where(eq(plans.organizationId, organization.id)),
    ).toEqual(before);
    expect(((await coordinator.get(at(planId, openImmediate))).json() as FindingDetail).state).toBe(
      'open',
    );

    const started = await coordinator.post(`/api/v1/plans/${planId}/next-year`, {
      carryOver: [openImmediate.id],
    });
    expect(started.statusCode).toBe(201);
    const result: StartNextYearResult = started.json();
    expect(result.cycleYear).toBe(2025);
    expect(result.carried.map((entry) => entry.fromFindingId).sort()).toEqual(
      [openImmediate.id, carriedOpen.id, carriedAwaiting.id].sort(),
    );

    const source: PlanDetail = (await coordinator.get(`/api/v1/plans/${planId}`)).json();
    const copy: PlanDetail = (await coordinator.get(`/api/v1/plans/${result.planId}`)).json();
    expect(copy).toMatchObject({
      cycleYear: 2025,
      standardId: source.standardId,
      title: source.title,
      counts: source.counts,
    });
    expect(copy.phases.map((phase) => [phase.kind, phase.startsOn, phase.endsOn])).toEqual(
      source.phases.map((phase) => [
        phase.kind,
        phase.startsOn && `${Number(phase.startsOn.slice(0, 4)) + 1}${phase.startsOn.slice(4)}`,
        phase.endsOn && `${Number(phase.endsOn.slice(0, 4)) + 1}${phase.endsOn.slice(4)}`,
      ]),
    );
    expect(
      copy.deliverables.find((deliverable) => deliverable.kind === 'task_breakdown')!.dueOn,
    ).toBe('2025-04-30');
    expect(copy.deliverables).toHaveLength(source.deliverables.length);
    const [sourceRow] = await t.db.select().from(plans).where(eq(plans.id, planId));
    const [copyRow] = await t.db.select().from(plans).where(eq(plans.id, result.planId));
    expect(copyRow!.fingerprint).not.toBe(sourceRow!.fingerprint);
    const unionBreakdown = (
      await union.get(`/api/v1/plans/${result.planId}/breakdowns/${idOf('工会')}`)
    ).json();
    expect(
      unionBreakdown.indicators.flatMap((level1: { children: { items: { no: number }[] }[] }) =>
        level1.children.flatMap((level2) => level2.items.map((item) => item.no)),
      ),
    ).toEqual([8, 39]);

    // Nothing dropped silently: every finding of the old plan is verified, or carried over into one of the new plan.
    const old = await t.db.select().from(findingsTable).where(eq(findingsTable.planId, planId));
    const carriedInto = await t.db
      .select()
      .from(findingsTable)
      .where(eq(findingsTable.planId, result.planId));
    for (const finding of old) {
      if (finding.state === 'verified') continue;
      expect(finding.state).toBe('carried_over');
      const next = carriedInto.find((candidate) => candidate.id === finding.carriedToFindingId)!;
      expect(next).toMatchObject({
        originFindingId: finding.id,
        title: finding.title,
        kind: 'carried_over',
        state: 'open',
        ownerDepartmentId: finding.ownerDepartmentId,
        itemIds: finding.itemIds,
      });
    }
    expect(
      old
        .filter((finding) => finding.state === 'verified')
        .map((finding) => finding.id)
        .sort(),
    ).toEqual([closedImmediate.id, carriedClosed.id].sort());
    expect(carriedInto).toHaveLength(3);
    expect(carriedInto.find((finding) => finding.originFindingId === carriedOpen.id)!.dueOn).toBe(
      '2025-11-30',
    );

    const origin: FindingDetail = (await coordinator.get(at(planId, openImmediate))).json();
    expect(origin).toMatchObject({
      state: 'carried_over',
      transitions: [],
      carriedTo: { planId: result.planId, cycleYear: 2025 },
    });
    expect(
      (
        await union.post(at(planId, openImmediate, '/actions'), {
          version: origin.version,
          text: '继续整改',
        })
      ).json().error.code,
    ).toBe('finding.transition_refused');
    expect(
      (
        await coordinator.request({
          method: 'PATCH',
          url: at(planId, openImmediate),
          payload: { version: origin.version, title: '改名' },
        })
      ).json().error.code,
    ).toBe('finding.transition_refused');
    const arrived: FindingDetail = (
      await union.get(at(result.planId, { id: origin.carriedTo!.id }))
    ).json();
    expect(arrived).toMatchObject({
      origin: { id: openImmediate.id, cycleYear: 2024 },
      transitions: ['record_action'],
    });
    expect(arrived.events[0]!.comment).toContain('2024 年度问题');

    expect(
      (await coordinator.post(`/api/v1/plans/${planId}/next-year`, {})).json().error,
    ).toMatchObject({ code: 'nextYear.exists', params: { year: 2025 } });
    expect(
      ((await coordinator.get(`/api/v1/plans/${planId}/next-year`)).json() as NextYearPreview)
        .existingPlanId,
    ).toBe(result.planId);
    const log = await actions();
    expect(log.filter((action) => action === 'finding.carry_over')).toHaveLength(3);
    expect(log.filter((action) => action === 'plan.start_next_year')).toHaveLength(1);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.organizationId, organization.id),
          eq(auditLog.action, 'plan.start_next_year'),
        ),
      );
    expect(entry!.after).toMatchObject({
      fromPlanId: planId,
      cycleYear: 2025,
      carried: 3,
      leftClosed: 2,
    });
  });

  it('starts at once when no finding is open, and the copy can itself roll forward', async () => {
    const { planId, coordinator } = await institutionWithPlan();
    const first: StartNextYearResult = (
      await coordinator.post(`/api/v1/plans/${planId}/next-year`, {})
    ).json();
    expect(first).toMatchObject({ cycleYear: 2025, carried: [] });
    const second = await coordinator.post(`/api/v1/plans/${first.planId}/next-year`, {});
    expect(second.statusCode).toBe(201);
    expect(second.json().cycleYear).toBe(2026);
  });
});
