import ExcelJS from 'exceljs';
import type { Locale } from '../../shared/errors';
import { translate } from '../../shared/i18n/messages';
import {
  headingCellStyle,
  headingRowHeight,
  heightFor,
  MAX_ROW_HEIGHT,
  printOptions,
  thinBorders,
  workbookFiles,
} from './sheet-layout';
import { type SheetBody, spliceSheetBody, streamSheetBody } from './sheet-rows-xml';
import { zipEntries, zipStream } from './zip-entries';
import { spreadsheetSafe } from './task-breakdown-writer';
import { COLUMNS, type LedgerRow } from './ledger-columns';

export { LEDGER_FIELDS, type LedgerRow } from './ledger-columns';

/** The 工作进度督办台账 as a sheet: one row per measure and period, every text already worded. */
export interface LedgerTable {
  /** The reader's language: the headings, the sheet's name and its footer. */
  locale: Locale;
  title: string;
  /** A line under the title: when it was exported, which filters. */
  subtitle: string;
  rows: LedgerRow[];
}

/** The ledger as .xlsx: title, a frozen header row with filters, one row per measure × period; formula-safe. */
export async function writeLedgerXlsx(table: LedgerTable): Promise<Buffer> {
  const { files, body } = await ledgerWorkbook(table);
  spliceSheetBody(files, body);
  return zipEntries(files);
}

/**
 * The same .xlsx chunk by chunk as it is written (a year's ledger is 13 MB of sheet text before
 * it is deflated), for a download that starts at once and a writer that never holds it whole.
 */
export async function* streamLedgerXlsx(table: LedgerTable): AsyncGenerator<Uint8Array> {
  const { files, body } = await ledgerWorkbook(table);
  yield* zipStream(streamSheetBody(files, body));
}

/** The workbook exceljs writes without the body (sheet-rows-xml.ts), and the body to put in. */
async function ledgerWorkbook(
  table: LedgerTable,
): Promise<{ files: Map<string, Uint8Array | string>; body: SheetBody }> {
  const workbook = new ExcelJS.Workbook();
  const words = (key: Parameters<typeof translate>[1]) => translate(table.locale, key);
  const sheet = workbook.addWorksheet(words('export.ledger.sheet'), {
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
  const labels = COLUMNS.map((column) => words(`export.ledger.column.${column.field}`));
  const header = sheet.addRow(labels);
  header.height = headingRowHeight(
    labels,
    COLUMNS.map((column) => column.width),
  );
  // One style object shared by every cell of its kind (sheet-layout.ts says why).
  const borders = thinBorders();
  const headerStyle = headingCellStyle(borders);
  const bodyStyle: Partial<ExcelJS.Style> = {
    font: { name: '仿宋_GB2312', size: 10.5 },
    alignment: { vertical: 'top', wrapText: true },
    border: borders,
  };
  header.eachCell((cell) => {
    cell.style = headerStyle;
  });
  // The body's style on a row of empty cells: sheet-rows-xml.ts writes the rows in its place.
  const styleRow = sheet.getRow(4);
  for (let column = 1; column <= COLUMNS.length; column += 1)
    styleRow.getCell(column).style = bodyStyle;
  sheet.autoFilter = {
    from: { row: 3, column: 1 },
    to: { row: 3 + table.rows.length, column: COLUMNS.length },
  };
  // A year's rows repeat each measure's texts in every period: each height is reckoned once.
  const heights = COLUMNS.map(() => new Map<string, number>());
  const textHeight = (text: string, column: number) => {
    let height = heights[column]!.get(text);
    if (height === undefined) {
      height = heightFor(text, COLUMNS[column]!.width, 10.5);
      heights[column]!.set(text, height);
    }
    return height;
  };
  const body: SheetBody = {
    at: 4,
    count: table.rows.length,
    columns: COLUMNS.length,
    value: (row, column) => {
      const field = COLUMNS[column]!.field;
      const value = table.rows[row]![field];
      return field === 'itemNo' ? value : spreadsheetSafe(String(value));
    },
    height: (row) => {
      let tallest = 18;
      COLUMNS.forEach((column, index) => {
        tallest = Math.max(tallest, textHeight(String(table.rows[row]![column.field]), index));
      });
      return Math.min(MAX_ROW_HEIGHT, tallest);
    },
  };
  return { files: await workbookFiles(workbook), body };
}
