import type { PeriodSheetChange, PeriodSheetProblem } from '../api/ledger';
import { AppError } from '../errors';
import type { DocumentBlocks } from '../plan-import/document-blocks';
import { reportStatuses, type ReportStatus } from './periods';

/**
 * A department's period sheet (工作进度报送表): every approved measure a row, filled in offline
 * (进展状态, 本期进展情况) and read back. The layout is fixed — the writer in server/io and the
 * reader here share it — so that a sheet edited in the wrong places is refused, not guessed at.
 * Pure; the ledger service applies what it reads.
 */

/** The header row, in order. 措施编号 (hidden) names the measure; the person fills the last columns. */
export const PERIOD_SHEET_HEADERS = [
  '措施编号',
  '序号',
  '指标内容',
  '落实措施',
  '上期进展',
  '进展状态',
  '本期进展情况',
  '佐证材料',
] as const;
export const PERIOD_SHEET_STATUS_COLUMN = PERIOD_SHEET_HEADERS.indexOf('进展状态');
export const PERIOD_SHEET_TEXT_COLUMN = PERIOD_SHEET_HEADERS.indexOf('本期进展情况');

/** The words of each status in the sheet's drop-down. */
export const periodSheetStatusWords: Record<ReportStatus, string> = {
  not_started: '未启动',
  on_track: '按计划推进',
  done: '已完成',
  at_risk: '有风险',
  blocked: '受阻',
};

/** Written in 本期进展情况: the previous period's report carried over (status, text and evidence). */
export const SAME_AS_PREVIOUS = '与上期相同';
/** The usual text of a period in which nothing new happened. */
export const NO_NEW_PROGRESS = '本期无新进展';
export const MAX_REPORT_LENGTH = 5000;

/** The line under the title, naming the department and the period: 部门：工会　报送周期：2024年5月（2024-05）… */
export function periodSheetSubtitle(input: {
  department: string;
  periodLabel: string;
  periodKey: string;
  dueOn: string;
}): string {
  return `部门：${input.department}　报送周期：${input.periodLabel}（${input.periodKey}）　报送截止：${input.dueOn}`;
}
const SUBTITLE = /部门：(.+?)　报送周期：(.*?)（([^（）]+)）/;

export interface PeriodSheetRow {
  row: number;
  measureId: string;
  /** As written; '' when left blank. */
  status: string;
  text: string;
}

const clean = (text: string | undefined) => (text ?? '').replace(/\r\n?/g, '\n').trim();

/**
 * The measure rows of an uploaded period sheet. Refuses a file that is not one (no header row,
 * no subtitle), one whose header was edited, and one of another department or another period.
 */
