import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { DOMParser, type Element, XMLSerializer } from '@xmldom/xmldom';
import CFB from 'cfb';
import type { PlanShape } from './plan-shapes';

/*
 * Files saved by WPS Office (Kingsoft), taken from public repositories (test/fixtures/wps/README.md
 * names each one's source, commit and licence), with a plan written into them at test time.
 *
 * WPS is not installable here, so these are the only WPS-made bytes the tests see. What is
 * replaced is the TEXT and nothing else: every other part of the zip (styles, content types,
 * custom properties with KSOProductBuildVer, theme, comments, drawings) is copied byte for byte,
 * entry order, timestamps and compression included; in the parts that change, WPS's elements and
 * attributes stay as WPS wrote them:
 *  - Word: the paragraphs and runs of the chosen table keep their w:pPr/w:rPr and WPS's cell
 *    properties; a cell's lines go into its paragraphs in order (the first w:t of each paragraph
 *    takes the line, WPS's further runs of it are emptied), a paragraph is cloned when a cell needs
 *    more lines than it has. All other text of the document is emptied.
 *  - Excel: the sheet's rows are written the way WPS writes them (<row r spans>, <c r s t="s">,
 *    shared strings, dates as serial numbers), each cell with one of the style indices WPS put in
 *    that workbook; the merges, the dimension and the shared-string table follow the new cells;
 *    hyperlinks and comments stay on the cells they were on.
 *  - Excel 97–2003: the BIFF8 records of the strings and of the first sheet's cells are rebuilt
 *    with WPS's XF indices, the records pointing into the stream follow, and the stream goes back
 *    into its own sectors of the compound file (wpsXls).
 * Nothing here is a rule of the importer: it only makes the bytes a WPS user would upload.
 */
export const wpsFixtures = path.join(import.meta.dirname, '../fixtures/wps');

// ---------------------------------------------------------------------------------------------
// zip: replace some parts, keep the rest as it is

/** One entry of a zip as stored: its local header with its data, its central-directory record. */
export interface ZipRecord {
  name: string;
  local: Buffer;
  central: Buffer;
}

export function zipRecords(bytes: Buffer): ZipRecord[] {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const records: ZipRecord[] = [];
  for (let index = 0; index < count; index++) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const nameLength = bytes.readUInt16LE(at + 28);
    const centralLength =
      46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const central = bytes.subarray(at, at + centralLength);
    const name = central.subarray(46, 46 + nameLength).toString('utf8');
    if (central.readUInt16LE(8) & 0x0008) throw new Error(`${name}: data descriptor not handled`);
    const offset = central.readUInt32LE(42);
    const localLength =
      30 +
      bytes.readUInt16LE(offset + 26) +
      bytes.readUInt16LE(offset + 28) +
      central.readUInt32LE(20);
    records.push({ name, local: bytes.subarray(offset, offset + localLength), central });
    at += centralLength;
  }
  return records;
}

/** The inflated content of one part. */
export async function zipPart(bytes: Buffer, name: string): Promise<Buffer> {
  const record = zipRecords(bytes).find((entry) => entry.name === name);
  if (!record) throw new Error(`${name}: no such part`);
  const data = record.local.subarray(
    30 + record.local.readUInt16LE(26) + record.local.readUInt16LE(28),
  );
  return record.local.readUInt16LE(8) === 0 ? Buffer.from(data) : inflateRawSync(data);
}

