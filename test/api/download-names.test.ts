import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { parse as parseContentDisposition } from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { listDepartments } from '../../src/server/modules/departments/department.repository';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { fileResponse, type OperationDefinition } from '../../src/shared/api/operation';
import { operations } from '../../src/shared/api/operations';
import type { ReportSummary } from '../../src/shared/api/reports';
import type { SurveyView } from '../../src/shared/api/surveys';
import { mustEnrolTotp } from '../../src/shared/powers';
import type { Role } from '../../src/shared/roles';
import { surveyTemplates } from '../../src/shared/surveys/templates';
import { samplePdf, samplePng } from '../support/evidence-files';
import { importRoster, rosterSheet, teachersOf } from '../support/roster';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
  multipartFile,
  seedPlanFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/**
 * Issue 19.6, downloads named right: every operation that answers a file, called with names that
 * hold Chinese, spaces and the characters ' ( ) * (which a hand-built header gets wrong), sends
 * a valid RFC 6266 Content-Disposition that parses back to the exact file name.
 *
 * Covered (every operation whose response is fileResponse; the last test fails when one is added
 * and not listed here):
 *   users.template, breakdowns.export (xlsx, docx, one department's), evidence.content,
 *   ledger.export, ledger.exportPeriodSheet, findings.export, audit.export, reports.docx,
 *   reports.performanceSheet, supervision.noticeDocx, satisfaction.template,
 *   surveys.exportResults, surveys.reportDocx, surveys.links, conductReports.exportDocx,
 *   conductReports.file.
 */

/** The plan (its standard) is named this: the seed's standard title replaced. */
const PLAN = "教师'工作(2026)*方案 一";
const DEPARTMENT = "工会'(2026)*部 一";
const FILE_STEM = "教师'佐证(2026)*材料 一";
/** sanitizeFileName (io/evidence-type.ts) turns each of <>:"|?* into _ and keeps ' ( ) and spaces. */
const FILE_STEM_SANITIZED = "教师'佐证(2026)_材料 一";
const SURVEY = "教师'调研(2026)*问卷 一";

const clock = new ManualClock('2024-04-22T02:00:00Z');
let t: TestApp;

interface Download {
  /** The operationId, as in shared/api. */
  operation: string;
  /** What the case adds to the operation (a format, a department). */
  variant?: string;
  url: () => string;
  role: Role | 'liaison';
  fileName: string;
  /** The plain filename: an ASCII stand-in with the same extension. */
  fallback: string;
}

const context = {
  planId: '',
  unionId: '',
  evidenceUrl: '',
  noticeId: '',
  reportId: '',
  surveyId: '',
  caseId: '',
  caseFileId: '',
};
const clients = new Map<Role | 'liaison', SignedInClient>();

