import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_DELAY_MS } from '../../src/server/modules/oversight/oversight.jobs';
import { organizations } from '../../src/server/modules/organizations/organization.table';
import { insertOrganization } from '../../src/server/modules/organizations/organization.repository';
import type { PlanTree } from '../../src/shared/api/contracts';
import type { Overview } from '../../src/shared/api/oversight';
import type { ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  signIn,
  type TestApp,
} from '../support/test-app';

/*
 * Plans three and four levels deep, and one whose levels carry no numbering at all, through the
 * whole chain: tree, matrix, dashboard, moderation roll-ups, quality report, exports and the
 * province's heat map. No level title may be lost, and two level-1 indicators are never one.
 */
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

const shapes = [
  {
    shape: 'three levels whose titles carry no numbering',
    depth: 2,
    rows: [
      ['一级指标', '二级指标', '具体任务', '牵头单位', '配合单位'],
      ['党的领导', '组织领导', '成立工作领导小组', '党委办公室', ''],
      ['', '', '定期研究教师工作', '党委教师工作部', '人事处'],
      ['', '院系责任', '院系制定落实方案', '马克思主义学院', ''],
      ['队伍建设', '引育并举', '实施青年教师培养计划', '人事处', '党委教师工作部'],
    ],
    level1: ['党的领导', '队伍建设'],
    level2: [['组织领导', '院系责任'], ['引育并举']],
    // numbered by position, as the plan wrote no numbers
    labels: ['一、党的领导', '2.院系责任', '二、队伍建设'],
  },
  {
    shape: 'four levels above the items',
    depth: 4,
    rows: [
      ['一级指标', '二级指标', '三级指标', '四级指标', '具体任务', '牵头部门', '配合部门'],
      [
        '一、人才培养',
        '（一）课程建设',
        '1.一流课程',
        '（1）国家级',
        '申报国家级一流课程',
        '教务处',
        '',
      ],
      ['', '', '', '（2）省级', '建设省级一流课程', '教务处', '马克思主义学院'],
      ['', '（二）教材建设', '1.规划教材', '（1）编写', '编写规划教材', '教务处', ''],
      [
        '二、科学研究',
        '（一）平台',
        '1.重点实验室',
        '（1）培育',
        '培育省部级重点实验室',
        '科研处',
        '',
      ],
    ],
    level1: ['人才培养', '科学研究'],
    level2: [
      ['课程建设 / 一流课程 / 国家级', '课程建设 / 一流课程 / 省级', '教材建设 / 规划教材 / 编写'],
      ['平台 / 重点实验室 / 培育'],
    ],
    // one column per level, each level as written
    labels: ['一、人才培养', '一.课程建设', '1.一流课程', '2.省级', '二、科学研究', '1.培育'],
  },
];

describe.each(shapes)('$shape', ({ rows, depth, level1, level2, labels }) => {
  it('keeps every level title through tree, matrix, dashboard, roll-ups, report, exports and oversight', async () => {
    const { organization } = await createInstitution(t.db);
    const client = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    const { payload, headers } = multipartFile('任务分解表.xlsx', await sheetOf(rows));
    const dry = await client.request({
      method: 'POST',
      url: '/api/v1/imports/plan/inspect',
      payload,
      headers,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    const response = await client.request({
      method: 'POST',
      url: '/api/v1/imports/plan',
      payload,
      headers,
    });
    expect(response.statusCode, response.body).toBe(201);
    const { planId, parse } = response.json() as { planId: string; parse: { depth: number } };
    expect(parse.depth).toBe(depth);

    const tree = (await client.get(`/api/v1/plans/${planId}/tree`)).json() as PlanTree;
    expect(tree.indicators.map((indicator) => indicator.title)).toEqual(level1);
    expect(
      tree.indicators.map((indicator) => indicator.children.map((child) => child.title)),
    ).toEqual(level2);
    // two level-1 indicators are told apart by their codes wherever Luoshi groups by code
    const codes = tree.indicators.map((indicator) => indicator.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const indicator of tree.indicators) {
      const childCodes = indicator.children.map((child) => child.code);
      expect(new Set(childCodes).size).toBe(childCodes.length);
    }

    for (const url of ['dashboard', 'ledger', 'obligations', 'breakdowns', 'summaries'])
      expect((await client.get(`/api/v1/plans/${planId}/${url}`)).statusCode, url).toBe(200);

    const moderation = (await client.get(`/api/v1/plans/${planId}/moderation`)).json() as {
      rollups: { level1: { title: string }[]; level2: { title: string }[] };
    };
    expect(moderation.rollups.level1.map((row) => row.title)).toEqual(level1);
    expect(moderation.rollups.level2.map((row) => row.title)).toEqual(level2.flat());

    const requested = await client.post(`/api/v1/plans/${planId}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    await t.jobs.runDue();
    const report = (
      await client.get(`/api/v1/reports/${(requested.json() as ReportSummary).id}`)
    ).json() as ReportDetail;
    expect(report.status).toBe('ready');
    expect(report.content!.totals.items).toBe(4);
    expect(report.content!.completion.byLevel1.map((row) => row.title)).toEqual(level1);
    expect(report.content!.selfAssessment.byLevel1.map((row) => row.title)).toEqual(level1);

    const exported = await client.get(`/api/v1/plans/${planId}/task-breakdown?format=xlsx`);
    expect(exported.statusCode, exported.body).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ExcelJS.Buffer);
    const text: string[] = [];
    workbook.worksheets[0]!.eachRow((row) =>
      row.eachCell((cell) => {
        text.push(String(cell.value ?? ''));
      }),
    );
    const sheet = text.join('\n');
    for (const title of [...level1, ...level2.flat().flatMap((path) => path.split(' / '))])
      expect(sheet, title).toContain(title);
    for (const label of labels) expect(sheet.split('\n'), label).toContain(label);
    const word = await client.get(`/api/v1/plans/${planId}/task-breakdown?format=docx`);
    expect(word.statusCode, word.body).toBe(200);

    // the province's heat map: one column per level-1 indicator
    const province = await insertOrganization(t.db, {
      name: `深层省教育厅-${Date.now()}-${depth}`,
      kind: 'supervisor',
    });
    await t.db
      .update(organizations)
      .set({ supervisorId: province.id })
      .where(eq(organizations.id, organization.id));
    const overseer = await signIn(
      t.app,
      (await createUser(t.db, province.id, 'overseer')).username,
    );
    // the sweep notices the institution's writes, waits a little for more, then computes it
    await t.jobs.runDue();
    t.clock.advance(60_000);
    await t.jobs.runDue();
    t.clock.advance(REFRESH_DELAY_MS);
    await t.jobs.runDue();
    const refreshed = await overseer.get('/api/v1/oversight/institutions');
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const overview = refreshed.json() as Overview;
    expect(overview.institutions.map((row) => row.id)).toEqual([organization.id]);
    expect(overview.institutions[0]!.figures).not.toBeNull();
    expect(overview.indicators.map((indicator) => indicator.title)).toEqual(level1);
    expect(overview.institutions[0]!.doneByLevel1).toHaveLength(level1.length);
  });
});