export function readPeriodSheet(
  document: DocumentBlocks,
  expected: { department: string; periodKey: string; periodLabel: string },
): PeriodSheetRow[] {
  const table = document.blocks.find(
    (block) =>
      block.kind === 'table' &&
      block.rows.some((row) => row.cells.some((cell) => clean(cell) === PERIOD_SHEET_HEADERS[0])),
  );
  if (!table || table.kind !== 'table') throw new AppError('progress_sheet.not_a_sheet');
  const headerIndex = table.rows.findIndex((row) =>
    row.cells.some((cell) => clean(cell) === PERIOD_SHEET_HEADERS[0]),
  );
  const subtitle = table.rows
    .slice(0, headerIndex)
    .flatMap((row) => row.cells)
    .map((cell) => SUBTITLE.exec(clean(cell)))
    .find(Boolean);
  if (!subtitle) throw new AppError('progress_sheet.not_a_sheet');
  const found = subtitle[1]!.trim();
  if (found !== expected.department)
    throw new AppError('progress_sheet.wrong_department', {
      found,
      department: expected.department,
    });
  if (subtitle[3] !== expected.periodKey)
    throw new AppError('progress_sheet.wrong_period', {
      found: subtitle[2] || subtitle[3]!,
      period: expected.periodLabel,
    });
  const header = table.rows[headerIndex]!.cells.map(clean);
  const width = Math.max(header.length, PERIOD_SHEET_HEADERS.length);
  for (let column = 0; column < width; column++) {
    const want = PERIOD_SHEET_HEADERS[column] ?? '';
    if ((header[column] ?? '') !== want)
      throw new AppError('progress_sheet.header_changed', {
        column: column + 1,
        found: header[column] || '（空）',
        expected: want || '（空）',
      });
  }
  const rows: PeriodSheetRow[] = [];
  for (const row of table.rows.slice(headerIndex + 1)) {
    const cell = (column: number) => clean(row.cells[column]);
    const measureId = cell(0);
    const status = cell(PERIOD_SHEET_STATUS_COLUMN);
    // The apostrophe the export puts before = + - @ (so that a spreadsheet does not run it) taken off.
    const text = cell(PERIOD_SHEET_TEXT_COLUMN).replace(/^'(?=[=+\-@])/, '');
    if (!measureId && !status && !text) continue;
    rows.push({ row: row.sourceRow, measureId, status, text });
  }
  return rows;
}

interface Report {
  status: ReportStatus;
  text: string;
  evidenceIds: readonly string[];
  version: number;
}

export interface PeriodSheetInput {
  rows: readonly PeriodSheetRow[];
  /** The department's approved measures, with this period's report and the previous period's. */
  measures: readonly {
    id: string;
    itemNo: number;
    text: string;
    current: Report | null;
    previous: Report | null;
  }[];
}

/** A change as the service writes it: the report's new version and the evidence it keeps. */
export interface PeriodSheetWrite extends PeriodSheetChange {
  evidenceIds: readonly string[];
  basedOnVersion: number;
}

export interface PeriodSheetPlan {
  changes: PeriodSheetWrite[];
  problems: PeriodSheetProblem[];
  rowsRead: number;
  blank: number;
  unchanged: number;
}

const statusOfWord = new Map(
  reportStatuses.map((status) => [periodSheetStatusWords[status], status] as const),
);

/** What applying the sheet would report, or why a row cannot be applied. */
export function planPeriodSheet(input: PeriodSheetInput): PeriodSheetPlan {
  const byId = new Map(input.measures.map((measure) => [measure.id, measure]));
  const firstRow = new Map<string, number>();
  const problems: PeriodSheetProblem[] = [];
  const changes: PeriodSheetWrite[] = [];
  let blank = 0;
  let unchanged = 0;
  for (const row of input.rows) {
    const problem = (code: PeriodSheetProblem['code'], params: PeriodSheetProblem['params'] = {}) =>
      problems.push({ row: row.row, code, params });
    const measure = byId.get(row.measureId);
    if (!measure) {
      problem('progress_sheet.unknown_measure', {
        id: row.measureId.length > 40 ? `${row.measureId.slice(0, 40)}…` : row.measureId,
      });
      continue;
    }
    if (firstRow.has(measure.id)) {
      problem('progress_sheet.measure_repeated', { first: firstRow.get(measure.id)! });
      continue;
    }
    firstRow.set(measure.id, row.row);
    if (!row.status && !row.text) {
      blank += 1;
      continue;
    }
    const same = row.text.replace(/\s+/g, '') === SAME_AS_PREVIOUS;
    if (same) {
      if (!measure.previous) {
        problem('progress_sheet.no_previous');
        continue;
      }
    }
    const status = row.status
      ? statusOfWord.get(row.status.replace(/\s+/g, ''))
      : same
        ? measure.previous!.status
        : undefined;
    if (row.status && !status) {
      problem('progress_sheet.status_unreadable', {
        found: row.status,
        allowed: reportStatuses.map((each) => periodSheetStatusWords[each]).join('、'),
      });
      continue;
    }
    if (!status) {
      problem('progress_sheet.status_missing');
      continue;
    }
    if (!row.text) {
      problem('progress_sheet.text_missing');
      continue;
    }
    const text = same ? measure.previous!.text : row.text;
    if (text.length > MAX_REPORT_LENGTH) {
      problem('progress_sheet.text_too_long', { limit: MAX_REPORT_LENGTH });
      continue;
    }
    const current = measure.current;
    if (current && current.status === status && current.text === text) {
      unchanged += 1;
      continue;
    }
    changes.push({
      row: row.row,
      measureId: measure.id,
      itemNo: measure.itemNo,
      measureText: measure.text,
      before: current
        ? { status: current.status, text: current.text, version: current.version }
        : null,
      after: { status, text },
      sameAsPrevious: same,
      evidenceIds: same ? measure.previous!.evidenceIds : (current?.evidenceIds ?? []),
      basedOnVersion: current?.version ?? 0,
    });
  }
  return { changes, problems, rowsRead: input.rows.length, blank, unchanged };
}
