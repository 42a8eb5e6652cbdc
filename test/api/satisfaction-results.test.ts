import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import type { SatisfactionView } from '../../src/shared/api/satisfaction';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
const clock = new ManualClock('2026-11-20T02:00:00Z');
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(async () => t.close());

async function sheetOf(rows: (string | number)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('测评结果');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function importSheet(client: SignedInClient, bytes: Buffer, lang = 'zh-CN') {
  const { payload, headers } = multipartFile('第三方测评结果.xlsx', bytes);
  return client.request({
    method: 'POST',
    url: '/api/v1/satisfaction-results/import',
    payload,
    headers: { ...headers, 'accept-language': lang },
  });
}

const listOf = async (client: SignedInClient) =>
  ((await client.get('/api/v1/satisfaction-results')).json() as { results: SatisfactionView[] })
    .results;

async function anOffice() {
  const { organization } = await createInstitution(t.db);
  const coordinator = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'coordinator')).username,
  );
  return { organization, coordinator };
}

describe('third-party results (items 27, 28)', () => {
  it('imports a sheet of any header words, updates the same year, item and source on a second import, and keeps evidence', async () => {
    const { coordinator } = await anOffice();
    const template = await coordinator.get('/api/v1/satisfaction-results/template.xlsx');
    expect(template.statusCode).toBe(200);
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    expect(read.worksheets[0]!.getRow(1).values).toEqual([
      undefined,
      '年度',
      '指标',
      '满意度',
      '样本量',
      '测评机构',
      '备注',
    ]);

    const first = await importSheet(
      coordinator,
      await sheetOf([
        ['测评年度', '对应指标', '满意度（%）', '有效样本', '第三方机构', '说明'],
        ['2026年', '第27项', '92.5%', '1200人', '某某评估中心', '教师满意度'],
        ['2026', '28', '88', '', '某某评估中心', ''],
      ]),
    );
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ imported: 2, updated: 0 });
    const [item27] = await listOf(coordinator);
    expect(item27).toMatchObject({ year: 2026, itemNo: 27, value: 92.5, sample: 1200 });

    const evidence = await coordinator.post('/api/v1/evidence/links', {
      title: '2026 年教师满意度测评报告',
      url: 'https://example.edu.cn/report.pdf',
    });
    expect(evidence.statusCode).toBe(201);
    const corrected = await coordinator.request({
      method: 'PUT',
      url: `/api/v1/satisfaction-results/${item27!.id}`,
      payload: { ...item27, evidence: undefined, id: undefined, evidenceIds: [evidence.json().id] },
    });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.json().evidence).toHaveLength(1);

    const again = await importSheet(
      coordinator,
      await sheetOf([
        ['年度', '指标', '满意度', '样本量', '测评机构'],
        ['2026', '27', '93', '1250', '某某评估中心'],
        ['2026', '27', '90', '300', '另一机构'],
      ]),
    );
    expect(again.json()).toEqual({ imported: 1, updated: 1 });
    const results = await listOf(coordinator);
    expect(results).toHaveLength(3);
    const updated = results.find((row) => row.id === item27!.id)!;
    expect(updated).toMatchObject({ value: 93, sample: 1250, note: '教师满意度' });
    expect(updated.evidence.map((item) => item.title)).toEqual(['2026 年教师满意度测评报告']);
  });

  it('refuses a sheet with a wrong or repeated row in the reader’s language and imports nothing', async () => {
    const { coordinator } = await anOffice();
    const wrong = await importSheet(
      coordinator,
      await sheetOf([
        ['年度', '指标', '满意度', '测评机构'],
        ['2026', '27', '91', '某某评估中心'],
        ['2026', '27', '150', '某某评估中心'],
        ['2026', '28', '80', '某某评估中心'],
        ['2026', '28', '81', '某某评估中心'],
      ]),
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('satisfaction.sheet_invalid');
    expect(wrong.json().error.message).toContain('3、5');
    const english = await importSheet(
      coordinator,
      await sheetOf([
        ['名称', '数值'],
        ['甲', '1'],
      ]),
      'en',
    );
    expect(english.statusCode).toBe(400);
    expect(english.json().error.code).toBe('satisfaction.sheet_no_header');
    expect(english.json().error.message).toMatch(/^The results sheet needs a header row/);
    const empty = await importSheet(
      coordinator,
      await sheetOf([['年度', '指标', '满意度', '测评机构']]),
    );
    expect(empty.json().error.code).toBe('satisfaction.sheet_empty');
    expect(await listOf(coordinator)).toEqual([]);
  });

  it('is the office’s: a liaison may not import, and one organization never sees another’s', async () => {
    const { coordinator } = await anOffice();
    const other = await anOffice();
    expect(
      (
        await importSheet(
          coordinator,
          await sheetOf([
            ['年度', '指标', '满意度', '测评机构'],
            ['2026', '27', '91', '某某评估中心'],
          ]),
        )
      ).statusCode,
    ).toBe(201);
    expect(await listOf(other.coordinator)).toEqual([]);
    const [own] = await listOf(coordinator);
    const foreign = await other.coordinator.request({
      method: 'DELETE',
      url: `/api/v1/satisfaction-results/${own!.id}`,
    });
    expect(foreign.statusCode).toBe(404);
    const { organization, departments } = await createInstitution(t.db, [{ name: '工会' }]);
    const liaison = await signIn(
      t.app,
      (
        await createUser(t.db, organization.id, 'liaison', {
          departmentId: departments['工会']!.id,
        })
      ).username,
    );
    const refused = await importSheet(
      liaison,
      await sheetOf([
        ['年度', '指标', '满意度', '测评机构'],
        ['2026', '27', '91', '某某评估中心'],
      ]),
    );
    expect(refused.statusCode).toBe(403);
  });
});
