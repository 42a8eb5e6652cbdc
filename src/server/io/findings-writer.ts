import ExcelJS from 'exceljs';
import { heightFor, MAX_ROW_HEIGHT, printOptions } from './sheet-layout';
import { spreadsheetSafe } from './task-breakdown-writer';

/** 问题清单 as a sheet: one row per finding, every text already worded. */
export interface FindingsTable {
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
  { field: 'no', header: '序号', width: 6 },
  { field: 'title', header: '问题', width: 28 },
  { field: 'description', header: '问题描述', width: 36 },
  { field: 'kind', header: '整改方式', width: 12 },
  { field: 'state', header: '状态', width: 11 },
  { field: 'owner', header: '整改责任部门', width: 14 },
  { field: 'departments', header: '配合部门', width: 16 },
  { field: 'items', header: '相关指标', width: 30 },
  { field: 'dueOn', header: '整改时限', width: 12 },
  { field: 'overdue', header: '是否逾期', width: 8 },
  { field: 'actions', header: '整改措施', width: 48 },
] as const satisfies readonly {
  field: keyof FindingsTable['rows'][number];
  header: string;
  width: number;
}[];

/** The findings as .xlsx: title, a frozen header row with filters, one row per finding; formula-safe. */
export async function writeFindingsXlsx(table: FindingsTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('问题清单', {
    ...printOptions({ orientation: 'landscape', titleRows: [3, 3] }),
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
  const header = sheet.addRow(COLUMNS.map((column) => column.header));
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
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
