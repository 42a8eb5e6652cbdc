import { describe, expect, it } from 'vitest';
import {
  defaultRatingScale,
  ratingScaleProblem,
  scoreOf,
} from '../../src/shared/conclusion/rating-scale';
import { rollUpRatings, type RollupTree } from '../../src/shared/conclusion/rollup';

const tree: RollupTree[] = [
  {
    code: '一',
    title: '党的领导',
    children: [
      { code: '1', title: '强化组织领导', items: [{ id: 'i1' }, { id: 'i2' }, { id: 'i3' }] },
      { code: '2', title: '健全工作机制', items: [{ id: 'i4' }] },
    ],
  },
  {
    code: '二',
    title: '思想政治',
    children: [{ code: '3', title: '理论武装', items: [{ id: 'i5' }, { id: 'i6' }] }],
  },
];

describe('the rating scale', () => {
  it('defaults to 达标 / 基本达标 / 未达标 scored 100 / 60 / 0', () => {
    expect(defaultRatingScale.map((level) => [level.label, level.score])).toEqual([
      ['达标', 100],
      ['基本达标', 60],
      ['未达标', 0],
    ]);
    expect(scoreOf(defaultRatingScale, '基本达标')).toBe(60);
    expect(scoreOf(defaultRatingScale, '优秀')).toBeUndefined();
  });

  it('refuses a scale of one level or with a label twice', () => {
    expect(ratingScaleProblem([{ label: '达标', score: 100 }])).toBe('too_few');
    expect(
      ratingScaleProblem([
        { label: '达标', score: 100 },
        { label: '达标', score: 0 },
      ]),
    ).toBe('duplicate_label');
    expect(ratingScaleProblem(defaultRatingScale)).toBeNull();
  });
});

describe('roll-ups by indicator', () => {
  it('gives each level-2 and level-1 indicator its mean score, distribution and unrated count', () => {
    const ratings = new Map([
      ['i1', '达标'],
      ['i2', '基本达标'],
      ['i4', '未达标'],
      ['i5', '达标'],
      ['i6', '达标'],
    ]);
    const { level1, level2 } = rollUpRatings(tree, ratings, defaultRatingScale);
    expect(
      level2.map((row) => [
        row.code,
        row.parentCode,
        row.items,
        row.rated,
        row.unrated,
        row.meanScore,
      ]),
    ).toEqual([
      ['1', '一', 3, 2, 1, 80],
      ['2', '一', 1, 1, 0, 0],
      ['3', '二', 2, 2, 0, 100],
    ]);
    expect(level1[0]).toMatchObject({
      code: '一',
      parentCode: null,
      items: 4,
      rated: 3,
      unrated: 1,
      meanScore: 53.3,
    });
    expect(level1[0]!.distribution).toEqual([
      { label: '达标', count: 1 },
      { label: '基本达标', count: 1 },
      { label: '未达标', count: 1 },
    ]);
    expect(level1[1]!.distribution).toEqual([
      { label: '达标', count: 2 },
      { label: '基本达标', count: 0 },
      { label: '未达标', count: 0 },
    ]);
  });

  it('has no mean where nothing is rated, and counts a label off the scale as not rated', () => {
    const { level1, level2 } = rollUpRatings(tree, new Map([['i5', '优秀']]), defaultRatingScale);
    expect(level1.map((row) => row.meanScore)).toEqual([null, null]);
    expect(level2[2]).toMatchObject({ rated: 0, unrated: 2 });
  });

  it('follows a custom scale in its own order', () => {
    const scale = [
      { label: '优秀', score: 95 },
      { label: '合格', score: 75 },
    ];
    const { level1 } = rollUpRatings(
      tree,
      new Map([
        ['i1', '优秀'],
        ['i2', '合格'],
      ]),
      scale,
    );
    expect(level1[0]).toMatchObject({
      meanScore: 85,
      distribution: [
        { label: '优秀', count: 1 },
        { label: '合格', count: 1 },
      ],
    });
  });
});
