import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ComplianceView,
  ConfirmManyResult,
  DepartmentObligations,
  ObligationView,
  OccurrenceView,
} from '../../src/shared/api/obligations';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { departments as departmentsTable } from '../../src/server/modules/departments/department.table';
import { listMissingOccurrences } from '../../src/server/modules/obligations/obligation.service';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  seedPlanFile,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** An institution with the seed plan imported and its obligations proposed. */
async function institutionWithProposals(at = '2024-04-22T02:00:00Z') {
  t.clock.set(at);
  const { organization } = await createInstitution(t.db);
  const coordinator = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'coordinator')).username,
  );
  const { payload, headers } = multipartFile('plan.txt', await readFile(seedPlanFile));
  const planId: string = (
    await coordinator.request({ method: 'POST', url: '/api/v1/imports/plan', payload, headers })
  ).json().planId;
  const proposed = await coordinator.post(`/api/v1/plans/${planId}/obligations/propose`);
  expect(proposed.statusCode).toBe(200);
  const departments = await t.db
    .select()
    .from(departmentsTable)
    .where(eq(departmentsTable.organizationId, organization.id));
  const department = (name: string) => departments.find((candidate) => candidate.name === name)!;
  const liaisonOf = async (name: string) =>
    signIn(
      t.app,
      (await createUser(t.db, organization.id, 'liaison', { departmentId: department(name).id }))
        .username,
    );
  const list = async (): Promise<ObligationView[]> =>
    (await coordinator.get(`/api/v1/plans/${planId}/obligations`)).json().obligations;
  const of = async (no: number, phrase?: string) =>
    (await list()).find(
      (entry) => entry.item.no === no && (!phrase || entry.source?.phrase.includes(phrase)),
    )!;
  return {
    organization,
    coordinator,
    planId,
    proposedBody: proposed.json(),
    departments,
    department,
    liaisonOf,
    list,
    of,
  };
}

/** Every proposal of the seed, by item: the unit test's table, counted. */
const seedProposalCount = 18;

