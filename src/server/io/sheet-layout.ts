import type ExcelJS from 'exceljs';
import { readZipEntries, zipEntries } from './zip-entries';

/**
 * How every workbook Luoshi writes prints, and how tall a row must be for its text: one place for
 * all the .xlsx writers, so that each of them prints on A4, fit to the page's width, with its
 * heading rows repeated and page numbers in the footer.
 */

export interface PrintLayout {
  orientation: 'portrait' | 'landscape';
  /** The rows repeated at the top of every printed page, e.g. [2, 2] for the column headings. */
  titleRows?: readonly [number, number];
  /**
   * A fixed scale in percent instead of fit-to-width: for a sheet with its own page breaks, which
   * Excel and WPS ignore under fit-to-page (see `scaleToWidth`).
   */
  scale?: number;
  /** The page footer, in the reader's language: `export.pageFooter` (Excel's &P and &N). */
  footer?: string;
}

/** The page margins in inches (Excel's unit), about 1.5 cm at the sides and 1.8 cm top and bottom. */
const MARGINS = { left: 0.6, right: 0.6, top: 0.7, bottom: 0.7, header: 0.3, footer: 0.3 };

/** A4 in points, portrait. */
const A4 = { width: 595.28, height: 841.89 };

/** The area, in points, that printOptions' margins leave on A4 for the sheet's rows and columns. */
export function printableArea(orientation: PrintLayout['orientation']): {
  width: number;
  height: number;
} {
  const [width, height] =
    orientation === 'portrait' ? [A4.width, A4.height] : [A4.height, A4.width];
  return {
    width: width - (MARGINS.left + MARGINS.right) * 72,
    height: height - (MARGINS.top + MARGINS.bottom) * 72,
  };
}

/** The points a column of `width` characters takes on paper (Excel: width × 7 + 5 pixels). */
export function columnPoints(width: number): number {
  return (width * 7 + 5) * 0.75;
}

/**
 * The whole-percent scale at which columns of these widths fit the page's width, never above 100.
 * It keeps 2 % in hand: the suites convert column widths with their own rounding, and a sheet a
 * point too wide would print its last column on pages of its own.
 */
export function scaleToWidth(widths: readonly number[], orientation: PrintLayout['orientation']) {
  const total = widths.reduce((sum, width) => sum + columnPoints(width), 0);
  return Math.min(100, Math.floor((100 * printableArea(orientation).width) / (total * 1.02)));
}

/** Excel's highest row, in points. */
export const MAX_ROW_HEIGHT = 409;

/** The page footer: 第 1 页 共 3 页, centred (Excel's and LibreOffice's &P and &N). */
export const PAGE_FOOTER = '&C第 &P 页 共 &N 页';

/**
 * The worksheet options for printing: A4 (paperSize 9) in the orientation given, fitToPage with
 * one page wide and as many pages tall as it takes, margins of about 1.5 cm, the title rows
 * repeated, and page numbers in every footer. Pass it to `addWorksheet` (both the in-memory and the
 * streaming writer take it).
 */
export function printOptions(
  layout: PrintLayout,
): Pick<ExcelJS.AddWorksheetOptions, 'pageSetup' | 'headerFooter'> {
  return {
    pageSetup: {
      paperSize: 9,
      orientation: layout.orientation,
      ...(layout.scale === undefined
        ? { fitToPage: true, fitToWidth: 1, fitToHeight: 0 }
        : { fitToPage: false, scale: layout.scale }),
      margins: MARGINS,
      ...(layout.titleRows
        ? { printTitlesRow: `${layout.titleRows[0]}:${layout.titleRows[1]}` }
        : {}),
    },
    headerFooter: {
      oddFooter: layout.footer ?? PAGE_FOOTER,
      evenFooter: layout.footer ?? PAGE_FOOTER,
      differentOddEven: false,
    },
  };
}

/**
 * Whether a character takes a full em (East Asian Wide or Fullwidth: CJK ideographs and
 * punctuation, kana, hangul, fullwidth forms) rather than about half of one.
 */
export function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0x303e) ||
    (codePoint >= 0x3041 && codePoint <= 0x33ff) ||
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) ||
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) ||
    (codePoint >= 0xa000 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}

/** A character's width in ems: 1 for a wide one, a little over half for the rest. */
function charWidth(char: string): number {
  return isWide(char.codePointAt(0)!) ? 1 : 0.6;
}

