import {
  AlignmentType,
  Document,
  Footer,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  TextRun,
} from 'docx';
import ExcelJS from 'exceljs';
import { CONTINUED_MARK as CONTINUED } from '../../shared/breakdown-sheet';
import { fontTableOverride } from './docx-fonts';
import { tablePlaces, type XmlCell, type XmlTable } from './docx-table-xml';
import {
  headingCellStyle,
  heightFor,
  MAX_ROW_HEIGHT,
  printableArea,
  printOptions,
  scaleToWidth,
  splitForRows,
  thinBorders,
  workbookBytes,
} from './sheet-layout';

/**
 * The official layout of a 任务分解表: an item's cells (一级指标 … 责任部门) merged over its
 * measures, one row per measure with its department, its text and its deadline side by side (an
 * item without a measure has one empty row to fill). Texts come already worded for print.
 */
export interface TaskBreakdownTable {
  title: string;
  /** Whether each measure's department has a column (the whole institution's table). */
  measureDepartments: boolean;
  /** One column per level of the plan, from the top: 一级指标 … 四级指标; none for a flat list. */
  levelHeaders: string[];
  items: {
    /** The item's levels as printed (一、党的领导), one per level header. */
    levels: string[];
    content: string;
    focus: string;
    /** The departments (or groups) the item is assigned to, one a line. */
    departments: string;
    measures: { department: string; text: string; deadline: string }[];
  }[];
}

type ColumnKey =
  | `level${number}`
  | 'content'
  | 'focus'
  | 'departments'
  | 'department'
  | 'measure'
  | 'deadline';

/**
 * The columns, widths in characters for A4 landscape. 责任部门 is whom the item is assigned to
 * (merged over its measures, as the plan has it); 落实部门 is the department of each measure, only
 * in the whole institution's table.
 */
const LEVEL_WIDTHS = [9, 11, 10, 10, 9, 9];
const COLUMNS: { key: ColumnKey; header: string; width: number }[] = [
  { key: 'content', header: '指标内容', width: 36 },
  { key: 'focus', header: '观测重点', width: 20 },
  { key: 'departments', header: '责任部门', width: 12 },
  { key: 'department', header: '落实部门', width: 12 },
  { key: 'measure', header: '落实措施', width: 44 },
  { key: 'deadline', header: '完成时限', width: 14 },
];
const FONT = '仿宋_GB2312';
const FONT_SIZE = 10.5;

function columnsOf(table: TaskBreakdownTable) {
  const levels = table.levelHeaders.map((header, index) => ({
    key: `level${index + 1}` as ColumnKey,
    header,
    width: LEVEL_WIDTHS[index] ?? 9,
  }));
  return [
    ...levels,
    ...COLUMNS.filter((column) => column.key !== 'department' || table.measureDepartments),
  ];
}

/**
 * A cell that a spreadsheet would run as a formula (= + - @, or a leading tab/CR) is written as
 * text with a leading apostrophe, so that an exported breakdown cannot carry an injection.
 */
export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One printed row: its cells' texts by column, and the runs it belongs to. */
interface LaidRow {
  cells: Record<ColumnKey, string>;
  /** The item's levels from the top: a level's cell is merged while it and those above agree. */
  levels: string[];
  item: number;
  /** Rows of one measure (a long one cut over rows) share it; -1 for an item without measures. */
  measure: number;
}

/** Rows [start, end) where `key` keeps the same value: they are merged into one cell. */
function runs(rows: readonly LaidRow[], key: (row: LaidRow) => string): [number, number][] {
  const spans: [number, number][] = [];
  rows.forEach((row, index) => {
    if (index > 0 && key(row) === key(rows[index - 1]!)) spans.at(-1)![1] = index + 1;
    else spans.push([index, index + 1]);
  });
  return spans;
}

const MEASURE_WIDTH = COLUMNS.find((column) => column.key === 'measure')!.width;

