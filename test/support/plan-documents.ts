import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import {
  AlignmentType,
  Document,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  VerticalMergeType,
  WidthType,
} from 'docx';
import type { ParsedItem, ParsedPlan } from '../../src/shared/plan-import/contract';
import { seedPlanFile } from './test-app';

export type Column =
  | 'number'
  | 'level1'
  | 'level2'
  | 'content'
  | 'focus'
  | 'departments'
  | 'lead'
  | 'support'
  | 'measures'
  | 'deadline';

const HEADERS: Record<Column, string> = {
  number: '序号',
  level1: '一级指标',
  level2: '二级指标',
  content: '指标内容',
  focus: '观测重点',
  departments: '责任部门',
  lead: '牵头部门',
  support: '配合部门',
  measures: '落实\n措施',
  deadline: '完成\n时限',
};

export const officialColumns: Column[] = [
  'level1',
  'level2',
  'content',
  'focus',
  'departments',
  'measures',
  'deadline',
];

export interface Layout {
  columns: Column[];
  /** 完成时限 already filled, per item. */
  deadline?: (item: ParsedItem) => string;
}

/** The lines of the seed before its table: the notice and the plan text. */
export function seedPreambleLines(): string[] {
  const lines = readFileSync(seedPlanFile, 'utf8').split('\n');
  return lines
    .slice(
      0,
      lines.findIndex((line) => line.trim() === '一级指标'),
    )
    .map((line) => line.trim())
    .filter(Boolean);
}

/** One cell's lines, as the source wrote them (department cells keep their raw names). */
function cellLines(item: ParsedItem, column: Column, layout: Layout): string[] {
  const rawNames = item.departmentsRaw
    .split('\n')
    .map((name) => name.trim())
    .filter(Boolean);
  switch (column) {
    case 'number':
      return [String(item.no)];
    case 'level1':
      return [`${item.level1Code}、${item.level1}`];
    case 'level2':
      return [`${item.level2Code}.${item.level2}`];
    case 'content':
      return [layout.columns.includes('number') ? item.content : `${item.no}.${item.content}`];
    case 'focus':
      return [item.focus];
    case 'departments':
      return rawNames;
    case 'lead':
      return rawNames.slice(0, 1);
    case 'support':
      return rawNames.slice(1);
    case 'measures':
      return [''];
    case 'deadline':
      return [layout.deadline?.(item) ?? ''];
  }
}

/** Is this row's level cell the first of a run of equal values (the master of a merge)? */
function startsRun(items: ParsedItem[], index: number, column: 'level1' | 'level2'): boolean {
  if (index === 0) return true;
  const key = (item: ParsedItem) =>
    column === 'level1' ? item.level1 : `${item.level1}/${item.level2}`;
  return key(items[index - 1]!) !== key(items[index]!);
}

function runLength(items: ParsedItem[], index: number, column: 'level1' | 'level2'): number {
  let length = 1;
  while (index + length < items.length && !startsRun(items, index + length, column)) length++;
  return length;
}

/** The plan as a Word file: preamble paragraphs, then the table with vertically merged level cells. */
export async function buildPlanDocx(
  plan: ParsedPlan,
  layout: Layout = { columns: officialColumns },
): Promise<Buffer> {
  const header = new TableRow({
    tableHeader: true,
    children: layout.columns.map(
      (column) =>
        new TableCell({
          children: HEADERS[column]
            .split('\n')
            .map((text) => new Paragraph({ text, alignment: AlignmentType.CENTER })),
        }),
    ),
  });
  const rows = plan.items.map(
    (item, index) =>
      new TableRow({
        children: layout.columns.map((column) => {
          if (column === 'level1' || column === 'level2') {
            const master = startsRun(plan.items, index, column);
            return new TableCell({
              verticalMerge: master ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE,
              children: [new Paragraph(master ? cellLines(item, column, layout)[0]! : '')],
            });
          }
          return new TableCell({
            children: cellLines(item, column, layout).map((text) => new Paragraph(text)),
          });
        }),
      }),
  );
  const document = new Document({
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          ...seedPreambleLines().map((line) => new Paragraph(line)),
          new Table({ rows: [header, ...rows], width: { size: 100, type: WidthType.PERCENTAGE } }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

/** The plan as an Excel sheet: a merged title row, the header, merged level cells, multi-line cells. */
export async function buildPlanXlsx(
  plan: ParsedPlan,
  layout: Layout = { columns: officialColumns },
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('任务分解表', {
    pageSetup: { orientation: 'landscape', paperSize: 9 },
  });
  const width = layout.columns.length;
  sheet.addRow([`落实《${plan.standardTitle}》任务分解表`]);
  sheet.mergeCells(1, 1, 1, width);
  sheet.addRow(layout.columns.map((column) => HEADERS[column]));
  const firstItemRow = 3;
  plan.items.forEach((item, index) => {
    const values = layout.columns.map((column) =>
      (column === 'level1' || column === 'level2') && !startsRun(plan.items, index, column)
        ? ''
        : cellLines(item, column, layout).join('\n'),
    );
    sheet
      .addRow(values)
      .eachCell((cell) => (cell.alignment = { wrapText: true, vertical: 'middle' }));
  });
  // Merge once every row exists: writing into a merged cell afterwards would overwrite its master.
  plan.items.forEach((_item, index) => {
    for (const column of ['level1', 'level2'] as const) {
      const columnIndex = layout.columns.indexOf(column) + 1;
      const span = runLength(plan.items, index, column);
      if (columnIndex > 0 && startsRun(plan.items, index, column) && span > 1) {
        sheet.mergeCells(
          firstItemRow + index,
          columnIndex,
          firstItemRow + index + span - 1,
          columnIndex,
        );
      }
    }
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
