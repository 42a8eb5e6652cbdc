import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findingsApi } from '../../src/shared/api/findings';
import { ledgerApi } from '../../src/shared/api/ledger';
import { defineOperation, isSchemaResponse, pathOf } from '../../src/shared/api/operation';
import { apis, operations } from '../../src/shared/api/operations';
import { permissions } from '../../src/shared/permissions';

describe('the operation definitions', () => {
  const all = Object.values(operations);

  it('name each operation once, and the permission table is theirs', () => {
    const count = Object.values(apis).reduce((sum, api) => sum + Object.keys(api).length, 0);
    expect(all).toHaveLength(count);
    expect(Object.keys(permissions).sort()).toEqual(all.map((operation) => operation.id).sort());
    for (const operation of all) expect(permissions[operation.id]).toBe(operation.access);
  });

  it('name in their params schema exactly the parameters of their path', () => {
    const mismatches: string[] = [];
    for (const operation of all) {
      const inPath = [...operation.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]).sort();
      const inSchema =
        'params' in operation && operation.params instanceof z.ZodObject
          ? Object.keys(operation.params.shape).sort()
          : [];
      if (JSON.stringify(inPath) !== JSON.stringify(inSchema))
        mismatches.push(`${operation.id}: ${inPath} / ${inSchema}`);
      if (!operation.path.startsWith('/api/v1/'))
        mismatches.push(`${operation.id}: ${operation.path}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('answer JSON by a schema, or a file, or a redirect; only GETs answer files', () => {
    for (const operation of all)
      if (!isSchemaResponse(operation.response)) expect(operation.method).toBe('GET');
  });
});

describe('the address of an operation', () => {
  const planId = '6f1c2b8e-0d7a-4c1e-9a55-3b2f0e6d9c11';

  it('fills the path parameters in, encoded', () => {
    expect(pathOf(findingsApi.get, { params: { id: planId, findingId: 'a/b c' } })).toBe(
      `/api/v1/plans/${planId}/findings/a%2Fb%20c`,
    );
  });

  it('appends the query, leaving out what is undefined and repeating lists', () => {
    const search = defineOperation({
      id: 'x.search',
      method: 'GET',
      path: '/api/v1/x',
      query: z.object({ q: z.string().optional(), ids: z.array(z.string()).optional() }),
      response: z.null(),
      access: 'public',
    });
    expect(pathOf(search, { query: { q: '教务处 (一)', ids: ['1', '2'] } })).toBe(
      '/api/v1/x?q=%E6%95%99%E5%8A%A1%E5%A4%84+%28%E4%B8%80%29&ids=1&ids=2',
    );
    expect(pathOf(search, { query: { q: undefined } })).toBe('/api/v1/x');
    expect(pathOf(ledgerApi.export, { params: { id: planId }, query: {} })).toBe(
      `/api/v1/plans/${planId}/ledger/export`,
    );
  });

  it('refuses a missing path parameter rather than call a wrong address', () => {
    expect(() => pathOf(findingsApi.get, { params: { id: planId } })).toThrow(/findingId/);
  });
});
