import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_PASSWORD, buildOrganization, seedPlanFile } from '../../bench/dataset';
import { ManualClock } from '../../src/server/clock';
import { hashPassword } from '../../src/server/modules/users/password';
import {
  createTestApp,
  createUser,
  multipartFile,
  projectRoot,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';
import { convertWithLibreOffice, writeBytes } from './office';

/**
 * Round trips (issue 18, point 4): every file Luoshi writes that is also an import format is saved
 * by LibreOffice headless as .xlsx and .xls (sheets) or .docx and .doc (documents), uploaded back
 * through the API, and must read exactly as the file Luoshi wrote.
 */
const TODAY = '2024-12-20T02:00:00Z';
const outDir = path.join(projectRoot, 'test-results/round-trips');

let t: TestApp;
let coordinator: SignedInClient;
let admin: SignedInClient;
let planId: string;
let approvedDepartmentId: string;
let draftDepartmentId: string;

async function download(client: SignedInClient, url: string): Promise<Buffer> {
  const response = await client.get(url);
  if (response.statusCode !== 200)
    throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response.rawPayload;
}

async function uploadFile(client: SignedInClient, url: string, fileName: string, bytes: Buffer) {
  const { payload, headers } = multipartFile(fileName, bytes);
  const response = await client.request({ method: 'POST', url, payload, headers });
  expect(response.statusCode, `${fileName}: ${response.body.slice(0, 500)}`).toBe(200);
  return response.json();
}

/** Writes Luoshi's file, then LibreOffice's saves of it in each of `filters`; answers their paths. */
async function savedByLibreOffice(
  name: string,
  bytes: Buffer,
  filters: string[],
): Promise<string[]> {
  const original = await writeBytes(path.join(outDir, 'luoshi', name), bytes);
  const saved: string[] = [];
  // One LibreOffice per format, side by side: each loads the file on its own.
  for (const files of await Promise.all(
    filters.map((filter) =>
      convertWithLibreOffice([original], filter, path.join(outDir, 'saved-by-libreoffice')),
    ),
  ))
    saved.push(...files);
  return saved;
}

const SHEET_FILTERS = ['xlsx:Calc MS Excel 2007 XML', 'xls:MS Excel 97'];
const DOCUMENT_FILTERS = ['docx:MS Word 2007 XML', 'doc:MS Word 97'];

beforeAll(async () => {
  const clock = new ManualClock(TODAY);
  t = await createTestApp({ clock });
  const built = await buildOrganization({
    db: t.db,
    clock,
    passwordHash: await hashPassword(BENCH_PASSWORD),
    reportsTarget: 300,
    index: 0,
    seedBytes: await readFile(seedPlanFile),
  });
  planId = built.planId;
  approvedDepartmentId = built.approvedLiaison.departmentId;
  draftDepartmentId = built.draftLiaison.departmentId;
  coordinator = await signIn(
    t.app,
    (await createUser(t.db, built.organizationId, 'coordinator')).username,
  );
  admin = await signIn(t.app, (await createUser(t.db, built.organizationId, 'admin')).username);
}, 1_200_000);

afterAll(async () => t?.close());

describe('round trips through LibreOffice (.xlsx/.xls, .docx/.doc)', () => {
  it("the department's 任务分解表 re-imports with nothing changed", {
    timeout: 600_000,
  }, async () => {
    // A department whose breakdown is still a draft: an approved one is locked.
    const url = `/api/v1/plans/${planId}/breakdowns/${draftDepartmentId}/sheet?dryRun=true`;
    for (const [format, filters] of [
      ['xlsx', SHEET_FILTERS],
      ['docx', DOCUMENT_FILTERS],
    ] as const) {
      const bytes = await download(
        coordinator,
        `/api/v1/plans/${planId}/task-breakdown?format=${format}&departmentId=${draftDepartmentId}`,
      );
      const original = await uploadFile(coordinator, url, `draft.${format}`, bytes);
      expect(original).toMatchObject({ changes: [], problems: [] });
      expect(original.unchanged).toBeGreaterThan(0);
      for (const file of await savedByLibreOffice(
        `draft-department-${format}.${format}`,
        bytes,
        filters,
      )) {
        const again = await uploadFile(coordinator, url, path.basename(file), await readFile(file));
        expect(again, file).toMatchObject({
          changes: [],
          problems: [],
          unchanged: original.unchanged,
        });
      }
    }
  });

  it("a period's 工作进度报送表 re-imports with the same rows and nothing to change", {
    timeout: 600_000,
  }, async () => {
    const sheetUrl = `/api/v1/plans/${planId}/ledger/departments/${approvedDepartmentId}/periods/2024-06/sheet`;
    const bytes = await download(coordinator, sheetUrl);
    const reading = (preview: Record<string, unknown>) => ({
      rowsRead: preview.rowsRead,
      blank: preview.blank,
      unchanged: preview.unchanged,
      changes: preview.changes,
      problems: preview.problems,
    });
    const original = reading(
      await uploadFile(coordinator, `${sheetUrl}?dryRun=true`, 'period.xlsx', bytes),
    );
    expect(original).toMatchObject({ changes: [], problems: [] });
    expect(original.rowsRead).toBeGreaterThan(0);
    for (const file of await savedByLibreOffice('period-sheet.xlsx', bytes, SHEET_FILTERS)) {
      const again = await uploadFile(
        coordinator,
        `${sheetUrl}?dryRun=true`,
        path.basename(file),
        await readFile(file),
      );
      expect(reading(again), file).toEqual(original);
    }
  });

  it('the users sheet (template) re-imports as the same people', { timeout: 600_000 }, async () => {
    // The template as an office fills it in: people below the example row, in its columns.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await download(admin, '/api/v1/users/template.xlsx')) as unknown as ExcelJS.Buffer,
    );
    const sheet = workbook.worksheets[0]!;
    for (let n = 1; n <= 3; n++) sheet.addRow([`reader-${n}`, `领导${n}`, '领导', '', '', '']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const url = '/api/v1/users/import?dryRun=true';
    const original = await uploadFile(admin, url, 'users.xlsx', bytes);
    expect(JSON.stringify(original)).toContain('reader-3');
    for (const file of await savedByLibreOffice('users-template.xlsx', bytes, SHEET_FILTERS)) {
      const again = await uploadFile(admin, url, path.basename(file), await readFile(file));
      expect({ ...again, fileName: original.fileName }, file).toEqual(original);
    }
  });

  it('the third-party results sheet (template) re-imports as the same results', {
    timeout: 600_000,
  }, async () => {
    // The template as the office fills it in: one result under the heading, every cell text.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await download(
        coordinator,
        '/api/v1/satisfaction-results/template.xlsx',
      )) as unknown as ExcelJS.Buffer,
    );
    workbook.worksheets[0]!.addRow(['2024', '27', '92.5', '1200', '某评估机构', '教师满意度测评']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const url = '/api/v1/satisfaction-results/import';
    const { payload, headers } = multipartFile('第三方测评结果表.xlsx', bytes);
    const first = await coordinator.request({ method: 'POST', url, payload, headers });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ imported: 1, updated: 0 });
    const results = async () =>
      (await coordinator.get('/api/v1/satisfaction-results'))
        .json()
        .results.map((row: Record<string, unknown>) => ({
          year: row.year,
          itemNo: row.itemNo,
          value: row.value,
          sample: row.sample,
          source: row.source,
          note: row.note,
        }));
    const original = await results();
    expect(original).toEqual([
      expect.objectContaining({ year: 2024, itemNo: 27, sample: 1200, source: '某评估机构' }),
    ]);
    for (const file of await savedByLibreOffice(
      'third-party-template.xlsx',
      bytes,
      SHEET_FILTERS,
    )) {
      const saved = multipartFile(path.basename(file), await readFile(file));
      const again = await coordinator.request({
        method: 'POST',
        url,
        payload: saved.payload,
        headers: saved.headers,
      });
      expect(again.statusCode, `${file}: ${again.body}`).toBe(201);
      // the same year, item and source: the result is updated, never doubled
      expect(again.json(), file).toEqual({ imported: 0, updated: 1 });
      expect(await results(), file).toEqual(original);
    }
  });

  it('the whole 任务分解表 re-imports as the same plan', { timeout: 1_500_000 }, async () => {
    const url = '/api/v1/imports/plan?dryRun=true';
    type Parse = { parse: { items: { no: string; content: string; departments: unknown }[] } };
    const itemsOf = (result: Parse) =>
      result.parse.items.map((item) => [item.no, item.content, item.departments]);
    const seed = itemsOf(
      await uploadFile(coordinator, url, 'plan.txt', await readFile(seedPlanFile)),
    );
    expect(seed.length).toBeGreaterThan(0);
    for (const [format, filters] of [
      ['xlsx', SHEET_FILTERS],
      ['docx', DOCUMENT_FILTERS],
    ] as const) {
      const bytes = await download(
        coordinator,
        `/api/v1/plans/${planId}/task-breakdown?format=${format}`,
      );
      expect(itemsOf(await uploadFile(coordinator, url, `plan.${format}`, bytes)), format).toEqual(
        seed,
      );
      for (const file of await savedByLibreOffice(
        `institution-${format}.${format}`,
        bytes,
        filters,
      )) {
        const again = await uploadFile(coordinator, url, path.basename(file), await readFile(file));
        expect(itemsOf(again), file).toEqual(seed);
      }
    }
  });
});
