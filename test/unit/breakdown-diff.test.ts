import { describe, expect, it } from 'vitest';
import { diffMeasures, type DiffMeasure } from '../../src/shared/breakdown-diff';

const measure = (
  id: string,
  itemId: string,
  text: string,
  dueOn = '2024-06-30',
  kind: DiffMeasure['deadline']['kind'] = 'date',
): DiffMeasure => ({ id, itemId, text, deadline: { kind, dueOn } });

describe('diffMeasures: what a resubmission changed', () => {
  it('finds added, removed, reworded and re-dated measures per item, and counts the unchanged', () => {
    const before = [
      measure('a', 'item-8', '写入工会年度计划'),
      measure('b', 'item-8', '每学期开展一次调研', '2024-06-30', 'semester'),
      measure('c', 'item-39', '建立民生项目清单'),
      measure('d', 'item-39', '年底验收'),
    ];
    const after = [
      measure('a', 'item-8', '写入工会年度计划'),
      measure('b', 'item-8', '每学期开展一次调研', '2024-09-30', 'semester'),
      measure('c', 'item-39', '建立民生项目年度清单并公示'),
      measure('e', 'item-39', '每季度通报进展', '2024-07-05', 'monthly'),
    ];
    const diff = diffMeasures(before, after);
    expect(diff.get('item-8')).toEqual({
      unchanged: 1,
      changes: [
        {
          kind: 'changed',
          text: '每学期开展一次调研',
          deadline: '每学期（自2024年9月30日起）',
          before: { text: '每学期开展一次调研', deadline: '每学期（自2024年6月30日起）' },
        },
      ],
    });
    expect(diff.get('item-39')).toEqual({
      unchanged: 0,
      changes: [
        {
          kind: 'changed',
          text: '建立民生项目年度清单并公示',
          deadline: '2024年6月30日',
          before: { text: '建立民生项目清单', deadline: '2024年6月30日' },
        },
        { kind: 'added', text: '每季度通报进展', deadline: '每月（自2024年7月5日起）' },
        { kind: 'removed', text: '年底验收', deadline: '2024年6月30日' },
      ],
    });
  });

  it('reports nothing for an unchanged breakdown, and a measure moved to another item as removed there and added here', () => {
    const same = [measure('a', 'item-1', 'x'), measure('b', 'item-2', 'y')];
    const unchanged = diffMeasures(same, same);
    expect([...unchanged.values()].every((entry) => entry.changes.length === 0)).toBe(true);
    const moved = diffMeasures([measure('a', 'item-1', 'x')], [measure('a', 'item-2', 'x')]);
    expect(moved.get('item-1')!.changes.map((change) => change.kind)).toEqual(['removed']);
    expect(moved.get('item-2')!.changes.map((change) => change.kind)).toEqual(['added']);
  });

  it('treats the first submission (nothing before) as every measure added', () => {
    const diff = diffMeasures([], [measure('a', 'item-1', 'x')]);
    expect(diff.get('item-1')).toEqual({
      unchanged: 0,
      changes: [{ kind: 'added', text: 'x', deadline: '2024年6月30日' }],
    });
  });
});
