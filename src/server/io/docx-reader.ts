import { DOMParser, type Element } from '@xmldom/xmldom';
import { AppError } from '../../shared/errors';
import type {
  DocumentBlock,
  DocumentBlocks,
  TableRow,
} from '../../shared/plan-import/document-blocks';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

function children(element: Element, localName?: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (!localName || (node as Element).localName === localName))
      found.push(node as Element);
  }
  return found;
}

function attribute(element: Element | undefined, name: string): string | null {
  return element?.getAttributeNS(W, name) ?? element?.getAttribute(`w:${name}`) ?? null;
}

/** The text of a paragraph: runs, tabs and line breaks; fields' instructions are skipped. */
function paragraphText(paragraph: Element): string {
  let text = '';
  const walk = (element: Element) => {
    for (const child of children(element)) {
      switch (child.localName) {
        case 't':
          text += child.textContent ?? '';
          break;
        case 'tab':
          text += '\t';
          break;
        case 'br':
        case 'cr':
          text += '\n';
          break;
        case 'instrText':
        case 'delText':
          break;
        default:
          walk(child);
      }
    }
  };
  walk(paragraph);
  return text;
}

/** A cell's paragraphs, one per line; a nested table's text is kept as lines too. */
function cellText(cell: Element): string {
  const lines: string[] = [];
  for (const child of children(cell)) {
    if (child.localName === 'p') lines.push(paragraphText(child));
    else if (child.localName === 'tbl')
      lines.push(...tableRows(child).map((row) => row.cells.filter(Boolean).join(' ')));
    else if (child.localName === 'sdt')
      lines.push(
        ...children(child, 'sdtContent').flatMap((content) =>
          children(content, 'p').map(paragraphText),
        ),
      );
  }
  return lines.join('\n').replace(/\n+$/, '');
}

/**
 * A table as a grid: a vertically merged cell (w:vMerge continue) repeats its master's text;
 * a cell spanning columns (w:gridSpan) fills the first and leaves the rest empty.
 */
function tableRows(table: Element): TableRow[] {
  const rows: TableRow[] = [];
  const mastersByColumn = new Map<number, string>();
  children(table, 'tr').forEach((rowElement, rowIndex) => {
    const cells: string[] = [];
    for (const cell of children(rowElement, 'tc')) {
      const properties = children(cell, 'tcPr')[0];
      const span = Math.max(
        1,
        Number(attribute(properties && children(properties, 'gridSpan')[0], 'val') ?? 1) || 1,
      );
      const vMerge = properties ? children(properties, 'vMerge')[0] : undefined;
      const column = cells.length;
      let text: string;
      if (vMerge && attribute(vMerge, 'val') !== 'restart') {
        text = mastersByColumn.get(column) ?? '';
      } else {
        text = cellText(cell);
        if (vMerge) mastersByColumn.set(column, text);
        else mastersByColumn.delete(column);
      }
      cells.push(text, ...new Array<string>(span - 1).fill(''));
    }
    rows.push({ cells, sourceRow: rowIndex + 1 });
  });
  return rows;
}

/** Paragraphs and tables of word/document.xml, in document order. */
export function readDocxDocument(documentXml: Buffer): DocumentBlocks {
  const errors: string[] = [];
  let body: Element | undefined;
  try {
    const document = new DOMParser({
      onError: (level, message) => level !== 'warning' && errors.push(message),
    }).parseFromString(documentXml.toString('utf8'), 'text/xml');
    body = document.getElementsByTagNameNS(W, 'body')[0] as Element | undefined;
  } catch {
    errors.push('fatal');
  }
  if (errors.length > 0 || !body)
    throw new AppError('import.corrupt_file', { detail: 'word/document.xml' });
  const blocks: DocumentBlock[] = [];
  for (const child of children(body)) {
    if (child.localName === 'p') blocks.push({ kind: 'paragraph', text: paragraphText(child) });
    else if (child.localName === 'tbl') blocks.push({ kind: 'table', rows: tableRows(child) });
  }
  return { format: 'docx', blocks };
}
