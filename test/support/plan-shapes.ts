import type { ParsedPlan } from '../../src/shared/plan-import/contract';
import ExcelJS from 'exceljs';
import {
  Document,
  Packer,
  PageBreak,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalMergeType,
  WidthType,
} from 'docx';

/**
 * Plans of the shapes institutions write, made here from scratch as Word and Excel files: each
 * table is a grid, a cell may span rows (a vertical merge) or columns, and `null` marks a grid
 * position that a span above or on the left covers. test/fixtures/legacy-office holds the same
 * plans re-saved by LibreOffice as Word 97–2003 (.doc) and Excel 97–2003 (.xls).
 */
export type ShapeCell = string | Date | { text: string | Date; rows?: number; columns?: number };
export interface PlanShape {
  name: string;
  /** Paragraphs before the table (in Excel: rows above it, each merged across the sheet). */
  before: string[];
  /** One table, or one split over several (Word) with the header repeated. */
  tables: (ShapeCell | null)[][][];
}

const flat: PlanShape = {
  name: 'flat',
  before: ['某大学2027年工作要点任务分解表'],
  tables: [
    [
      ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'],
      [
        '1',
        '召开全校教师工作会议，部署年度工作',
        '党委教师工作部',
        '人事处\n教务处',
        '2027年3月31日',
      ],
      ['2', '修订教师考核办法', '人事处', '', '2027年6月底'],
      ['3', '开展师德专题教育', '党委教师工作部', '各教学单位', '每学期'],
      ['4', '建设教师发展中心', '教师发展中心', '资产管理处、财务处', '2027年12月'],
    ],
  ],
};

const twoLevels: PlanShape = {
  name: 'two-levels',
  before: ['某大学教师队伍建设任务清单'],
  tables: [
    [
      ['一级任务', '具体任务', '责任单位', '完成时间'],
      [
        { text: '一、加强思想政治引领', rows: 2 },
        '1.组织教师理论学习',
        '党委宣传部',
        new Date(Date.UTC(2027, 2, 31)),
      ],
      [null, '2.开展国情研修', '党委教师工作部\n人事处', new Date(Date.UTC(2027, 7, 31))],
      [
        { text: '二、健全师德建设机制', rows: 2 },
        '3.完善师德考核',
        '人事处',
        new Date(Date.UTC(2027, 11, 31)),
      ],
      [null, '4.建立师德档案', '党委教师工作部', '长期坚持'],
    ],
  ],
};

/** Three levels: headings 一、 and （一） across the table, items 1. under them, numbered throughout. */
const threeLevels: PlanShape = {
  name: 'three-levels',
  before: ['关于落实审核评估整改的工作任务'],
  tables: [
    [
      ['工作任务', '观测要点', '牵头单位', '时间节点'],
      [{ text: '一、党的领导', columns: 4 }, null, null, null],
      [{ text: '（一）强化组织领导', columns: 4 }, null, null, null],
      ['1.成立工作领导小组', '印发文件', '党委办公室', '2027年3月'],
      ['2.定期研究教师工作', '会议纪要', '党委教师工作部', '每学期'],
      [{ text: '（二）压实院系责任', columns: 4 }, null, null, null],
      ['3.院系制定落实方案', '方案文本', '各教学单位', '2027年4月'],
      [{ text: '二、队伍建设', columns: 4 }, null, null, null],
      [{ text: '（一）引育并举', columns: 4 }, null, null, null],
      ['4.实施青年教师培养计划', '培养名单', '人事处', '2027年9月'],
    ],
  ],
};

/** A 整改任务清单: a leader and units over two problems (merged), a note column. */
const rectification: PlanShape = {
  name: 'rectification',
  before: ['巡视反馈问题整改任务清单'],
  tables: [
    [
      ['序号', '问题表现', '整改措施', '责任校领导', '责任单位', '完成时限', '备注'],
      [
        '1',
        '师德考核流于形式',
        '修订考核细则；开展专项检查',
        { text: '张三', rows: 2 },
        { text: '人事处\n党委教师工作部', rows: 2 },
        '2027年6月30日',
        '巡视反馈',
      ],
      ['2', '考核结果运用不充分', '把考核结果用于评优', null, null, '2027年9月30日', ''],
      ['3', '青年教师国情研修覆盖不足', '制定研修计划', '李四', '党委教师工作部', '长期坚持', ''],
    ],
  ],
};

