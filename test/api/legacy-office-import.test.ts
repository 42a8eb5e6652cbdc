import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/client';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  projectRoot,
  seedPlanFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/** Word 97–2003 and Excel 97–2003 plans over HTTP: imported like the others, refused changing nothing. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const fixture = (name: string) =>
  readFile(path.join(projectRoot, 'test/fixtures/legacy-office', name));

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

async function coordinator(): Promise<SignedInClient> {
  const { organization } = await createInstitution(t.db);
  return signIn(t.app, (await createUser(t.db, organization.id, 'coordinator')).username);
}

function upload(client: SignedInClient, fileName: string, bytes: Buffer) {
  const { payload, headers } = multipartFile(fileName, bytes);
  return client.request({ method: 'POST', url: '/api/v1/imports/plan', payload, headers });
}

describe('a .doc or .xls plan over HTTP', () => {
  it('the seed as .doc is the same plan as the seed as text: imported once, found again', async () => {
    const client = await coordinator();
    const fromDoc = await upload(client, '工作方案.doc', await fixture('seed.doc'));
    expect(fromDoc.statusCode, fromDoc.body).toBe(201);
    const { planId } = fromDoc.json() as { planId: string };
    const plan = (await client.get(`/api/v1/plans/${planId}`)).json();
    expect(plan.counts).toMatchObject({ level1: 5, level2: 19, items: 60 });
    const before = await rowCounts(t.db);
    const fromText = await upload(client, '工作方案.txt', await readFile(seedPlanFile));
    expect(fromText.statusCode, fromText.body).toBe(200);
    expect(fromText.json().planId).toBe(planId);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  it('a four-level plan as .xls is imported with its tree', async () => {
    const client = await coordinator();
    const response = await upload(client, '双一流.xls', await fixture('four-levels.xls'));
    expect(response.statusCode, response.body).toBe(201);
    const tree = (await client.get(`/api/v1/plans/${response.json().planId}/tree`)).json() as {
      indicators: { title: string; children: { title: string }[] }[];
    };
    expect(tree.indicators.map((level1) => level1.title)).toEqual(['人才培养', '科学研究']);
    expect(tree.indicators[1]!.children.map((level2) => level2.title)).toEqual([
      '平台 / 重点实验室 / 培育',
    ]);
  });

  const cases: [string, string, () => Promise<Buffer>, string, number][] = [
    ['an empty .xls', 'plan.xls', async () => Buffer.alloc(0), 'import.empty_file', 400],
    [
      'a picture named .doc',
      'plan.doc',
      async () => Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'),
      'import.type_mismatch',
      415,
    ],
    [
      'a cut-off .doc',
      'plan.doc',
      async () => {
        const bytes = await fixture('seed.doc');
        return bytes.subarray(0, bytes.length / 2);
      },
      'import.corrupt_file',
      400,
    ],
    [
      'a cut-off .xls',
      'plan.xls',
      async () => {
        const bytes = await fixture('seed.xls');
        return bytes.subarray(0, bytes.length / 2);
      },
      'import.corrupt_file',
      400,
    ],
    [
      'numbers that jump in a .xls',
      'plan.xls',
      () => fixture('number-gap.xls'),
      'import.item_number_gap',
      422,
    ],
    [
      'numbers given twice in a .doc',
      'plan.doc',
      () => fixture('number-repeated.doc'),
      'import.item_number_repeated',
      422,
    ],
    [
      'a .doc name with ../',
      '../../etc/plan.doc',
      () => fixture('flat.doc'),
      'import.bad_file_name',
      400,
    ],
  ];
  for (const [label, fileName, bytes, code, status] of cases) {
    it(`refuses ${label}, changing nothing`, async () => {
      const client = await coordinator();
      const before = await rowCounts(t.db);
      const response = await upload(client, fileName, await bytes());
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message).not.toMatch(/\{\w+\}/);
      expect(await rowCounts(t.db)).toEqual(before);
    });
  }

  it('refuses a .doc over the size limit', async () => {
    const small = await createTestApp({ config: { uploadMaxBytes: 32 * 1024 } });
    try {
      const { organization } = await createInstitution(small.db);
      const client = await signIn(
        small.app,
        (await createUser(small.db, organization.id, 'coordinator')).username,
      );
      const before = await rowCounts(small.db);
      const { payload, headers } = multipartFile('plan.doc', await fixture('seed.doc'));
      const response = await client.request({
        method: 'POST',
        url: '/api/v1/imports/plan',
        payload,
        headers,
      });
      expect(response.statusCode).toBe(413);
      expect(await rowCounts(small.db)).toEqual(before);
    } finally {
      await small.close();
    }
  });
});