const downloads: Download[] = [
  {
    operation: 'users.template',
    url: () => '/api/v1/users/template.xlsx',
    role: 'admin',
    fileName: '用户导入模板.xlsx',
    fallback: 'users-template.xlsx',
  },
  {
    operation: 'breakdowns.export',
    variant: 'xlsx',
    url: () => `/api/v1/plans/${context.planId}/task-breakdown?format=xlsx`,
    role: 'coordinator',
    fileName: `落实《${PLAN}》任务分解表.xlsx`,
    fallback: 'task-breakdown.xlsx',
  },
  {
    operation: 'breakdowns.export',
    variant: 'docx of one department',
    url: () =>
      `/api/v1/plans/${context.planId}/task-breakdown?format=docx&departmentId=${context.unionId}`,
    role: 'liaison',
    fileName: `落实《${PLAN}》任务分解表（${DEPARTMENT}）.docx`,
    fallback: 'task-breakdown.docx',
  },
  {
    operation: 'evidence.content',
    url: () => context.evidenceUrl,
    role: 'liaison',
    fileName: `${FILE_STEM_SANITIZED}.pdf`,
    fallback: 'evidence.pdf',
  },
  {
    operation: 'ledger.export',
    url: () => `/api/v1/plans/${context.planId}/ledger/export`,
    role: 'coordinator',
    fileName: `落实《${PLAN}》工作进度督办台账.xlsx`,
    fallback: 'ledger.xlsx',
  },
  {
    operation: 'ledger.exportPeriodSheet',
    url: () =>
      `/api/v1/plans/${context.planId}/ledger/departments/${context.unionId}/periods/2024-05/sheet`,
    role: 'liaison',
    fileName: `落实《${PLAN}》工作进度报送表（${DEPARTMENT}）2024年5月.xlsx`,
    fallback: 'progress-sheet.xlsx',
  },
  {
    operation: 'findings.export',
    url: () => `/api/v1/plans/${context.planId}/findings/export`,
    role: 'coordinator',
    fileName: '问题清单-2024-05-20.xlsx',
    fallback: 'findings.xlsx',
  },
  {
    operation: 'audit.export',
    url: () => '/api/v1/audit/export.xlsx',
    role: 'auditor',
    fileName: '审计日志-2024-05-20.xlsx',
    fallback: 'audit-log.xlsx',
  },
  {
    operation: 'reports.docx',
    url: () => `/api/v1/reports/${context.reportId}/docx`,
    role: 'coordinator',
    fileName: `2024年度${PLAN}落实情况质量报告（第1版）.docx`,
    fallback: 'quality-report.docx',
  },
  {
    operation: 'reports.performanceSheet',
    url: () => `/api/v1/plans/${context.planId}/performance-sheet`,
    role: 'coordinator',
    fileName: '2024年度教师党建和思想政治工作绩效考核得分表.xlsx',
    fallback: 'performance-sheet.xlsx',
  },
  {
    operation: 'supervision.noticeDocx',
    url: () => `/api/v1/supervision/notices/${context.noticeId}/docx`,
    role: 'liaison',
    fileName: `督办通知单-2024-1-${DEPARTMENT}.docx`,
    fallback: 'supervision-notice.docx',
  },
  {
    operation: 'satisfaction.template',
    url: () => '/api/v1/satisfaction-results/template.xlsx',
    role: 'coordinator',
    fileName: '第三方测评结果表.xlsx',
    fallback: 'third-party-results.xlsx',
  },
  {
    operation: 'surveys.exportResults',
    url: () => `/api/v1/surveys/${context.surveyId}/results.xlsx`,
    role: 'coordinator',
    fileName: `${SURVEY}-结果.xlsx`,
    fallback: 'survey-results.xlsx',
  },
  {
    operation: 'surveys.reportDocx',
    url: () => `/api/v1/surveys/${context.surveyId}/report.docx`,
    role: 'coordinator',
    fileName: '2024年度教师思想政治状况调研报告（初稿）.docx',
    fallback: 'survey-report.docx',
  },
  {
    operation: 'surveys.links',
    url: () => `/api/v1/surveys/${context.surveyId}/links.xlsx`,
    role: 'coordinator',
    fileName: `${SURVEY}-个人链接.xlsx`,
    fallback: 'survey-links.xlsx',
  },
  {
    operation: 'conductReports.exportDocx',
    url: () => `/api/v1/conduct-reports/${context.caseId}/docx`,
    role: 'case_handler',
    fileName: '师德举报案件.docx',
    fallback: 'conduct-case.docx',
  },
  {
    operation: 'conductReports.file',
    url: () => `/api/v1/conduct-reports/${context.caseId}/files/${context.caseFileId}`,
    role: 'case_handler',
    fileName: `${FILE_STEM_SANITIZED}.png`,
    fallback: 'case-file.png',
  },
];

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

