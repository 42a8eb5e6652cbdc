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
import { eq } from 'drizzle-orm';
import { readPlanDocument } from '../../src/server/io/plan-document-reader';
import { measures } from '../../src/server/modules/breakdowns/breakdown.table';
import { departments } from '../../src/server/modules/departments/department.table';
import { findings as findingsTable } from '../../src/server/modules/findings/finding.table';
import { describeDeadline } from '../../src/shared/deadlines';
import {
  convertWithLibreOffice,
  pdfRawText,
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
let draftDepartmentId: string;
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
  draftDepartmentId = built.draftLiaison.departmentId;
  const organizationId = built.organizationId;
  coordinator = await signIn(
    t.app,
    (await createUser(t.db, organizationId, 'coordinator')).username,
  );
  const auditor = await signIn(t.app, (await createUser(t.db, organizationId, 'auditor')).username);
  const admin = await signIn(t.app, (await createUser(t.db, organizationId, 'admin')).username);
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
      // One month, as an auditor prints it: data set S holds a year's log (some 8,600 entries,
      // 459 pages), and the whole year is the same sheet, only longer.
      bytes: await download(auditor, '/api/v1/audit/export.xlsx?from=2024-06-01&to=2024-06-30'),
    },
    {
      name: 'findings',
      extension: 'xlsx',
      bytes: await download(coordinator, `/api/v1/plans/${planId}/findings/export`),
    },
    {
      name: 'period-sheet',
      extension: 'xlsx',
      bytes: await download(
        coordinator,
        `/api/v1/plans/${planId}/ledger/departments/${departmentId}/periods/2024-06/sheet`,
      ),
    },
    {
      name: 'third-party-template',
      extension: 'xlsx',
      bytes: await download(coordinator, '/api/v1/satisfaction-results/template.xlsx'),
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
  // The whole institution's .docx (some 2,500 table rows at S) takes LibreOffice minutes to lay
  // out: it is converted by a LibreOffice of its own, beside the rest.
  const slow = written.filter((file) => file.endsWith('task-breakdown-institution-docx.docx'));
  const [slowPdfs, otherPdfs] = await Promise.all([
    convertWithLibreOffice(slow, 'pdf', path.join(outDir, 'pdf')),
    convertWithLibreOffice(
      written.filter((file) => !slow.includes(file)),
      'pdf',
      path.join(outDir, 'pdf'),
    ),
  ]);
  const pdfs = written.map((file) =>
    slow.includes(file)
      ? slowPdfs[0]!
      : otherPdfs[written.filter((w) => !slow.includes(w)).indexOf(file)]!,
  );
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
}, 1_800_000);

afterAll(async () => t?.close());

/** What a reader expects of each export: its orientation, how its pages are numbered, a bound on its pages at S. */
const EXPECTED: Record<
  string,
  {
    orientation: 'portrait' | 'landscape' | 'either';
    numbering: 'chinese' | 'dash';
    maxPages: number;
  }
> = {
  'task-breakdown-institution.xlsx': {
    orientation: 'landscape',
    numbering: 'chinese',
    maxPages: 400,
  },
  'task-breakdown-institution.docx': {
    orientation: 'landscape',
    numbering: 'chinese',
    maxPages: 400,
  },
  'task-breakdown-department.xlsx': {
    orientation: 'landscape',
    numbering: 'chinese',
    maxPages: 20,
  },
  'task-breakdown-department.docx': {
    orientation: 'landscape',
    numbering: 'chinese',
    maxPages: 20,
  },
  // one row per measure of S (about 2,400) with its item's text: 211 pages in Calibri's metrics
  // (Carlito), about eleven rows a page; the bound catches a layout that doubles it
  'ledger-june.xlsx': { orientation: 'landscape', numbering: 'chinese', maxPages: 240 },
  'quality-report.docx': { orientation: 'portrait', numbering: 'dash', maxPages: 30 },
  'performance-sheet.xlsx': { orientation: 'portrait', numbering: 'chinese', maxPages: 6 },
  'audit-log.xlsx': { orientation: 'landscape', numbering: 'chinese', maxPages: 100 },
  'findings.xlsx': { orientation: 'landscape', numbering: 'chinese', maxPages: 20 },
  'period-sheet.xlsx': { orientation: 'landscape', numbering: 'chinese', maxPages: 20 },
  'third-party-template.xlsx': { orientation: 'either', numbering: 'chinese', maxPages: 4 },
  'users-template.xlsx': { orientation: 'either', numbering: 'chinese', maxPages: 4 },
  'one-time-passwords.xlsx': { orientation: 'portrait', numbering: 'chinese', maxPages: 3 },
};

