import ExcelJS from 'exceljs';
import { printOptions } from './sheet-layout';
import { spreadsheetSafe } from './task-breakdown-writer';
import { NOT_APPLICABLE, type PerformanceLine } from '../../shared/report/performance-score';

/** A line's cell: its value, 0 when nothing was submitted, 不适用 (text, left out by the formula). */
const cellOf = (line: PerformanceLine | null) =>
  line === 'not_applicable' ? NOT_APPLICABLE : (line ?? 0);

/** One department's row: its components (percent, or null when nothing counted) and its score. */
export interface PerformanceSheet {
  title: string;
  formula: string;
  weights: { completion: number; onTime: number; selfAssessment: number; rectification: number };
  rows: {
    department: string;
    completion: PerformanceLine | null;
    onTime: PerformanceLine | null;
    selfAssessment: PerformanceLine | null;
    rectification: PerformanceLine | null;
    score: number;
  }[];
}

const HEADERS = [
  '部门',
  '措施完成率（%）',
  '按时报送率（%）',
  '自评得分（审核认定）',
  '整改核验完成率（%）',
  '绩效得分',
];

/**
 * The score sheet for the annual performance review. The score column is a live formula over
 * the component columns (with the computed value cached), so the sheet shows how it is made.
 */
export async function writePerformanceSheetXlsx(sheetData: PerformanceSheet): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('绩效考核', {
    ...printOptions({ orientation: 'portrait', titleRows: [3, 3] }),
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  sheet.columns = [
    { width: 24 },
    { width: 16 },
    { width: 16 },
    { width: 14 },
    { width: 18 },
    { width: 12 },
  ];
  sheet.addRow([sheetData.title]);
  sheet.mergeCells(1, 1, 1, HEADERS.length);
  sheet.getCell(1, 1).font = { name: '方正小标宋简体', size: 16, bold: true };
  sheet.getCell(1, 1).alignment = { horizontal: 'center' };
  sheet.addRow([sheetData.formula]);
  sheet.mergeCells(2, 1, 2, HEADERS.length);
  sheet.getCell(2, 1).alignment = { wrapText: true };
  sheet.getRow(2).height = 64;
  const header = sheet.addRow(HEADERS);
  header.eachCell((cell) => {
    cell.font = { name: '黑体', bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  });
  const { completion, onTime, selfAssessment, rectification } = sheetData.weights;
  sheetData.rows.forEach((row, index) => {
    const rowNumber = index + 4;
    // N() reads 不适用 as 0 and ISNUMBER() leaves its weight out: the rule written in row 2.
    const columns = [
      [completion, 'B'],
      [onTime, 'C'],
      [selfAssessment, 'D'],
      [rectification, 'E'],
    ] as const;
    const sum = columns.map(([weight, column]) => `${weight}*N(${column}${rowNumber})`).join('+');
    const weights = columns
      .map(([weight, column]) => `${weight}*ISNUMBER(${column}${rowNumber})`)
      .join('+');
    sheet.addRow([
      spreadsheetSafe(row.department),
      cellOf(row.completion),
      cellOf(row.onTime),
      cellOf(row.selfAssessment),
      cellOf(row.rectification),
      { formula: `ROUND((${sum})/(${weights}),1)`, result: row.score },
    ]);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
