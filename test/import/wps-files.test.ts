import { readFile } from 'node:fs/promises';
import path from 'node:path';
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import { readDocumentBlocks, readPlanDocument } from '../../src/server/io/plan-document-reader';
import { inspectTables } from '../../src/shared/plan-import/table-header';
import { buildShapeDocx, buildShapeXlsx, essence, type PlanShape } from '../support/plan-shapes';
import {
  biffRecords,
  type WpsCell,
  type WpsXlsCell,
  wpsDocx,
  wpsXls,
  wpsFixtures,
  wpsXlsx,
  type ZipRecord,
  zipPart,
  zipRecords,
} from '../support/wps-files';

/*
 * Issue 13: files re-saved by WPS Office import the same. The files of test/fixtures/wps were
 * saved by WPS (README.md there); test/support/wps-files writes a plan into them, changing the
 * text only, and each must read exactly as the same plan written by our own writer.
 */

const fixture = (name: string) => readFile(path.join(wpsFixtures, name));

/** A two-level task list: the level-1 task merged over its rows, units on two lines. */
const twoLevels: PlanShape = {
  name: 'wps-two-levels',
  before: ['某大学关于2027年本科教学工作的实施方案'],
  tables: [
    [
      ['一级任务', '具体任务', '责任单位', '完成时间'],
      [
        { text: '一、深化教育教学改革', rows: 2 },
        '1.修订本科人才培养方案',
        '教务处',
        '2027年6月30日',
      ],
      [null, '2.建设一流本科课程', '教务处\n各教学单位', '2027年12月'],
      [
        { text: '二、加强科研平台建设', rows: 2 },
        '3.培育省部级重点实验室',
        '科研处\n资产管理处',
        '长期坚持',
      ],
      [null, '4.完善科研经费管理办法', '财务处', '每学期'],
    ],
  ],
};

/** The same plan without merges: a Word table of WPS's whose cells are kept as they are. */
const twoLevelsRepeated: PlanShape = {
  ...twoLevels,
  tables: [
    twoLevels.tables[0]!.map((row, index, grid) =>
      row.map((cell, column) => cell ?? grid[index - 1]![column]!),
    ),
  ],
};

/** A numbered list with a lead and a support column and dates that are Excel dates. */
const datedList: PlanShape = {
  name: 'wps-dated-list',
  before: [],
  tables: [
    [
      ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'],
      ['1', '召开全校教师工作会议', '党委教师工作部', '人事处', new Date(Date.UTC(2027, 2, 31))],
      ['2', '修订教师考核办法', '人事处', '', new Date(Date.UTC(2027, 5, 30))],
      [
        '3',
        '建设教师发展中心',
        '教师发展中心',
        '资产管理处\n财务处',
        new Date(Date.UTC(2027, 11, 31)),
      ],
      ['4', '开展师德专题教育', '党委教师工作部', '各教学单位', '每学期'],
      ['5', '完善教师荣誉表彰制度', '党委教师工作部', '工会', new Date(Date.UTC(2028, 0, 15))],
    ],
  ],
};

/*
 * extra.xlsx (WPS Office 11.1.0.9564): style 0 is WPS's default, 1 its hyperlink style, 2 the
 * centred style of its merged cell. The title is merged across, each level-1 task down its rows.
 */
const extraSheet = (): WpsCell[][] => [
  [
    { value: twoLevels.before[0]!, style: '2' },
    { value: null, style: '2' },
    { value: null, style: '2' },
    { value: null, style: '2' },
  ],
  ['一级任务', '具体任务', '责任单位', '完成时间'].map((value) => ({ value })),
  [
    { value: '一、深化教育教学改革', style: '2' },
    { value: '1.修订本科人才培养方案', style: '1' },
    { value: '教务处' },
    { value: '2027年6月30日' },
  ],
  [
    { value: null, style: '2' },
    { value: '2.建设一流本科课程', style: '1' },
    { value: '教务处\n各教学单位' },
    { value: '2027年12月' },
  ],
  [
    { value: '二、加强科研平台建设', style: '2' },
    { value: '3.培育省部级重点实验室' },
    { value: '科研处\n资产管理处' },
    { value: '长期坚持' },
  ],
  [
    { value: null, style: '2' },
    { value: '4.完善科研经费管理办法' },
    { value: '财务处' },
    { value: '每学期' },
  ],
];