/** The points a column of `width` (Excel's unit: characters of the default font) offers its text. */
export function columnTextPoints(width: number): number {
  // Excel: pixels = width × 7 + 5 (Calibri 11's digit), 0.75 pt a pixel; less the cell's padding.
  return columnPoints(width) - 6;
}

/** The height of one line of text at `fontSize` points (CJK fonts' ascent + descent, with leading). */
export function lineHeight(fontSize: number): number {
  return Math.ceil(fontSize * 1.5 * 10) / 10;
}

/**
 * The text wrapped as a spreadsheet wraps it in a column `points` wide at `fontSize`: the lines, each
 * paragraph (\n) starting a new one, a line broken where the next character would not fit.
 */
export function wrapLines(text: string, points: number, fontSize: number): string[] {
  const room = Math.max(fontSize, points) / fontSize;
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let used = 0;
    for (const char of paragraph) {
      const width = charWidth(char);
      if (used + width > room && line) {
        lines.push(line);
        line = '';
        used = 0;
      }
      line += char;
      used += width;
    }
    lines.push(line);
  }
  return lines;
}

/** The row height, in points, that shows `text` whole in a column of `width` characters. */
export function heightFor(text: string, width: number, fontSize: number): number {
  const lines = wrapLines(text, columnTextPoints(width), fontSize).length;
  return Math.ceil(lines * lineHeight(fontSize) + 6);
}

/**
 * Text cut into pieces that each fit in a row no higher than Excel allows, at line boundaries (the
 * pieces joined give the text back). Answers one piece when the text fits.
 */
export function splitForRows(
  text: string,
  width: number,
  fontSize: number,
  reserve = 0,
  maxHeight = MAX_ROW_HEIGHT,
): string[] {
  const perRow = Math.max(1, Math.floor((maxHeight - 6) / lineHeight(fontSize)) - reserve);
  const points = columnTextPoints(width);
  const pieces: string[] = [];
  let current = '';
  let lineCount = 0;
  const paragraphs = text.split('\n');
  paragraphs.forEach((paragraph, index) => {
    const wrapped = wrapLines(paragraph, points, fontSize);
    wrapped.forEach((line, lineIndex) => {
      if (lineCount === perRow) {
        pieces.push(current);
        current = '';
        lineCount = 0;
      }
      current += line;
      lineCount += 1;
      // A wrapped line runs on; a paragraph's last line ends with its newline.
      if (lineIndex === wrapped.length - 1 && index < paragraphs.length - 1) current += '\n';
    });
  });
  pieces.push(current);
  return pieces.filter((piece, index) => index === 0 || piece !== '');
}

/**
 * The workbook's files (exceljs packs them without compressing, which costs nothing): to change
 * one before packing (sheet-rows-xml.ts), then `zipEntries`.
 */
export async function workbookFiles(workbook: ExcelJS.Workbook): Promise<Map<string, Uint8Array>> {
  const stored = await workbook.xlsx.writeBuffer({ zip: { compression: 'STORE' } });
  return readZipEntries(new Uint8Array(stored));
}

/**
 * The workbook as the bytes of an .xlsx, deflated by Node's zlib at level 1 (zip-entries.ts):
 * exceljs's own packing through pako took about as long as exceljs's writing of a sheet of
 * thousands of rows. Every reader (Excel, WPS, LibreOffice) inflates any level alike.
 */
export async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return zipEntries(await workbookFiles(workbook));
}

/**
 * Thin borders on every side, and the look of a sheet's heading cells (黑体 11 bold, centred, on
 * grey): new objects for each workbook, each to be shared by all the cells of its kind (exceljs
 * then files a style once, where it renders a style per cell to XML to compare it, most of the
 * time of a sheet of thousands of rows). A shared style is never changed after: setting
 * `cell.font` would change every cell that shares it.
 */
export function thinBorders(): Partial<ExcelJS.Borders> {
  const thin = { style: 'thin' as const };
  return { top: thin, left: thin, bottom: thin, right: thin };
}

const HEADING_SIZE = 11;

/**
 * The height a row of headings (headingCellStyle) needs so that a label wrapped in a narrow
 * column (指标序号 in 8 characters' width) stays inside its cell when printed, not over the next row.
 */
export function headingRowHeight(labels: readonly string[], widths: readonly number[]): number {
  return Math.max(...labels.map((label, index) => heightFor(label, widths[index]!, HEADING_SIZE)));
}

export function headingCellStyle(borders: Partial<ExcelJS.Borders>): Partial<ExcelJS.Style> {
  return {
    font: { name: '黑体', size: HEADING_SIZE, bold: true },
    alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } },
    border: borders,
  };
}
