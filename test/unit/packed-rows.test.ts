import { describe, expect, it } from 'vitest';
import { packRows, unpackRows } from '../../src/server/io/packed-rows';

describe('rows packed to cross to a writer thread', () => {
  it('come back as the same rows, each distinct value kept once, numbers as numbers', async () => {
    const source = Array.from({ length: 1203 }, (_, index) => ({
      department: index % 2 ? '工会' : '马克思主义学院',
      itemNo: (index % 60) + 1,
      text: index % 3 ? '' : `第${index}条进展`,
    }));
    const packed = await packRows(source, ['department', 'itemNo', 'text'], (row) => row, 100);
    expect(unpackRows(packed)).toEqual(source);
    // 2 departments, 60 item numbers, '' and 401 texts
    expect(packed.values).toHaveLength(2 + 60 + 1 + 401);
    expect(packed.cells).toHaveLength(1203 * 3);
    expect(packed.values).toContain(7);
    expect(packed.values).not.toContain('7');
    expect(structuredClone(packed)).toEqual(packed);
  });

  it('lets the event loop turn between slices while the rows are made', async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const source = Array.from({ length: 2000 }, (_, index) => index);
    await packRows(source, ['n'], (n) => ({ n }), 100);
    expect(turned).toBe(true);
    // a table within one slice is made at once
    turned = false;
    setImmediate(() => {
      turned = true;
    });
    expect(unpackRows(await packRows([1, 2], ['n'], (n: number) => ({ n })))).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
    expect(turned).toBe(false);
  });
});
