import { describe, expect, it } from 'vitest';
import type { DocumentBlocks } from '../../src/shared/plan-import/document-blocks';
import { chineseNumeral, planIndicatorTree } from '../../src/shared/plan-import/indicator-tree';
import { parsePlanDocument } from '../../src/shared/plan-import/parse-plan';

function plan(header: string[], ...rows: string[][]) {
  const document: DocumentBlocks = {
    format: 'xlsx',
    blocks: [
      {
        kind: 'table',
        rows: [header, ...rows].map((cells, index) => ({ cells, sourceRow: index + 1 })),
      },
    ],
  };
  return parsePlanDocument(document).items;
}

describe('the indicator tree a plan of any depth is held as', () => {
  it('writes positions as 一, 十二, 二十, 三十五', () => {
    expect([1, 9, 10, 12, 20, 35, 99].map(chineseNumeral)).toEqual([
      '一',
      '九',
      '十',
      '十二',
      '二十',
      '三十五',
      '九十九',
    ]);
  });

  // Each node also carries its path of levels (see test/api/plan-depths.test.ts); these cases check the codes and titles.
  it('a flat list: one untitled level-1 and level-2, codes left empty', () => {
    const tree = planIndicatorTree(
      plan(['序号', '重点任务', '牵头单位'], ['1', '甲', '人事处'], ['2', '乙', '教务处']),
    );
    expect(tree.level1).toMatchObject([
      { code: '', title: '', children: [{ code: '', title: '' }] },
    ]);
    expect(tree.placeOf).toEqual([
      { level1: 0, level2: 0 },
      { level1: 0, level2: 0 },
    ]);
  });

  it('levels without numbering get their positions as codes, written ones are kept', () => {
    const tree = planIndicatorTree(
      plan(
        ['一级指标', '二级指标', '具体任务', '责任单位'],
        ['党的领导', '组织领导', '甲', '人事处'],
        ['', '院系责任', '乙', '人事处'],
        ['三、队伍建设', '（二）引育', '丙', '人事处'],
        ['队伍发展', '（二）引育', '丁', '人事处'],
      ),
    );
    expect(tree.level1).toMatchObject([
      {
        code: '一',
        title: '党的领导',
        children: [
          { code: '1', title: '组织领导' },
          { code: '2', title: '院系责任' },
        ],
      },
      { code: '三', title: '队伍建设', children: [{ code: '二', title: '引育' }] },
      // its position (三) is written by the one before: told apart
      { code: '三-3', title: '队伍发展', children: [{ code: '二', title: '引育' }] },
    ]);
  });

  it('a four-level plan keeps its lower levels in the second, titles and numbers joined', () => {
    const tree = planIndicatorTree(
      plan(
        ['一级指标', '二级指标', '三级指标', '四级指标', '具体任务', '责任单位'],
        ['一、甲', '（一）乙', '1.丙', '（1）丁', '第一项', '人事处'],
        ['', '', '', '（2）戊', '第二项', '人事处'],
      ),
    );
    expect(tree.level1[0]!.children).toMatchObject([
      { code: '一.1.1', title: '乙 / 丙 / 丁' },
      { code: '一.1.2', title: '乙 / 丙 / 戊' },
    ]);
  });
});
