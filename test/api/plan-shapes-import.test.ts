import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanTree } from '../../src/shared/api/contracts';
import type { ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import { readPlanDocument } from '../../src/server/io/plan-document-reader';
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
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const preamble = [
  '某大学2027年工作要点任务分解表',
  '一、动员部署阶段（2027年3月1日—3月31日）',
  '二、深化推进阶段（2027年4月1日—11月30日）',
  '三、成果总结阶段（2027年12月1日—12月31日）',
];

async function sheetOf(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('任务分解表');
  for (const line of preamble) sheet.addRow([line]);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const flatPlan = [
  ['序号', '重点任务', '牵头单位', '配合单位', '完成时限', '备注'],
  ['1', '召开全校教师工作会议', '党委教师工作部', '人事处', '2027年3月31日', '书记讲话'],
  ['2', '修订教师考核办法', '人事处', '', '2027年6月30日', ''],
  ['3', '开展师德专题教育', '党委教师工作部', '马克思主义学院', '每学期', ''],
];

const twoLevelPlan = [
  ['一级任务', '具体任务', '责任单位', '责任校领导', '完成时间'],
  ['一、加强思想政治引领', '1.组织教师理论学习', '党委宣传部', '王五', '每月'],
  ['', '2.开展国情研修', '党委教师工作部', '王五', '2027年8月31日'],
  ['二、健全师德建设机制', '3.完善师德考核', '人事处、党委教师工作部', '赵六', '2027年12月31日'],
];

async function coordinator(): Promise<SignedInClient> {
  const { organization } = await createInstitution(t.db);
  const user = await createUser(t.db, organization.id, 'coordinator');
  return signIn(t.app, user.username);
}

async function imported(
  client: SignedInClient,
  name: string,
  bytes: Buffer,
  status = 201,
): Promise<string> {
  const { payload, headers } = multipartFile(name, bytes);
  const response = await client.request({
    method: 'POST',
    url: '/api/v1/imports/plan',
    payload,
    headers,
  });
  expect(response.statusCode, response.body).toBe(status);
  return (response.json() as { planId: string }).planId;
}

describe.each([
  { shape: 'a flat task list', rows: flatPlan, depth: 0 },
  { shape: 'a two-level plan', rows: twoLevelPlan, depth: 1 },
])('$shape runs the same chain as the seed', ({ rows, depth }) => {
  it('imports, and its tree, matrix, dashboard, report and exports read it', async () => {
    const bytes = await sheetOf(rows);
    const parse = await readPlanDocument(
      { fileName: 'plan.xlsx', bytes },
      { limits: { maxFileBytes: 10_000_000 } },
    );
    expect(parse.depth).toBe(depth);
    expect(parse.items).toHaveLength(3);
    expect(parse.phases.map((phase) => phase.kind)).toEqual(['mobilize', 'execute', 'conclude']);

    const client = await coordinator();
    const planId = await imported(client, '工作要点.xlsx', bytes);

    const tree = (await client.get(`/api/v1/plans/${planId}/tree`)).json() as PlanTree;
    const items = tree.indicators.flatMap((level1) =>
      level1.children.flatMap((level2) => level2.items),
    );
    expect(items.map((item) => item.no)).toEqual([1, 2, 3]);
    if (depth === 0) {
      expect(tree.indicators.map((level1) => level1.title)).toEqual(['']);
      expect(items[0]!.extra).toEqual({ 备注: '书记讲话' });
    } else {
      expect(tree.indicators.map((level1) => level1.title)).toEqual([
        '加强思想政治引领',
        '健全师德建设机制',
      ]);
      expect(tree.indicators[0]!.children.map((level2) => level2.title)).toEqual(['']);
      expect(items.map((item) => item.leader)).toEqual(['王五', '王五', '赵六']);
      expect(items[2]!.assignments.map((assignment) => [assignment.name, assignment.role])).toEqual(
        [
          ['人事处', 'lead'],
          ['党委教师工作部', 'support'],
        ],
      );
    }

    const dashboard = await client.get(`/api/v1/plans/${planId}/dashboard`);
    expect(dashboard.statusCode, dashboard.body).toBe(200);

    const requested = await client.post(`/api/v1/plans/${planId}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    await t.jobs.runDue();
    const report = (
      await client.get(`/api/v1/reports/${(requested.json() as ReportSummary).id}`)
    ).json() as ReportDetail;
    expect(report.status).toBe('ready');
    expect(report.content!.totals.items).toBe(3);

    for (const format of ['xlsx', 'docx']) {
      const exported = await client.get(`/api/v1/plans/${planId}/task-breakdown?format=${format}`);
      expect(exported.statusCode, exported.body).toBe(200);
      expect(exported.rawPayload.length).toBeGreaterThan(1000);
    }

    // the same document again creates nothing
    expect(await imported(client, '工作要点.xlsx', bytes, 200)).toBe(planId);
  });
});
