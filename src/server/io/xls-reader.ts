import * as XLSX from '@e965/xlsx';
import * as codepages from '@e965/xlsx/dist/cpexcel.full.mjs';
import { AppError } from '../../shared/errors';
import type {
  DocumentBlock,
  DocumentBlocks,
  TableRow,
} from '../../shared/plan-import/document-blocks';
import type { SheetLimits } from './xlsx-reader';

// Excel 5.0/95 files keep their text in the system's code page (GBK on a Chinese Windows).
XLSX.set_cptable(codepages);

/** A cell's text the way xlsx-reader gives it: dates as yyyy-mm-dd, numbers and text as they are. */
function textOf(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.v === undefined || cell.v === null) return '';
  if (cell.t === 'e') return '';
  if (cell.t === 'd' && cell.v instanceof Date) return cell.v.toISOString().slice(0, 10);
  if (cell.t === 'n' && cell.z !== undefined && XLSX.SSF.is_date(cell.z)) {
    const date = XLSX.SSF.parse_date_code(cell.v as number);
    if (date) {
      const pad = (value: number) => String(value).padStart(2, '0');
      return `${date.y}-${pad(date.m)}-${pad(date.d)}`;
    }
  }
  return String(cell.v).replace(/\r\n?/g, '\n');
}

/**
 * Each worksheet of an Excel 97–2003 workbook (BIFF8, and the BIFF5 of Excel 95) as a table, the
 * way xlsx-reader reads an .xlsx: a cell merged into one above it repeats the master's text, a
 * cell merged into one to its left stays empty. SheetJS reads the workbook.
 */
export function readXlsDocument(bytes: Buffer, limits: SheetLimits): DocumentBlocks {
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(bytes, {
      type: 'buffer',
      dense: true,
      cellNF: true,
      cellHTML: false,
      cellFormula: false,
      cellStyles: false,
      bookVBA: false,
    });
  } catch (error) {
    const message = ((error as Error).message ?? 'xls').slice(0, 120);
    if (/password|encrypt/i.test(message)) throw new AppError('import.encrypted_file');
    throw new AppError('import.corrupt_file', { detail: `Excel 97–2003: ${message}` });
  }
  // SheetJS reads what it can: a Workbook stream with no sheet in it is no workbook.
  if (workbook.SheetNames.length === 0)
    throw new AppError('import.corrupt_file', { detail: 'Excel 97–2003: no worksheet' });
  const blocks: DocumentBlock[] = [];
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name] as XLSX.DenseSheet | undefined;
    const data = sheet?.['!data'] ?? [];
    let rowCount = 0;
    data.forEach((row, index) => {
      if (row?.some((cell) => textOf(cell) !== '')) rowCount = index + 1;
    });
    if (rowCount > limits.maxRows)
      throw new AppError('import.too_many_rows', { rows: rowCount, limit: limits.maxRows });
    if (!sheet || rowCount === 0) continue;
    const columnCount = Math.min(
      Math.max(0, ...data.slice(0, rowCount).map((row) => row?.length ?? 0)),
      limits.maxColumns,
    );
    const grid: string[][] = data
      .slice(0, rowCount)
      .map((row) =>
        Array.from({ length: columnCount }, (_unused, column) => textOf(row?.[column])),
      );
    for (const merge of sheet['!merges'] ?? []) {
      const master = grid[merge.s.r]?.[merge.s.c] ?? '';
      for (let r = merge.s.r; r <= Math.min(merge.e.r, rowCount - 1); r++) {
        for (let c = merge.s.c; c <= Math.min(merge.e.c, columnCount - 1); c++) {
          if (r === merge.s.r && c === merge.s.c) continue;
          grid[r]![c] = c === merge.s.c ? master : '';
        }
      }
    }
    const rows: TableRow[] = grid.map((cells, index) => ({ cells, sourceRow: index + 1 }));
    blocks.push({ kind: 'table', rows });
  }
  return { format: 'xls', blocks };
}
