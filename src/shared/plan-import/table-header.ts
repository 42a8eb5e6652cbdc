import type { DocumentBlock, TableRow } from './document-blocks';

import type { ColumnMeaning } from './contract';

export type Column = ColumnMeaning;
export type ColumnMap = Partial<Record<Column, number>>;

export const levelColumns = ['level1', 'level2', 'level3', 'level4'] as const;

/**
 * The words people head each column with, compared after removing white space and a trailing
 * note in brackets (责任单位（牵头）). An exact word scores 3; a header that merely contains one of
 * the `partial` stems scores 1, so a real header row outscores a title or a data row.
 */
const HEADER_WORDS: Record<Column, { exact: RegExp; partial?: RegExp }> = {
  number: { exact: /^(序号|编号|序|任务编号|条目号)$/ },
  level1: {
    exact:
      /^(一级指标|一级任务|一级目标|一级项目|一级|工作类别|任务类别|类别|板块|工作板块|领域|重点领域|方面|工作方面)$/,
  },
  level2: { exact: /^(二级指标|二级任务|二级目标|二级项目|二级)$/ },
  level3: { exact: /^(三级任务|三级目标|三级项目)$/ },
  level4: { exact: /^(四级指标|四级任务|四级目标|四级项目)$/ },
  content: {
    exact:
      /^(指标内容|三级指标|具体内容|指标要求|标准内容|考核内容|工作任务|重点任务|主要任务|具体任务|任务内容|工作内容|任务|工作要点|重点工作|问题表现|存在问题|问题|问题清单|整改问题|建设任务|建设内容|目标任务)$/,
    partial: /(任务|内容|问题)/,
  },
  focus: { exact: /^(观测重点|考察重点|观测点|观测要点|考核要点|考核标准|评价要点|评价标准)$/ },
  departments: {
    exact: /^(责任部门|责任单位|主责单位|主责部门|责任处室|责任科室|承办单位|落实单位|实施单位)$/,
    partial: /(部门|单位|处室)/,
  },
  lead: { exact: /^(牵头部门|牵头单位|牵头处室|主办单位|主要责任单位|牵头责任单位)$/ },
  support: {
    exact: /^(配合部门|配合单位|协同部门|参与部门|协办部门|协办单位|参与单位|协同单位|配合处室)$/,
  },
  leader: {
    exact: /^(责任校领导|分管校领导|牵头校领导|牵头领导|责任领导|分管领导|责任人|校领导)$/,
    partial: /领导/,
  },
  measures: {
    exact:
      /^(落实措施|工作措施|具体措施|推进措施|整改措施|工作举措|具体举措|主要举措|措施|举措|实施路径|整改目标及措施)$/,
    partial: /(措施|举措)/,
  },
  deadline: {
    exact:
      /^(完成时限|完成时间|时间节点|时限要求|完成期限|时限|完成时限要求|进度安排|时间安排|截止时间)$/,
    partial: /(时限|时间|期限)/,
  },
};

const HEADER_SEARCH_DEPTH = 10;

/**
 * What the office chose where detection guessed wrong: the header's row (1-based, in the first
 * table) and each column's meaning by index. Given to the API and to `luoshi import --columns`.
 */
export interface HeaderMapping {
  headerRow?: number;
  columns?: ColumnMap;
}
/** A row scoring less than this is not taken as a header (two exact words at the least). */
const MIN_HEADER_SCORE = 6;

export interface FoundHeader {
  rows: TableRow[];
  headerIndex: number;
  columns: ColumnMap;
  /** Header words of columns Luoshi has no meaning for (备注, 工作目标), by their index. */
  otherColumns: { index: number; header: string }[];
  /** Every header cell as written, by index: what the office sees when it maps by hand. */
  headers: string[];
  /** Paragraphs before the table, and the cells of rows above its header (an xlsx title). */
  textBefore: string[];
}

export function normaliseHeaderWord(cell: string): string {
  return cell.replace(/\s+/g, '').replace(/[（(][^）)]*[）)]$/, '');
}

