/**
 * A third party's results as an .xlsx (第三方测评结果表): one row per year and item with the
 * value, the sample and who measured it. Reads the header by synonyms and checks every row; the
 * import takes all rows or none. Pure.
 */
export interface ThirdPartyRow {
  year: number;
  itemNo: number;
  value: number;
  sample: number | null;
  source: string;
  note: string;
}

export type ThirdPartyProblem = 'year' | 'item' | 'value' | 'sample' | 'source' | 'duplicate';

export interface ThirdPartySheet {
  rows: (ThirdPartyRow & { sourceRow: number })[];
  problems: { sourceRow: number; problem: ThirdPartyProblem }[];
}

const fields = ['year', 'itemNo', 'value', 'sample', 'source', 'note'] as const;
type Field = (typeof fields)[number];
const synonyms: Record<Field, string[]> = {
  year: ['年度', '年份', '测评年度', 'year'],
  itemNo: ['指标', '指标序号', '指标号', '序号指标', '对应指标', 'item', 'itemno'],
  value: ['满意度', '结果', '测评结果', '满意率', '满意度%', '得分', 'value', 'satisfaction'],
  sample: ['样本', '样本量', '样本数', '有效样本', '有效问卷', 'sample'],
  source: ['测评机构', '第三方', '第三方机构', '来源', '数据来源', 'source'],
  note: ['备注', '说明', 'note'],
};
const normalise = (text: string) => text.replace(/[\s()（）%％:：*＊]/g, '').toLowerCase();

function fieldOf(text: string): Field | null {
  const key = normalise(text);
  if (!key) return null;
  for (const field of fields)
    if (synonyms[field].some((word) => normalise(word) === key)) return field;
  return null;
}

/** One result per year, item and third party: a second row with the same three is the same result. */
export function thirdPartyKey(row: { year: number; itemNo: number; source: string }): string {
  return `${row.year}|${row.itemNo}|${row.source.replace(/\s/g, '')}`;
}

/** The sheet's columns in the order the template writes them. */
export const thirdPartyColumns = ['年度', '指标', '满意度', '样本量', '测评机构', '备注'] as const;

/** A number as people type it: 92.5, 92.5%, ９２．５, "第27项" → 27. */
function numberOf(text: string): number | null {
  const flat = text
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[%％\s,，]/g, '')
    .replace(/^第(.*)项$/, '$1');
  if (!/^\d+(\.\d+)?$/.test(flat)) return null;
  return Number(flat);
}

/** Null when no header among the first ten rows names the year, the item, the value and the source. */
export function readThirdPartySheet(
  rows: readonly { cells: readonly string[]; sourceRow?: number }[],
): ThirdPartySheet | null {
  const headerIndex = rows.slice(0, 10).findIndex((row) => {
    const found = new Set(row.cells.map(fieldOf));
    return ['year', 'itemNo', 'value', 'source'].every((field) => found.has(field as Field));
  });
  if (headerIndex < 0) return null;
  const columns = new Map<Field, number>();
  rows[headerIndex]!.cells.forEach((cell, index) => {
    const field = fieldOf(cell);
    if (field && !columns.has(field)) columns.set(field, index);
  });
  const cell = (row: readonly string[], field: Field) =>
    columns.has(field) ? (row[columns.get(field)!] ?? '').trim() : '';
  const sheet: ThirdPartySheet = { rows: [], problems: [] };
  const seen = new Set<string>();
  rows.slice(headerIndex + 1).forEach((row, offset) => {
    const sourceRow = row.sourceRow ?? headerIndex + offset + 2;
    if (row.cells.every((text) => text.trim() === '')) return;
    const year = numberOf(cell(row.cells, 'year').replace(/年$/, ''));
    const itemNo = numberOf(cell(row.cells, 'itemNo'));
    const value = numberOf(cell(row.cells, 'value'));
    const sampleText = cell(row.cells, 'sample').replace(/人$/, '');
    const sample = sampleText === '' ? null : numberOf(sampleText);
    const source = cell(row.cells, 'source');
    const problem: ThirdPartyProblem | null =
      year === null || !Number.isInteger(year) || year < 2000 || year > 2100
        ? 'year'
        : itemNo === null || !Number.isInteger(itemNo) || itemNo < 1 || itemNo > 999
          ? 'item'
          : value === null || value > 100
            ? 'value'
            : sample !== null && (!Number.isInteger(sample) || sample < 1)
              ? 'sample'
              : source === '' || source.length > 200
                ? 'source'
                : null;
    const key = problem ? '' : thirdPartyKey({ year: year!, itemNo: itemNo!, source });
    if (problem) sheet.problems.push({ sourceRow, problem });
    else if (seen.has(key)) sheet.problems.push({ sourceRow, problem: 'duplicate' });
    else {
      seen.add(key);
      sheet.rows.push({
        year: year!,
        itemNo: itemNo!,
        value: value!,
        sample,
        source,
        note: cell(row.cells, 'note').slice(0, 1000),
        sourceRow,
      });
    }
  });
  return sheet;
}