/** The table's rows, one per measure, a measure too long for one sheet row cut over several. */
function layRows(table: TaskBreakdownTable, cutLongMeasures: boolean): LaidRow[] {
  const rows: LaidRow[] = [];
  table.items.forEach((item, itemIndex) => {
    const head = {
      ...Object.fromEntries(item.levels.map((level, index) => [`level${index + 1}`, level])),
      content: item.content,
      focus: item.focus,
      departments: item.departments,
    };
    if (item.measures.length === 0) {
      rows.push({
        cells: { ...head, department: '', measure: '', deadline: '' },
        levels: item.levels,
        item: itemIndex,
        measure: -1,
      });
      return;
    }
    item.measures.forEach((measure, measureIndex) => {
      const pieces = cutLongMeasures
        ? splitForRows(measure.text, MEASURE_WIDTH, FONT_SIZE, 1)
        : [measure.text];
      pieces.forEach((piece, pieceIndex) => {
        rows.push({
          cells: {
            ...head,
            department: measure.department,
            measure: pieceIndex === 0 ? piece : `${CONTINUED}${piece}`,
            deadline: measure.deadline,
          },
          levels: item.levels,
          item: itemIndex,
          measure: measureIndex,
        });
      });
    });
  });
  return rows;
}

/** The cells merged over rows, by column: the levels by their text, the item's over its rows, a measure's over its pieces. */
function spansOf(rows: readonly LaidRow[]): Partial<Record<ColumnKey, [number, number][]>> {
  const byItem = runs(rows, (row) => String(row.item));
  const byMeasure = runs(rows, (row) => `${row.item}/${row.measure}`);
  const depth = Math.max(0, ...rows.map((row) => row.levels.length));
  const levels = Object.fromEntries(
    Array.from({ length: depth }, (_, index) => [
      `level${index + 1}`,
      runs(rows, (row) => row.levels.slice(0, index + 1).join('\u0000')),
    ]),
  );
  return {
    ...levels,
    content: byItem,
    focus: byItem,
    departments: byItem,
    department: byMeasure,
    deadline: byMeasure,
  };
}

/**
 * Row heights from the texts: each row as high as its own cells need (never above Excel's
 * 409 pt), then the rows under a merged cell raised evenly when the merged text needs more.
 */
function rowHeights(rows: readonly LaidRow[], columns: ReturnType<typeof columnsOf>): number[] {
  const spans = spansOf(rows);
  const heights = rows.map((row) =>
    Math.min(
      MAX_ROW_HEIGHT,
      Math.max(
        20,
        ...columns.map((column) =>
          spans[column.key] ? 0 : heightFor(row.cells[column.key] ?? '', column.width, FONT_SIZE),
        ),
      ),
    ),
  );
  for (const column of [...columns].reverse()) {
    for (const [start, end] of spans[column.key] ?? []) {
      const needed = heightFor(rows[start]!.cells[column.key] ?? '', column.width, FONT_SIZE);
      let have = heights.slice(start, end).reduce((sum, height) => sum + height, 0);
      while (have < needed) {
        const open: number[] = [];
        for (let index = start; index < end; index++)
          if (heights[index]! < MAX_ROW_HEIGHT) open.push(index);
        if (open.length === 0) break;
        const each = Math.ceil((needed - have) / open.length);
        for (const index of open) {
          const raised = Math.min(MAX_ROW_HEIGHT, heights[index]! + each);
          have += raised - heights[index]!;
          heights[index] = raised;
        }
      }
    }
  }
  return heights;
}

const sum = (heights: readonly number[]) => heights.reduce((total, height) => total + height, 0);

/** The title row and the column headings' row, in points (the headings repeat on every page). */
const TITLE_HEIGHT = 30;
const HEADER_HEIGHT = 24;

/** One printed page of the table: rows [start, end) and their heights on that page. */
interface Page {
  start: number;
  end: number;
  heights: number[];
}

/**
 * The rows cut into pages by our own page breaks, each page as full as `room` allows (points of
 * rows, first page and the others). A merged cell never crosses a page: the suites slice a merged
 * cell's text at a page's end (LibreOffice, through a line) or drop what is below it (Excel), so
 * each page merges its own rows and an item that goes on prints its cells again, which the readers
 * take as the same item. An item that would be cut but fits a page of its own starts the next page.
 */
function paginate(
  rows: readonly LaidRow[],
  columns: ReturnType<typeof columnsOf>,
  room: { first: number; next: number },
): Page[] {
  const pages: Page[] = [];
  const heightsOf = (start: number, end: number) => rowHeights(rows.slice(start, end), columns);
  let start = 0;
  while (start < rows.length) {
    const capacity = pages.length === 0 ? room.first : room.next;
    let end = start + 1;
    let heights = heightsOf(start, end);
    while (end < rows.length) {
      const more = heightsOf(start, end + 1);
      if (sum(more) > capacity) break;
      heights = more;
      end += 1;
    }
    const cut = rows[end];
    if (cut && cut.item === rows[end - 1]!.item) {
      let itemStart = end - 1;
      while (itemStart > start && rows[itemStart - 1]!.item === cut.item) itemStart -= 1;
      let itemEnd = end;
      while (itemEnd < rows.length && rows[itemEnd]!.item === cut.item) itemEnd += 1;
      if (itemStart > start && sum(heightsOf(itemStart, itemEnd)) <= room.next) {
        end = itemStart;
        heights = heightsOf(start, end);
      }
    }
    pages.push({ start, end, heights });
    start = end;
  }
  return pages;
}

