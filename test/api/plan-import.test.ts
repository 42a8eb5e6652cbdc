import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanTree } from '../../src/shared/api/contracts';
import type { Database } from '../../src/server/db/client';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  seedPlanFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
let seed: Buffer;
beforeAll(async () => {
  t = await createTestApp();
  seed = await readFile(seedPlanFile);
});
afterAll(async () => t.close());

const countedTables = [
  'standards',
  'indicators',
  'items',
  'plans',
  'phases',
  'deliverables',
  'assignments',
  'departments',
  'department_groups',
];

async function rowCounts(db: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of countedTables) {
    const result = await db.execute(sql.raw(`select count(*)::int as total from ${table}`));
    counts[table] = (result.rows[0] as { total: number }).total;
  }
  return counts;
}

async function coordinator(): Promise<{ client: SignedInClient; organizationId: string }> {
  const { organization } = await createInstitution(t.db);
  const user = await createUser(t.db, organization.id, 'coordinator');
  return { client: await signIn(t.app, user.username), organizationId: organization.id };
}

function upload(client: SignedInClient, fileName: string, bytes: Buffer, query = '') {
  const { payload, headers } = multipartFile(fileName, bytes);
  return client.request({ method: 'POST', url: `/api/v1/imports/plan${query}`, payload, headers });
}

describe('importing the seed plan over HTTP', () => {
  it('creates the standard 5 → 19 → 60, the plan with its phases and deadlines, and the assignments', async () => {
    const { client } = await coordinator();
    const response = await upload(client, '工作方案.txt', seed);
    expect(response.statusCode).toBe(201);
    const result = response.json();
    expect(result).toMatchObject({ dryRun: false, created: true });

    const plan = (await client.get(`/api/v1/plans/${result.planId}`)).json();
    expect(plan.counts).toMatchObject({ level1: 5, level2: 19, items: 60 });
    expect(plan.cycleYear).toBe(2024);
    expect(plan.issuedOn).toBe('2024-04-18');
    expect(
      plan.phases.map((phase: { kind: string; startsOn: string; endsOn: string }) => [
        phase.kind,
        phase.startsOn,
        phase.endsOn,
      ]),
    ).toEqual([
      ['mobilize', '2024-04-01', '2024-04-30'],
      ['execute', '2024-05-01', '2024-09-30'],
      ['conclude', '2024-10-01', '2024-11-30'],
    ]);
    expect(
      plan.deliverables.map((deliverable: { kind: string; dueOn: string }) => [
        deliverable.kind,
        deliverable.dueOn,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['task_breakdown', '2024-04-30'],
        ['liaison_list', '2024-04-30'],
      ]),
    );

    const tree: PlanTree = (await client.get(`/api/v1/plans/${result.planId}/tree`)).json();
    expect(tree.indicators.map((level1) => level1.title)).toEqual([
      '党的领导',
      '立德树人',
      '精准供给',
      '条件保障',
      '持续改进',
    ]);
    const items = tree.indicators.flatMap((level1) =>
      level1.children.flatMap((level2) => level2.items),
    );
    expect(items.map((item) => item.no)).toEqual(
      Array.from({ length: 60 }, (_, index) => index + 1),
    );
    const item = (no: number) => items.find((candidate) => candidate.no === no)!;
    expect(item(24).assignments.map((assignment) => [assignment.name, assignment.role])).toEqual([
      ['党委教师工作部', 'lead'],
      ['党委宣传部', 'support'],
      ['教务处', 'support'],
    ]);
    expect(item(48).assignments.map((assignment) => assignment.name)).toEqual([
      '党委宣传部',
      '资产管理处',
      '党委教师工作部',
    ]);
    expect(
      item(38).assignments.map((assignment) => [assignment.name, assignment.targetKind]),
    ).toEqual([
      ['人事处', 'department'],
      ['各教学单位', 'group'],
      ['相关职能部门', 'placeholder'],
    ]);
    expect(item(18).content).toContain('不断提升课堂教学放果');
    const assets = tree.departments.find((department) => department.name === '资产管理处')!;
    expect(assets.aliases).toEqual(['资产处']);
    expect(tree.groups.find((group) => group.name === '各教学单位')).toMatchObject({
      kind: 'group',
      selectsKind: 'teaching',
    });
  });

  it('is idempotent: the same file again creates nothing', async () => {
    const { client } = await coordinator();
    const first = await upload(client, 'plan.txt', seed);
    const before = await rowCounts(t.db);
    const second = await upload(client, 'plan-again.txt', seed);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ created: false, planId: first.json().planId });
    expect(await rowCounts(t.db)).toEqual(before);
  });

  it('with dryRun=true shows the parse and writes nothing', async () => {
    const { client } = await coordinator();
    const before = await rowCounts(t.db);
    const response = await upload(client, 'plan.txt', seed, '?dryRun=true');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dryRun: true, created: false, planId: null });
    expect(response.json().parse.items).toHaveLength(60);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  it("keeps each organization's plan to itself", async () => {
    const { client } = await coordinator();
    const planId = (await upload(client, 'plan.txt', seed)).json().planId;
    const stranger = await coordinator();
    expect((await stranger.client.get(`/api/v1/plans/${planId}`)).json().error.code).toBe(
      'plan.not_found',
    );
    expect((await stranger.client.get(`/api/v1/plans/${planId}/tree`)).statusCode).toBe(404);
    expect((await stranger.client.get('/api/v1/plans')).json()).toEqual([]);
  });

  it('is for coordinators and admins only', async () => {
    const { organization, departments } = await createInstitution(t.db, [{ name: '教务处' }]);
    for (const role of ['liaison', 'leader', 'reviewer'] as const) {
      const user = await createUser(
        t.db,
        organization.id,
        role,
        role === 'liaison' ? { departmentId: departments['教务处']!.id } : {},
      );
      const response = await upload(await signIn(t.app, user.username), 'plan.txt', seed);
      expect(response.statusCode).toBe(403);
    }
  });
});