beforeAll(async () => {
  t = await createTestApp({
    clock,
    config: { sessionIdleMinutes: 10 * 365 * 24 * 60, sessionMaxHours: 10 * 365 * 24 },
  });
  const { organization } = await createInstitution(t.db);
  for (const role of ['admin', 'coordinator', 'auditor', 'case_handler'] as const) {
    const client = await signIn(t.app, (await createUser(t.db, organization.id, role)).username);
    if (mustEnrolTotp({ role, totpEnabled: false })) await enrolTotp(client, clock);
    clients.set(role, client);
  }
  const coordinator = clients.get('coordinator')!;

  // The bundled plan, its standard named PLAN.
  const seed = (await readFile(seedPlanFile, 'utf8')).replaceAll(
    '普通高等学校教师党建和思想政治工作质量标准（试行）',
    PLAN,
  );
  const { payload, headers } = multipartFile('plan.txt', Buffer.from(seed, 'utf8'));
  const imported = await coordinator.request({
    method: 'POST',
    url: '/api/v1/imports/plan',
    payload,
    headers,
  });
  expect(imported.statusCode, imported.body).toBe(201);
  context.planId = imported.json().planId;
  const departments = await listDepartments(t.db, organization.id);
  const union = departments.find((department) => department.name === '工会')!;
  context.unionId = union.id;
  const renamed = await coordinator.patch(`/api/v1/departments/${union.id}`, {
    version: union.version,
    name: DEPARTMENT,
  });
  expect(renamed.statusCode, renamed.body).toBe(200);
  const liaison = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'liaison', { departmentId: union.id })).username,
  );
  clients.set('liaison', liaison);

  // Three weeks later the department's 任务分解表 is late: a 督办通知单 for it.
  clock.set('2024-05-20T02:00:00Z');
  const notice = await coordinator.post('/api/v1/supervision/notices', {
    departmentId: union.id,
    answerDueOn: '2024-05-31',
  });
  expect(notice.statusCode, notice.body).toBe(201);
  context.noticeId = notice.json().id;

  // Its breakdown approved and the ledger monthly: the May sheet.
  const breakdown = `/api/v1/plans/${context.planId}/breakdowns/${union.id}`;
  for (const item of itemsOf((await liaison.get(breakdown)).json())) {
    const created = await liaison.post(`${breakdown}/measures`, {
      itemId: item.id,
      text: `第${item.no}项：<b>落实</b>`,
      deadline: { kind: 'monthly', dueOn: '2024-05-31' },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
  await liaison.request({
    method: 'PUT',
    url: `${breakdown}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  expect((await liaison.post(`${breakdown}/submit`)).statusCode).toBe(200);
  expect((await coordinator.post(`${breakdown}/review`, { decision: 'approve' })).statusCode).toBe(
    200,
  );
  const settings = await coordinator.request({
    method: 'PUT',
    url: `/api/v1/plans/${context.planId}/ledger/settings`,
    payload: { frequency: 'monthly', dueDay: 5, firstPeriod: '2024-05', lastPeriod: '2024-12' },
  });
  expect(settings.statusCode, settings.body).toBe(200);

  // A file of evidence.
  const file = multipartFile(`${FILE_STEM}.pdf`, samplePdf('named right'));
  const uploaded = await liaison.request({
    method: 'POST',
    url: '/api/v1/evidence',
    payload: file.payload,
    headers: file.headers,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  expect(uploaded.json().title).toBe(`${FILE_STEM_SANITIZED}.pdf`);
  context.evidenceUrl = uploaded.json().contentUrl;

  // The quality report.
  const requested = await coordinator.post(`/api/v1/plans/${context.planId}/reports`);
  expect(requested.statusCode, requested.body).toBe(202);
  context.reportId = (requested.json() as ReportSummary).id;
  await t.jobs.runDue();

  // A survey named SURVEY, opened and answered by five.
  await importRoster(coordinator, await rosterSheet(teachersOf('马克思主义学院', 'M', 6)));
  const template = surveyTemplates.find((entry) => entry.key === 'item43')!;
  const survey = await coordinator.post('/api/v1/surveys', {
    title: SURVEY,
    intro: template.intro,
    itemNos: template.itemNos,
    year: 2024,
    questionnaire: template.questionnaire,
    population: { kind: 'all' },
  });
  expect(survey.statusCode, survey.body).toBe(201);
  context.surveyId = (survey.json() as SurveyView).id;
  expect((await coordinator.post(`/api/v1/surveys/${context.surveyId}/open`)).statusCode).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(
    (await coordinator.get(`/api/v1/surveys/${context.surveyId}/links.xlsx`))
      .rawPayload as unknown as ExcelJS.Buffer,
  );
  const codes: string[] = [];
  workbook.worksheets[0]!.eachRow((row, number) => {
    if (number > 2) codes.push(String(row.getCell(4).value));
  });
  for (const token of codes.slice(0, 5)) {
    const answered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/public/survey-answer',
      payload: { token, answers: { q1: 4, q2: 4, q3: [4, 4, 4, 4, 4, 4, 4], q4: [0], q5: '' } },
    });
    expect(answered.statusCode, answered.body).toBe(204);
  }

  // A conduct report with an attached photo.
  const submitted = await t.app.inject({
    method: 'POST',
    url: `/api/v1/public/organizations/${organization.id}/conduct-reports`,
    payload: {
      teacher: '张老师',
      what: '课堂上辱骂学生',
      attachments: [
        { fileName: `${FILE_STEM}.png`, contentBase64: samplePng().toString('base64') },
      ],
    },
  });
  expect(submitted.statusCode, submitted.body).toBe(201);
  const handler = clients.get('case_handler')!;
  context.caseId = (
    (await handler.get('/api/v1/conduct-reports')).json() as { id: string }[]
  )[0]!.id;
  const read = (await handler.get(`/api/v1/conduct-reports/${context.caseId}`)).json();
  expect(read.files).toMatchObject([{ fileName: `${FILE_STEM_SANITIZED}.png` }]);
  context.caseFileId = read.files[0].id;
});
afterAll(async () => t?.close());

/**
 * A Content-Disposition as RFC 6266 writes it, strictly: `attachment`, then filename as a token or
 * a quoted string of ASCII, and filename* as an RFC 5987 ext-value, whose characters other than
 * attr-char (' ( ) * and spaces among them) are percent-encoded. (content-disposition's parse is
 * lenient: it reads a raw ' or ( in filename* too.)
 */
const TOKEN = "[!#$%&'*+.0-9A-Z^_`a-z|~-]+";
const QUOTED = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
const EXT_VALUE = "UTF-8'[A-Za-z-]*'(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+.^_`|~-])+";
const STRICT_ATTACHMENT = new RegExp(
  `^attachment(?:;[ \\t]*filename=(?:${TOKEN}|${QUOTED})|;[ \\t]*filename\\*=${EXT_VALUE})+$`,
);

/** The value of the plain filename parameter (the stand-in for clients without filename*). */
function plainFileName(header: string): string | null {
  const match = /(?:^|;)\s*filename=("(?:[^"\\]|\\.)*"|[^;\s]+)/i.exec(header);
  if (!match) return null;
  const value = match[1]!;
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

describe('downloads named right (issue 19.6)', () => {
  it.each(
    downloads.map((download) => [
      download.variant ? `${download.operation} (${download.variant})` : download.operation,
      download,
    ]),
  )('%s sends its name in a header that parses back to it', async (_, download) => {
    const response = await clients.get(download.role)!.get(download.url());
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const header = String(response.headers['content-disposition'] ?? '');
    // Header values are bytes of ASCII: the name travels percent-encoded, never raw.
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(header).toMatch(STRICT_ATTACHMENT);
    const parsed = parseContentDisposition(header);
    expect(parsed.type).toBe('attachment');
    expect(parsed.parameters.filename).toBe(download.fileName);
    // A name beyond ASCII is in filename* (RFC 5987), and a plain ASCII stand-in goes with it.
    expect(header).toMatch(/;\s*filename\*=UTF-8''/);
    expect(plainFileName(header)).toBe(download.fallback);
    expect(download.fallback.split('.').at(-1)).toBe(download.fileName.split('.').at(-1));
  });

  it('covers every operation that answers a file', () => {
    const fileOperations = (Object.values(operations) as OperationDefinition[])
      .filter((operation) => operation.response === fileResponse)
      .map((operation) => operation.id)
      .sort();
    expect(fileOperations.length).toBeGreaterThan(10);
    expect([...new Set(downloads.map((download) => download.operation))].sort()).toEqual(
      fileOperations,
    );
  });
});