describe('proposing obligations for a plan', () => {
  it('records what the items say, with the scope their assignment implies', async () => {
    const { proposedBody, list } = await institutionWithProposals();
    expect(proposedBody).toMatchObject({ created: seedProposalCount, existing: 0 });
    const all = await list();
    expect(all).toHaveLength(seedProposalCount);
    expect(all.every((entry) => entry.status === 'proposed')).toBe(true);
    const rows = all.map((entry) => [
      entry.item.no,
      entry.kind,
      entry.period,
      entry.minimumCount ?? entry.targetPercent,
      entry.source?.phrase,
    ]);
    expect(rows).toContainEqual([2, 'frequency', 'semester', 1, '每学期至少专题研究1次']);
    expect(rows).toContainEqual([3, 'frequency', 'semester', 1, '每学期至少召开1次']);
    expect(rows).toContainEqual([
      3,
      'frequency',
      null,
      null,
      '定期编制教师思想政治工作和师德师风建设规划',
    ]);
    expect(rows).toContainEqual([5, 'frequency', 'year', 1, '每年至少向党委常委会汇报1次']);
    expect(rows).toContainEqual([49, 'frequency', 'month', 1, '每月开展1次']);
    expect(rows).toContainEqual([15, 'coverage', 'year', 100, '年度教师党员发展计划100%完成']);
    expect([...new Set(all.map((entry) => entry.item.no))]).toEqual([
      2, 3, 5, 10, 15, 16, 21, 24, 36, 43, 46, 49, 52, 53, 54,
    ]);

    const item2 = all.find((entry) => entry.item.no === 2)!;
    expect(item2).toMatchObject({
      scope: 'institution',
      needsConfirmation: false,
      countedByReadings: false,
      departments: [{ name: '党政办公室', role: 'lead' }],
    });
    expect(item2.item.content.slice(item2.source!.start, item2.source!.end)).toBe(
      item2.source!.phrase,
    );
    const item49 = all.find((entry) => entry.item.no === 49)!;
    expect(item49.scope).toBe('each_department');
    expect(item49.departments.length).toBeGreaterThan(1);
    expect(
      all.find((entry) => entry.item.no === 36 && entry.population === '青年教师'),
    ).toMatchObject({ countedByReadings: true });
  });

  it('is idempotent and never overwrites what the coordinator decided', async () => {
    const { coordinator, planId, of, list } = await institutionWithProposals();
    const item2 = await of(2);
    const item10 = await of(10);
    expect(
      (
        await coordinator.patch(`/api/v1/plans/${planId}/obligations/${item2.id}`, {
          version: item2.version,
          status: 'confirmed',
          minimumCount: 2,
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await coordinator.patch(`/api/v1/plans/${planId}/obligations/${item10.id}`, {
          version: item10.version,
          status: 'dismissed',
        })
      ).statusCode,
    ).toBe(200);
    const again = await coordinator.post(`/api/v1/plans/${planId}/obligations/propose`);
    expect(again.json()).toMatchObject({ created: 0, existing: seedProposalCount });
    const after = await list();
    expect(after).toHaveLength(seedProposalCount);
    expect(after.find((entry) => entry.id === item2.id)).toMatchObject({
      status: 'confirmed',
      minimumCount: 2,
      version: 2,
    });
    expect(after.find((entry) => entry.id === item10.id)).toMatchObject({
      status: 'dismissed',
      version: 2,
    });
  });

  it('is for the coordinating office only', async () => {
    const { planId, liaisonOf } = await institutionWithProposals();
    const liaison = await liaisonOf('党政办公室');
    expect((await liaison.post(`/api/v1/plans/${planId}/obligations/propose`)).statusCode).toBe(
      403,
    );
    expect((await liaison.get(`/api/v1/plans/${planId}/obligations`)).statusCode).toBe(403);
  });
});

describe('confirming and editing', () => {
  it('needs the numbers before confirming, and refuses a stale version with the current record', async () => {
    const { coordinator, planId, of, organization, liaisonOf } = await institutionWithProposals();
    const regularly = await of(3, '定期');
    const url = `/api/v1/plans/${planId}/obligations/${regularly.id}`;
    const incomplete = await coordinator.patch(url, { version: 1, status: 'confirmed' });
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.json().error.code).toBe('obligation.incomplete');
    expect((await of(3, '定期')).version).toBe(1);

    const confirmed = await coordinator.patch(url, {
      version: 1,
      status: 'confirmed',
      period: 'year',
      minimumCount: 1,
      scope: 'institution',
      note: '每年编制一次',
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({
      status: 'confirmed',
      period: 'year',
      minimumCount: 1,
      needsConfirmation: false,
      version: 2,
      note: '每年编制一次',
    });

    const stale = await coordinator.patch(url, { version: 1, minimumCount: 3 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'obligation.version_conflict',
      params: { version: 2 },
      current: { version: 2, minimumCount: 1 },
    });
    expect((await of(3, '定期')).minimumCount).toBe(1);

    const badShare = await coordinator.patch(url, {
      version: 2,
      kind: 'coverage',
      status: 'confirmed',
    });
    expect(badShare.json().error.code).toBe('obligation.incomplete');
    const asShare = await coordinator.patch(url, {
      version: 2,
      kind: 'coverage',
      targetPercent: 90,
      population: '教师',
    });
    expect(asShare.json()).toMatchObject({
      kind: 'coverage',
      minimumCount: null,
      targetPercent: 90,
      countedByReadings: true,
      version: 3,
    });

    const liaison = await liaisonOf('党委教师工作部');
    expect((await liaison.patch(url, { version: 3, status: 'dismissed' })).statusCode).toBe(403);

    const actions = (
      await t.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(
          and(eq(auditLog.organizationId, organization.id), eq(auditLog.entityId, regularly.id)),
        )
    ).map((row) => row.action);
    expect(actions).toEqual(['obligation.confirm', 'obligation.update']);
  });

  it('adds an obligation by hand, confirmed, and refuses an incomplete one', async () => {
    const { coordinator, planId, of } = await institutionWithProposals();
    const itemId = (await of(2)).item.id;
    const added = await coordinator.post(`/api/v1/plans/${planId}/obligations`, {
      itemId,
      kind: 'frequency',
      period: 'year',
      minimumCount: 1,
      scope: 'institution',
      note: '听取年度教师思想政治工作情况汇报',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      status: 'confirmed',
      source: null,
      period: 'year',
      version: 1,
    });
    const bad = await coordinator.post(`/api/v1/plans/${planId}/obligations`, {
      itemId,
      kind: 'frequency',
      period: 'year',
      scope: 'institution',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'body.minimumCount',
    ]);
    const unknownItem = await coordinator.post(`/api/v1/plans/${planId}/obligations`, {
      itemId: randomUUID(),
      kind: 'coverage',
      period: 'year',
      targetPercent: 100,
      scope: 'institution',
    });
    expect(unknownItem.json().error.code).toBe('item.not_found');
  });
});

describe('occurrences', () => {
  it('are recorded by a department for the items it answers for, and only its own', async () => {
    const { coordinator, planId, of, department, liaisonOf } =
      await institutionWithProposals('2024-06-10T02:00:00Z');
    const monthly = await of(49);
    const base = `/api/v1/plans/${planId}/obligations/${monthly.id}/occurrences`;
    const marxism = await liaisonOf('马克思主义学院');
    const record = (client: typeof marxism, body: Record<string, unknown>) =>
      client.post(base, {
        departmentId: department('马克思主义学院').id,
        occurredOn: '2024-05-06',
        description: '教工党支部集中学习',
        ...body,
      });

    const unconfirmed = await record(marxism, {});
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.json().error.code).toBe('obligation.not_confirmed');
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${monthly.id}`, {
      version: monthly.version,
      status: 'confirmed',
    });

    const recorded = await record(marxism, {});
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({
      department: { name: '马克思主义学院' },
      occurredOn: '2024-05-06',
      evidenceIds: [],
      achieved: null,
    });

    const otherUnit =
      department('马克思主义学院').id === monthly.departments[0]!.id
        ? monthly.departments[1]!
        : monthly.departments[0]!;
    expect((await record(marxism, { departmentId: otherUnit.id })).statusCode).toBe(403);
    const academic = await liaisonOf('教务处');
    const notMine = await record(academic, { departmentId: department('教务处').id });
    expect(notMine.statusCode).toBe(422);
    expect(notMine.json().error).toMatchObject({
      code: 'obligation.not_assigned',
      params: { no: 49, department: '教务处' },
    });
    expect((await record(coordinator, { departmentId: otherUnit.id })).statusCode).toBe(201);

    const future = await record(marxism, { occurredOn: '2024-06-11' });
    expect(future.json().error).toMatchObject({
      code: 'occurrence.future',
      params: { today: '2024-06-10' },
    });
    expect((await record(marxism, { occurredOn: '2024-02-30' })).statusCode).toBe(400);
    expect((await record(marxism, { achieved: 3, outOf: 4 })).json().error.code).toBe(
      'occurrence.share_not_applicable',
    );
    const foreignEvidence = await record(marxism, { evidenceIds: [randomUUID()] });
    expect(foreignEvidence.json().error.code).toBe('evidence.not_found');

    const mine: OccurrenceView[] = (await marxism.get(`/api/v1/plans/${planId}/occurrences`)).json()
      .occurrences;
    expect(mine.map((entry) => entry.department.name)).toEqual(['马克思主义学院']);
    expect(
      (await marxism.get(`/api/v1/plans/${planId}/occurrences?departmentId=${otherUnit.id}`))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await coordinator.get(`/api/v1/plans/${planId}/occurrences?obligationId=${monthly.id}`)
      ).json().occurrences,
    ).toHaveLength(2);

    const othersRecord = (
      await coordinator.get(`/api/v1/plans/${planId}/occurrences?departmentId=${otherUnit.id}`)
    ).json().occurrences[0];
    expect(
      (
        await marxism.request({
          method: 'DELETE',
          url: `/api/v1/plans/${planId}/occurrences/${othersRecord.id}`,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await marxism.request({
          method: 'DELETE',
          url: `/api/v1/plans/${planId}/occurrences/${recorded.json().id}`,
        })
      ).statusCode,
    ).toBe(204);
    expect((await marxism.get(`/api/v1/plans/${planId}/occurrences`)).json().occurrences).toEqual(
      [],
    );
  });

  it('of a share carry how many reached it out of how many', async () => {
    const { coordinator, planId, of, department, liaisonOf } =
      await institutionWithProposals('2024-06-10T02:00:00Z');
    const eachYoung = (await coordinator.get(`/api/v1/plans/${planId}/obligations`))
      .json()
      .obligations.find(
        (entry: ObligationView) => entry.population === '青年教师',
      ) as ObligationView;
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${eachYoung.id}`, {
      version: eachYoung.version,
      status: 'confirmed',
      scope: 'each_department',
    });
    const personnel = await liaisonOf('党委教师工作部');
    const base = `/api/v1/plans/${planId}/obligations/${eachYoung.id}/occurrences`;
    const body = {
      departmentId: department('党委教师工作部').id,
      occurredOn: '2024-05-20',
      description: '青年教师国情研修',
    };
    expect((await personnel.post(base, body)).json().error.code).toBe('occurrence.share_required');
    expect((await personnel.post(base, { ...body, achieved: 5, outOf: 4 })).statusCode).toBe(400);
    expect((await personnel.post(base, { ...body, achieved: 30, outOf: 32 })).statusCode).toBe(201);
    const compliance: ComplianceView = (
      await personnel.get(
        `/api/v1/plans/${planId}/obligations/compliance?obligationId=${eachYoung.id}`,
      )
    ).json();
    expect(compliance.rows).toHaveLength(1);
    expect(compliance.rows[0]!.periods[0]).toMatchObject({
      label: '2024',
      required: 32,
      recorded: 30,
      shortfall: 2,
      status: 'in-progress',
    });
  });
});

describe('a department merged into another', () => {
  it('takes its occurrences along', async () => {
    const { coordinator, planId, of, department, liaisonOf } =
      await institutionWithProposals('2024-06-10T02:00:00Z');
    const monthly = await of(49);
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${monthly.id}`, {
      version: monthly.version,
      status: 'confirmed',
    });
    const [from, into] = [department('马克思主义学院'), department('公共教学部')];
    await (await liaisonOf('马克思主义学院')).post(
      `/api/v1/plans/${planId}/obligations/${monthly.id}/occurrences`,
      { departmentId: from.id, occurredOn: '2024-05-06', description: '5月理论学习' },
    );
    const merged = await coordinator.post(`/api/v1/departments/${from.id}/merge`, {
      intoId: into.id,
      version: from.version,
      intoVersion: into.version,
    });
    expect(merged.statusCode).toBe(200);
    const moved: OccurrenceView[] = (
      await coordinator.get(`/api/v1/plans/${planId}/occurrences`)
    ).json().occurrences;
    expect(moved.map((entry) => [entry.department.name, entry.description])).toEqual([
      ['公共教学部', '5月理论学习'],
    ]);
  });
});

describe('compliance by the clock', () => {
  it('judges a semester obligation for the whole institution: in progress to the last second of the day in Beijing, then late, met once recorded', async () => {
    // Signed in shortly before the edge, so the session outlives the jump of the clock.
    const { coordinator, planId, of, department, liaisonOf } =
      await institutionWithProposals('2024-07-15T15:40:00Z');
    const semester = await of(2);
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${semester.id}`, {
      version: semester.version,
      status: 'confirmed',
    });
    const url = `/api/v1/plans/${planId}/obligations/compliance?obligationId=${semester.id}`;
    const firstPeriod = async () =>
      ((await coordinator.get(url)).json() as ComplianceView).rows[0]!.periods[0]!;

    t.clock.set('2024-07-15T15:59:59Z');
    const report: ComplianceView = (await coordinator.get(url)).json();
    expect(report.cycle).toEqual({ startsOn: '2024-04-01', endsOn: '2024-11-30' });
    expect(report.today).toBe('2024-07-15');
    expect(report.rows.map((row) => [row.department, row.scope])).toEqual([[null, 'institution']]);
    expect(report.rows[0]!.periods.map((period) => [period.label, period.status])).toEqual([
      ['2023-2024学年第二学期', 'in-progress'],
      ['2024-2025学年第一学期', 'upcoming'],
    ]);
    t.clock.set('2024-07-15T16:00:00Z');
    expect(await firstPeriod()).toMatchObject({
      status: 'late',
      required: 1,
      recorded: 0,
      shortfall: 1,
    });

    const office = await liaisonOf('党政办公室');
    expect(
      (
        await office.post(`/api/v1/plans/${planId}/obligations/${semester.id}/occurrences`, {
          departmentId: department('党政办公室').id,
          occurredOn: '2024-05-10',
          description: '党委常委会专题研究师德师风建设',
        })
      ).statusCode,
    ).toBe(201);
    expect(await firstPeriod()).toMatchObject({ status: 'met', recorded: 1, shortfall: 0 });
    const officeView: DepartmentObligations = (
      await office.get(
        `/api/v1/plans/${planId}/departments/${department('党政办公室').id}/obligations`,
      )
    ).json();
    expect(
      officeView.obligations.map((entry) => [
        entry.obligation.item.no,
        entry.shared,
        entry.occurrences.length,
      ]),
    ).toEqual([[2, true, 1]]);
    expect(officeView.obligations[0]!.current).toBeNull(); // 16 July: between semesters
  });

  it('judges a monthly obligation department by department', async () => {
    const { coordinator, planId, of, department, liaisonOf } =
      await institutionWithProposals('2024-06-10T02:00:00Z');
    const monthly = await of(49);
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${monthly.id}`, {
      version: monthly.version,
      status: 'confirmed',
    });
    const marxism = await liaisonOf('马克思主义学院');
    const marxismId = department('马克思主义学院').id;
    await marxism.post(`/api/v1/plans/${planId}/obligations/${monthly.id}/occurrences`, {
      departmentId: marxismId,
      occurredOn: '2024-05-06',
      description: '5月理论学习',
    });
    await marxism.post(`/api/v1/plans/${planId}/obligations/${monthly.id}/occurrences`, {
      departmentId: marxismId,
      occurredOn: '2024-06-03',
      description: '6月理论学习',
    });

    const all: ComplianceView = (
      await coordinator.get(`/api/v1/plans/${planId}/obligations/compliance?period=month`)
    ).json();
    expect(all.rows.map((row) => row.department!.id).sort()).toEqual(
      monthly.departments.map((entry) => entry.id).sort(),
    );
    const statuses = (row: ComplianceView['rows'][number]) =>
      row.periods.slice(0, 4).map((period) => [period.label, period.status]);
    expect(statuses(all.rows.find((row) => row.department!.id === marxismId)!)).toEqual([
      ['2024-04', 'late'],
      ['2024-05', 'met'],
      ['2024-06', 'met'],
      ['2024-07', 'upcoming'],
    ]);
    expect(statuses(all.rows.find((row) => row.department!.id !== marxismId)!)).toEqual([
      ['2024-04', 'late'],
      ['2024-05', 'late'],
      ['2024-06', 'in-progress'],
      ['2024-07', 'upcoming'],
    ]);
    expect(all.byDepartment[0]!.late).toBe(2);

    const own: ComplianceView = (
      await marxism.get(`/api/v1/plans/${planId}/obligations/compliance`)
    ).json();
    expect(own.rows.map((row) => row.department?.id)).toEqual([marxismId]);
    expect(
      (
        await marxism.get(
          `/api/v1/plans/${planId}/obligations/compliance?departmentId=${department('教务处').id}`,
        )
      ).statusCode,
    ).toBe(403);

    const view: DepartmentObligations = (
      await marxism.get(`/api/v1/plans/${planId}/departments/${marxismId}/obligations`)
    ).json();
    expect(view.obligations.map((entry) => entry.obligation.item.no)).toEqual([49]);
    expect(view.obligations[0]!.current).toMatchObject({
      label: '2024-06',
      status: 'met',
      recorded: 1,
    });
    expect(view.obligations[0]!.occurrences.map((entry) => entry.description)).toEqual([
      '5月理论学习',
      '6月理论学习',
    ]);
  });

  it('lists missing occurrences as late work for the reminder job', async () => {
    const { coordinator, organization, planId, of, department, liaisonOf } =
      await institutionWithProposals('2024-06-10T02:00:00Z');
    const monthly = await of(49);
    const semester = await of(2);
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${monthly.id}`, {
      version: monthly.version,
      status: 'confirmed',
    });
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${semester.id}`, {
      version: semester.version,
      status: 'confirmed',
    });
    const marxismId = department('马克思主义学院').id;
    await (await liaisonOf('马克思主义学院')).post(
      `/api/v1/plans/${planId}/obligations/${monthly.id}/occurrences`,
      { departmentId: marxismId, occurredOn: '2024-04-26', description: '4月理论学习' },
    );

    const onFirstOfMay = await listMissingOccurrences(t.db, organization.id, planId, '2024-05-01');
    const teachingUnits = monthly.departments.length;
    expect(onFirstOfMay).toHaveLength(teachingUnits - 1);
    expect(
      onFirstOfMay.every(
        (row) =>
          row.itemNo === 49 && row.periodLabel === '2024-04' && row.periodEndsOn === '2024-04-30',
      ),
    ).toBe(true);
    expect(onFirstOfMay.map((row) => row.departmentId)).not.toContain(marxismId);
    expect(await listMissingOccurrences(t.db, organization.id, planId, '2024-04-30')).toEqual([]);

    const afterSpring = await listMissingOccurrences(
      t.db,
      organization.id,
      planId,
      new Date('2024-07-15T16:00:00Z'),
    );
    expect(afterSpring.filter((row) => row.itemNo === 2)).toEqual([
      expect.objectContaining({
        departmentName: '党政办公室',
        periodLabel: '2023-2024学年第二学期',
        periodEndsOn: '2024-07-15',
        required: 1,
        recorded: 0,
      }),
    ]);
    expect(
      afterSpring.filter((row) => row.departmentId === marxismId).map((row) => row.periodLabel),
    ).toEqual(['2024-05', '2024-06']);
    const otherOrganization = await createInstitution(t.db);
    await expect(
      listMissingOccurrences(t.db, otherOrganization.organization.id, planId, '2024-07-20'),
    ).rejects.toMatchObject({ code: 'plan.not_found' });
  });
});

describe('批量确认: confirming several proposals at once', () => {
  it('confirms the complete ones, refuses the incomplete and the stale ones alone, and only for the office', async () => {
    const { coordinator, planId, list, liaisonOf, organization } = await institutionWithProposals();
    const proposals = await list();
    const complete = proposals.filter(
      (entry) => entry.period !== null && entry.minimumCount !== null,
    );
    const regularly = proposals.find(
      (entry) => entry.item.no === 3 && entry.source?.phrase.includes('定期'),
    )!;
    expect(complete.length).toBeGreaterThan(2);
    const [first, second, third] = complete;
    // Someone edits the third meanwhile: the version the list showed is stale.
    await coordinator.patch(`/api/v1/plans/${planId}/obligations/${third!.id}`, {
      version: third!.version,
      note: '按学期统计',
    });
    const url = `/api/v1/plans/${planId}/obligations/confirm`;
    const answer = await coordinator.request({
      method: 'POST',
      url,
      headers: { 'accept-language': 'en' },
      payload: {
        obligations: [first, second, regularly, third].map((entry) => ({
          id: entry!.id,
          version: entry!.version,
        })),
      },
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const result: ConfirmManyResult = answer.json();
    expect(result.confirmed.map((entry) => entry.id)).toEqual([first!.id, second!.id]);
    expect(result.confirmed.every((entry) => entry.status === 'confirmed')).toBe(true);
    expect(result.refused).toEqual([
      {
        id: regularly.id,
        itemNo: 3,
        code: 'obligation.incomplete',
        message: expect.stringMatching(/^[^\u3400-\u9fff]+$/),
      },
      {
        id: third!.id,
        itemNo: third!.item.no,
        code: 'obligation.version_conflict',
        message: expect.any(String),
      },
    ]);
    const after = await list();
    const statusOf = (id: string) => after.find((entry) => entry.id === id)!.status;
    expect([first, second].map((entry) => statusOf(entry!.id))).toEqual(['confirmed', 'confirmed']);
    expect(statusOf(regularly.id)).toBe('proposed');
    expect(statusOf(third!.id)).toBe('proposed');

    const liaison = await liaisonOf('工会');
    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    for (const client of [liaison, leader])
      expect(
        (await client.post(url, { obligations: [{ id: regularly.id, version: 1 }] })).statusCode,
      ).toBe(403);
    expect((await coordinator.post(url, { obligations: [] })).statusCode).toBe(400);
  });
});