/*
 * demo.xlsx (last saved by WPS 11.1.0.9564, made in Excel for Mac): style 1 is its text style,
 * 2 its date style (numFmtId 22, m/d/yy h:mm); numbers have no style, as WPS wrote them.
 */
const demoSheet = (): WpsCell[][] =>
  datedList.tables[0]!.map((row, rowIndex) =>
    row.map((cell, column) => {
      const value = cell as string | Date;
      if (rowIndex === 0) return { value };
      if (column === 0) return { value: Number(value) };
      if (value instanceof Date) return { value, style: '2' };
      return { value, style: '1' };
    }),
  );

/*
 * extra.xls (WPS 表格 11.1.0.9564, the Excel 97–2003 twin of extra.xlsx): XF 15 is WPS's default,
 * 64 its hyperlink style, 65 the centred style of its merged cell.
 */
const extraXlsSheet = (): WpsXlsCell[][] =>
  extraSheet().map((row) =>
    row.map((cell) => ({
      value: cell.value as string | null,
      xf: cell.style === '2' ? 65 : cell.style === '1' ? 64 : 15,
    })),
  );

const built = {
  docx: async (shape: PlanShape) =>
    readPlanDocument({ bytes: await buildShapeDocx(shape), fileName: `${shape.name}.docx` }),
  xlsx: async (shape: PlanShape) =>
    readPlanDocument({ bytes: await buildShapeXlsx(shape), fileName: `${shape.name}.xlsx` }),
};

const cases: {
  name: string;
  shape: PlanShape;
  format: 'docx' | 'xlsx' | 'xls';
  bytes: () => Promise<Buffer>;
}[] = [
  {
    name: 'render_multiple_column.docx (WPS 文字 11.1.0.13607)',
    shape: twoLevels,
    format: 'docx',
    bytes: () => wpsDocx('render_multiple_column.docx', twoLevelsRepeated, { table: 1, title: 0 }),
  },
  {
    name: 'extra.xlsx (WPS 表格 11.1.0.9564)',
    shape: twoLevels,
    format: 'xlsx',
    bytes: () =>
      wpsXlsx('extra.xlsx', [
        {
          part: 'xl/worksheets/sheet1.xml',
          rows: extraSheet(),
          merges: ['A1:D1', 'A3:A4', 'A5:A6'],
        },
      ]),
  },
  {
    name: 'demo.xlsx (WPS 表格 11.1.0.9564, dates)',
    shape: datedList,
    format: 'xlsx',
    bytes: () =>
      wpsXlsx('demo.xlsx', [{ part: 'xl/worksheets/sheet1.xml', rows: demoSheet(), merges: [] }]),
  },
  {
    name: 'extra.xls (WPS 表格 11.1.0.9564, Excel 97–2003)',
    shape: twoLevels,
    format: 'xls',
    bytes: () =>
      wpsXls('extra.xls', {
        rows: extraXlsSheet(),
        merges: [
          [0, 0, 0, 3],
          [2, 3, 0, 0],
          [4, 5, 0, 0],
        ],
      }),
  },
];

