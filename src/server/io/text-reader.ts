import type {
  DocumentBlock,
  DocumentBlocks,
  TableRow,
} from '../../shared/plan-import/document-blocks';

/**
 * A Word document pasted as text: each table cell starts a line with a TAB, lines without one
 * continue the cell, and a blank line ends the row. A single-cell "row" is an indented line
 * of text, not a table. A line that holds TABs without starting with one is a whole row of
 * tab-separated cells (a table copied from Excel, or a .tsv).
 */
export function readTextDocument(text: string): DocumentBlocks {
  const blocks: DocumentBlock[] = [];
  let table: TableRow[] | null = null;
  let row: TableRow | null = null;

  const endRow = () => {
    if (!row) return;
    if (row.cells.length === 1) {
      table = null;
      blocks.push({ kind: 'paragraph', text: row.cells[0]!.trim() });
    } else {
      if (!table) {
        table = [];
        blocks.push({ kind: 'table', rows: table });
      }
      table.push(row);
    }
    row = null;
  };

  text.split('\n').forEach((line, index) => {
    if (line.startsWith('\t')) {
      row ??= { cells: [], sourceRow: index + 1 };
      row.cells.push(...line.slice(1).split('\t'));
    } else if (line.trim() === '') {
      endRow();
    } else if (!row && line.includes('\t')) {
      row = { cells: line.replace(/\r$/, '').split('\t'), sourceRow: index + 1 };
      endRow();
    } else if (row) {
      const last = row.cells.length - 1;
      row.cells[last] = `${row.cells[last]}\n${line}`;
    } else {
      table = null;
      blocks.push({ kind: 'paragraph', text: line });
    }
  });
  endRow();
  return { format: 'text', blocks };
}