/**
 * A little of each page kept free: the suites round row heights and margins their own ways, and a
 * page our breaks fill to the last point would spill a row onto a page of its own.
 */
const PAGE_FILL = 0.95;

/**
 * Text at the top of its cell where it is long (指标内容) or read across (落实部门, 落实措施,
 * 完成时限: one line region), centred otherwise.
 */
const TOP_ALIGNED: ReadonlySet<ColumnKey> = new Set([
  'content',
  'department',
  'measure',
  'deadline',
]);

export async function writeTaskBreakdownXlsx(table: TaskBreakdownTable): Promise<Buffer> {
  const columns = columnsOf(table);
  const scale = scaleToWidth(
    columns.map((column) => column.width),
    'landscape',
  );
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('任务分解表', {
    ...printOptions({ orientation: 'landscape', titleRows: [2, 2], scale }),
    views: [{ state: 'frozen', ySplit: 2 }],
  });
  sheet.columns = columns.map((column) => ({ width: column.width }));
  const title = sheet.addRow([spreadsheetSafe(table.title)]);
  sheet.mergeCells(1, 1, 1, columns.length);
  title.height = TITLE_HEIGHT;
  title.getCell(1).font = { name: '方正小标宋简体', size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  const header = sheet.addRow(columns.map((column) => column.header));
  header.height = HEADER_HEIGHT;
  // One style object shared by every cell of its kind (sheet-layout.ts says why).
  const borders = thinBorders();
  const headerStyle = headingCellStyle(borders);
  // At the top, merged cells too: a merged cell's text is printed where its area starts.
  const bodyStyle: Partial<ExcelJS.Style> = {
    font: { name: FONT, size: FONT_SIZE },
    alignment: { vertical: 'top', wrapText: true },
    border: borders,
  };
  header.eachCell((cell) => {
    cell.style = headerStyle;
  });
  const rows = layRows(table, true);
  const pageRows = (printableArea('landscape').height * PAGE_FILL * 100) / scale - HEADER_HEIGHT;
  const pages = paginate(rows, columns, { first: pageRows - TITLE_HEIGHT, next: pageRows });
  const firstDataRow = 3;
  for (const page of pages) {
    page.heights.forEach((height, offset) => {
      const row = rows[page.start + offset]!;
      const added = sheet.addRow(
        columns.map((column) => spreadsheetSafe(row.cells[column.key] ?? '')),
      );
      added.height = height;
      for (let position = 1; position <= columns.length; position++)
        added.getCell(position).style = bodyStyle;
      if (offset === page.heights.length - 1 && page.end < rows.length) added.addPageBreak();
    });
    const spans = spansOf(rows.slice(page.start, page.end));
    const top = firstDataRow + page.start;
    mergeDisjoint(
      sheet,
      columns.flatMap((column, position) =>
        (spans[column.key] ?? [])
          .filter(([start, end]) => end - start > 1)
          .map(([start, end]) => [top + start, position + 1, top + end - 1, position + 1] as const),
      ),
    );
  }
  return workbookBytes(workbook);
}

/**
 * Merges ranges that cannot overlap (one column's runs on one page, each page's rows its own).
 * exceljs checks each new merge against every merge before it, which for the whole institution's
 * hundreds of merges was a sixth of the sheet's writing time; its index of merges is set aside
 * while each merge is made, so that the check meets none, and the merge is then filed in it.
 */
function mergeDisjoint(
  sheet: ExcelJS.Worksheet,
  ranges: readonly (readonly [number, number, number, number])[],
): void {
  const internal = sheet as unknown as { _merges?: Record<string, unknown> };
  const merges = internal._merges;
  if (!merges || typeof merges !== 'object') {
    for (const range of ranges) sheet.mergeCells(...range);
    return;
  }
  try {
    for (const range of ranges) {
      internal._merges = {};
      sheet.mergeCells(...range);
      Object.assign(merges, internal._merges);
    }
  } finally {
    internal._merges = merges;
  }
}

function paragraphs(text: string): Paragraph[] {
  return (text || '').split('\n').map(
    (line) =>
      new Paragraph({
        children: [new TextRun({ text: line, font: FONT, size: FONT_SIZE * 2 })],
      }),
  );
}

/** A4 landscape with margins of 2 cm: the width the table fills, in twentieths of a point. */
const PAGE = { width: 16838, height: 11906, margin: 1134 };
const TABLE_WIDTH = PAGE.width - 2 * PAGE.margin;

/** 第 1 页 共 9 页, centred under every page. */
export function pageNumberFooter(): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({
            children: ['第 ', PageNumber.CURRENT, ' 页 共 ', PageNumber.TOTAL_PAGES, ' 页'],
            font: FONT,
            size: 21,
          }),
        ],
      }),
    ],
  });
}