describe('plans in files saved by WPS Office read as the same plan written by Luoshi', () => {
  it.each(cases)('$name', async ({ name, shape, format, bytes }) => {
    const fileName = name.split(' ')[0]!;
    const wps = await readPlanDocument({ bytes: await bytes(), fileName });
    const writer = format === 'docx' ? 'docx' : 'xlsx';
    const ours = await built[writer](shape);
    expect(wps.format).toBe(format);
    expect(wps.items.length).toBeGreaterThan(0);
    expect(essence(wps)).toEqual(essence(ours));
    expect(wps.depth).toBe(ours.depth);
    expect(wps.columns).toEqual(ours.columns);
    expect(wps.title).toBe(ours.title);
    // what the import wizard shows for mapping by hand (imports.inspectPlan) is the same too
    const wpsBlocks = await readDocumentBlocks({ bytes: await bytes(), fileName });
    const ourBlocks = await readDocumentBlocks({
      bytes: await (writer === 'docx' ? buildShapeDocx(shape) : buildShapeXlsx(shape)),
      fileName: `${shape.name}.${writer}`,
    });
    expect(inspectTables(wpsBlocks.blocks)).toEqual(inspectTables(ourBlocks.blocks));
  });

  it('the two-level plan keeps its tree, units and deadlines in the WPS Word and Excel files', async () => {
    for (const { bytes, name } of cases.filter((entry) => entry.shape === twoLevels)) {
      const plan = await readPlanDocument({ bytes: await bytes(), fileName: name.split(' ')[0]! });
      expect(plan.depth, name).toBe(1);
      expect(
        plan.items.map((item) => [item.no, item.path, item.departments, item.deadlineRaw]),
        name,
      ).toEqual([
        [1, ['深化教育教学改革'], ['教务处'], '2027年6月30日'],
        [2, ['深化教育教学改革'], ['教务处', '各教学单位'], '2027年12月'],
        [3, ['加强科研平台建设'], ['科研处', '资产管理处'], '长期坚持'],
        [4, ['加强科研平台建设'], ['财务处'], '每学期'],
      ]);
      expect(plan.title, name).toBe('某大学关于2027年本科教学工作的实施方案');
    }
  });

  it("WPS's date cells (numFmtId 22) are dates and its number cells numbers", async () => {
    const plan = await readPlanDocument({ bytes: await cases[2]!.bytes(), fileName: 'demo.xlsx' });
    expect(
      plan.items.map((item) => [item.no, item.content, item.departments, item.deadlineRaw]),
    ).toEqual([
      [1, '召开全校教师工作会议', ['党委教师工作部', '人事处'], '2027-03-31'],
      [2, '修订教师考核办法', ['人事处'], '2027-06-30'],
      [3, '建设教师发展中心', ['教师发展中心', '资产管理处', '财务处'], '2027-12-31'],
      [4, '开展师德专题教育', ['党委教师工作部', '各教学单位'], '每学期'],
      [5, '完善教师荣誉表彰制度', ['党委教师工作部', '工会'], '2028-01-15'],
    ]);
  });
});

