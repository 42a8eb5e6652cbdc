import { randomUUID } from 'node:crypto';
import { Paragraph, TextRun } from 'docx';
import { readZipEntries, zipEntries } from './zip-entries';

/**
 * Large Word tables written as WordprocessingML text, spliced into a document the docx library
 * built around them. The library builds an object per cell, paragraph and run and then walks them
 * all to write XML: for the whole institution's 任务分解表 (some 2,500 rows, 20,000 cells) that was
 * more than a second of the 1.1–1.3 s the export took. The text written here is the library's own
 * rendering of the same table, element for element (test/unit/docx-table-xml.test.ts holds them
 * equal), so that Word, WPS and LibreOffice lay it out as before.
 */
export interface XmlTable {
  /** Each column's width in twentieths of a point (dxa); the table is laid out fixed. */
  columnWidths: readonly number[];
  /** The table's width in dxa. */
  width: number;
  /** The header row, repeated on every page the table runs over and never split. */
  header: { texts: readonly string[]; font: string; halfPoints: number };
  body: { font: string; halfPoints: number; rows: readonly (readonly XmlCell[])[] };
}

export interface XmlCell {
  /** One paragraph per line; a cell that continues a merge holds one empty paragraph. */
  lines: readonly string[];
  verticalAlign: 'top' | 'center';
  /** Merged down: `restart` starts the merged cell, `continue` lies under it. */
  verticalMerge?: 'restart' | 'continue';
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '<': '&lt;',
  '>': '&gt;',
};

/**
 * Text and attribute values escaped as the docx library escapes them (quotes too), and without
 * the control characters XML 1.0 does not allow (all but tab, line feed and carriage return).
 */
function escaped(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go.
  return text.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g, (char) => ESCAPES[char] ?? '');
}

function fontsXml(font: string): string {
  const name = escaped(font);
  return `<w:rFonts w:ascii="${name}" w:cs="${name}" w:eastAsia="${name}" w:hAnsi="${name}"/>`;
}

function sizeXml(halfPoints: number): string {
  return `<w:sz w:val="${halfPoints}"/><w:szCs w:val="${halfPoints}"/>`;
}

const SINGLE = 'w:val="single" w:color="auto" w:sz="4"';
const BORDERS = ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
  .map((side) => `<w:${side} ${SINGLE}/>`)
  .join('');

/** The table as a `<w:tbl>` element. */
export function tableXml(table: XmlTable): string {
  const parts: string[] = [
    `<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="${table.width}"/><w:tblBorders>${BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`,
    ...table.columnWidths.map((width) => `<w:gridCol w:w="${width}"/>`),
    '</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>',
  ];
  const headerRun = `<w:rPr>${fontsXml(table.header.font)}<w:b/><w:bCs/>${sizeXml(table.header.halfPoints)}</w:rPr>`;
  table.header.texts.forEach((text, position) => {
    parts.push(
      `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${table.columnWidths[position]}"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>${headerRun}<w:t xml:space="preserve">${escaped(text)}</w:t></w:r></w:p></w:tc>`,
    );
  });
  parts.push('</w:tr>');
  const bodyRun = `<w:rPr>${fontsXml(table.body.font)}${sizeXml(table.body.halfPoints)}</w:rPr>`;
  for (const row of table.body.rows) {
    parts.push('<w:tr>');
    row.forEach((cell, position) => {
      const merge = cell.verticalMerge ? `<w:vMerge w:val="${cell.verticalMerge}"/>` : '';
      parts.push(
        `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${table.columnWidths[position]}"/>${merge}<w:vAlign w:val="${cell.verticalAlign}"/></w:tcPr>`,
      );
      if (cell.verticalMerge === 'continue')
        parts.push('<w:p><w:r><w:t xml:space="preserve"></w:t></w:r></w:p>');
      else
        for (const line of cell.lines)
          parts.push(
            `<w:p><w:r>${bodyRun}<w:t xml:space="preserve">${escaped(line)}</w:t></w:r></w:p>`,
          );
      parts.push('</w:tc>');
    });
    parts.push('</w:tr>');
  }
  parts.push('</w:tbl>');
  return parts.join('');
}

/**
 * Places for tables in a document the docx library builds: each `place()` is a paragraph to put
 * where a table goes, and `splice` swaps each for its table's XML in the written .docx. The mark
 * is random per document, so that no text of the document can be taken for one.
 */
export function tablePlaces() {
  const mark = `luoshi-table-${randomUUID()}`;
  const tables: string[] = [];
  // How the library writes a place: a paragraph of one run of the mark and the table's number.
  const placeXml = new RegExp(
    `<w:p><w:r><w:t xml:space="preserve">${mark}-(\\d+)</w:t></w:r></w:p>`,
  );
  return {
    place(table: XmlTable): Paragraph {
      tables.push(tableXml(table));
      return new Paragraph({ children: [new TextRun(`${mark}-${tables.length - 1}`)] });
    },
    /** The .docx with every place replaced by its table, packed by zlib as the sheets are. */
    async splice(docx: Buffer): Promise<Buffer> {
      const files = readZipEntries(docx);
      const body = files.get('word/document.xml');
      if (!body) throw new Error('The written .docx has no word/document.xml');
      const pieces = Buffer.from(body).toString('utf8').split(placeXml);
      if (pieces.length !== 2 * tables.length + 1)
        throw new Error(`Found ${(pieces.length - 1) / 2} of ${tables.length} table places`);
      const xml = pieces.map((piece, index) => (index % 2 === 0 ? piece : tables[Number(piece)]!));
      const spliced = new Map<string, Uint8Array | string>(files);
      spliced.set('word/document.xml', xml.join(''));
      return zipEntries(spliced);
    },
  };
}
