import type { SheetChange, SheetProblem } from './api/breakdowns';
import {
  readDeadlineText,
  type DeadlineTextContext,
  type DeadlineTextProblem,
} from './deadline-text';
import type { Deadline } from './deadlines';
import { AppError } from './errors';
import type { DocumentBlocks } from './plan-import/document-blocks';
import { findHeader } from './plan-import/table-header';

/**
 * A department's 任务分解表 filled in offline (落实措施 and 完成时限, one measure per line in a
 * cell) read back and compared with what the department has: what it would add, change and
 * remove, and every row that cannot be applied. Pure; the breakdown service applies it.
 */

/** One row of the sheet that names an item, with its two cells split into lines. */
export interface SheetRow {
  row: number;
  /** The item's number, from a 序号 column or the numbering of 指标内容; null when there is none. */
  no: number | null;
  /** 指标内容 without its numbering. */
  content: string;
  measures: string[];
  deadlines: string[];
}

/**
 * The mark a measure's text carries where it goes on from the row above: a sheet row is at most
 * 409 pt high, so the export cuts a longer text over rows at line ends, and reading joins them back.
 */
export const CONTINUED_MARK = '（续）';

const ITEM_NUMBERING = /^\s*(?:(\d+)\s*[.．、]|[（(](\d+)[)）])\s*/;
const TITLE_DEPARTMENT = /任务分解表\s*[（(]([^）)]+)[）)]/;