/** Four level columns above the items, each merged over the rows it holds, lead and support. */
const fourLevels: PlanShape = {
  name: 'four-levels',
  before: ['“双一流”建设任务分解表'],
  tables: [
    [
      ['一级指标', '二级指标', '三级指标', '四级指标', '具体任务', '牵头部门', '配合部门'],
      [
        { text: '一、人才培养', rows: 3 },
        { text: '（一）课程建设', rows: 2 },
        { text: '1.一流课程', rows: 2 },
        '（1）国家级',
        '1.申报国家级一流课程',
        '教务处',
        '各教学单位',
      ],
      [null, null, null, '（2）省级', '2.建设省级一流课程', '教务处', ''],
      [
        null,
        { text: '（二）教材建设', rows: 1 },
        '1.规划教材',
        '（1）编写',
        '3.编写规划教材',
        '教务处',
        '出版社',
      ],
      [
        '二、科学研究',
        '（一）平台',
        '1.重点实验室',
        '（1）培育',
        '4.培育省部级重点实验室',
        '科研处',
        '资产管理处\n财务处',
      ],
    ],
  ],
};

/** Four levels from the numbering inside one column: 一、 （一） 1. （1）, items without numbers. */
const numberedColumn: PlanShape = {
  name: 'numbered-column',
  before: ['教师思想政治工作要点'],
  tables: [
    [
      ['工作内容', '责任部门', '完成时限'],
      [{ text: '一、思想政治建设', columns: 3 }, null, null],
      [{ text: '（一）理论武装', columns: 3 }, null, null],
      [{ text: '1.学习制度', columns: 3 }, null, null],
      [{ text: '（1）集中学习', columns: 3 }, null, null],
      ['每月集中学习一次', '党委宣传部', '每月'],
      ['建立学习台账', '党委宣传部', '2027年3月'],
      [{ text: '（2）专题研修', columns: 3 }, null, null],
      ['组织国情研修', '党委教师工作部', '2027年8月'],
      [{ text: '（二）师德建设', columns: 3 }, null, null],
      [{ text: '1.考核', columns: 3 }, null, null],
      [{ text: '（1）办法', columns: 3 }, null, null],
      ['完善师德考核办法', '人事处', '2027年12月'],
    ],
  ],
};

/** One table over two pages: the header repeated, the level cell going on in the second table. */
const splitTable: PlanShape = {
  name: 'split-table',
  before: ['某大学2027年工作要点'],
  tables: [
    [
      ['序号', '一级任务', '重点任务', '责任单位'],
      ['1', { text: '一、强化党建引领', rows: 2 }, '完善党委教师工作委员会制度', '党委教师工作部'],
      ['2', null, '开展教师党支部书记培训', '党委组织部'],
    ],
    [
      ['序号', '一级任务', '重点任务', '责任单位'],
      ['3', '', '推进教师党支部“双创”', '党委组织部'],
      ['4', '二、深化师德建设', '评选师德标兵', '党委教师工作部'],
    ],
  ],
};

export const planShapes: PlanShape[] = [
  flat,
  twoLevels,
  threeLevels,
  rectification,
  fourLevels,
  numberedColumn,
  splitTable,
];

/** Plans that must be refused whatever their format: numbers that jump, numbers given twice. */
export const refusedShapes: (PlanShape & { refusal: string })[] = [
  {
    name: 'number-gap',
    refusal: 'import.item_number_gap',
    before: [],
    tables: [
      [
        ['序号', '重点任务', '牵头单位'],
        ['1', '甲', '人事处'],
        ['2', '乙', '教务处'],
        ['4', '丙', '人事处'],
      ],
    ],
  },
  {
    name: 'number-repeated',
    refusal: 'import.item_number_repeated',
    before: [],
    tables: [
      [
        ['序号', '重点任务', '牵头单位'],
        ['1', '甲', '人事处'],
        ['2', '乙', '教务处'],
        ['2', '丙', '人事处'],
      ],
    ],
  },
];

