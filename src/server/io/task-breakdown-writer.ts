import {
  AlignmentType,
  Document,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  VerticalMergeType,
  WidthType,
} from 'docx';
import ExcelJS from 'exceljs';

/** The official layout of a 任务分解表: one row per item, texts already worded for print. */
export interface TaskBreakdownTable {
  title: string;
  rows: {
    level1: string;
    level2: string;
    content: string;
    focus: string;
    departments: string;
    measures: string;
    deadlines: string;
  }[];
}

const HEADERS = [
  '一级指标',
  '二级指标',
  '指标内容',
  '观测重点',
  '责任部门',
  '落实措施',
  '完成时限',
] as const;
const FIELDS = [
  'level1',
  'level2',
  'content',
  'focus',
  'departments',
  'measures',
  'deadlines',
] as const;
/** Column widths in characters, for A4 landscape. */
const WIDTHS = [10, 12, 42, 26, 14, 40, 14];

/**
 * A cell that a spreadsheet would run as a formula (= + - @, or a leading tab/CR) is written as
 * text with a leading apostrophe, so that an exported breakdown cannot carry an injection.
 */
export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Rows [start, end) where `field` keeps the same value: they are merged into one cell. */
function runs(rows: TaskBreakdownTable['rows'], field: 'level1' | 'level2'): [number, number][] {
  const spans: [number, number][] = [];
  rows.forEach((row, index) => {
    const key = field === 'level1' ? row.level1 : `${row.level1}/${row.level2}`;
    const previous =
      index > 0
        ? field === 'level1'
          ? rows[index - 1]!.level1
          : `${rows[index - 1]!.level1}/${rows[index - 1]!.level2}`
        : null;
    if (key === previous) spans.at(-1)![1] = index + 1;
    else spans.push([index, index + 1]);
  });
  return spans;
}

export async function writeTaskBreakdownXlsx(table: TaskBreakdownTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('任务分解表', {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '2:2',
    },
    views: [{ state: 'frozen', ySplit: 2 }],
  });
  sheet.columns = WIDTHS.map((width) => ({ width }));
  const title = sheet.addRow([table.title]);
  sheet.mergeCells(1, 1, 1, HEADERS.length);
  title.height = 30;
  title.getCell(1).font = { name: '方正小标宋简体', size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  const header = sheet.addRow([...HEADERS]);
  header.eachCell((cell) => {
    cell.font = { name: '黑体', size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  });
  for (const row of table.rows) sheet.addRow(FIELDS.map((field) => spreadsheetSafe(row[field])));
  const firstDataRow = 3;
  for (const field of ['level1', 'level2'] as const) {
    const column = FIELDS.indexOf(field) + 1;
    for (const [start, end] of runs(table.rows, field)) {
      if (end - start > 1)
        sheet.mergeCells(firstDataRow + start, column, firstDataRow + end - 1, column);
    }
  }
  const border = { style: 'thin' as const };
  for (let rowNumber = 2; rowNumber <= sheet.rowCount; rowNumber++) {
    sheet.getRow(rowNumber).eachCell({ includeEmpty: true }, (cell) => {
      cell.border = { top: border, left: border, bottom: border, right: border };
      if (rowNumber > 2) cell.alignment = { vertical: 'middle', wrapText: true };
      if (rowNumber > 2) cell.font = { name: '仿宋_GB2312', size: 10.5 };
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function paragraphs(text: string, bold = false): Paragraph[] {
  return (text || '').split('\n').map(
    (line) =>
      new Paragraph({
        children: [new TextRun({ text: line, bold, font: '仿宋_GB2312', size: 21 })],
      }),
  );
}

export async function writeTaskBreakdownDocx(table: TaskBreakdownTable): Promise<Buffer> {
  const level1Starts = new Set(runs(table.rows, 'level1').map(([start]) => start));
  const level2Starts = new Set(runs(table.rows, 'level2').map(([start]) => start));
  const header = new TableRow({
    tableHeader: true,
    children: HEADERS.map(
      (text) =>
        new TableCell({
          verticalAlign: VerticalAlign.CENTER,
          children: [
            new Paragraph({
              alignment: AlignmentType.CENTER,
              children: [new TextRun({ text, bold: true, font: '黑体', size: 21 })],
            }),
          ],
        }),
    ),
  });
  const rows = table.rows.map(
    (row, index) =>
      new TableRow({
        cantSplit: true,
        children: FIELDS.map((field) => {
          if (field === 'level1' || field === 'level2') {
            const starts = field === 'level1' ? level1Starts : level2Starts;
            const master = starts.has(index);
            return new TableCell({
              verticalAlign: VerticalAlign.CENTER,
              verticalMerge: master ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE,
              children: master ? paragraphs(row[field]) : [new Paragraph('')],
            });
          }
          return new TableCell({
            verticalAlign: VerticalAlign.CENTER,
            children: paragraphs(row[field]),
          });
        }),
      }),
  );
  const document = new Document({
    sections: [
      {
        properties: {
          page: {
            size: { orientation: PageOrientation.LANDSCAPE, width: 11906, height: 16838 },
            margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 },
          },
        },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 240 },
            children: [new TextRun({ text: table.title, font: '方正小标宋简体', size: 32 })],
          }),
          new Table({
            rows: [header, ...rows],
            width: { size: 100, type: WidthType.PERCENTAGE },
            columnWidths: WIDTHS.map((width) => width * 190),
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
