import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { heightFor, MAX_ROW_HEIGHT, printOptions } from './sheet-layout';
import { spreadsheetSafe } from './task-breakdown-writer';

/** One audit entry as a row of the export, every cell already worded. */
export interface AuditSheetRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  actionLabel: string;
  entityType: string;
  entityId: string;
  ip: string;
  userAgent: string;
  before: string;
  after: string;
}

const COLUMNS = [
  { field: 'id', header: '序号', width: 10 },
  { field: 'at', header: '时间（北京时间）', width: 19 },
  { field: 'actor', header: '操作人', width: 16 },
  { field: 'actionLabel', header: '操作', width: 20 },
  { field: 'action', header: '操作代码', width: 24 },
  { field: 'entityType', header: '对象类型', width: 14 },
  { field: 'entityId', header: '对象编号', width: 38 },
  { field: 'ip', header: 'IP 地址', width: 16 },
  { field: 'userAgent', header: '客户端', width: 30 },
  { field: 'before', header: '变更前', width: 50 },
  { field: 'after', header: '变更后', width: 50 },
] as const satisfies readonly { field: keyof AuditSheetRow; header: string; width: number }[];

/** Excel keeps at most this many characters in a cell. */
const CELL_LIMIT = 32_000;

function cell(text: string): string {
  const safe = spreadsheetSafe(text);
  return safe.length > CELL_LIMIT ? `${safe.slice(0, CELL_LIMIT)}…（已截断）` : safe;
}

/**
 * The audit log as .xlsx, written as a stream (no shared strings, rows committed as they come), so
 * that a 100,000-row export holds one batch of rows in memory, not the whole sheet. Formula-safe.
 * `batches` yields the rows in order; the title row says what was exported.
 */
export async function writeAuditLogXlsx(
  title: string,
  batches: AsyncIterable<AuditSheetRow[]>,
): Promise<Buffer> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    output.on('end', resolve);
    output.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet('审计日志', {
    ...printOptions({ orientation: 'landscape', titleRows: [2, 2] }),
    views: [{ state: 'frozen', ySplit: 2 }],
  });
  sheet.columns = COLUMNS.map((column) => ({ width: column.width }));
  const titleRow = sheet.addRow([cell(title)]);
  titleRow.font = { bold: true, size: 13 };
  titleRow.commit();
  const header = sheet.addRow(COLUMNS.map((column) => column.header));
  header.font = { bold: true };
  header.commit();
  let rows = 0;
  for await (const batch of batches) {
    for (const row of batch) {
      const added = sheet.addRow(
        COLUMNS.map((column) => (column.field === 'id' ? row.id : cell(row[column.field]))),
      );
      // Wrapped in its column, as high as its longest text (up to Excel's 409 pt).
      added.alignment = { vertical: 'top', wrapText: true };
      added.height = Math.min(
        MAX_ROW_HEIGHT,
        Math.max(
          15,
          ...COLUMNS.map((column) =>
            column.field === 'id' ? 0 : heightFor(row[column.field], column.width, 11),
          ),
        ),
      );
      added.commit();
      rows++;
    }
  }
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + rows, column: COLUMNS.length } };
  sheet.commit();
  await workbook.commit();
  await finished;
  return Buffer.concat(chunks);
}