/** The zip with the named parts' contents replaced; every other byte of every entry kept. */
export function replaceZipParts(bytes: Buffer, parts: ReadonlyMap<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const records = zipRecords(bytes);
  for (const name of parts.keys())
    if (!records.some((record) => record.name === name)) throw new Error(`${name}: no such part`);
  for (const record of records) {
    let local = record.local;
    const central = Buffer.from(record.central);
    const content = parts.get(record.name);
    if (content) {
      const head = Buffer.from(
        local.subarray(0, 30 + local.readUInt16LE(26) + local.readUInt16LE(28)),
      );
      const stored = head.readUInt16LE(8) === 0;
      const data = stored ? content : deflateRawSync(content, { level: 6 });
      for (const [target, base] of [
        [head, 14],
        [central, 16],
      ] as const) {
        target.writeUInt32LE(crc32(content), base);
        target.writeUInt32LE(data.length, base + 4);
        target.writeUInt32LE(content.length, base + 8);
      }
      local = Buffer.concat([head, data]);
    }
    central.writeUInt32LE(offset, 42);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---------------------------------------------------------------------------------------------
// XML: parse, change, write back with WPS's own declaration line

function parseXml(xml: Buffer) {
  return new DOMParser().parseFromString(xml.toString('utf8'), 'text/xml');
}

function serialiseXml(original: Buffer, document: ReturnType<typeof parseXml>): Buffer {
  const text = new XMLSerializer().serializeToString(document);
  // xmldom writes the declaration followed by "\n"; WPS wrote "\r\n".
  const declaration = /^<\?xml[^>]*\?>\r?\n?/;
  const own = original.toString('utf8').match(declaration)?.[0] ?? '';
  return Buffer.from(text.replace(declaration, own), 'utf8');
}

function elements(parent: Element, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling)
    if (node.nodeType === 1 && (node as Element).localName === localName)
      found.push(node as Element);
  return found;
}

function descendants(parent: Element, localName: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS('*', localName));
}

// ---------------------------------------------------------------------------------------------
// Word

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** Put one line into a WPS paragraph: its first w:t takes it, its other w:t are emptied. */
function setParagraphText(paragraph: Element, line: string) {
  const texts = descendants(paragraph, 't').filter((t) => t.namespaceURI === W);
  if (texts.length === 0) {
    if (line === '') return;
    // a paragraph without a run: one run, with the run properties WPS put on the paragraph mark
    const document = paragraph.ownerDocument!;
    const run = document.createElementNS(W, 'w:r');
    const markProperties = elements(paragraph, 'pPr').flatMap((pPr) => elements(pPr, 'rPr'))[0];
    if (markProperties) run.appendChild(markProperties.cloneNode(true));
    const text = document.createElementNS(W, 'w:t');
    run.appendChild(text);
    paragraph.appendChild(run);
    texts.push(text);
  }
  texts.forEach((text, index) => {
    text.textContent = index === 0 ? line : '';
    if (index === 0 && /^\s|\s$/.test(line)) text.setAttribute('xml:space', 'preserve');
  });
}

function setCellText(cell: Element, value: string) {
  const lines = value.split('\n');
  const paragraphs = elements(cell, 'p');
  const last = paragraphs.at(-1);
  if (!last) throw new Error('a table cell without a paragraph');
  while (paragraphs.length < lines.length) {
    const copy = last.cloneNode(true) as Element;
    cell.appendChild(copy);
    paragraphs.push(copy);
  }
  for (const [index, paragraph] of paragraphs.entries())
    setParagraphText(paragraph, lines[index] ?? '');
}

const shapeText = (value: PlanShape['tables'][number][number][number]) => {
  if (value === null) return '';
  const text = typeof value === 'object' && !(value instanceof Date) ? value.text : value;
  return text instanceof Date ? text.toISOString().slice(0, 10) : text;
};

/**
 * A WPS .docx with the plan in one of its tables: `table` is the index of that table among the
 * body's tables, `title` the index among the body's paragraphs of the one that takes the plan's
 * line before the table. The plan's grid must be that table's grid (no spans: WPS's cells are
 * kept as they are). Every other text of the document is emptied.
 */