export async function writeTaskBreakdownDocx(table: TaskBreakdownTable): Promise<Buffer> {
  const columns = columnsOf(table);
  const totalChars = columns.reduce((sum, column) => sum + column.width, 0);
  const twips = columns.map((column) => Math.floor((column.width / totalChars) * TABLE_WIDTH));
  const all = layRows(table, false);
  // One table per lowest level, each with its header row (repeated on every page it runs
  // over): one table of thousands of rows takes LibreOffice many minutes to lay out. The plan
  // reader reads tables that follow one another as one.
  const groups = runs(all, (row) => row.levels.join('\u0000')).map(([from, to]) =>
    all.slice(from, to),
  );
  const places = tablePlaces();
  const tableOf = (rows: LaidRow[]): XmlTable => {
    const spans = spansOf(rows);
    const merged = (key: ColumnKey) => (spans[key] ?? []).filter(([s, e]) => e - s > 1);
    const starts = new Map(
      columns.map((column) => [column.key, new Set(merged(column.key).map(([s]) => s))]),
    );
    const inRun = new Map(
      columns.map((column) => [
        column.key,
        new Set(
          merged(column.key).flatMap(([s, e]) => Array.from({ length: e - s }, (_, n) => s + n)),
        ),
      ]),
    );
    return {
      columnWidths: twips,
      width: TABLE_WIDTH,
      header: { texts: columns.map((column) => column.header), font: '黑体', halfPoints: 21 },
      // Rows may split over pages (an item's cells are merged down over its measures).
      body: {
        font: FONT,
        halfPoints: FONT_SIZE * 2,
        rows: rows.map((row, index) =>
          columns.map((column): XmlCell => {
            const verticalAlign = TOP_ALIGNED.has(column.key) ? 'top' : 'center';
            const lines = (row.cells[column.key] || '').split('\n');
            if (!inRun.get(column.key)!.has(index)) return { lines, verticalAlign };
            return starts.get(column.key)!.has(index)
              ? { lines, verticalAlign, verticalMerge: 'restart' }
              : { lines: [''], verticalAlign, verticalMerge: 'continue' };
          }),
        ),
      },
    };
  };
  const document = new Document({
    creator: 'Luoshi',
    title: table.title,
    sections: [
      {
        properties: {
          page: {
            size: {
              orientation: PageOrientation.LANDSCAPE,
              width: PAGE.height,
              height: PAGE.width,
            },
            margin: {
              top: PAGE.margin,
              bottom: PAGE.margin,
              left: PAGE.margin,
              right: PAGE.margin,
              footer: 567,
            },
          },
        },
        footers: { default: pageNumberFooter() },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 240 },
            children: [new TextRun({ text: table.title, font: '方正小标宋简体', size: 32 })],
          }),
          ...groups.flatMap((rows) => [
            places.place(tableOf(rows)),
            // A paragraph after every table: tables that touch would run together, and Word and
            // WPS keep a table that a paragraph follows when they save it as .doc. A plain one:
            // LibreOffice 7.4 (Debian 12) left out a whole table that followed a paragraph of
            // half-line spacing at a page break (items 6–8 of one printout of S, 14 rows).
            new Paragraph({ spacing: { before: 0, after: 0 }, children: [] }),
          ]),
        ],
      },
    ],
  });
  return places.splice(
    await Packer.toBuffer(document, false, [fontTableOverride([FONT, '黑体', '方正小标宋简体'])]),
  );
}
