import ExcelJS from 'exceljs';
import type { Locale } from '../../shared/errors';
import { translate } from '../../shared/i18n/messages';
import type { PerformanceLine } from '../../shared/report/performance-score';
import { printOptions, workbookBytes } from './sheet-layout';
import { spreadsheetSafe } from './task-breakdown-writer';

/** One department's row: its components (percent, or null when nothing counted) and its score. */
export interface PerformanceSheet {
  /** The reader's language: the headings, 不适用, the sheet's name and its footer. */
  locale: Locale;
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
  'export.performance.column.department',
  'export.performance.column.completion',
  'export.performance.column.onTime',
  'export.performance.column.selfAssessment',
  'export.performance.column.rectification',
  'export.performance.column.score',
] as const;

/**
 * The score sheet for the annual performance review. The score column is a live formula over
 * the component columns (with the computed value cached), so the sheet shows how it is made.
 */
export async function writePerformanceSheetXlsx(sheetData: PerformanceSheet): Promise<Buffer> {
  const words = (key: Parameters<typeof translate>[1]) => translate(sheetData.locale, key);
  // A line's cell: its value, 0 when nothing was submitted, 不适用 (text, left out by the formula).
  const cellOf = (line: PerformanceLine | null) =>
    line === 'not_applicable' ? words('export.performance.notApplicable') : (line ?? 0);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(words('export.performance.sheet'), {
    ...printOptions({
      orientation: 'portrait',
      titleRows: [3, 3],
      footer: words('export.pageFooter'),
    }),
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
  const header = sheet.addRow(HEADERS.map((key) => words(key)));
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
  return workbookBytes(workbook);
}