export async function wpsDocx(
  fileName: string,
  shape: PlanShape,
  place: { table: number; title?: number },
): Promise<Buffer> {
  const bytes = await readFile(path.join(wpsFixtures, fileName));
  const original = await zipPart(bytes, 'word/document.xml');
  const document = parseXml(original);
  const body = document.getElementsByTagNameNS(W, 'body')[0];
  if (!body) throw new Error(`${fileName}: no body`);
  for (const text of descendants(body, 't')) if (text.namespaceURI === W) text.textContent = '';
  const tables = elements(body, 'tbl');
  const table = tables[place.table];
  const grid = shape.tables[0];
  if (!table || !grid || shape.tables.length !== 1) throw new Error('one table expected');
  const rows = elements(table, 'tr');
  if (rows.length < grid.length) throw new Error(`${fileName}: table ${place.table} too short`);
  grid.forEach((cells, rowIndex) => {
    const wpsCells = elements(rows[rowIndex]!, 'tc');
    if (wpsCells.length !== cells.length)
      throw new Error(`${fileName}: row ${rowIndex + 1} has ${wpsCells.length} cells`);
    cells.forEach((cell, column) => {
      setCellText(wpsCells[column]!, shapeText(cell));
    });
  });
  if (place.title !== undefined) {
    const paragraph = elements(body, 'p')[place.title];
    if (!paragraph) throw new Error(`${fileName}: no paragraph ${place.title}`);
    setParagraphText(paragraph, shape.before.join(''));
  }
  return replaceZipParts(bytes, new Map([['word/document.xml', serialiseXml(original, document)]]));
}

// ---------------------------------------------------------------------------------------------
// Excel

const S = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** One cell of a sheet to write: its value and the WPS style index (`s`) it takes, if any. */
export interface WpsCell {
  value: string | number | Date | null;
  style?: string;
}

export interface WpsSheet {
  /** The worksheet part, e.g. xl/worksheets/sheet1.xml. */
  part: string;
  rows: WpsCell[][];
  /** Ranges such as A3:A4. */
  merges: string[];
}