const CHINESE_PAGE_NUMBER = /第\s*(\d+)\s*页\s*共\s*(\d+)\s*页/;
const DASH_PAGE_NUMBER = /[—–-]\s*(\d+)\s*[—–-]/;

/** The measures of S with their department and deadline as the export words them. */
async function measuresOfS() {
  const rows = await t.db
    .select({
      text: measures.text,
      deadlineKind: measures.deadlineKind,
      dueOn: measures.dueOn,
      department: departments.name,
      departmentId: measures.departmentId,
    })
    .from(measures)
    .innerJoin(departments, eq(departments.id, measures.departmentId))
    .where(eq(measures.planId, planId));
  return rows.map((row) => ({
    ...row,
    deadline: describeDeadline({ kind: row.deadlineKind, dueOn: row.dueOn }),
  }));
}

/** Every page's text in the order it is drawn (a cell's lines together), without the page numbers and the repeated header row. */
async function drawnText(pdf: string): Promise<string> {
  const pages = await pdfRawText(pdf);
  return pages
    .map((page) =>
      page
        .split('\n')
        .filter((line) => !CHINESE_PAGE_NUMBER.test(line))
        .map((line) =>
          line.replace(
            /(一级指标|二级指标|指标内容|观测重点|责任部门|落实部门|落实措施|完成时限)/g,
            '',
          ),
        )
        .join(''),
    )
    .map(squeeze)
    .join('');
}

/**
 * Whether `text` is printed whole in `drawn`: its first words, then every one of its characters in
 * order close after them (cells beside it on the same lines may come in between).
 */
function printedWhole(drawn: string, text: string): boolean {
  const wanted = squeeze(text);
  const head = wanted.slice(0, Math.min(12, wanted.length));
  for (let at = drawn.indexOf(head); at >= 0; at = drawn.indexOf(head, at + 1)) {
    let position = at + head.length;
    const limit = at + wanted.length * 4 + 200;
    let whole = true;
    for (const char of wanted.slice(head.length)) {
      position = drawn.indexOf(char, position);
      if (position < 0 || position > limit) {
        whole = false;
        break;
      }
      position += char.length;
    }
    if (whole) return true;
  }
  return false;
}

