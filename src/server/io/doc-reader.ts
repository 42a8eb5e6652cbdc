import iconv from 'iconv-lite';
import { AppError } from '../../shared/errors';
import type {
  DocumentBlock,
  DocumentBlocks,
  TableRow,
} from '../../shared/plan-import/document-blocks';
import type { OleContainer } from './ole-container';

/*
 * A Word 97–2003 (.doc) binary document as paragraphs and tables, the way docx-reader reads a .docx
 * ([MS-DOC]): the text comes from the piece table, and the paragraph properties (the PAPX in the
 * formatted disk pages) say which paragraphs are in a table, which paragraph mark (\x07) ends a cell
 * and which ends a row; the row's table definition (sprmTDefTable) gives the cells' edges, so that
 * a cell spanning columns is laid out on the table's grid, and the vertical merges.
 */

export interface DocLimits {
  maxColumns: number;
}

const CELL_MARK = 0x07;
const PARAGRAPH_MARK = 0x0d;

const sprm = {
  inTable: 0x2416,
  ttp: 0x2417,
  itap: 0x6649,
  innerTtp: 0x244c,
  hugePapx: 0x6646,
  defTable: 0xd608,
  vertMerge: 0xd62b,
  changeTabs: 0xc615,
} as const;

interface RowDefinition {
  /** The cells' edges in twips, one more than there are cells. */
  edges: number[];
  /** Per cell: 0 not merged, 1 continues the cell above, 2 or 3 starts a vertical merge. */
  vertMerge: number[];
  /** Per cell: 1 when merged into the cell on its left (the old Word way). */
  horzMerge: number[];
}

interface ParagraphProperties {
  depth: number;
  ttp: boolean;
  innerTtp: boolean;
  row: RowDefinition | null;
}

const plainParagraph: ParagraphProperties = {
  depth: 0,
  ttp: false,
  innerTtp: false,
  row: null,
};

function corrupt(detail: string): AppError {
  return new AppError('import.corrupt_file', { detail: `Word 97–2003: ${detail}` });
}

/** The operand's length of a property modifier, from its spra bits (or its first bytes). */
function operandLength(bytes: Buffer, offset: number, code: number): number {
  switch (code >> 13) {
    case 0:
    case 1:
      return 1;
    case 2:
    case 4:
    case 5:
      return 2;
    case 3:
      return 4;
    case 7:
      return 3;
    default:
      if (code === sprm.defTable) return bytes.readUInt16LE(offset) + 1;
      if (code === sprm.changeTabs && bytes[offset] === 255) {
        const deleted = bytes[offset + 1]!;
        const added = bytes[offset + 2 + deleted * 4]!;
        return 1 + 1 + deleted * 4 + 1 + added * 3;
      }
      return bytes[offset]! + 1;
  }
}

function readRowDefinition(bytes: Buffer, offset: number, length: number): RowDefinition {
  const end = offset + length;
  const cells = bytes[offset + 2]!;
  const edges: number[] = [];
  for (let index = 0; index <= cells; index++)
    edges.push(bytes.readInt16LE(offset + 3 + index * 2));
  const vertMerge: number[] = [];
  const horzMerge: number[] = [];
  const first = offset + 3 + (cells + 1) * 2;
  for (let index = 0; index < cells; index++) {
    const at = first + index * 20;
    const flags = at + 2 <= end ? bytes.readUInt16LE(at) : 0;
    horzMerge.push(flags & 0x3);
    vertMerge.push((flags >> 5) & 0x3);
  }
  return { edges, vertMerge, horzMerge };
}

/** Applies a PAPX's property modifiers (grpprl) to the paragraph's properties. */
function applyModifiers(
  properties: ParagraphProperties,
  bytes: Buffer,
  start: number,
  end: number,
  data: Buffer | null,
): void {
  let offset = start;
  while (offset + 2 <= end) {
    const code = bytes.readUInt16LE(offset);
    const operand = offset + 2;
    const length = operandLength(bytes, operand, code);
    if (operand + length > end) break;
    switch (code) {
      case sprm.inTable:
        if (bytes[operand] && properties.depth === 0) properties.depth = 1;
        break;
      case sprm.itap:
        properties.depth = bytes.readInt32LE(operand);
        break;
      case sprm.ttp:
        properties.ttp = bytes[operand] === 1;
        break;
      case sprm.innerTtp:
        properties.innerTtp = bytes[operand] === 1;
        break;
      case sprm.defTable:
        properties.row = readRowDefinition(bytes, operand, length);
        break;
      case sprm.vertMerge: {
        const cell = bytes[operand + 1]!;
        if (properties.row && cell < properties.row.vertMerge.length)
          properties.row.vertMerge[cell] = bytes[operand + 2]!;
        break;
      }
      case sprm.hugePapx: {
        // The modifiers did not fit the page: they are in the Data stream.
        const at = bytes.readUInt32LE(operand);
        if (!data || at + 2 > data.length) throw corrupt('PAPX');
        const size = data.readUInt16LE(at);
        if (at + 2 + size > data.length) throw corrupt('PAPX');
        applyModifiers(properties, data, at + 2, at + 2 + size, null);
        break;
      }
    }
    offset = operand + length;
  }
}