function scoreCell(word: string): { column: Column; score: number }[] {
  const found: { column: Column; score: number }[] = [];
  for (const [column, words] of Object.entries(HEADER_WORDS) as [
    Column,
    (typeof HEADER_WORDS)[Column],
  ][]) {
    if (words.exact.test(word)) found.push({ column, score: 3 });
    else if (column === 'level1' && words.partial?.test(word)) found.push({ column, score: 2 });
    else if (words.partial?.test(word) && word.length <= 8) found.push({ column, score: 1 });
  }
  return found.sort((a, b) => b.score - a.score);
}

/**
 * What each cell of a row would mean as a header, and the row's score. Every column takes its
 * best-scoring cell; where several cells read as content (一级任务 | 具体任务 both say 任务), the
 * rightmost is the content and the ones to its left become levels.
 */
export function mapHeaderRow(cells: readonly string[]): {
  columns: ColumnMap;
  otherColumns: { index: number; header: string }[];
  score: number;
} {
  const columns: ColumnMap = {};
  const scores: Partial<Record<Column, number>> = {};
  const contentLike: number[] = [];
  const taken = new Set<number>();
  cells.forEach((cell, index) => {
    const word = normaliseHeaderWord(cell);
    if (!word) return;
    const candidates = scoreCell(word);
    if (candidates.some((candidate) => candidate.column === 'content' && candidate.score === 3))
      contentLike.push(index);
    for (const { column, score } of candidates) {
      if (column === 'content' && score === 3) continue;
      if ((scores[column] ?? 0) < score) {
        if (columns[column] !== undefined) taken.delete(columns[column]!);
        columns[column] = index;
        scores[column] = score;
        taken.add(index);
        break;
      }
    }
  });
  if (contentLike.length > 0) {
    const content = contentLike.at(-1)!;
    if (columns.content !== undefined) taken.delete(columns.content);
    columns.content = content;
    scores.content = 3;
    taken.add(content);
    const freeLevels = levelColumns.filter((level) => columns[level] === undefined);
    for (const index of contentLike.slice(0, -1)) {
      const level = freeLevels.shift();
      if (!level) break;
      columns[level] = index;
      scores[level] = 3;
      taken.add(index);
    }
  }
  // levels named by a grouping word or read from a second content column take their place
  // from the left; 一级/二级 keep the level they name
  if (contentLike.length > 1 || scores.level1 === 2) orderLevels(columns);
  const score = Object.values(scores).reduce((sum, value) => sum + value, 0);
  const otherColumns = cells
    .map((cell, index) => ({ index, header: cell.replace(/\s+/g, '') }))
    .filter(({ index, header }) => header && !taken.has(index));
  return { columns, otherColumns, score };
}

/** Level columns are numbered from the left, whatever their words said. */
function orderLevels(columns: ColumnMap): void {
  const indexes = levelColumns
    .map((level) => columns[level])
    .filter((index): index is number => index !== undefined)
    .sort((a, b) => a - b);
  for (const level of levelColumns) delete columns[level];
  indexes.forEach((index, position) => {
    columns[levelColumns[position]!] = index;
  });
}

/** A header Luoshi can read a plan from: something to do, and someone to do it or a deadline. */
function usable(columns: ColumnMap, score: number): boolean {
  return (
    score >= MIN_HEADER_SCORE &&
    columns.content !== undefined &&
    (columns.departments !== undefined ||
      columns.lead !== undefined ||
      columns.measures !== undefined ||
      columns.deadline !== undefined)
  );
}

/**
 * The best-scoring header among the first rows of every table, and the rows below it. A table
 * that repeats the same header (a long table split by page breaks into several Word tables)
 * continues the first one.
 */