function lines(cell: string | undefined): string[] {
  return (cell ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * The item rows of an uploaded sheet, in order. Refuses a file that is not a 任务分解表, one
 * without the two columns to fill, and one whose title names another department.
 */
export function readBreakdownSheet(document: DocumentBlocks, departmentName: string): SheetRow[] {
  const header = findHeader(document.blocks);
  if (!header) throw new AppError('import.header_not_found');
  const { columns } = header;
  if (columns.measures === undefined || columns.deadline === undefined)
    throw new AppError('sheet.columns_missing');
  const named = header.textBefore
    .map((text) => TITLE_DEPARTMENT.exec(text)?.[1]?.trim())
    .find(Boolean);
  if (named && named !== departmentName)
    throw new AppError('sheet.wrong_department', { found: named, department: departmentName });
  const rows: SheetRow[] = [];
  for (const tableRow of header.rows.slice(header.headerIndex + 1)) {
    const cell = (column: number | undefined) =>
      column === undefined ? '' : (tableRow.cells[column] ?? '').trim();
    const contentCell = cell(columns.content);
    const measures = lines(cell(columns.measures));
    const deadlines = lines(cell(columns.deadline));
    if (!contentCell && measures.length === 0 && deadlines.length === 0) continue;
    const numbered = ITEM_NUMBERING.exec(contentCell);
    const numberCell = cell(columns.number);
    const no = /^\d+$/.test(numberCell)
      ? Number(numberCell)
      : numbered
        ? Number(numbered[1] ?? numbered[2])
        : null;
    const previous = rows.at(-1);
    if (
      previous &&
      previous.no === no &&
      previous.measures.length > 0 &&
      measures.length === 1 &&
      measures[0]!.startsWith(CONTINUED_MARK)
    ) {
      // The rest of the measure above (its deadline cell, merged over both rows, read again).
      const last = previous.measures.length - 1;
      previous.measures[last] =
        `${previous.measures[last]}${measures[0]!.slice(CONTINUED_MARK.length)}`;
      continue;
    }
    rows.push({
      row: tableRow.sourceRow,
      no,
      content: numbered ? contentCell.slice(numbered[0].length).trim() : contentCell,
      measures,
      deadlines,
    });
  }
  if (rows.length === 0) throw new AppError('import.no_items');
  return rows;
}

export interface SheetPlanInput {
  rows: readonly SheetRow[];
  department: { name: string };
  /** Every item of the plan's standard. */
  items: readonly { id: string; no: number; content: string }[];
  /** The items the department answers for. */
  duties: ReadonlySet<string>;
  /** The department's measures now, in their order. */
  measures: readonly { id: string; itemId: string; text: string; deadline: Deadline }[];
  context: DeadlineTextContext;
}

export interface SheetPlan {
  changes: SheetChange[];
  problems: SheetProblem[];
  unchanged: number;
  itemsRead: number;
}

const DEADLINE_PROBLEMS: Record<Exclude<DeadlineTextProblem, 'empty'>, SheetProblem['code']> = {
  unreadable: 'sheet.deadline_unreadable',
  no_such_date: 'sheet.deadline_no_such_date',
  needs_first_date: 'sheet.deadline_first_date',
  unsupported_recurrence: 'sheet.deadline_unsupported',
};

const comparable = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');
const sameDeadline = (a: Deadline, b: Deadline) => a.kind === b.kind && a.dueOn === b.dueOn;
const MAX_MEASURE_LENGTH = 2000;

interface Line {
  text: string;
  deadline: Deadline;
  dateGiven: boolean;
}

/** What applying the sheet would do, or why a row cannot be applied. */
export function planSheetChanges(input: SheetPlanInput): SheetPlan {
  const problems: SheetProblem[] = [];
  const changes: SheetChange[] = [];
  const itemsByNo = new Map(input.items.map((item) => [item.no, item]));
  const firstRowOf = new Map<number, number>();
  /** itemNo → the row it was read from and its lines, rows merged down (a merged 指标内容 cell) joined. */
  const read = new Map<number, { row: number; itemId: string; lines: Line[]; broken: boolean }>();
  let previousNo: number | null = null;
  let unchanged = 0;

  for (const row of input.rows) {
    const problem = (code: SheetProblem['code'], params: SheetProblem['params'] = {}) => {
      problems.push({ row: row.row, itemNo: row.no, code, params });
    };
    const continues = row.no !== null && row.no === previousNo;
    previousNo = row.no;
    if (!row.content) {
      problem('sheet.measure_without_item');
      continue;
    }
    if (row.no === null) {
      problem('sheet.item_number_missing');
      continue;
    }
    const item = itemsByNo.get(row.no);
    if (!item) {
      problem('sheet.unknown_item', { no: row.no });
      continue;
    }
    if (!input.duties.has(item.id)) {
      problem('sheet.not_assigned', { no: row.no, department: input.department.name });
      continue;
    }
    if (comparable(row.content) !== comparable(item.content)) {
      problem('sheet.content_mismatch', {
        no: row.no,
        found: row.content.length > 40 ? `${row.content.slice(0, 40)}…` : row.content,
      });
      continue;
    }
    if (firstRowOf.has(row.no) && !continues) {
      problem('sheet.item_repeated', { no: row.no, first: firstRowOf.get(row.no)! });
      continue;
    }
    if (!firstRowOf.has(row.no)) firstRowOf.set(row.no, row.row);
    const entry = read.get(row.no) ?? { row: row.row, itemId: item.id, lines: [], broken: false };
    read.set(row.no, entry);

    const texts: string[] = [];
    for (const line of row.measures) {
      const text = cleanLine(line, input.department.name);
      if (text.other) problem('sheet.other_department', { name: text.other });
      else if (text.value.length > MAX_MEASURE_LENGTH)
        problem('sheet.measure_too_long', { no: row.no, index: texts.length + 1 });
      texts.push(text.value);
    }
    const deadlineTexts = row.deadlines
      .map((line) => cleanLine(line, input.department.name))
      .map((line) => {
        if (line.other) problem('sheet.other_department', { name: line.other });
        return line.value;
      });
    if (texts.length > 0 && deadlineTexts.length === 0)
      problem('sheet.deadline_missing', { no: row.no });
    else if (texts.length === 0 && deadlineTexts.length > 0)
      problem('sheet.deadline_without_measure', { no: row.no });
    else if (deadlineTexts.length > 1 && deadlineTexts.length !== texts.length)
      problem('sheet.deadline_count', {
        no: row.no,
        measures: texts.length,
        deadlines: deadlineTexts.length,
      });
    const readings = deadlineTexts.map((text) => ({
      text,
      reading: readDeadlineText(text, input.context),
    }));
    for (const { text, reading } of readings) {
      if (!reading.ok && reading.problem !== 'empty')
        problem(DEADLINE_PROBLEMS[reading.problem], { text });
    }
    const problemsOfRow = problems.filter((entryProblem) => entryProblem.row === row.row).length;
    if (problemsOfRow > 0) {
      entry.broken = true;
      continue;
    }
    texts.forEach((text, index) => {
      const { reading } = readings[readings.length === 1 ? 0 : index]!;
      if (reading.ok)
        entry.lines.push({ text, deadline: reading.deadline, dateGiven: reading.dateGiven });
    });
  }

  for (const [no, entry] of read) {
    if (entry.broken) continue;
    const current = input.measures.filter((measure) => measure.itemId === entry.itemId);
    const pairs = pairLines(entry.lines, current);
    for (const [line, measure] of pairs) {
      if (!line && measure) {
        changes.push({
          kind: 'remove',
          itemId: entry.itemId,
          itemNo: no,
          row: entry.row,
          measureId: measure.id,
          before: { text: measure.text, deadline: measure.deadline },
          after: null,
        });
        continue;
      }
      if (!line) continue;
      // A recurrence written without a date (每年) keeps the date the measure already has.
      const deadline =
        !line.dateGiven && measure && measure.deadline.kind === line.deadline.kind
          ? measure.deadline
          : line.deadline;
      if (!measure) {
        changes.push({
          kind: 'add',
          itemId: entry.itemId,
          itemNo: no,
          row: entry.row,
          measureId: null,
          before: null,
          after: { text: line.text, deadline },
        });
      } else if (measure.text === line.text && sameDeadline(measure.deadline, deadline)) {
        unchanged += 1;
      } else {
        changes.push({
          kind: 'change',
          itemId: entry.itemId,
          itemNo: no,
          row: entry.row,
          measureId: measure.id,
          before: { text: measure.text, deadline: measure.deadline },
          after: { text: line.text, deadline },
        });
      }
    }
  }
  changes.sort((a, b) => a.row - b.row);
  problems.sort((a, b) => a.row - b.row);
  return {
    changes,
    problems,
    unchanged,
    itemsRead: [...read.values()].filter((entry) => !entry.broken).length,
  };
}

/**
 * Each line of the sheet with the measure it replaces: the same text first (kept, or its deadline
 * changed), then the rest in order (changed); lines left over are added, measures left over removed.
 */
function pairLines<M extends { text: string }>(
  lines: readonly Line[],
  measures: readonly M[],
): [Line | null, M | null][] {
  const taken = new Set<M>();
  const paired: (M | null)[] = lines.map((line) => {
    const same = measures.find((measure) => !taken.has(measure) && measure.text === line.text);
    if (same) taken.add(same);
    return same ?? null;
  });
  const rest = measures.filter((measure) => !taken.has(measure));
  const result: [Line | null, M | null][] = lines.map((line, index) => {
    const measure = paired[index] ?? rest.shift() ?? null;
    return [line, measure];
  });
  return [...result, ...rest.map((measure): [null, M] => [null, measure])];
}

/**
 * A line as the person meant it: the apostrophe the export puts before = + - @ (so that a
 * spreadsheet does not run it) taken off, and a 【department】 label of the whole-institution
 * sheet taken off when it is this department's, reported when it is another's.
 */
function cleanLine(line: string, departmentName: string): { value: string; other: string | null } {
  const unquoted = /^'[=+\-@]/.test(line) ? line.slice(1) : line;
  const label = /^【([^】]+)】\s*/.exec(unquoted);
  if (!label) return { value: unquoted, other: null };
  return {
    value: unquoted.slice(label[0].length).trim(),
    other: label[1] === departmentName ? null : label[1]!,
  };
}
