import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDetail, PlanTree, StandardTree } from '../../src/shared/api/contracts';
import type { ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import { indicators, standards } from '../../src/server/modules/standards/standard.table';
import { readDocumentBlocks, readPlanDocument } from '../../src/server/io/plan-document-reader';
import { buildShapeDocx, buildShapeXlsx, planShapes } from '../support/plan-shapes';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  projectRoot,
  signIn,
  type TestApp,
} from '../support/test-app';

/*
 * The plan's real depth is kept: a flat list, one level, two levels and four levels above the
 * items, each imported from a file built from scratch (test/support/plan-shapes). The tree
 * returns every level of each indicator; roll-ups, the report and the task breakdown read them.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const shape = (name: string) => planShapes.find((candidate) => candidate.name === name)!;
const levelPath = (...titles: string[]) => titles;

const depths = [
  {
    name: 'flat',
    depth: 0,
    level1: [''],
    // each level-2 indicator's full path of level titles, from the top
    paths: [[levelPath()]],
    headers: [] as string[],
    // the level cells of the first item's row in the task breakdown
    firstRow: [] as string[],
  },
  {
    name: 'two-levels',
    depth: 1,
    level1: ['加强思想政治引领', '健全师德建设机制'],
    paths: [[levelPath('加强思想政治引领')], [levelPath('健全师德建设机制')]],
    headers: ['一级指标'],
    firstRow: ['一、加强思想政治引领'],
  },
  {
    name: 'three-levels',
    depth: 2,
    level1: ['党的领导', '队伍建设'],
    paths: [
      [levelPath('党的领导', '强化组织领导'), levelPath('党的领导', '压实院系责任')],
      [levelPath('队伍建设', '引育并举')],
    ],
    headers: ['一级指标', '二级指标'],
    firstRow: ['一、党的领导', '一.强化组织领导'],
  },
  {
    name: 'four-levels',
    depth: 4,
    level1: ['人才培养', '科学研究'],
    paths: [
      [
        levelPath('人才培养', '课程建设', '一流课程', '国家级'),
        levelPath('人才培养', '课程建设', '一流课程', '省级'),
        levelPath('人才培养', '教材建设', '规划教材', '编写'),
      ],
      [levelPath('科学研究', '平台', '重点实验室', '培育')],
    ],
    headers: ['一级指标', '二级指标', '三级指标', '四级指标'],
    firstRow: ['一、人才培养', '一.课程建设', '1.一流课程', '1.国家级'],
  },
];

async function sheetRows(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const rows: string[][] = [];
  workbook.worksheets[0]!.eachRow((row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell) => {
      cells.push(String(cell.value ?? ''));
    });
    rows.push(cells);
  });
  return rows;
}

describe.each(depths)('a plan $depth levels deep ($name)', (expected) => {
  it('keeps its depth and every level through tree, roll-ups, report and the task breakdown', async () => {
    const { organization } = await createInstitution(t.db);
    const client = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    const { payload, headers } = multipartFile(
      `${expected.name}.xlsx`,
      await buildShapeXlsx(shape(expected.name)),
    );
    const imported = await client.request({
      method: 'POST',
      url: '/api/v1/imports/plan',
      payload,
      headers,
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const { planId, standardId } = imported.json() as { planId: string; standardId: string };

    const tree = (await client.get(`/api/v1/plans/${planId}/tree`)).json() as PlanTree;
    expect(tree.depth).toBe(expected.depth);
    expect(tree.indicators.map((level1) => level1.title)).toEqual(expected.level1);
    expect(
      tree.indicators.map((level1) =>
        level1.children.map((level2) => level2.levels.map((level) => level.title)),
      ),
    ).toEqual(expected.paths);
    for (const level1 of tree.indicators)
      expect(level1.levels.map((level) => level.title)).toEqual(
        expected.depth === 0 ? [] : [level1.title],
      );
    expect(tree.indicators.flatMap((l1) => l1.children.flatMap((l2) => l2.items))).toHaveLength(4);

    const standard = (await client.get(`/api/v1/standards/${standardId}`)).json() as StandardTree;
    expect(standard.depth).toBe(expected.depth);
    const plan = (await client.get(`/api/v1/plans/${planId}`)).json() as PlanDetail;
    expect(plan.depth).toBe(expected.depth);

    const moderation = (await client.get(`/api/v1/plans/${planId}/moderation`)).json() as {
      rollups: { level1: { title: string }[]; level2: { title: string }[] };
    };
    expect(moderation.rollups.level1.map((row) => row.title)).toEqual(expected.level1);
    expect(moderation.rollups.level2).toHaveLength(expected.paths.flat().length);

    const requested = await client.post(`/api/v1/plans/${planId}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    await t.jobs.runDue();
    const report = (
      await client.get(`/api/v1/reports/${(requested.json() as ReportSummary).id}`)
    ).json() as ReportDetail;
    expect(report.status).toBe('ready');
    expect(report.content!.totals.items).toBe(4);
    expect(report.content!.completion.byLevel1.map((row) => row.title)).toEqual(expected.level1);
    const reportFile = await client.get(`/api/v1/reports/${report.id}/docx`);
    expect(reportFile.statusCode, reportFile.body).toBe(200);
    const { blocks } = await readDocumentBlocks({
      bytes: reportFile.rawPayload,
      fileName: 'report.docx',
    });
    const firstColumn = blocks.flatMap((block) =>
      block.kind === 'table' ? block.rows.map((row) => row.cells[0]) : [],
    );
    // 表1 has a row per level-1 indicator; a flat list's one row says what it holds
    expect(firstColumn).toContain(expected.depth === 0 ? '全部任务' : `一、${expected.level1[0]}`);

    // the task breakdown has one column per level of the plan, none for a flat list
    const exported = await client.get(`/api/v1/plans/${planId}/task-breakdown?format=xlsx`);
    expect(exported.statusCode, exported.body).toBe(200);
    const [, header, first] = await sheetRows(exported.rawPayload);
    expect(header!.slice(0, expected.depth + 1)).toEqual([...expected.headers, '指标内容']);
    expect(first!.slice(0, expected.depth)).toEqual(expected.firstRow);
    // and read back as a plan, it has the same levels
    const readBack = await readPlanDocument({
      bytes: exported.rawPayload,
      fileName: 'task-breakdown.xlsx',
    });
    expect(readBack.depth).toBe(expected.depth);
    expect([...new Set(readBack.items.map((item) => JSON.stringify(item.path)))]).toEqual(
      expected.paths.flat().map((titles) => JSON.stringify(titles)),
    );
    const word = await client.get(`/api/v1/plans/${planId}/task-breakdown?format=docx`);
    expect(word.statusCode, word.body).toBe(200);

    // the same plan as Word keeps the same levels
    const again = multipartFile(
      `${expected.name}.docx`,
      await buildShapeDocx(shape(expected.name)),
    );
    const fromWord = await client.request({
      method: 'POST',
      url: '/api/v1/imports/plan',
      payload: again.payload,
      headers: again.headers,
    });
    expect(fromWord.statusCode, fromWord.body).toBe(201);
    const wordTree = (
      await client.get(`/api/v1/plans/${(fromWord.json() as { planId: string }).planId}/tree`)
    ).json() as PlanTree;
    expect(wordTree.depth).toBe(expected.depth);
    expect(
      wordTree.indicators.map((level1) =>
        level1.children.map((level2) => level2.levels.map((level) => level.title)),
      ),
    ).toEqual(expected.paths);
  });
});

describe('standards imported before the depth was kept', () => {
  it('get their levels back from the two stored levels (the backfill migration)', async () => {
    const { organization } = await createInstitution(t.db);
    const client = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    const trees: PlanTree[] = [];
    const standardIds: string[] = [];
    for (const name of ['flat', 'two-levels', 'three-levels', 'four-levels']) {
      const { payload, headers } = multipartFile(`${name}.xlsx`, await buildShapeXlsx(shape(name)));
      const imported = await client.request({
        method: 'POST',
        url: '/api/v1/imports/plan',
        payload,
        headers,
      });
      expect(imported.statusCode, imported.body).toBe(201);
      const { planId, standardId } = imported.json() as { planId: string; standardId: string };
      standardIds.push(standardId);
      trees.push((await client.get(`/api/v1/plans/${planId}/tree`)).json() as PlanTree);
    }
    const titles = (tree: PlanTree) =>
      tree.indicators.map((level1) => [
        level1.levels.map((level) => level.title),
        level1.children.map((level2) => level2.levels.map((level) => level.title)),
      ]);
    const before = trees.map((tree) => [tree.depth, titles(tree)]);

    // as a standard of before the migration holds them: no levels, the column's default depth
    await t.db
      .update(indicators)
      .set({ levels: [] })
      .where(inArray(indicators.standardId, standardIds));
    await t.db.update(standards).set({ depth: 2 }).where(inArray(standards.id, standardIds));
    const migration = await readFile(
      path.join(projectRoot, 'migrations/0018_backfill_plan_depth_and_indicator_levels.sql'),
      'utf8',
    );
    for (const statement of migration.split('--> statement-breakpoint'))
      await t.db.execute(sql.raw(statement));

    const after = await Promise.all(
      trees.map(async (tree) => {
        const again = (await client.get(`/api/v1/plans/${tree.planId}/tree`)).json() as PlanTree;
        return [again.depth, titles(again)];
      }),
    );
    expect(after).toEqual(before);
    expect(after.map(([depth]) => depth)).toEqual([0, 1, 2, 4]);
  });
});
