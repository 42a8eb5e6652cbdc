import type { StreamedContent } from './zip-entries';

/**
 * The body rows of a long sheet written as SpreadsheetML text and spliced into a workbook exceljs
 * builds, as docx-table-xml.ts does for Word tables. exceljs builds a model of every cell, renders
 * each through its XML classes and files its strings one by one: a year's ledger of 19,000 rows
 * took 1.25 s in it. Here exceljs writes everything but the body (title, headings, columns, print
 * setup, filter, merges) and one row of empty cells in the body's style, which gives the style's
 * number; that row is then replaced by the body's rows, written here in the same form as exceljs
 * writes them (test/unit/sheet-rows-xml.test.ts holds the two byte-equal), their strings filed in
 * the workbook's shared strings after the headings', in the order exceljs files them.
 */
/** The body to splice: `count` rows of `columns` cells from row `at`, the style row's number. */
export interface SheetBody {
  at: number;
  count: number;
  columns: number;
  /** The cell's value in body row `row` (0-based) and column `column` (0-based). */
  value(row: number, column: number): string | number;
  /** Body row `row`'s height in points (exceljs: a custom height). */
  height(row: number): number;
}

const ESCAPES: Record<string, string> = {
  '"': '&quot;',
  '&': '&amp;',
  "'": '&apos;',
  '<': '&lt;',
  '>': '&gt;',
};

/** Text escaped as exceljs escapes it: quotes too, and the characters XML 1.0 forbids dropped. */
function escaped(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go.
  return text.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, (char) => ESCAPES[char] ?? '');
}

/** A shared string's entry, as exceljs writes it (spaces kept where they lead, trail or break). */
function sharedStringXml(text: string): string {
  const space = /^\s|\n|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<si><t${space}>${escaped(text)}</t></si>`;
}

/** A, B, …, Z, AA, … for column 1, 2, …. */
function columnLetters(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26))
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

/** The workbook's only sheet, in its files (sheet-layout.ts `workbookFiles`), with `body` in place of its style row. */
export function spliceSheetBody(files: Map<string, Uint8Array | string>, body: SheetBody): void {
  const spliced = sheetBodyPieces(files, body);
  files.set('xl/worksheets/sheet1.xml', [...spliced.sheet].join(''));
  files.set('xl/sharedStrings.xml', spliced.sharedStrings());
}

/**
 * The same as `spliceSheetBody`, piece by piece for `zipStream`: the sheet's text in slices of
 * `rowsPerPiece` rows, and then its shared strings (complete once the sheet has been iterated).
 */
export function streamSheetBody(
  files: Map<string, Uint8Array | string>,
  body: SheetBody,
  rowsPerPiece = 500,
): Map<string, StreamedContent> {
  const spliced = sheetBodyPieces(files, body, rowsPerPiece);
  const streamed = new Map<string, StreamedContent>(files);
  // The shared strings after the sheet: the zip keeps its files in the order they are set.
  streamed.delete('xl/sharedStrings.xml');
  streamed.set('xl/worksheets/sheet1.xml', spliced.sheet);
  streamed.set('xl/sharedStrings.xml', spliced.sharedStrings);
  return streamed;
}

function sheetBodyPieces(
  files: Map<string, Uint8Array | string>,
  body: SheetBody,
  rowsPerPiece = Number.POSITIVE_INFINITY,
): { sheet: Iterable<string>; sharedStrings: () => string } {
  const sheet = text(files, 'xl/worksheets/sheet1.xml');
  const strings = text(files, 'xl/sharedStrings.xml');

  const styleRow = new RegExp(`<row r="${body.at}"([^>]*)>(.*?)</row>`).exec(sheet);
  const style = styleRow && /^<c r="A\d+" s="(\d+)"\/>/.exec(styleRow[2]!)?.[1];
  if (!styleRow || !style) throw new Error(`Found no style row ${body.at} in the written sheet`);
  // The row's attributes after its height, as exceljs wrote them (spans, dyDescent).
  const rowTail = styleRow[1]!.replace(/^ ht="[^"]*" customHeight="1"/, '');

  const heading = /^(.*?<sst [^>]*)count="(\d+)" uniqueCount="(\d+)">(.*)<\/sst>$/s.exec(strings);
  if (!heading) throw new Error('The written shared strings are not as exceljs writes them');
  const entries: string[] = [...(heading[4]!.match(/<si>.*?<\/si>/gs) ?? [])];
  const indexOfEntry = new Map(entries.map((entry, index) => [entry, index]));
  // By value too: a long sheet repeats its values, and the same string object hashes once.
  const indexOfValue = new Map<string, number>();
  let references = Number(heading[2]);
  let complete = false;

  const letters = Array.from({ length: body.columns }, (_, column) => columnLetters(column + 1));
  const rowXml = (row: number) => {
    const number = body.at + row;
    const cells: string[] = [];
    for (let column = 0; column < body.columns; column += 1) {
      const value = body.value(row, column);
      const place = `<c r="${letters[column]}${number}" s="${style}"`;
      if (typeof value === 'number') {
        cells.push(`${place}><v>${value}</v></c>`);
        continue;
      }
      let index = indexOfValue.get(value);
      if (index === undefined) {
        const entry = sharedStringXml(value);
        index = indexOfEntry.get(entry);
        if (index === undefined) {
          index = entries.length;
          entries.push(entry);
          indexOfEntry.set(entry, index);
        }
        indexOfValue.set(value, index);
      }
      references += 1;
      cells.push(`${place} t="s"><v>${index}</v></c>`);
    }
    return `<row r="${number}" ht="${body.height(row)}" customHeight="1"${rowTail}>${cells.join('')}</row>`;
  };

  const before = sheet
    .slice(0, styleRow.index)
    .replace(
      /<dimension ref="A1:[A-Z]+\d+"\/>/,
      `<dimension ref="A1:${letters.at(-1)}${body.at - 1 + body.count}"/>`,
    );
  const after = sheet.slice(styleRow.index + styleRow[0].length);
  return {
    sheet: {
      *[Symbol.iterator]() {
        let piece = before;
        for (let row = 0; row < body.count; row += 1) {
          piece += rowXml(row);
          if ((row + 1) % rowsPerPiece === 0) {
            yield piece;
            piece = '';
          }
        }
        yield piece + after;
        complete = true;
      },
    },
    sharedStrings() {
      if (!complete)
        throw new Error('The shared strings are asked for before the sheet is written');
      return `${heading[1]}count="${references}" uniqueCount="${entries.length}">${entries.join('')}</sst>`;
    },
  };
}

function text(files: Map<string, Uint8Array | string>, name: string): string {
  const content = files.get(name);
  if (content === undefined) throw new Error(`The written .xlsx has no ${name}`);
  return typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
}
