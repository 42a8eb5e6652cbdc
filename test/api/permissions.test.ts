import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions, roleMayCall, type OperationId } from '../../src/shared/permissions';
import { roles, type Role } from '../../src/shared/roles';
import { createInstitution, createTestApp, createUser, signIn, type SignedInClient, type TestApp } from '../support/test-app';

let t: TestApp;
const clients = new Map<Role, SignedInClient>();
let operations: { method: string; path: string; operationId: OperationId }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const { organization, departments } = await createInstitution(t.db, [{ name: '教务处' }]);
  for (const role of roles) {
    const user = await createUser(t.db, organization.id, role, role === 'liaison' ? { departmentId: departments['教务处']!.id } : {});
    clients.set(role, await signIn(t.app, user.username));
  }
  const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  operations = Object.entries(document.paths as Record<string, Record<string, { operationId: OperationId }>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operationId: operation.operationId })),
  );
});
afterAll(async () => t.close());

function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, randomUUID());
}

describe('the permission table', () => {
  it('describes exactly the operations the API serves', () => {
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(Object.keys(permissions).sort());
  });

  it('is what every operation enforces, for the signed-out and for every role', async () => {
    const mismatches: string[] = [];
    for (const { method, path, operationId } of operations) {
      const access = permissions[operationId];
      const url = concrete(path);
      // These would end the sessions the other checks use; covered in auth.test.ts and auth-hardening.test.ts.
      if (operationId === 'auth.signOut' || operationId === 'auth.signOutEverywhere') continue;
      const anonymous = await t.app.inject({ method: method as 'GET', url, payload: method === 'GET' ? undefined : {} });
      if (access !== 'public' && anonymous.statusCode !== 401) mismatches.push(`${operationId} signed out: ${anonymous.statusCode}`);
      if (access === 'public') continue;
      for (const role of roles) {
        const response = await clients.get(role)!.request({ method: method as 'GET', url, ...(method === 'GET' ? {} : { payload: {} }) });
        const refused = response.statusCode === 403 && response.json().error.code === 'auth.forbidden';
        const allowed = roleMayCall(access, role);
        if (allowed === refused || response.statusCode === 401 || response.statusCode >= 500) {
          mismatches.push(`${operationId} as ${role}: ${response.statusCode} ${response.body.slice(0, 120)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
