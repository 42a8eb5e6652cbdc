import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  markSharedView,
  sharedViewSerializerCompiler,
} from '../../src/server/http/shared-view-serializer';

const schema = z.object({ cells: z.array(z.tuple([z.number(), z.number()])) });
const compile = () => sharedViewSerializerCompiler({ schema, method: 'GET', url: '/view' });

describe('the shared view serializer', () => {
  it('checks and encodes a shared view once per route, and any other reply every time', () => {
    const serialize = compile();
    const shared = markSharedView({ cells: [[1, 2]] as [number, number][] });
    expect(serialize(shared)).toBe('{"cells":[[1,2]]}');
    // Changed against the rule: the JSON kept is the proof that it was not encoded again.
    shared.cells.push([3, 4]);
    expect(serialize(shared)).toBe('{"cells":[[1,2]]}');
    // Another route encodes it on its own.
    expect(compile()(shared)).toBe('{"cells":[[1,2],[3,4]]}');

    const fresh = { cells: [[5, 6]] as [number, number][] };
    expect(serialize(fresh)).toBe('{"cells":[[5,6]]}');
    fresh.cells.push([7, 8]);
    expect(serialize(fresh)).toBe('{"cells":[[5,6],[7,8]]}');
  });

  it('refuses a shared view that breaks its schema, as zod does for any reply', () => {
    const serialize = compile();
    expect(() => serialize(markSharedView({ cells: [['a', 2]] }))).toThrow();
  });
});