describe('bad uploads change nothing and say why', () => {
  const png = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c00000000049454e44ae426082',
    'hex',
  );
  const cases: [string, string, () => Buffer, string, number][] = [
    ['an empty file', 'plan.txt', () => Buffer.alloc(0), 'import.empty_file', 400],
    ['a PNG named .xlsx', 'plan.xlsx', () => png, 'import.type_mismatch', 415],
    [
      'a truncated .docx',
      'plan.docx',
      () => Buffer.from('504b0304140000000800', 'hex'),
      'import.corrupt_file',
      400,
    ],
    [
      'text without a table header',
      'plan.txt',
      () => Buffer.from('关于印发工作方案的通知\n各部门：\n请遵照执行。\n'),
      'import.header_not_found',
      422,
    ],
    ['a name with ../', '../../etc/plan.txt', () => seed, 'import.bad_file_name', 400],
    [
      'item numbers that jump',
      'plan.txt',
      () =>
        Buffer.from(
          seed.toString('utf8').replace('\t3.党委教师工作委员会', '\t4.党委教师工作委员会'),
        ),
      'import.item_number_gap',
      422,
    ],
  ];
  for (const [label, fileName, bytes, code, status] of cases) {
    it(`refuses ${label}`, async () => {
      const { client } = await coordinator();
      const before = await rowCounts(t.db);
      const response = await upload(client, fileName, bytes());
      expect(response.statusCode).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message).not.toMatch(/\{\w+\}/);
      expect(await rowCounts(t.db)).toEqual(before);
    });
  }

  it('refuses a file over the size limit before reading it all', async () => {
    const small = await createTestApp({ config: { uploadMaxBytes: 64 * 1024 } });
    try {
      const { organization } = await createInstitution(small.db);
      const user = await createUser(small.db, organization.id, 'coordinator');
      const client = await signIn(small.app, user.username);
      const response = await upload(client, 'plan.txt', Buffer.alloc(200 * 1024, 'a'));
      expect(response.statusCode).toBe(413);
      expect(response.json().error.code).toBe('request.too_large');
      expect(response.json().error.message).toContain('64.0 KB');
    } finally {
      await small.close();
    }
  });

  it('refuses a request without a file', async () => {
    const { client } = await coordinator();
    const response = await client.post('/api/v1/imports/plan', {});
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues[0].path).toBe('file');
  });
});
