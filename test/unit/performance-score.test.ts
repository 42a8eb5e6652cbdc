import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { writePerformanceSheetXlsx } from '../../src/server/io/performance-sheet-writer';
import {
  defaultPerformanceWeights,
  describePerformanceFormula,
  performanceScore,
  type PerformanceComponents,
} from '../../src/shared/report/performance-score';

/**
 * The sheet's formula evaluated as a spreadsheet would: N(text) is 0, ISNUMBER is 1 or 0, ROUND
 * to one decimal. Only the functions the sheet uses.
 */
function evaluate(formula: string, row: ExcelJS.Row): number {
  const value = (column: string) => row.getCell(column.charCodeAt(0) - 64).value;
  const expression = formula
    .replace(/N\(([A-Z])\d+\)/g, (_, column: string) => {
      const cell = value(column);
      return String(typeof cell === 'number' ? cell : 0);
    })
    .replace(/ISNUMBER\(([A-Z])\d+\)/g, (_, column: string) =>
      typeof value(column) === 'number' ? '1' : '0',
    )
    .replace(/^ROUND\((.*),1\)$/, '$1');
  if (!/^[\d.+*/()]+$/.test(expression)) throw new Error(`cannot evaluate ${expression}`);
  return Math.round(Number(new Function(`return ${expression}`)()) * 10) / 10;
}

const cases: { name: string; components: PerformanceComponents; score: number }[] = [
  {
    name: 'every line applies',
    components: { completion: 80, onTime: 90, selfAssessment: 85, rectification: 50 },
    score: 0.4 * 80 + 0.3 * 90 + 0.2 * 85 + 0.1 * 50,
  },
  {
    name: 'nothing to verify: 整改 is 不适用 and its weight is shared out',
    components: { completion: 80, onTime: 90, selfAssessment: 85, rectification: 'not_applicable' },
    score: Math.round(((0.4 * 80 + 0.3 * 90 + 0.2 * 85) / 0.9) * 10) / 10,
  },
  {
    name: 'self-assessment not moderated yet and nothing to verify: both left out',
    components: {
      completion: 50,
      onTime: 40,
      selfAssessment: 'not_applicable',
      rectification: 'not_applicable',
    },
    score: Math.round(((0.4 * 50 + 0.3 * 40) / 0.7) * 10) / 10,
  },
  {
    name: 'no submission at all scores 0, not 10 for findings it does not have',
    components: {
      completion: null,
      onTime: null,
      selfAssessment: null,
      rectification: 'not_applicable',
    },
    score: 0,
  },
  {
    name: 'no self-assessment submitted counts 0 with its weight',
    components: { completion: 100, onTime: 100, selfAssessment: null, rectification: 100 },
    score: 80,
  },
];

describe('the performance score sheet', () => {
  it.each(cases)('$name: the rule and the sheet formula agree', async ({ components, score }) => {
    expect(performanceScore(components)).toBe(score);
    const bytes = await writePerformanceSheetXlsx({
      locale: 'zh-CN',
      title: '2024年度绩效考核得分表',
      formula: describePerformanceFormula(),
      weights: defaultPerformanceWeights,
      rows: [{ department: '工会', ...components, score: performanceScore(components) }],
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const row = workbook.worksheets[0]!.getRow(4);
    const cell = row.getCell(6).value as { formula: string; result: number };
    expect(evaluate(cell.formula, row)).toBe(score);
    // ExcelJS leaves out a cached result of 0; the spreadsheet computes it on opening.
    expect(cell.result ?? 0).toBe(score);
    for (const [column, key] of [
      [2, 'completion'],
      [3, 'onTime'],
      [4, 'selfAssessment'],
      [5, 'rectification'],
    ] as const)
      expect(row.getCell(column).value).toBe(
        components[key] === 'not_applicable' ? '不适用' : (components[key] ?? 0),
      );
  });

  it('writes its rule on the sheet', () => {
    expect(describePerformanceFormula()).toContain('不适用');
    expect(describePerformanceFormula()).toContain('审核认定');
    expect(describePerformanceFormula()).toContain('按 0 计');
  });
});
