import type { DocumentBlock, TableRow } from './document-blocks';

export type Column =
  | 'number'
  | 'level1'
  | 'level2'
  | 'content'
  | 'focus'
  | 'departments'
  | 'lead'
  | 'support'
  | 'measures'
  | 'deadline';
export type ColumnMap = Partial<Record<Column, number>>;

/** Header words by column, compared after removing all white space. */
const HEADER_WORDS: Record<Column, RegExp> = {
  number: /^(序号|编号)$/,
  level1: /^一级指标$/,
  level2: /^二级指标$/,
  content: /^(指标内容|三级指标|具体内容|指标要求|标准内容|考核内容)$/,
  focus: /^(观测重点|考察重点|观测点|考核要点)$/,
  departments: /^(责任部门|责任单位)$/,
  lead: /^(牵头部门|牵头单位)$/,
  support: /^(配合部门|配合单位|协同部门|参与部门|协办部门)$/,
  measures: /^(落实措施|工作措施|具体措施|推进措施)$/,
  deadline: /^(完成时限|完成时间|时间节点|时限要求)$/,
};

const HEADER_SEARCH_DEPTH = 10;

export interface FoundHeader {
  rows: TableRow[];
  headerIndex: number;
  columns: ColumnMap;
  /** Paragraphs before the table, and the cells of rows above its header (an xlsx title). */
  textBefore: string[];
}

export function mapHeaderRow(cells: readonly string[]): ColumnMap | null {
  const columns: ColumnMap = {};
  cells.forEach((cell, index) => {
    const word = cell.replace(/\s+/g, '');
    for (const [column, pattern] of Object.entries(HEADER_WORDS) as [Column, RegExp][]) {
      if (columns[column] === undefined && pattern.test(word)) columns[column] = index;
    }
  });
  const complete =
    columns.level1 !== undefined &&
    columns.level2 !== undefined &&
    columns.content !== undefined &&
    (columns.departments !== undefined || columns.lead !== undefined);
  return complete ? columns : null;
}

/** The first table whose header (in its first rows) names the columns a task breakdown needs. */
export function findHeader(blocks: readonly DocumentBlock[]): FoundHeader | null {
  const textBefore: string[] = [];
  for (const block of blocks) {
    if (block.kind === 'paragraph') {
      textBefore.push(block.text);
      continue;
    }
    for (let index = 0; index < Math.min(block.rows.length, HEADER_SEARCH_DEPTH); index++) {
      const columns = mapHeaderRow(block.rows[index]!.cells);
      if (columns) {
        const above = block.rows
          .slice(0, index)
          .flatMap((row) => row.cells.map((cell) => cell.trim()).filter(Boolean));
        return {
          rows: block.rows,
          headerIndex: index,
          columns,
          textBefore: [...textBefore, ...new Set(above)],
        };
      }
    }
    textBefore.push(
      ...block.rows.flatMap((row) => row.cells.map((cell) => cell.trim()).filter(Boolean)),
    );
  }
  return null;
}