function cellText(cell: ShapeCell): string | Date {
  return typeof cell === 'string' || cell instanceof Date ? cell : cell.text;
}
const spanOf = (cell: ShapeCell, key: 'rows' | 'columns') =>
  typeof cell === 'object' && !(cell instanceof Date) ? (cell[key] ?? 1) : 1;
const asText = (value: string | Date) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : value;

/** Which cell above covers this grid position (a vertical merge going on), if any. */
function coveredFromAbove(grid: (ShapeCell | null)[][], row: number, column: number) {
  for (let above = row - 1; above >= 0; above--) {
    const cell = grid[above]![column] ?? null;
    if (cell !== null) return spanOf(cell, 'rows') > row - above ? cell : null;
  }
  return null;
}

export async function buildShapeDocx(shape: PlanShape): Promise<Buffer> {
  const tables = shape.tables.map(
    (grid) =>
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: grid.map(
          (row, rowIndex) =>
            new TableRow({
              tableHeader: rowIndex === 0,
              children: row.flatMap((cell, column) => {
                if (cell !== null) {
                  const columnSpan = spanOf(cell, 'columns');
                  return [
                    new TableCell({
                      ...(columnSpan > 1 ? { columnSpan } : {}),
                      ...(spanOf(cell, 'rows') > 1
                        ? { verticalMerge: VerticalMergeType.RESTART }
                        : {}),
                      children: asText(cellText(cell))
                        .split('\n')
                        .map((text) => new Paragraph(text)),
                    }),
                  ];
                }
                const above = coveredFromAbove(grid, rowIndex, column);
                if (!above) return [];
                const columnSpan = spanOf(above, 'columns');
                return [
                  new TableCell({
                    ...(columnSpan > 1 ? { columnSpan } : {}),
                    verticalMerge: VerticalMergeType.CONTINUE,
                    children: [new Paragraph('')],
                  }),
                ];
              }),
            }),
        ),
      }),
  );
  const document = new Document({
    sections: [
      {
        children: [
          ...shape.before.map((text) => new Paragraph(text)),
          ...tables.flatMap((table, index) =>
            index === 0
              ? [table]
              : [new Paragraph({ children: [new TextRun(''), new PageBreak()] }), table],
          ),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

export async function buildShapeXlsx(shape: PlanShape): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('任务清单');
  const width = Math.max(...shape.tables.flat().map((row) => row.length));
  for (const text of shape.before) {
    sheet.addRow([text]);
    sheet.mergeCells(sheet.rowCount, 1, sheet.rowCount, width);
  }
  // Excel has no page-split tables: the rows of every part, the header once.
  const grid = shape.tables.flatMap((table, index) => (index === 0 ? table : table.slice(1)));
  const first = sheet.rowCount + 1;
  for (const row of grid) {
    sheet
      .addRow(row.map((cell) => (cell ? cellText(cell) : '')))
      .eachCell((cell) => (cell.alignment = { wrapText: true, vertical: 'middle' }));
  }
  for (const [rowIndex, row] of grid.entries()) {
    for (const [column, cell] of row.entries()) {
      if (!cell) continue;
      const rows = spanOf(cell, 'rows');
      const columns = spanOf(cell, 'columns');
      if (rows > 1 || columns > 1)
        sheet.mergeCells(
          first + rowIndex,
          column + 1,
          first + rowIndex + rows - 1,
          column + columns,
        );
      if (cellText(cell) instanceof Date)
        sheet.getCell(first + rowIndex, column + 1).numFmt = 'yyyy"年"m"月"d"日"';
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** What a reader made of a plan, item by item: what two files of one plan must read alike as. */
export function essence(plan: ParsedPlan) {
  return plan.items.map((item) => ({
    no: item.no,
    code: item.code,
    path: item.path,
    pathCodes: item.pathCodes,
    level1: item.level1,
    level2: item.level2,
    content: item.content,
    focus: item.focus,
    leader: item.leader,
    extra: item.extra,
    departments: item.departments,
    roles: item.departmentRefs.map((ref) => ref.role),
    measures: item.measuresRaw,
    deadline: item.deadlineRaw,
  }));
}
