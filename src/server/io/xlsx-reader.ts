import ExcelJS from 'exceljs';
import { AppError } from '../../shared/errors';
import type {
  DocumentBlock,
  DocumentBlocks,
  TableRow,
} from '../../shared/plan-import/document-blocks';

export interface SheetLimits {
  maxRows: number;
  maxColumns: number;
}

function textOf(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && 'richText' in value)
    return value.richText.map((run) => run.text).join('');
  if (typeof value === 'object' && 'result' in value)
    return value.result === undefined || value.result === null ? '' : String(value.result);
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  return String(value);
}

/**
 * Each worksheet as a table. A cell merged into one above it repeats the master's text (level-1
 * and level-2 indicators span many rows); a cell merged into one to its left stays empty (a
 * title across the sheet is read once).
 */
export async function readXlsxDocument(
  bytes: Buffer,
  limits: SheetLimits,
): Promise<DocumentBlocks> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new AppError('import.corrupt_file', {
      detail: ((error as Error).message ?? 'xlsx').slice(0, 120),
    });
  }
  const blocks: DocumentBlock[] = [];
  for (const sheet of workbook.worksheets) {
    if (sheet.rowCount > limits.maxRows)
      throw new AppError('import.too_many_rows', { rows: sheet.rowCount, limit: limits.maxRows });
    const columnCount = Math.min(sheet.columnCount, limits.maxColumns);
    const rows: TableRow[] = [];
    for (let rowNumber = 1; rowNumber <= sheet.rowCount; rowNumber++) {
      const row = sheet.getRow(rowNumber);
      const cells: string[] = [];
      for (let column = 1; column <= columnCount; column++) {
        const cell = row.getCell(column);
        const master = cell.isMerged ? cell.master : cell;
        const mergedFromLeft = master !== cell && master.col !== cell.col;
        cells.push(mergedFromLeft ? '' : textOf(master).replace(/\r\n?/g, '\n'));
      }
      rows.push({ cells, sourceRow: rowNumber });
    }
    blocks.push({ kind: 'table', rows });
  }
  return { format: 'xlsx', blocks };
}