interface PropertyRun {
  start: number;
  end: number;
  properties: ParagraphProperties;
}

/** The paragraph properties by file position, from the PlcBtePapx and its pages. */
function readParagraphRuns(
  word: Buffer,
  table: Buffer,
  data: Buffer | null,
  at: number,
  length: number,
): PropertyRun[] {
  if (length < 4 || at + length > table.length) throw corrupt('PlcBtePapx');
  const count = (length - 4) / 8;
  const runs: PropertyRun[] = [];
  for (let index = 0; index < count; index++) {
    const page = (table.readUInt32LE(at + (count + 1) * 4 + index * 4) & 0x3fffff) * 512;
    if (page + 512 > word.length) throw corrupt('PAPX FKP');
    const fkp = word.subarray(page, page + 512);
    const entries = fkp[511]!;
    for (let entry = 0; entry < entries; entry++) {
      const start = fkp.readUInt32LE(entry * 4);
      const end = fkp.readUInt32LE((entry + 1) * 4);
      const properties: ParagraphProperties = { ...plainParagraph };
      const papx = fkp[(entries + 1) * 4 + entry * 13]! * 2;
      if (papx > 0) {
        const size = fkp[papx]!;
        const [first, last] =
          size !== 0 ? [papx + 1, papx + 2 * size] : [papx + 2, papx + 2 + 2 * fkp[papx + 1]!];
        // the first two bytes are the paragraph style (istd)
        applyModifiers(properties, fkp, first + 2, Math.min(last, 512), data);
      }
      runs.push({ start, end, properties });
    }
  }
  return runs.sort((a, b) => a.start - b.start);
}

function propertiesAt(runs: PropertyRun[], position: number): ParagraphProperties {
  let low = 0;
  let high = runs.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const run = runs[middle]!;
    if (position < run.start) high = middle - 1;
    else if (position >= run.end) low = middle + 1;
    else return run.properties;
  }
  return plainParagraph;
}

interface Piece {
  cpStart: number;
  cpEnd: number;
  /** Byte offset in the WordDocument stream. */
  fileStart: number;
  compressed: boolean;
}

function readPieces(table: Buffer, at: number, length: number, word: Buffer): Piece[] {
  let offset = at;
  const end = at + length;
  if (end > table.length) throw corrupt('Clx');
  while (offset < end && table[offset] === 0x01) offset += 3 + table.readUInt16LE(offset + 1);
  if (table[offset] !== 0x02) throw corrupt('Clx');
  const size = table.readUInt32LE(offset + 1);
  const plc = offset + 5;
  if (plc + size > table.length || size < 4) throw corrupt('PlcPcd');
  const count = (size - 4) / 12;
  const pieces: Piece[] = [];
  for (let index = 0; index < count; index++) {
    const cpStart = table.readUInt32LE(plc + index * 4);
    const cpEnd = table.readUInt32LE(plc + (index + 1) * 4);
    const raw = table.readUInt32LE(plc + (count + 1) * 4 + index * 8 + 2);
    const compressed = (raw & 0x40000000) !== 0;
    const fc = raw & 0x3fffffff;
    const fileStart = compressed ? fc / 2 : fc;
    const bytes = (cpEnd - cpStart) * (compressed ? 1 : 2);
    if (cpEnd < cpStart || fileStart + bytes > word.length) throw corrupt('piece table');
    pieces.push({ cpStart, cpEnd, fileStart, compressed });
  }
  return pieces;
}

/** The main text's characters with the file position of each, in order. */
function* characters(
  word: Buffer,
  pieces: Piece[],
  textLength: number,
): Generator<{ char: number; position: number }> {
  for (const piece of pieces) {
    const last = Math.min(piece.cpEnd, textLength);
    for (let cp = piece.cpStart; cp < last; cp++) {
      const position = piece.fileStart + (cp - piece.cpStart) * (piece.compressed ? 1 : 2);
      const char = piece.compressed
        ? iconv.decode(word.subarray(position, position + 1), 'win1252').charCodeAt(0)
        : word.readUInt16LE(position);
      yield { char, position };
    }
  }
}

interface OpenRow {
  cells: string[];
  definition: RowDefinition | null;
}

/** Lays out a table's rows on one grid of cell edges, so that columns line up as in a .docx. */
function layOut(rows: OpenRow[], maxColumns: number): TableRow[] {
  const edges = [...new Set(rows.flatMap((row) => row.definition?.edges ?? []))].sort(
    (a, b) => a - b,
  );
  const grid: number[] = [];
  for (const edge of edges) if (grid.length === 0 || edge - grid.at(-1)! > 20) grid.push(edge);
  const column = (edge: number) => {
    let best = 0;
    for (let index = 1; index < grid.length; index++)
      if (Math.abs(grid[index]! - edge) < Math.abs(grid[best]! - edge)) best = index;
    return best;
  };
  const masters = new Map<number, string>();
  return rows.map((row, rowIndex) => {
    const definition = row.definition;
    const laidOut: string[] = [];
    if (!definition || definition.edges.length !== row.cells.length + 1) {
      laidOut.push(...row.cells);
    } else {
      row.cells.forEach((text, index) => {
        const first = column(definition.edges[index]!);
        const span = Math.max(1, column(definition.edges[index + 1]!) - first);
        while (laidOut.length < first) laidOut.push('');
        const merge = definition.vertMerge[index];
        let cellText = definition.horzMerge[index] === 1 ? '' : text;
        if (merge === 1) cellText = masters.get(laidOut.length) ?? '';
        else if (merge === 2 || merge === 3) masters.set(laidOut.length, cellText);
        else masters.delete(laidOut.length);
        laidOut.push(cellText, ...new Array<string>(span - 1).fill(''));
      });
    }
    return { cells: laidOut.slice(0, maxColumns), sourceRow: rowIndex + 1 };
  });
}

