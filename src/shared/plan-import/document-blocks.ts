/**
 * What a reader makes of a document, whatever its format: paragraphs and tables in order.
 * Merged cells are already filled by the reader (vertically merged cells repeat the master's
 * text; horizontally merged ones are empty after the first).
 */
export interface TableRow {
  cells: string[];
  /** 1-based row of the table, or line of a text file, where the row starts: for error messages. */
  sourceRow: number;
}

export type DocumentBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; rows: TableRow[] };

export interface DocumentBlocks {
  format: 'text' | 'docx' | 'xlsx' | 'doc' | 'xls';
  blocks: DocumentBlock[];
}