describe('every export printed by LibreOffice', () => {
  it('writes every export of S', () => {
    expect([...exports.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))(
    '%s: A4, numbered on every page, pages within bound',
    (name, expected) => {
      const exported = exports.get(name)!;
      expect(exported.pages.length).toBeGreaterThan(0);
      expect(exported.pages.length).toBeLessThanOrEqual(expected.maxPages);
      for (const [index, page] of exported.pages.entries()) {
        const a4 =
          expected.orientation === 'either'
            ? isA4(page, 'portrait') || isA4(page, 'landscape')
            : isA4(page, expected.orientation);
        expect(a4, `${name} page ${index + 1}: ${page.width} × ${page.height}`).toBe(true);
        const text = exported.text[index] ?? '';
        const found = (
          expected.numbering === 'chinese' ? CHINESE_PAGE_NUMBER : DASH_PAGE_NUMBER
        ).exec(text);
        expect(found, `${name} page ${index + 1} has no page number`).not.toBeNull();
        if (expected.numbering === 'chinese' && name !== 'users-template.xlsx') {
          expect(Number(found![1])).toBe(index + 1);
          expect(Number(found![2])).toBe(exported.pages.length);
        }
        if (expected.numbering === 'dash') expect(Number(found![1])).toBe(index + 1);
      }
    },
  );

  it("puts the quality report's page number on the outer side: odd pages right, even pages left", () => {
    const report = exports.get('quality-report.docx')!;
    expect(report.pages.length).toBeGreaterThan(1);
    for (const [index, text] of report.text.entries()) {
      const line = text.split('\n').findLast((candidate) => DASH_PAGE_NUMBER.test(candidate))!;
      const column = line.search(/\S/);
      const width = Math.max(...text.split('\n').map((candidate) => candidate.length));
      if (index % 2 === 0) expect(column, `page ${index + 1}`).toBeGreaterThan(width / 2);
      else expect(column, `page ${index + 1}`).toBeLessThan(width / 4);
    }
    const whole = squeeze(report.text.join(''));
    // The 落款: the issuer, then the date, at the end.
    expect(whole).toMatch(/基准大学1\d{4}年\d{1,2}月\d{1,2}日[—–-]\d+[—–-]$/);
    for (const caption of ['表1', '表2', '表3', '表4', '表5']) expect(whole).toContain(caption);
  });

  it.each(['task-breakdown-institution.xlsx', 'task-breakdown-institution.docx'])(
    '%s: every measure whole, beside its department and its deadline',
    async (name) => {
      const exported = exports.get(name)!;
      const all = await measuresOfS();
      expect(all.length).toBeGreaterThan(1000);
      const drawn = await drawnText(exported.pdf);
      const missing = all.filter((measure) => !printedWhole(drawn, measure.text));
      expect(missing.map((measure) => measure.text).slice(0, 5)).toEqual([]);
      const lines = exported.text.flatMap((page) => page.split('\n'));
      const squeezed = lines.map(squeeze);
      const apart: string[] = [];
      for (const measure of all) {
        // The measure's first words (department and item), its department's name and its deadline's first words on one line.
        const start = squeeze(measure.text).slice(0, squeeze(measure.text).indexOf('项') + 3);
        const deadlineStart = squeeze(measure.deadline).slice(0, 4);
        const department = squeeze(measure.department).slice(0, 4);
        // Any line with its first words (教育学院 is in 国际教育学院 too) that has both beside them.
        const candidates = squeezed.filter((line) => line.includes(start));
        if (candidates.length === 0) {
          apart.push(`${measure.text}: not found`);
          continue;
        }
        const beside = candidates.some((line) => {
          const before = line.slice(0, line.indexOf(start));
          const after = line.slice(line.indexOf(start) + start.length);
          return after.includes(deadlineStart) && before.includes(department);
        });
        if (!beside) apart.push(`${measure.text} | ${measure.deadline}: ${candidates[0]}`);
      }
      expect(apart.slice(0, 5)).toEqual([]);
    },
  );

  it("the department's sheets (task breakdown, period sheet): every measure of the department whole", async () => {
    const mine = (await measuresOfS()).filter((measure) => measure.departmentId === departmentId);
    expect(mine.length).toBeGreaterThan(0);
    for (const name of [
      'task-breakdown-department.xlsx',
      'task-breakdown-department.docx',
      'period-sheet.xlsx',
    ]) {
      const drawn = await drawnText(exports.get(name)!.pdf);
      for (const measure of mine)
        expect(printedWhole(drawn, measure.text), `${name}: ${measure.text}`).toBe(true);
    }
  });

  it('the other sheets print every record whole', async () => {
    const performance = await drawnText(exports.get('performance-sheet.xlsx')!.pdf);
    const names = (await t.db.select({ name: departments.name }).from(departments)).map(
      (row) => row.name,
    );
    for (const name of new Set((await measuresOfS()).map((measure) => measure.department)))
      expect(performance).toContain(squeeze(name));
    expect(names.length).toBeGreaterThan(0);
    const passwords = await drawnText(exports.get('one-time-passwords.xlsx')!.pdf);
    for (let n = 1; n <= 40; n++) expect(passwords).toContain(`reader-${n}`);
    expect(passwords).toContain(squeeze('本表请妥善保管，发放后删除。'));
    const findings = await drawnText(exports.get('findings.xlsx')!.pdf);
    const findingRows = await t.db
      .select({ title: findingsTable.title })
      .from(findingsTable)
      .where(eq(findingsTable.planId, planId));
    expect(findingRows.length).toBeGreaterThan(0);
    for (const finding of findingRows)
      expect(printedWhole(findings, finding.title), finding.title).toBe(true);
    const template = await drawnText(exports.get('users-template.xlsx')!.pdf);
    for (const line of ['上传后系统先检查并列出每一行的问题；全部无误后确认', '每行填写一个人'])
      expect(printedWhole(template, line), line).toBe(true);
  });
});

describe('round trips through LibreOffice', () => {
  it("re-imports the department's sheet saved by LibreOffice as .xlsx and .docx: nothing changes", {
    timeout: 300_000,
  }, async () => {
    // A department whose breakdown is still a draft: an approved one is locked.
    const base = `/api/v1/plans/${planId}/breakdowns/${draftDepartmentId}`;
    const mine = (await measuresOfS()).filter(
      (measure) => measure.departmentId === draftDepartmentId,
    );
    const saved: string[] = [];
    for (const [format, filter] of [
      ['xlsx', 'xlsx'],
      ['docx', 'docx:MS Word 2007 XML'],
    ] as const) {
      const file = await writeBytes(
        path.join(outDir, 'draft', `draft-department-${format}.${format}`),
        await download(
          coordinator,
          `/api/v1/plans/${planId}/task-breakdown?format=${format}&departmentId=${draftDepartmentId}`,
        ),
      );
      saved.push(
        ...(await convertWithLibreOffice(
          [file],
          filter,
          path.join(outDir, 'saved-by-libreoffice'),
        )),
      );
    }
    for (const file of saved) {
      const { payload, headers } = multipartFile(path.basename(file), await readFile(file));
      const response = await coordinator.request({
        method: 'POST',
        url: `${base}/sheet?dryRun=true`,
        payload,
        headers,
      });
      expect(response.statusCode, `${file}: ${response.body}`).toBe(200);
      expect(response.json(), file).toMatchObject({
        changes: [],
        problems: [],
        unchanged: mine.length,
      });
    }
  });

  it('re-imports the whole task breakdown as a plan after LibreOffice saved it as .xlsx and .docx', {
    timeout: 1_500_000,
  }, async () => {
    const saved = [
      ...(await convertWithLibreOffice(
        [exports.get('task-breakdown-institution.xlsx')!.file],
        'xlsx',
        path.join(outDir, 'saved-by-libreoffice'),
      )),
      ...(await convertWithLibreOffice(
        [exports.get('task-breakdown-institution.docx')!.file],
        'docx:MS Word 2007 XML',
        path.join(outDir, 'saved-by-libreoffice'),
      )),
    ];
    const original = await readPlanDocument({
      bytes: await readFile(seedPlanFile),
      fileName: 'plan.txt',
    });
    for (const file of saved) {
      const parsed = await readPlanDocument({
        bytes: await readFile(file),
        fileName: path.basename(file),
      });
      expect(
        parsed.items.map((item) => [item.no, item.content]),
        file,
      ).toEqual(original.items.map((item) => [item.no, item.content]));
      expect(
        parsed.items.map((item) => item.departments),
        file,
      ).toEqual(original.items.map((item) => item.departments));
    }
  });
});