/** Paragraphs and tables of a Word 97–2003 document's main text, in document order. */
export function readDocDocument(container: OleContainer, limits: DocLimits): DocumentBlocks {
  const word = container.stream('WordDocument');
  if (!word || word.length < 0x200) throw corrupt('WordDocument');
  try {
    return readWordStreams(word, container, limits);
  } catch (error) {
    if (error instanceof AppError) throw error;
    // a position past the end of a stream: a file cut short or made up
    throw corrupt(((error as Error).message ?? '').slice(0, 60));
  }
}

function readWordStreams(word: Buffer, container: OleContainer, limits: DocLimits) {
  if (word.readUInt16LE(0) !== 0xa5ec) throw corrupt('not a Word document');
  const nFib = word.readUInt16LE(2);
  const flags = word.readUInt16LE(0x0a);
  if (flags & 0x0100) throw new AppError('import.encrypted_file');
  // Word 6.0/95 and older write another layout
  if (nFib < 0x00c1) throw new AppError('import.office_too_old');
  const table = container.stream(flags & 0x0200 ? '1Table' : '0Table');
  if (!table) throw corrupt('table stream');
  const data = container.stream('Data');

  const csw = word.readUInt16LE(32);
  const rgLw = 34 + csw * 2 + 2;
  const cslw = word.readUInt16LE(rgLw - 2);
  const textLength = word.readInt32LE(rgLw + 12);
  const rgFcLcb = rgLw + cslw * 4 + 2;
  const fcLcb = (index: number) => ({
    at: word.readUInt32LE(rgFcLcb + index * 8),
    length: word.readUInt32LE(rgFcLcb + index * 8 + 4),
  });
  const papx = fcLcb(13);
  const clx = fcLcb(33);
  if (textLength < 0) throw corrupt('FIB');

  const pieces = readPieces(table, clx.at, clx.length, word);
  const runs = readParagraphRuns(word, table, data, papx.at, papx.length);

  const blocks: DocumentBlock[] = [];
  let rows: OpenRow[] = [];
  let cells: string[] = [];
  let lines: string[] = [];
  let nested: string[] = [];
  let text = '';
  /** Open fields: true once past the separator (the field's result is shown, its code is not). */
  const fields: boolean[] = [];

  const flushTable = () => {
    if (cells.length > 0 || lines.length > 0) rows.push({ cells: [...cells], definition: null });
    if (rows.length > 0) blocks.push({ kind: 'table', rows: layOut(rows, limits.maxColumns) });
    rows = [];
    cells = [];
    lines = [];
    nested = [];
  };

  for (const { char, position } of characters(word, pieces, textLength)) {
    if (char === 0x13) {
      fields.push(false);
      continue;
    }
    if (char === 0x14) {
      if (fields.length) fields[fields.length - 1] = true;
      continue;
    }
    if (char === 0x15) {
      fields.pop();
      continue;
    }
    if (char !== PARAGRAPH_MARK && char !== CELL_MARK) {
      if (fields.every(Boolean)) text += characterText(char);
      continue;
    }
    const properties = propertiesAt(runs, position);
    const paragraph = text.replace(/\n+$/, '');
    text = '';
    if (properties.depth <= 0) {
      flushTable();
      blocks.push({ kind: 'paragraph', text: paragraph });
    } else if (properties.depth === 1) {
      if (char === PARAGRAPH_MARK) {
        lines.push(paragraph);
      } else if (properties.ttp) {
        rows.push({ cells, definition: properties.row });
        cells = [];
        lines = [];
      } else {
        lines.push(paragraph);
        cells.push(lines.join('\n').replace(/\n+$/, ''));
        lines = [];
      }
    } else if (properties.innerTtp) {
      // a nested table: each of its rows is one line of the outer cell
      lines.push(nested.filter(Boolean).join(' '));
      nested = [];
    } else {
      nested.push(paragraph);
    }
  }
  if (text) {
    flushTable();
    blocks.push({ kind: 'paragraph', text });
  }
  flushTable();
  return { format: 'doc' as const, blocks };
}

function characterText(char: number): string {
  switch (char) {
    case 0x09:
      return '\t';
    case 0x0b:
    case 0x0c:
      return '\n';
    case 0x1e:
      return '-';
    default:
      return char < 0x20 || char === 0x1f ? '' : String.fromCharCode(char);
  }
}
