import { describe, expect, it } from 'vitest';
import { readThirdPartySheet } from '../../src/shared/satisfaction/result-sheet';

const rows = (...cells: string[][]) =>
  cells.map((row, index) => ({ cells: row, sourceRow: index + 1 }));

describe('third-party result sheet', () => {
  it('reads the header by synonyms and every row, reporting bad rows by their number', () => {
    const sheet = readThirdPartySheet(
      rows(
        ['2024年第三方测评结果'],
        ['年度', '对应指标', '满意度（%）', '有效样本', '测评机构', '备注'],
        ['2024', '第27项', '92.5%', '1200人', '麦可思', ''],
        ['2024年', '28', '８８．０', '', '学校评估中心', '抽样'],
        ['', '', '', '', '', ''],
        ['2024', '28', '120', '10', '麦可思', ''],
        ['24', '28', '80', '10', '麦可思', ''],
        ['2024', '28', '80', '0', '麦可思', ''],
        ['2024', '28', '80', '10', '', ''],
      ),
    )!;
    expect(sheet.rows).toEqual([
      {
        year: 2024,
        itemNo: 27,
        value: 92.5,
        sample: 1200,
        source: '麦可思',
        note: '',
        sourceRow: 3,
      },
      {
        year: 2024,
        itemNo: 28,
        value: 88,
        sample: null,
        source: '学校评估中心',
        note: '抽样',
        sourceRow: 4,
      },
    ]);
    expect(sheet.problems).toEqual([
      { sourceRow: 6, problem: 'value' },
      { sourceRow: 7, problem: 'year' },
      { sourceRow: 8, problem: 'sample' },
      { sourceRow: 9, problem: 'source' },
    ]);
  });

  it('finds no header without the year, the item, the value and the source', () => {
    expect(readThirdPartySheet(rows(['年度', '满意度'], ['2024', '90']))).toBeNull();
  });
});
