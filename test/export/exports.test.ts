import { readFile, rm, writeFile } from 'node:fs/promises';
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
import {
  convertWithLibreOffice,
  isA4,
  pdfLayoutText,
  pdfPages,
  pngsOfFirstPages,
  squeeze,
  writeBytes,
  type PdfPage,
} from './office';

/**
 * The tier that looks: every export of data set S (the seed plan, 80 departments, a year of
 * records) printed to PDF by LibreOffice headless, and read back as a reader would see it.
 */
const TODAY = '2024-12-20T02:00:00Z';
const outDir = path.join(projectRoot, 'test-results/exports');

interface Export {
  name: string;
  file: string;
  bytes: Buffer;
  pdf: string;
  pages: PdfPage[];
  text: string[];
}

let t: TestApp;
let coordinator: SignedInClient;
let planId: string;
let departmentId: string;
let departmentName: string;
const exports = new Map<string, Export>();

async function download(client: SignedInClient, url: string): Promise<Buffer> {
  const response = await client.get(url);
  if (response.statusCode !== 200)
    throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response.rawPayload;
}

beforeAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  const clock = new ManualClock(TODAY);
  t = await createTestApp({ clock });
  const built = await buildOrganization({
    db: t.db,
    clock,
    passwordHash: await hashPassword(BENCH_PASSWORD),
    reportsTarget: 3000,
    index: 0,
    seedBytes: await readFile(seedPlanFile),
  });
  planId = built.planId;
  departmentId = built.approvedLiaison.departmentId;
  const organizationId = built.organizationId;
  coordinator = await signIn(
    t.app,
    (await createUser(t.db, organizationId, 'coordinator')).username,
  );
  const auditor = await signIn(t.app, (await createUser(t.db, organizationId, 'auditor')).username);
  const admin = await signIn(t.app, (await createUser(t.db, organizationId, 'admin')).username);
  departmentName = (
    (await coordinator.get(`/api/v1/plans/${planId}/breakdowns/${departmentId}`)).json() as {
      department: { name: string };
    }
  ).department.name;

  const requested = await coordinator.post(`/api/v1/plans/${planId}/reports`);
  expect(requested.statusCode).toBe(202);
  await t.jobs.runDue();
  const reportId = (requested.json() as { id: string }).id;

  // The one-time passwords sheet comes back from a users import.
  const template = await download(admin, '/api/v1/users/template.xlsx');
  const { default: ExcelJS } = await import('exceljs');
  const sheet = new ExcelJS.Workbook();
  const users = sheet.addWorksheet('用户');
  users.addRow(['用户名', '姓名', '角色', '所属部门', '邮箱', '电话']);
  for (let n = 1; n <= 40; n++) users.addRow([`reader-${n}`, `领导${n}`, '领导', '', '', '']);
  const { payload, headers } = multipartFile(
    'users.xlsx',
    Buffer.from(await sheet.xlsx.writeBuffer()),
  );
  const imported = await admin.request({
    method: 'POST',
    url: '/api/v1/users/import',
    payload,
    headers,
  });
  expect(imported.statusCode).toBe(200);
  const passwords = Buffer.from(
    (imported.json() as { passwordsXlsx: string }).passwordsXlsx,
    'base64',
  );

  const files: { name: string; extension: 'xlsx' | 'docx'; bytes: Buffer }[] = [
    {
      name: 'task-breakdown-institution',
      extension: 'xlsx',
      bytes: await download(coordinator, `/api/v1/plans/${planId}/task-breakdown?format=xlsx`),
    },
    {
      name: 'task-breakdown-institution',
      extension: 'docx',
      bytes: await download(coordinator, `/api/v1/plans/${planId}/task-breakdown?format=docx`),
    },
    {
      name: 'task-breakdown-department',
      extension: 'xlsx',
      bytes: await download(
        coordinator,
        `/api/v1/plans/${planId}/task-breakdown?format=xlsx&departmentId=${departmentId}`,
      ),
    },
    {
      name: 'task-breakdown-department',
      extension: 'docx',
      bytes: await download(
        coordinator,
        `/api/v1/plans/${planId}/task-breakdown?format=docx&departmentId=${departmentId}`,
      ),
    },
    {
      name: 'ledger-june',
      extension: 'xlsx',
      bytes: await download(coordinator, `/api/v1/plans/${planId}/ledger/export?periodKey=2024-06`),
    },
    {
      name: 'quality-report',
      extension: 'docx',
      bytes: await download(coordinator, `/api/v1/reports/${reportId}/docx`),
    },
    {
      name: 'performance-sheet',
      extension: 'xlsx',
      bytes: await download(coordinator, `/api/v1/plans/${planId}/performance-sheet`),
    },
    {
      name: 'audit-log',
      extension: 'xlsx',
      bytes: await download(auditor, '/api/v1/audit/export.xlsx'),
    },
    { name: 'users-template', extension: 'xlsx', bytes: template },
    { name: 'one-time-passwords', extension: 'xlsx', bytes: passwords },
  ];
  const written = await Promise.all(
    files.map((file) =>
      writeBytes(
        path.join(outDir, 'files', `${file.name}-${file.extension}.${file.extension}`),
        file.bytes,
      ),
    ),
  );
  const pdfs = await convertWithLibreOffice(written, 'pdf', path.join(outDir, 'pdf'));
  const summary: Record<string, number> = {};
  for (const [index, file] of files.entries()) {
    const pdf = pdfs[index]!;
    const key = `${file.name}.${file.extension}`;
    exports.set(key, {
      name: key,
      file: written[index]!,
      bytes: file.bytes,
      pdf,
      pages: await pdfPages(pdf),
      text: await pdfLayoutText(pdf),
    });
    summary[key] = exports.get(key)!.pages.length;
    await pngsOfFirstPages(pdf, path.join(outDir, 'png'), `${file.name}-${file.extension}`);
  }
  await writeFile(path.join(outDir, 'pages.json'), `${JSON.stringify(summary, null, 2)}\n`);
}, 900_000);

afterAll(async () => t?.close());

describe('every export printed by LibreOffice', () => {
  it('writes the page counts', () => {
    expect(exports.size).toBeGreaterThan(0);
  });
});