const columnName = (index: number) => {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};
/** Days since 1899-12-30: how Excel and WPS keep a date. */
const serial = (date: Date) => (date.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000;

/**
 * A WPS .xlsx with the given sheets' cells replaced; sheets not named are emptied of their
 * cells. The shared-string table is rebuilt from the new text.
 */
export async function wpsXlsx(fileName: string, sheets: WpsSheet[]): Promise<Buffer> {
  const bytes = await readFile(path.join(wpsFixtures, fileName));
  const workbookRels = parseXml(await zipPart(bytes, 'xl/_rels/workbook.xml.rels'));
  const sheetParts = Array.from(workbookRels.getElementsByTagName('Relationship'))
    .filter((rel) => rel.getAttribute('Type')?.endsWith('/worksheet'))
    .map((rel) => `xl/${rel.getAttribute('Target')}`);
  const strings: string[] = [];
  let stringCount = 0;
  const stringIndex = (text: string) => {
    stringCount += 1;
    const at = strings.indexOf(text);
    if (at >= 0) return at;
    strings.push(text);
    return strings.length - 1;
  };
  const changed = new Map<string, Buffer>();
  for (const part of sheetParts) {
    const original = await zipPart(bytes, part);
    const document = parseXml(original);
    const worksheet = document.documentElement!;
    const sheetData = elements(worksheet, 'sheetData')[0]!;
    while (sheetData.firstChild) sheetData.removeChild(sheetData.firstChild);
    const sheet = sheets.find((candidate) => candidate.part === part);
    const rows = sheet?.rows ?? [];
    const width = Math.max(0, ...rows.map((row) => row.length));
    rows.forEach((cells, rowIndex) => {
      const row = document.createElementNS(S, 'row');
      row.setAttribute('r', String(rowIndex + 1));
      row.setAttribute('spans', `1:${cells.length}`);
      cells.forEach((cell, column) => {
        const c = document.createElementNS(S, 'c');
        c.setAttribute('r', `${columnName(column)}${rowIndex + 1}`);
        if (cell.style) c.setAttribute('s', cell.style);
        const value = cell.value;
        if (value !== null && value !== '') {
          const v = document.createElementNS(S, 'v');
          if (typeof value === 'string') {
            c.setAttribute('t', 's');
            v.textContent = String(stringIndex(value));
          } else {
            v.textContent = String(value instanceof Date ? serial(value) : value);
          }
          c.appendChild(v);
        }
        row.appendChild(c);
      });
      sheetData.appendChild(row);
    });
    const dimension = elements(worksheet, 'dimension')[0];
    dimension?.setAttribute(
      'ref',
      rows.length === 0 ? 'A1' : `A1:${columnName(Math.max(0, width - 1))}${rows.length}`,
    );
    let mergeCells = elements(worksheet, 'mergeCells')[0];
    const merges = sheet?.merges ?? [];
    if (merges.length === 0 && mergeCells) worksheet.removeChild(mergeCells);
    if (merges.length > 0) {
      if (!mergeCells) {
        mergeCells = document.createElementNS(S, 'mergeCells');
        worksheet.insertBefore(mergeCells, sheetData.nextSibling);
      }
      while (mergeCells.firstChild) mergeCells.removeChild(mergeCells.firstChild);
      mergeCells.setAttribute('count', String(merges.length));
      for (const ref of merges) {
        const merge = document.createElementNS(S, 'mergeCell');
        merge.setAttribute('ref', ref);
        mergeCells.appendChild(merge);
      }
    }
    // a hyperlink's display is the text of the cell it is on
    for (const link of descendants(worksheet, 'hyperlink')) {
      const first = (link.getAttribute('ref') ?? '').split(':')[0]!;
      const match = /^([A-Z]+)(\d+)$/.exec(first);
      if (!match || !link.hasAttribute('display')) continue;
      const columnIndex = [...match[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const value = rows[Number(match[2]) - 1]?.[columnIndex]?.value;
      link.setAttribute('display', typeof value === 'string' ? value : '');
    }
    changed.set(part, serialiseXml(original, document));
  }
  const sharedStrings = 'xl/sharedStrings.xml';
  const original = await zipPart(bytes, sharedStrings);
  const document = parseXml(original);
  const sst = document.documentElement!;
  while (sst.firstChild) sst.removeChild(sst.firstChild);
  sst.setAttribute('count', String(stringCount));
  sst.setAttribute('uniqueCount', String(strings.length));
  for (const text of strings) {
    const si = document.createElementNS(S, 'si');
    const t = document.createElementNS(S, 't');
    t.textContent = text;
    si.appendChild(t);
    sst.appendChild(si);
  }
  changed.set(sharedStrings, serialiseXml(original, document));
  return replaceZipParts(bytes, changed);
}

// ---------------------------------------------------------------------------------------------
// Excel 97–2003 (BIFF8)

/** One cell of a BIFF8 sheet to write: its text (null for a blank) and WPS's XF index. */
export interface WpsXlsCell {
  value: string | null;
  xf: number;
}

export interface BiffRecord {
  type: number;
  data: Buffer;
}

const BIFF = {
  BOF: 0x0809,
  EOF: 0x000a,
  SST: 0x00fc,
  EXTSST: 0x00ff,
  BOUNDSHEET: 0x0085,
  INDEX: 0x020b,
  DIMENSIONS: 0x0200,
  ROW: 0x0208,
  DBCELL: 0x00d7,
  LABELSST: 0x00fd,
  BLANK: 0x0201,
  MULBLANK: 0x00be,
  NUMBER: 0x0203,
  RK: 0x027e,
  MULRK: 0x00bd,
  LABEL: 0x0204,
  BOOLERR: 0x0205,
  FORMULA: 0x0006,
  STRING: 0x0207,
  MERGEDCELLS: 0x00e5,
} as const;
const cellRecords = new Set<number>([
  BIFF.ROW,
  BIFF.DBCELL,
  BIFF.LABELSST,
  BIFF.BLANK,
  BIFF.MULBLANK,
  BIFF.NUMBER,
  BIFF.RK,
  BIFF.MULRK,
  BIFF.LABEL,
  BIFF.BOOLERR,
  BIFF.FORMULA,
  BIFF.STRING,
]);

export function biffRecords(stream: Buffer): BiffRecord[] {
  const records: BiffRecord[] = [];
  for (let at = 0; at + 4 <= stream.length; ) {
    const length = stream.readUInt16LE(at + 2);
    records.push({ type: stream.readUInt16LE(at), data: stream.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return records;
}

const recordBytes = (record: BiffRecord) => {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(record.type, 0);
  head.writeUInt16LE(record.data.length, 2);
  return Buffer.concat([head, record.data]);
};

const uint32 = (...values: number[]) => {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => {
    buffer.writeUInt32LE(value, index * 4);
  });
  return buffer;
};

const uint16 = (...values: number[]) => {
  const buffer = Buffer.alloc(values.length * 2);
  values.forEach((value, index) => {
    buffer.writeUInt16LE(value, index * 2);
  });
  return buffer;
};

/** A BIFF8 XLUnicodeString as the SST holds it: always in UTF-16, as WPS writes Chinese. */
const sstString = (text: string) =>
  Buffer.concat([uint16(text.length), Buffer.from([0x01]), Buffer.from(text, 'utf16le')]);

/**
 * A WPS .xls with the cells of its first worksheet replaced (the other sheets keep theirs):
 * the shared-string table and its EXTSST index are rebuilt; in the sheet, WPS's ROW records
 * (copied from its first one) and LABELSST/BLANK/MULBLANK cells with WPS's XF indices take the
 * place of the old ones, followed by a DBCELL; DIMENSIONS, INDEX, MERGEDCELLS and the
 * BOUNDSHEET offsets follow. Every other record (hyperlinks, the note, drawings, WPS's own
 * records) and every other stream of the compound file stays as WPS wrote it.
 */
export async function wpsXls(
  fileName: string,
  sheet: { rows: WpsXlsCell[][]; merges: [number, number, number, number][] },
): Promise<Buffer> {
  const bytes = await readFile(path.join(wpsFixtures, fileName));
  const container = CFB.read(bytes, { type: 'buffer' });
  const entry = CFB.find(container, 'Workbook');
  if (!entry) throw new Error(`${fileName}: no Workbook stream`);
  const records = biffRecords(Buffer.from(entry.content as Uint8Array));
  const bofs = records.flatMap((record, index) => (record.type === BIFF.BOF ? [index] : []));
  const globalsEnd = records.findIndex((record) => record.type === BIFF.EOF);
  const sheetStart = bofs[1]!;
  const sheetEnd = records.findIndex(
    (record, index) => index > sheetStart && record.type === BIFF.EOF,
  );

  // the shared strings, in the order the cells use them
  const strings: string[] = [];
  let total = 0;
  const stringIndex = (text: string) => {
    total += 1;
    if (!strings.includes(text)) strings.push(text);
    return strings.indexOf(text);
  };
  const width = Math.max(...sheet.rows.map((row) => row.length));
  const rowRecords: BiffRecord[] = [];
  const cellsByRow: BiffRecord[][] = [];
  const wpsRow = records.slice(sheetStart, sheetEnd).find((record) => record.type === BIFF.ROW);
  if (!wpsRow) throw new Error(`${fileName}: no ROW record to copy`);
  sheet.rows.forEach((cells, rowIndex) => {
    const row = Buffer.from(wpsRow.data);
    row.writeUInt16LE(rowIndex, 0);
    row.writeUInt16LE(0, 2);
    row.writeUInt16LE(cells.length, 4);
    rowRecords.push({ type: BIFF.ROW, data: row });
    const out: BiffRecord[] = [];
    for (let column = 0; column < cells.length; ) {
      const cell = cells[column]!;
      if (cell.value !== null) {
        const data = Buffer.alloc(10);
        data.writeUInt16LE(rowIndex, 0);
        data.writeUInt16LE(column, 2);
        data.writeUInt16LE(cell.xf, 4);
        data.writeUInt32LE(stringIndex(cell.value), 6);
        out.push({ type: BIFF.LABELSST, data });
        column += 1;
        continue;
      }
      let last = column;
      while (last + 1 < cells.length && cells[last + 1]!.value === null) last += 1;
      out.push(
        last === column
          ? { type: BIFF.BLANK, data: uint16(rowIndex, column, cell.xf) }
          : {
              type: BIFF.MULBLANK,
              data: uint16(
                rowIndex,
                column,
                ...cells.slice(column, last + 1).map((blank) => blank.xf),
                last,
              ),
            },
      );
      column = last + 1;
    }
    cellsByRow.push(out);
  });

  // globals: a new SST and EXTSST in place of WPS's
  const sst: BiffRecord = {
    type: BIFF.SST,
    data: Buffer.concat([uint32(total, strings.length), ...strings.map(sstString)]),
  };
  if (sst.data.length > 8224) throw new Error('the shared strings need a CONTINUE record');
  const globals = records.slice(0, globalsEnd + 1);
  const sstAt = globals.findIndex((record) => record.type === BIFF.SST);
  const extsstAt = globals.findIndex((record) => record.type === BIFF.EXTSST);
  if (sstAt < 0 || extsstAt !== sstAt + 1) throw new Error(`${fileName}: SST then EXTSST expected`);
  const dsst = globals[extsstAt]!.data.readUInt16LE(0);
  const sstPosition = globals
    .slice(0, sstAt)
    .reduce((sum, record) => sum + 4 + record.data.length, 0);
  const buckets: Buffer[] = [];
  let offset = 12;
  strings.forEach((text, index) => {
    if (index % dsst === 0) {
      const info = Buffer.alloc(8);
      info.writeUInt32LE(sstPosition + offset, 0);
      info.writeUInt16LE(offset, 4);
      buckets.push(info);
    }
    offset += sstString(text).length;
  });
  globals[sstAt] = sst;
  globals[extsstAt] = { type: BIFF.EXTSST, data: Buffer.concat([uint16(dsst), ...buckets]) };

  // the first sheet: the cell block in place of WPS's, then DBCELL
  const sheetRecords = records.slice(sheetStart, sheetEnd + 1);
  const firstCell = sheetRecords.findIndex((record) => cellRecords.has(record.type));
  const kept = sheetRecords.filter((record) => !cellRecords.has(record.type));
  const before = kept.slice(0, firstCell);
  const after = kept.slice(firstCell);
  const merged = after.find((record) => record.type === BIFF.MERGEDCELLS);
  if (merged) merged.data = uint16(sheet.merges.length, ...sheet.merges.flat());
  const dimensions = before.find((record) => record.type === BIFF.DIMENSIONS)!;
  dimensions.data = Buffer.from(dimensions.data);
  dimensions.data.writeUInt32LE(0, 0);
  dimensions.data.writeUInt32LE(sheet.rows.length, 4);
  dimensions.data.writeUInt16LE(0, 8);
  dimensions.data.writeUInt16LE(width, 10);

  const size = (list: BiffRecord[]) =>
    list.reduce((sum, record) => sum + 4 + record.data.length, 0);
  const globalsSize = size(globals);
  const rowsSize = size(rowRecords);
  const cellOffsets: number[] = [];
  let cellsSize = 0;
  for (const cells of cellsByRow) {
    cellOffsets.push(cellsSize);
    cellsSize += size(cells);
  }
  const dbcellPosition = globalsSize + size(before) + rowsSize + cellsSize;
  const dbcell: BiffRecord = {
    type: BIFF.DBCELL,
    data: Buffer.concat([
      uint32(rowsSize + cellsSize),
      // the first row's cells from the second ROW record, each next row's from the one before
      uint16(
        ...cellOffsets.map((at, index) =>
          index === 0 ? rowsSize - 4 - wpsRow.data.length + at : at - cellOffsets[index - 1]!,
        ),
      ),
    ]),
  };
  const index = before.find((record) => record.type === BIFF.INDEX)!;
  index.data = Buffer.concat([index.data.subarray(0, 16), Buffer.alloc(4)]);
  index.data.writeUInt32LE(0, 4);
  index.data.writeUInt32LE(sheet.rows.length, 8);
  index.data.writeUInt32LE(dbcellPosition, 16);
  const firstSheet = [...before, ...rowRecords, ...cellsByRow.flat(), dbcell, ...after];

  // BOUNDSHEET: where each sheet's BOF now is
  const rest = records.slice(sheetEnd + 1);
  const starts = [globalsSize];
  let at = globalsSize + size(firstSheet);
  for (const record of rest) {
    if (record.type === BIFF.BOF) starts.push(at);
    at += 4 + record.data.length;
  }
  const boundsheets = globals.filter((record) => record.type === BIFF.BOUNDSHEET);
  if (boundsheets.length !== starts.length) throw new Error(`${fileName}: sheets and BOFs differ`);
  boundsheets.forEach((record, sheetIndex) => {
    record.data = Buffer.from(record.data);
    record.data.writeUInt32LE(starts[sheetIndex]!, 0);
  });

  const stream = Buffer.concat([...globals, ...firstSheet, ...rest].map(recordBytes));
  return overwriteOleStream(bytes, 'Workbook', stream);
}

/**
 * The compound file with one stream's content replaced in the sectors it already has: the
 * container (header, FAT, directory, every other stream, WPS's empty entries) stays byte for
 * byte, only the stream's sectors and its size in the directory change. (cfb's writer would lay
 * the file out anew and add a stream of its own.) The new content must fill the same number of
 * regular sectors.
 */
export function overwriteOleStream(bytes: Buffer, name: string, content: Buffer): Buffer {
  const file = Buffer.from(bytes);
  const sectorSize = 1 << file.readUInt16LE(30);
  const offsetOf = (sector: number) => (sector + 1) * sectorSize;
  const fatSectors = Array.from({ length: file.readUInt32LE(44) }, (_, index) => {
    if (index >= 109) throw new Error('a FAT beyond the header is not handled');
    return file.readUInt32LE(76 + index * 4);
  });
  const perSector = sectorSize / 4;
  const next = (sector: number) =>
    file.readUInt32LE(
      offsetOf(fatSectors[Math.floor(sector / perSector)]!) + (sector % perSector) * 4,
    );
  const chain = (start: number) => {
    const sectors: number[] = [];
    for (let sector = start; sector !== 0xfffffffe; sector = next(sector)) {
      if (sectors.length > file.length / sectorSize) throw new Error('a looping sector chain');
      sectors.push(sector);
    }
    return sectors;
  };
  const cutoff = file.readUInt32LE(56);
  for (const sector of chain(file.readUInt32LE(48))) {
    for (let at = offsetOf(sector); at < offsetOf(sector) + sectorSize; at += 128) {
      const nameLength = file.readUInt16LE(at + 64);
      if (nameLength < 2) continue;
      if (file.subarray(at, at + nameLength - 2).toString('utf16le') !== name) continue;
      const size = file.readUInt32LE(at + 120);
      if (size < cutoff || content.length < cutoff) throw new Error('a mini stream is not handled');
      const sectors = chain(file.readUInt32LE(at + 116));
      if (Math.ceil(content.length / sectorSize) !== sectors.length)
        throw new Error(
          `${name}: ${content.length} bytes do not fill its ${sectors.length} sectors`,
        );
      sectors.forEach((target, index) => {
        const part = content.subarray(index * sectorSize, (index + 1) * sectorSize);
        file.fill(0, offsetOf(target), offsetOf(target) + sectorSize);
        part.copy(file, offsetOf(target));
      });
      file.writeUInt32LE(content.length, at + 120);
      return file;
    }
  }
  throw new Error(`${name}: no such stream`);
}
