import ExcelJS from 'exceljs';
import {
  PERIOD_SHEET_HEADERS,
  PERIOD_SHEET_STATUS_COLUMN,
  PERIOD_SHEET_TEXT_COLUMN,
} from '../../shared/ledger/period-sheet';
import { heightFor, MAX_ROW_HEIGHT, printOptions, workbookBytes } from './sheet-layout';
import { spreadsheetSafe } from './task-breakdown-writer';

/** A department's 工作进度报送表 for one period: one row per approved measure, texts already worded. */
export interface PeriodSheetTable {
  title: string;
  /** Names the department and the period; the reader checks it (periodSheetSubtitle). */
  subtitle: string;
  /** How to fill it in, under the subtitle. */
  note: string;
  /** The words of the 进展状态 drop-down. */
  statuses: readonly string[];
  rows: {
    measureId: string;
    itemNo: number;
    item: string;
    measure: string;
    previous: string;
    status: string;
    text: string;
    evidence: string;
  }[];
}

/** Column widths in characters (措施编号 is hidden: it names the measure when the sheet comes back). */
const WIDTHS = [38, 6, 34, 36, 30, 12, 44, 24];
const FIRST_DATA_ROW = 5;

/** The period sheet as .xlsx, styled like the 任务分解表: title, frozen header, the two columns to fill shaded. */
export async function writePeriodSheetXlsx(table: PeriodSheetTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('工作进度报送表', {
    ...printOptions({ orientation: 'landscape', titleRows: [4, 4] }),
    views: [{ state: 'frozen', ySplit: 4, xSplit: 0 }],
  });
  sheet.columns = WIDTHS.map((width, index) => ({ width, hidden: index === 0 }));
  const columns = PERIOD_SHEET_HEADERS.length;
  const title = sheet.addRow([table.title]);
  sheet.mergeCells(1, 1, 1, columns);
  title.height = 30;
  title.getCell(1).font = { name: '方正小标宋简体', size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  for (const [text, height] of [
    [table.subtitle, 20],
    [table.note, 34],
  ] as const) {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, columns);
    row.height = height;
    row.getCell(1).font = { name: '仿宋_GB2312', size: 10.5 };
    row.getCell(1).alignment = { vertical: 'middle', wrapText: true };
  }
  const header = sheet.addRow([...PERIOD_SHEET_HEADERS]);
  header.eachCell((cell) => {
    cell.font = { name: '黑体', size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  });
  for (const row of table.rows) {
    const cells = [
      row.measureId,
      row.itemNo,
      spreadsheetSafe(row.item),
      spreadsheetSafe(row.measure),
      spreadsheetSafe(row.previous),
      row.status,
      spreadsheetSafe(row.text),
      spreadsheetSafe(row.evidence),
    ];
    const added = sheet.addRow(cells);
    // As tall as its longest visible text. A row is one measure (the sheet comes back by 措施编号),
    // so a text beyond Excel's highest row is not split here: the row stops at the limit and the
    // cell still holds the whole text.
    added.height = Math.min(
      MAX_ROW_HEIGHT,
      Math.max(
        ...cells.map((text, column) =>
          column === 0 ? 0 : heightFor(String(text ?? ''), WIDTHS[column]!, 10.5),
        ),
      ),
    );
  }
  const border = { style: 'thin' as const };
  const list = `"${table.statuses.join(',')}"`;
  for (let rowNumber = FIRST_DATA_ROW - 1; rowNumber <= sheet.rowCount; rowNumber++) {
    const row = sheet.getRow(rowNumber);
    for (let column = 1; column <= columns; column++) {
      const cell = row.getCell(column);
      cell.border = { top: border, left: border, bottom: border, right: border };
      if (rowNumber < FIRST_DATA_ROW) continue;
      cell.alignment = { vertical: 'middle', wrapText: true };
      cell.font = { name: '仿宋_GB2312', size: 10.5 };
      const editable =
        column - 1 === PERIOD_SHEET_STATUS_COLUMN || column - 1 === PERIOD_SHEET_TEXT_COLUMN;
      if (editable)
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF8E1' } };
      if (column - 1 === PERIOD_SHEET_STATUS_COLUMN)
        cell.dataValidation = {
          type: 'list',
          allowBlank: true,
          formulae: [list],
          showErrorMessage: true,
          errorTitle: '进展状态',
          error: `请从列表中选择：${table.statuses.join('、')}`,
        };
    }
  }
  return workbookBytes(workbook);
}
