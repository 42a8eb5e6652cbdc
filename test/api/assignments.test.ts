import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemAssignments } from '../../src/shared/api/assignments';
import type { DepartmentGroupView, DepartmentView, PlanTree } from '../../src/shared/api/contracts';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import {
  createInstitution,
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** An institution with the seed plan, its coordinator, and lookups by name and item number. */
async function institutionWithPlan() {
  const {
    organization,
    coordinator,
    planId,
    idOf: departmentId,
    liaisonOf,
  } = await institutionWithSeedPlan(t);
  const tree = async (): Promise<PlanTree> =>
    (await coordinator.get(`/api/v1/plans/${planId}/tree`)).json();
  const first = await tree();
  const items = first.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  );
  const itemId = (no: number) => items.find((item) => item.no === no)!.id;
  const group = (name: string) => first.groups.find((candidate) => candidate.name === name)!;
  const assignmentsOf = async (no: number) =>
    (await tree()).indicators
      .flatMap((l1) => l1.children.flatMap((l2) => l2.items))
      .find((item) => item.no === no)!.assignments;
  return {
    organization,
    coordinator,
    planId,
    itemId,
    departmentId,
    group,
    assignmentsOf,
    liaisonOf,
  };
}

describe('the assignment matrix', () => {
  it('adds a department to an item, changes its role and takes it off again, audited', async () => {
    const { coordinator, planId, itemId, departmentId, assignmentsOf, organization } =
      await institutionWithPlan();
    const url = `/api/v1/plans/${planId}/items/${itemId(39)}/assignments`;
    const added = await coordinator.request({
      method: 'PUT',
      url,
      payload: { departmentId: departmentId('教务处'), role: 'support' },
    });
    expect(added.statusCode).toBe(200);
    expect(
      (added.json() as ItemAssignments).assignments.map((entry) => [entry.name, entry.role]),
    ).toEqual([
      ['工会', 'lead'],
      ['教务处', 'support'],
    ]);
    const promoted = await coordinator.request({
      method: 'PUT',
      url,
      payload: { departmentId: departmentId('教务处'), role: 'lead' },
    });
    expect((promoted.json() as ItemAssignments).assignments.map((entry) => entry.role)).toEqual([
      'lead',
      'lead',
    ]);
    const removed = await coordinator.request({
      method: 'PUT',
      url,
      payload: { departmentId: departmentId('教务处'), role: null },
    });
    expect((removed.json() as ItemAssignments).assignments.map((entry) => entry.name)).toEqual([
      '工会',
    ]);
    expect((await assignmentsOf(39)).map((entry) => entry.name)).toEqual(['工会']);
    const auditor = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'auditor')).username,
    );
    const audit = (await auditor.get('/api/v1/audit?entityType=assignment')).json().entries as {
      action: string;
    }[];
    expect(audit.map((entry) => entry.action)).toEqual([
      'assignment.delete',
      'assignment.update',
      'assignment.create',
    ]);
  });

  it('gives the liaison the new item at once, and refuses to take it off once it has measures', async () => {
    const { coordinator, planId, itemId, departmentId, liaisonOf } = await institutionWithPlan();
    const url = `/api/v1/plans/${planId}/items/${itemId(1)}/assignments`;
    await coordinator.request({
      method: 'PUT',
      url,
      payload: { departmentId: departmentId('工会'), role: 'support' },
    });
    const union = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/breakdowns/${departmentId('工会')}`;
    const view = (await union.get(base)).json() as BreakdownView;
    const numbers = view.indicators.flatMap((l1) =>
      l1.children.flatMap((l2) => l2.items.map((item) => item.no)),
    );
    expect(numbers).toEqual([1, 8, 39]);
    expect(
      (
        await union.post(`${base}/measures`, {
          itemId: itemId(1),
          text: '工会参与党委会议题准备',
          deadline: { kind: 'yearly', dueOn: '2024-12-31' },
        })
      ).statusCode,
    ).toBe(201);
    const refused = await coordinator.request({
      method: 'PUT',
      url,
      payload: { departmentId: departmentId('工会'), role: null },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'assignment.orphans_measures',
      params: { department: '工会', no: 1, count: 1 },
    });
    expect(refused.json().error.message).toContain('工会');
  });

  it('resolves a placeholder on one item into chosen departments, keeping its role', async () => {
    const { coordinator, planId, itemId, departmentId, group, assignmentsOf } =
      await institutionWithPlan();
    const placeholder = group('相关职能部门');
    const before = await assignmentsOf(38);
    const placeholderRole = before.find((entry) => entry.groupId === placeholder.id)!.role;
    const response = await coordinator.post(
      `/api/v1/plans/${planId}/groups/${placeholder.id}/resolve`,
      {
        itemIds: [itemId(38)],
        departmentIds: [departmentId('工会'), departmentId('人事处')],
      },
    );
    expect(response.statusCode).toBe(200);
    // 人事处 already answers for item 38 and keeps its own role; only 工会 is new.
    expect(response.json()).toEqual({ replaced: 1, created: 1 });
    const after = await assignmentsOf(38);
    expect(after.some((entry) => entry.groupId === placeholder.id)).toBe(false);
    expect(after.find((entry) => entry.name === '工会')).toMatchObject({
      role: placeholderRole,
      targetKind: 'department',
    });
    expect(after.find((entry) => entry.name === '人事处')!.role).toBe(
      before.find((entry) => entry.name === '人事处')!.role,
    );
  });

  it('refuses to resolve a group on an item it is not on, and changes nothing', async () => {
    const { coordinator, planId, itemId, departmentId, group, assignmentsOf } =
      await institutionWithPlan();
    const placeholder = group('相关职能部门');
    const before = await assignmentsOf(38);
    const response = await coordinator.post(
      `/api/v1/plans/${planId}/groups/${placeholder.id}/resolve`,
      {
        itemIds: [itemId(38), itemId(1)],
        departmentIds: [departmentId('工会')],
      },
    );
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({
      code: 'assignment.group_not_assigned',
      params: { group: '相关职能部门', no: 1 },
    });
    expect(await assignmentsOf(38)).toEqual(before);
  });

  it('expands 各教学单位 into the teaching units chosen, and refuses to drop one that has written measures', async () => {
    const { coordinator, planId, itemId, departmentId, group, liaisonOf, assignmentsOf } =
      await institutionWithPlan();
    const created = await coordinator.post('/api/v1/departments/batch', {
      names: ['文学院', '理学院'],
      kind: 'teaching',
    });
    expect(created.statusCode).toBe(201);
    const [arts, science] = created.json() as DepartmentView[];
    const teachingUnits = group('各教学单位');
    const groups = (
      await coordinator.get('/api/v1/department-groups')
    ).json() as DepartmentGroupView[];
    expect(groups.find((candidate) => candidate.id === teachingUnits.id)!.memberIds).toEqual(
      expect.arrayContaining([arts!.id, science!.id, departmentId('马克思主义学院')]),
    );

    const marxism = await liaisonOf('马克思主义学院');
    const base = `/api/v1/plans/${planId}/breakdowns/${departmentId('马克思主义学院')}`;
    expect(
      (
        await marxism.post(`${base}/measures`, {
          itemId: itemId(9),
          text: '学院党委每学期专题研究教师思政工作',
          deadline: { kind: 'semester', dueOn: '2024-07-15' },
        })
      ).statusCode,
    ).toBe(201);
    const refused = await coordinator.post(
      `/api/v1/plans/${planId}/groups/${teachingUnits.id}/resolve`,
      { departmentIds: [arts!.id, science!.id] },
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'assignment.orphans_measures',
      params: { department: '马克思主义学院', no: 9 },
    });
    expect((await assignmentsOf(9)).some((entry) => entry.groupId === teachingUnits.id)).toBe(true);

    const resolved = await coordinator.post(
      `/api/v1/plans/${planId}/groups/${teachingUnits.id}/resolve`,
      { departmentIds: [arts!.id, science!.id, departmentId('马克思主义学院')] },
    );
    expect(resolved.statusCode).toBe(200);
    const item9 = await assignmentsOf(9);
    expect(item9.some((entry) => entry.groupId === teachingUnits.id)).toBe(false);
    expect(item9.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['文学院', '理学院', '马克思主义学院']),
    );
    const view = (await marxism.get(base)).json() as BreakdownView;
    expect(
      view.indicators
        .flatMap((l1) => l1.children.flatMap((l2) => l2.items))
        .find((item) => item.no === 9)!.viaGroup,
    ).toBeNull();
  });

  it("is the coordinator's: a liaison and a leader are refused, another organization's plan is not found", async () => {
    const { planId, itemId, departmentId, liaisonOf, organization } = await institutionWithPlan();
    const url = `/api/v1/plans/${planId}/items/${itemId(1)}/assignments`;
    const union = await liaisonOf('工会');
    expect(
      (
        await union.request({
          method: 'PUT',
          url,
          payload: { departmentId: departmentId('工会'), role: 'lead' },
        })
      ).statusCode,
    ).toBe(403);
    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    expect(
      (
        await leader.request({
          method: 'PUT',
          url,
          payload: { departmentId: departmentId('工会'), role: 'lead' },
        })
      ).statusCode,
    ).toBe(403);
    const other = await institutionWithPlan();
    const stranger = await other.coordinator.request({
      method: 'PUT',
      url,
      payload: { departmentId: other.departmentId('工会'), role: 'lead' },
    });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().error.code).toBe('plan.not_found');
    const foreignDepartment = await other.coordinator.request({
      method: 'PUT',
      url: `/api/v1/plans/${other.planId}/items/${other.itemId(1)}/assignments`,
      payload: { departmentId: departmentId('工会'), role: 'lead' },
    });
    expect(foreignDepartment.json().error.code).toBe('department.not_found');
  });

  it('needs exactly one of departmentId and groupId, with the path of the problem', async () => {
    const { coordinator, planId, itemId, departmentId, group } = await institutionWithPlan();
    const url = `/api/v1/plans/${planId}/items/${itemId(1)}/assignments`;
    for (const payload of [
      { role: 'lead' },
      { departmentId: departmentId('工会'), groupId: group('各教学单位').id, role: 'lead' },
    ]) {
      const response = await coordinator.request({ method: 'PUT', url, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.issues[0].path).toBe('body.departmentId');
    }
  });
});

describe('managing departments', () => {
  async function coordinatorWith(
    departments: { name: string; kind?: 'functional' | 'teaching' | 'other'; aliases?: string[] }[],
  ) {
    const institution = await createInstitution(t.db, departments);
    const user = await createUser(t.db, institution.organization.id, 'coordinator');
    return { ...institution, client: await signIn(t.app, user.username) };
  }

  it('adds a pasted list of teaching units at once, or none of them when one name is taken', async () => {
    const { client } = await coordinatorWith([{ name: '文学院', kind: 'teaching' }]);
    const refused = await client.post('/api/v1/departments/batch', {
      names: ['理学院', '文学院'],
      kind: 'teaching',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'department.name_taken',
      params: { name: '文学院' },
    });
    expect((await client.get('/api/v1/departments')).json()).toHaveLength(1);
    const created = await client.post('/api/v1/departments/batch', {
      names: ['理学院', '工学院'],
      kind: 'teaching',
    });
    expect(created.statusCode).toBe(201);
    expect(
      (await client.get('/api/v1/departments'))
        .json()
        .map((department: DepartmentView) => department.name),
    ).toEqual(['文学院', '理学院', '工学院']);

    // With skipExisting, the names that exist (and repeats in the list) are left out, the rest added.
    const skipping = await client.post('/api/v1/departments/batch', {
      names: ['文学院', '法学院', '法学院', '理学院'],
      kind: 'teaching',
      skipExisting: true,
    });
    expect(skipping.statusCode, skipping.body).toBe(201);
    expect(skipping.json().map((department: DepartmentView) => department.name)).toEqual([
      '法学院',
    ]);
    const nothingNew = await client.post('/api/v1/departments/batch', {
      names: ['文学院'],
      kind: 'teaching',
      skipExisting: true,
    });
    expect(nothingNew.statusCode).toBe(201);
    expect(nothingNew.json()).toEqual([]);
    expect((await client.get('/api/v1/departments')).json()).toHaveLength(4);
  });

  it('merges a duplicate into the department that stays: names become aliases, work and users move over', async () => {
    const t2 = await institutionWithPlan();
    const created = (
      await t2.coordinator.post('/api/v1/departments', {
        name: '资产处（后勤）',
        kind: 'functional',
      })
    ).json() as DepartmentView;
    await t2.coordinator.request({
      method: 'PUT',
      url: `/api/v1/plans/${t2.planId}/items/${t2.itemId(47)}/assignments`,
      payload: { departmentId: created.id, role: 'lead' },
    });
    await t2.coordinator.request({
      method: 'PUT',
      url: `/api/v1/plans/${t2.planId}/items/${t2.itemId(1)}/assignments`,
      payload: { departmentId: created.id, role: 'support' },
    });
    const liaison = await createUser(t.db, t2.organization.id, 'liaison', {
      departmentId: created.id,
    });
    const departments = (
      await t2.coordinator.get('/api/v1/departments')
    ).json() as DepartmentView[];
    const assets = departments.find((department) => department.name === '资产管理处')!;
    const merged = await t2.coordinator.post(`/api/v1/departments/${created.id}/merge`, {
      intoId: assets.id,
      version: created.version,
      intoVersion: assets.version,
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({
      name: '资产管理处',
      aliases: expect.arrayContaining(['资产处', '资产处（后勤）']),
    });
    const item47 = await t2.assignmentsOf(47);
    expect(item47.filter((entry) => entry.name === '资产管理处')).toEqual([
      expect.objectContaining({ role: 'lead' }),
    ]);
    expect((await t2.assignmentsOf(1)).some((entry) => entry.name === '资产管理处')).toBe(true);
    const users = (await t2.coordinator.get('/api/v1/users')).json() as {
      id: string;
      departmentId: string | null;
    }[];
    expect(users.find((user) => user.id === liaison.id)!.departmentId).toBe(assets.id);
    expect(
      ((await t2.coordinator.get('/api/v1/departments')).json() as DepartmentView[]).some(
        (department) => department.id === created.id,
      ),
    ).toBe(false);
  });

  it('refuses a merge when both have a task breakdown in the same plan, or at a stale version', async () => {
    const t2 = await institutionWithPlan();
    for (const name of ['工会', '教务处']) {
      const liaison = await t2.liaisonOf(name);
      const put = await liaison.request({
        method: 'PUT',
        url: `/api/v1/plans/${t2.planId}/breakdowns/${t2.departmentId(name)}/liaison`,
        payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
      });
      expect(put.statusCode).toBe(200);
    }
    const departments = (
      await t2.coordinator.get('/api/v1/departments')
    ).json() as DepartmentView[];
    const union = departments.find((department) => department.name === '工会')!;
    const academic = departments.find((department) => department.name === '教务处')!;
    const clash = await t2.coordinator.post(`/api/v1/departments/${union.id}/merge`, {
      intoId: academic.id,
      version: union.version,
      intoVersion: academic.version,
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('department.merge_conflict');
    const stale = await t2.coordinator.post(`/api/v1/departments/${union.id}/merge`, {
      intoId: academic.id,
      version: union.version + 1,
      intoVersion: academic.version,
    });
    expect(stale.json().error.code).toBe('department.version_conflict');
    const self = await t2.coordinator.post(`/api/v1/departments/${union.id}/merge`, {
      intoId: union.id,
      version: union.version,
      intoVersion: union.version,
    });
    expect(self.json().error.code).toBe('department.merge_same');
    expect((await t2.coordinator.get('/api/v1/departments')).json()).toEqual(departments);
  });

  it('merges the records of later phases too, and refuses when both already have the same one', async () => {
    const t2 = await institutionWithPlan();
    const summary = (departmentId: string) =>
      t2.coordinator.request({
        method: 'PUT',
        url: `/api/v1/plans/${t2.planId}/conclusion/${departmentId}/summary`,
        payload: {
          version: 0,
          highlights: '亮点',
          results: '成效',
          cases: '案例',
          evidenceIds: [],
        },
      });
    expect((await summary(t2.departmentId('保卫处'))).statusCode).toBe(200);
    const departments = (
      await t2.coordinator.get('/api/v1/departments')
    ).json() as DepartmentView[];
    const of = (name: string) => departments.find((department) => department.name === name)!;
    // 保卫处's summary moves with it into 团委, which has none.
    const moved = await t2.coordinator.post(`/api/v1/departments/${of('保卫处').id}/merge`, {
      intoId: of('团委').id,
      version: of('保卫处').version,
      intoVersion: of('团委').version,
    });
    expect(moved.statusCode).toBe(200);
    const summaries = (await t2.coordinator.get(`/api/v1/plans/${t2.planId}/summaries`)).json() as {
      rows: { department: { name: string } }[];
    };
    expect(JSON.stringify(summaries)).toContain('团委');
    // Now 团委 and 工会 both have one: merging them would have to drop one, so it is refused.
    expect((await summary(t2.departmentId('工会'))).statusCode).toBe(200);
    const after = (await t2.coordinator.get('/api/v1/departments')).json() as DepartmentView[];
    const league = after.find((department) => department.name === '团委')!;
    const union = after.find((department) => department.name === '工会')!;
    const overlap = await t2.coordinator.post(`/api/v1/departments/${league.id}/merge`, {
      intoId: union.id,
      version: league.version,
      intoVersion: union.version,
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error).toMatchObject({
      code: 'department.merge_overlap',
      params: { source: '团委', target: '工会' },
    });
    expect((await t2.coordinator.get('/api/v1/departments')).json()).toEqual(after);
  });

  it('refuses to delete a department a later record still names, with the usual message', async () => {
    const t2 = await institutionWithPlan();
    const spare = (
      await t2.coordinator.post('/api/v1/departments', { name: '临时部门', kind: 'other' })
    ).json() as DepartmentView;
    const finding = await t2.coordinator.post(`/api/v1/plans/${t2.planId}/findings`, {
      title: '临时问题',
      kind: 'immediate',
      ownerDepartmentId: spare.id,
      itemIds: [t2.itemId(39)],
      dueOn: '2024-12-31',
    });
    expect(finding.statusCode).toBe(201);
    const refused = await t2.coordinator.request({
      method: 'DELETE',
      url: `/api/v1/departments/${spare.id}?version=${spare.version}`,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'department.in_use',
      params: { name: '临时部门' },
    });
  });

  it('deletes only a department nothing points at', async () => {
    const t2 = await institutionWithPlan();
    const departments = (
      await t2.coordinator.get('/api/v1/departments')
    ).json() as DepartmentView[];
    const union = departments.find((department) => department.name === '工会')!;
    const inUse = await t2.coordinator.request({
      method: 'DELETE',
      url: `/api/v1/departments/${union.id}?version=${union.version}`,
    });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error).toMatchObject({
      code: 'department.in_use',
      params: { name: '工会', assignments: 2, users: 0, submissions: 0 },
    });
    const spare = (
      await t2.coordinator.post('/api/v1/departments', { name: '临时部门', kind: 'other' })
    ).json() as DepartmentView;
    expect(
      (
        await t2.coordinator.request({
          method: 'DELETE',
          url: `/api/v1/departments/${spare.id}?version=${spare.version}`,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      ((await t2.coordinator.get('/api/v1/departments')).json() as DepartmentView[]).map(
        (department) => department.id,
      ),
    ).not.toContain(spare.id);
  });
});
