import { AppError } from '../errors';
import { columnMeanings, type ColumnMeaning } from './contract';
import type { ColumnMap, HeaderMapping } from './table-header';

/** What the office writes for a column Luoshi should pass over. */
const IGNORED = new Set(['-', 'ignore', '忽略']);

/**
 * A mapping as the CLI's `--columns` and the API's `columns` give it: the meaning of each column
 * from the left, comma-separated (`number,content,lead,support,deadline,-`), `-` for a column
 * to keep with the items as it is. Refuses an unknown meaning or one given twice.
 */
export function readColumnMapping(columns?: string, headerRow?: number): HeaderMapping {
  const mapping: HeaderMapping = {};
  if (headerRow !== undefined) {
    if (!Number.isInteger(headerRow) || headerRow < 1 || headerRow > 50)
      throw new AppError('import.bad_column_mapping', { found: String(headerRow) });
    mapping.headerRow = headerRow;
  }
  if (columns === undefined || columns.trim() === '') return mapping;
  const map: ColumnMap = {};
  columns.split(/[,，]/).forEach((word, index) => {
    const meaning = word.trim();
    if (IGNORED.has(meaning) || meaning === '') return;
    if (
      !(columnMeanings as readonly string[]).includes(meaning) ||
      map[meaning as ColumnMeaning] !== undefined
    )
      throw new AppError('import.bad_column_mapping', { found: meaning });
    map[meaning as ColumnMeaning] = index;
  });
  mapping.columns = map;
  return mapping;
}