export function findHeader(
  blocks: readonly DocumentBlock[],
  mapping: HeaderMapping = {},
): FoundHeader | null {
  let best: { block: number; index: number; score: number } | null = null;
  if (mapping.headerRow !== undefined) {
    const tableIndex = blocks.findIndex((block) => block.kind === 'table');
    const table = blocks[tableIndex];
    if (!table || table.kind !== 'table' || !table.rows[mapping.headerRow - 1]) return null;
    best = { block: tableIndex, index: mapping.headerRow - 1, score: 0 };
  } else {
    blocks.forEach((block, blockIndex) => {
      if (block.kind !== 'table') return;
      const depth = Math.min(block.rows.length, HEADER_SEARCH_DEPTH);
      for (let index = 0; index < depth; index++) {
        const { columns, score } = mapHeaderRow(block.rows[index]!.cells);
        if (usable(columns, score) && (!best || score > best.score))
          best = { block: blockIndex, index, score };
      }
    });
  }
  if (!best && mapping.columns) {
    // the office named the columns but not the header: the first table's first row
    const tableIndex = blocks.findIndex((block) => block.kind === 'table');
    if (tableIndex >= 0) best = { block: tableIndex, index: 0, score: 0 };
  }
  if (!best) return null;
  const chosen: { block: number; index: number } = best;
  const table = blocks[chosen.block] as Extract<DocumentBlock, { kind: 'table' }>;
  const headerCells = table.rows[chosen.index]!.cells;
  const mapped = mapHeaderRow(headerCells);
  const columns = mapping.columns ?? mapped.columns;
  const mappedIndexes = new Set(Object.values(columns));
  const otherColumns = headerCells
    .map((cell, index) => ({ index, header: cell.replace(/\s+/g, '') }))
    .filter(({ index, header }) => header && !mappedIndexes.has(index));

  const textBefore: string[] = [];
  for (const block of blocks.slice(0, chosen.block)) {
    if (block.kind === 'paragraph') textBefore.push(block.text);
    else
      textBefore.push(
        ...block.rows.flatMap((row) => row.cells.map((cell) => cell.trim()).filter(Boolean)),
      );
  }
  const above = table.rows
    .slice(0, chosen.index)
    .flatMap((row) => row.cells.map((cell) => cell.trim()).filter(Boolean));

  const rows = [...table.rows];
  const headerKey = headerCells.map(normaliseHeaderWord).join('|');
  for (const block of blocks.slice(chosen.block + 1)) {
    if (block.kind === 'paragraph') {
      if (block.text.trim()) break;
      continue;
    }
    const first = block.rows[0];
    const repeatsHeader = first && first.cells.map(normaliseHeaderWord).join('|') === headerKey;
    const sameWidth = first && first.cells.length === headerCells.length;
    if (!repeatsHeader && !sameWidth) break;
    rows.push(...(repeatsHeader ? block.rows.slice(1) : block.rows));
  }
  return {
    rows,
    headerIndex: chosen.index,
    columns,
    otherColumns,
    headers: headerCells.map((cell) => cell.replace(/\s+/g, '')),
    textBefore: [...textBefore, ...new Set(above)],
  };
}

const INSPECTED_ROWS = 12;

/**
 * The first table's first rows and what detection makes of them: what the import wizard shows
 * when the office maps the columns by hand.
 */
export function inspectTables(blocks: readonly DocumentBlock[]): {
  rows: string[][];
  detected: { headerRow: number; columns: (Column | null)[] } | null;
} {
  const found = findHeader(blocks);
  const table = found
    ? { rows: found.rows }
    : blocks.find(
        (block): block is Extract<DocumentBlock, { kind: 'table' }> => block.kind === 'table',
      );
  if (!table) return { rows: [], detected: null };
  const start = found ? Math.max(0, found.headerIndex - 2) : 0;
  const rows = table.rows
    .slice(start, start + INSPECTED_ROWS)
    .map((row) => row.cells.map((cell) => cell.trim()));
  if (!found) return { rows, detected: null };
  const width = Math.max(...rows.map((row) => row.length));
  const meaningAt = (index: number) =>
    (Object.entries(found.columns) as [Column, number][]).find(
      ([, column]) => column === index,
    )?.[0] ?? null;
  return {
    rows,
    detected: {
      headerRow: found.headerIndex - start + 1,
      columns: Array.from({ length: width }, (_, index) => meaningAt(index)),
    },
  };
}