describe('the fixtures are what WPS wrote', () => {
  const wpsMarks: [string, string, RegExp][] = [
    ['render_multiple_column.docx', 'docProps/app.xml', /<Application>WPS Office_11\.1\.0\.13607_/],
    ['extra.xlsx', 'docProps/app.xml', /<Application>WPS Office<\/Application>/],
    ['demo.xlsx', 'xl/worksheets/sheet1.xml', /xmlns:etc="http:\/\/www\.wps\.cn\//],
  ];
  it.each(wpsMarks)('%s names WPS and keeps KSOProductBuildVer', async (name, part, mark) => {
    const bytes = await fixture(name);
    expect((await zipPart(bytes, part)).toString('utf8')).toMatch(mark);
    expect((await zipPart(bytes, 'docProps/custom.xml')).toString('utf8')).toMatch(
      /name="KSOProductBuildVer"><vt:lpwstr>2052-11\.1\.0\.\d+</,
    );
  });

  it('the plan changes the text parts only; every other part is byte for byte WPS’s', async () => {
    const changedParts: Record<string, string[]> = {
      'render_multiple_column.docx': ['word/document.xml'],
      'extra.xlsx': [
        'xl/worksheets/sheet1.xml',
        'xl/worksheets/sheet2.xml',
        'xl/worksheets/sheet3.xml',
        'xl/sharedStrings.xml',
      ],
      'demo.xlsx': ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/sharedStrings.xml'],
    };
    // the central record's offset (bytes 42–45) moves when a part before it changes size
    const stored = (record: ZipRecord) => {
      const central = Buffer.from(record.central);
      central.writeUInt32LE(0, 42);
      return [record.name, record.local.toString('base64'), central.toString('base64')];
    };
    for (const entry of cases.filter((candidate) => candidate.format !== 'xls')) {
      const fileName = entry.name.split(' ')[0]!;
      const original = zipRecords(await fixture(fileName));
      const planned = zipRecords(await entry.bytes());
      expect(planned.map((record) => record.name)).toEqual(original.map((record) => record.name));
      const changed = changedParts[fileName]!;
      const kept = (records: ZipRecord[]) =>
        records.filter((record) => !changed.includes(record.name)).map(stored);
      expect(kept(planned), fileName).toEqual(kept(original));
      expect(kept(original).length, fileName).toBeGreaterThan(8);
      for (const name of changed) {
        const before = planned.find((record) => record.name === name)!;
        expect(before.local.equals(original.find((record) => record.name === name)!.local)).toBe(
          false,
        );
      }
    }
  });

  it('the .xls keeps every other stream and every record but the cells, strings and offsets', async () => {
    const streams = async (bytes: Buffer) => {
      const container = CFB.read(bytes, { type: 'buffer' });
      return new Map(
        container.FileIndex.filter((entry) => entry.type === 2).map((entry) => [
          entry.name,
          Buffer.from((entry.content ?? []) as Uint8Array),
        ]),
      );
    };
    const originalBytes = await fixture('extra.xls');
    const plannedBytes = await cases[3]!.bytes();
    // the stream is written into its own sectors: the compound file keeps its size and layout
    expect(plannedBytes.length).toBe(originalBytes.length);
    expect(plannedBytes.subarray(0, 512).equals(originalBytes.subarray(0, 512))).toBe(true);
    const original = await streams(originalBytes);
    const planned = await streams(plannedBytes);
    expect([...planned.keys()]).toEqual([...original.keys()]);
    for (const [name, content] of original)
      if (name !== 'Workbook') expect(planned.get(name)!.equals(content), name).toBe(true);
    // cells, ROW/DBCELL, the strings and what points into the stream are rebuilt; nothing else
    const rebuilt = new Set([
      0x00fc, 0x00ff, 0x0085, 0x020b, 0x0200, 0x0208, 0x00d7, 0x00fd, 0x0201, 0x00be, 0x00e5,
    ]);
    const others = (stream: Buffer) =>
      biffRecords(stream)
        .filter((record) => !rebuilt.has(record.type))
        .map((record) => `${record.type.toString(16)}:${record.data.toString('hex')}`);
    const before = others(original.get('Workbook')!);
    expect(others(planned.get('Workbook')!)).toEqual(before);
    expect(before.length).toBeGreaterThan(100);
  });

  it('WPS keeps its cell and paragraph properties around the new text', async () => {
    const docx = (await zipPart(await cases[0]!.bytes(), 'word/document.xml')).toString('utf8');
    expect(docx.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n')).toBe(
      true,
    );
    expect(docx).toContain(
      'xmlns:wpsCustomData="http://www.wps.cn/officeDocument/2013/wpsCustomData"',
    );
    expect(docx).toMatch(
      /<w:rFonts w:hint="eastAsia" w:ascii="Hei" w:eastAsia="Hei"\/>(<[^>]+>)*<w:t>1\.修订本科人才培养方案<\/w:t>/,
    );
    const sheet = (await zipPart(await cases[1]!.bytes(), 'xl/worksheets/sheet1.xml')).toString(
      'utf8',
    );
    expect(sheet).toContain('<c r="A3" s="2" t="s"><v>');
    expect(sheet).toContain('<mergeCells count="3"><mergeCell ref="A1:D1"/>');
    expect(sheet).toContain(
      '<hyperlink ref="A3:B4" location="Sheet2!A1" display="一、深化教育教学改革"/>',
    );
  });
});

describe('an Excel 97–2003 workbook saved by WPS', () => {
  it('extra.xls (AppName WPS Office, an ETExtData stream) reads cell by cell', async () => {
    const bytes = await fixture('extra.xls');
    expect(bytes.includes(Buffer.from('ETExtData', 'utf16le'))).toBe(true);
    expect(bytes.includes(Buffer.from('WPS Office', 'utf16le'))).toBe(true);
    const blocks = await readDocumentBlocks({ bytes, fileName: 'extra.xls' });
    expect(blocks.format).toBe('xls');
    expect(
      blocks.blocks.map((block) =>
        block.kind === 'table' ? block.rows.map((row) => row.cells) : block.text,
      ),
    ).toEqual([
      [
        ['第一列', '第二列'],
        ['普通超链接', ''],
        ['多单元格超链接A', '多单元格超链接B'],
        ['多单元格超链接C', '多单元格超链接D'],
        ['批注', ''],
        ['合并单元格', ''],
      ],
    ]);
  });
});
