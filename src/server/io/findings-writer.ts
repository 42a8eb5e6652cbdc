import ExcelJS from 'exceljs';
import type { Locale } from '../../shared/errors';
import { translate } from '../../shared/i18n/messages';
import { heightFor, MAX_ROW_HEIGHT, printOptions, workbookBytes } from './sheet-layout';
import { spreadsheetSafe } from './task-breakdown-writer';

/** 问题清单 as a sheet: one row per finding, every text already worded. */
export interface FindingsTable {
  /** The reader's language: the headings, the sheet's name and its footer. */
  locale: Locale;
  title: string;
  subtitle: string;
  rows: {
    no: number;
    title: string;
    description: string;
    kind: string;
    state: string;
    owner: string;
    departments: string;
    items: string;
    dueOn: string;
    overdue: string;
    /** The rectification actions' texts (整改措施), one per line, with who and when. */
    actions: string;
  }[];
}

const COLUMNS = [
  { field: 'no', width: 6 },
  { field: 'title', width: 28 },
  { field: 'description', width: 36 },
  { field: 'kind', width: 12 },
  { field: 'state', width: 11 },
  { field: 'owner', width: 14 },
  { field: 'departments', width: 16 },
  { field: 'items', width: 30 },
  { field: 'dueOn', width: 12 },
  { field: 'overdue', width: 8 },
  { field: 'actions', width: 48 },
] as const satisfies readonly {
  field: keyof FindingsTable['rows'][number];
  width: number;
}[];

/** The findings as .xlsx: title, a frozen header row with filters, one row per finding; formula-safe. */
export async function writeFindingsXlsx(table: FindingsTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const words = (key: Parameters<typeof translate>[1]) => translate(table.locale, key);
  const sheet = workbook.addWorksheet(words('export.findings.sheet'), {
    ...printOptions({
      orientation: 'landscape',
      titleRows: [3, 3],
      footer: words('export.pageFooter'),
    }),
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  sheet.columns = COLUMNS.map((column) => ({ width: column.width }));
  const title = sheet.addRow([spreadsheetSafe(table.title)]);
  sheet.mergeCells(1, 1, 1, COLUMNS.length);
  title.height = 28;
  title.getCell(1).font = { name: '方正小标宋简体', size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  const subtitle = sheet.addRow([spreadsheetSafe(table.subtitle)]);
  sheet.mergeCells(2, 1, 2, COLUMNS.length);
  subtitle.getCell(1).font = { name: '仿宋_GB2312', size: 10, color: { argb: 'FF595959' } };
  const header = sheet.addRow(
    COLUMNS.map((column) => words(`export.findings.column.${column.field}`)),
  );
  header.eachCell((cell) => {
    cell.font = { name: '黑体', size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  });
  const border = { style: 'thin' as const };
  for (const row of table.rows) {
    const added = sheet.addRow(
      COLUMNS.map((column) =>
        column.field === 'no' ? row.no : spreadsheetSafe(String(row[column.field])),
      ),
    );
    added.eachCell({ includeEmpty: true }, (cell) => {
      cell.alignment = { vertical: 'top', wrapText: true };
      cell.font = { name: '仿宋_GB2312', size: 10.5 };
    });
    added.height = Math.min(
      MAX_ROW_HEIGHT,
      Math.max(
        18,
        ...COLUMNS.map((column) => heightFor(String(row[column.field]), column.width, 10.5)),
      ),
    );
  }
  for (let rowNumber = 3; rowNumber <= sheet.rowCount; rowNumber++) {
    sheet.getRow(rowNumber).eachCell({ includeEmpty: true }, (cell) => {
      cell.border = { top: border, left: border, bottom: border, right: border };
    });
  }
  sheet.autoFilter = {
    from: { row: 3, column: 1 },
    to: { row: 3 + table.rows.length, column: COLUMNS.length },
  };
  return workbookBytes(workbook);
}
