import { describe, expect, it } from 'vitest';
import { groupBy } from '../../src/shared/collections';

describe('groupBy', () => {
  it('groups values by key, keeping their order within a group and the keys in first-seen order', () => {
    const grouped = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (value) => value[0]);
    expect([...grouped]).toEqual([
      ['b', ['b1', 'b2']],
      ['a', ['a1', 'a2']],
      ['c', ['c1']],
    ]);
    expect(groupBy([], () => 1).size).toBe(0);
  });
});
