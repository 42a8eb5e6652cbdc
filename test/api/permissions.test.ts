import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOperations } from '../../src/shared/audit/audit-actions';
import { permissions, roleMayCall, type OperationId } from '../../src/shared/permissions';
import { roles, type Role } from '../../src/shared/roles';
import { mustEnrolTotp } from '../../src/shared/powers';
import {
  createTestApp,
  createUser,
  enrolTotp,
  institutionWithSeedPlan,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
const clients = new Map<Role, SignedInClient>();
let operations: { method: string; path: string; operationId: OperationId }[] = [];
/** Department A's records carry this marker; the liaison of department B must never see it. */
const MARKER = `机密标记-${randomUUID().slice(0, 8)}`;
const MARKER_PHONE = '13900001111';
let liaisonOfB: SignedInClient;
/** Ids of department A's records, tried in every path parameter. */
let knownIds: {
  planId: string;
  departmentA: string;
  departmentB: string;
  measureId: string;
  evidenceId: string;
};

beforeAll(async () => {
  t = await createTestApp();
  const { organization, planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
  for (const role of roles) {
    const user = await createUser(
      t.db,
      organization.id,
      role,
      role === 'liaison' ? { departmentId: idOf('教务处') } : {},
    );
    const client = await signIn(t.app, user.username);
    // A security admin must enrol an authenticator before anything else (tested in separation-of-powers.test.ts).
    if (mustEnrolTotp({ role, totpEnabled: false })) await enrolTotp(client, t.clock);
    clients.set(role, client);
  }

  // Department A (教务处) writes a measure, its liaison's contacts and an evidence link, all marked.
  const liaisonA = clients.get('liaison')!;
  const base = `/api/v1/plans/${planId}/breakdowns/${idOf('教务处')}`;
  const view = (await liaisonA.get(base)).json() as {
    indicators: { children: { items: { id: string }[] }[] }[];
  };
  const itemId = view.indicators[0]!.children[0]!.items[0]!.id;
  const measure = await liaisonA.post(`${base}/measures`, {
    itemId,
    text: `${MARKER}：落实措施`,
    deadline: { kind: 'date', dueOn: '2024-07-15' },
  });
  expect(measure.statusCode).toBe(201);
  expect(
    (
      await liaisonA.request({
        method: 'PUT',
        url: `${base}/liaison`,
        payload: { name: MARKER, phone: MARKER_PHONE, email: 'marker-a@example.edu.cn' },
      })
    ).statusCode,
  ).toBe(200);
  const evidence = await liaisonA.post('/api/v1/evidence/links', {
    title: MARKER,
    url: 'https://example.edu.cn/a',
  });
  expect(evidence.statusCode).toBe(201);
  liaisonOfB = await liaisonOf('人事处');
  knownIds = {
    planId,
    departmentA: idOf('教务处'),
    departmentB: idOf('人事处'),
    measureId: measure.json().id,
    evidenceId: evidence.json().id,
  };
  const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  operations = Object.entries(
    document.paths as Record<string, Record<string, { operationId: OperationId }>>,
  ).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operationId: operation.operationId,
    })),
  );
});
afterAll(async () => t.close());

function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, randomUUID());
}

/** The path with department A's real ids: each parameter by its name, {id} tried as each kind of record. */
function withKnownIds(path: string): string[] {
  const named = path
    .replace(/\{departmentId\}/g, knownIds.departmentA)
    .replace(/\{planId\}/g, knownIds.planId)
    .replace(/\{measureId\}/g, knownIds.measureId);
  if (!named.includes('{id}')) return [named.replace(/\{[^}]+\}/g, knownIds.departmentA)];
  return [knownIds.planId, knownIds.departmentA, knownIds.measureId, knownIds.evidenceId].map(
    (id) => named.replace(/\{id\}/g, id).replace(/\{[^}]+\}/g, knownIds.departmentA),
  );
}

describe('the permission table', () => {
  it('describes exactly the operations the API serves', () => {
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      Object.keys(permissions).sort(),
    );
  });

  it('gives the outbound addresses (the group robots and allowed internal addresses) to the security admin alone', () => {
    // Issue 19 point 9: whoever points the robots somewhere decides where the server calls out to.
    expect(roles.filter((role) => roleMayCall(permissions['outbound.update'], role))).toEqual([
      'security_admin',
    ]);
    expect(roles.filter((role) => roleMayCall(permissions['outbound.settings'], role))).toEqual([
      'security_admin',
    ]);
    // The office keeps its other settings (robot fields there are refused: supervision-outbound.test.ts).
    expect(
      roles.filter((role) => roleMayCall(permissions['supervision.updateSettings'], role)),
    ).toEqual(['admin', 'coordinator']);
    expect(roles.filter((role) => roleMayCall(permissions['supervision.testSend'], role))).toEqual([
      'admin',
      'coordinator',
      'security_admin',
    ]);
  });

  it('is what every operation enforces, for the signed-out and for every role', async () => {
    const mismatches: string[] = [];
    for (const { method, path, operationId } of operations) {
      const access = permissions[operationId];
      const url = concrete(path);
      // These would end the sessions the other checks use; covered in auth.test.ts and auth-hardening.test.ts.
      if (operationId === 'auth.signOut' || operationId === 'auth.signOutEverywhere') continue;
      const anonymous = await t.app.inject({
        method: method as 'GET',
        url,
        payload: method === 'GET' ? undefined : {},
      });
      if (access !== 'public' && anonymous.statusCode !== 401)
        mismatches.push(`${operationId} signed out: ${anonymous.statusCode}`);
      if (access === 'public') continue;
      for (const role of roles) {
        const response = await clients
          .get(role)!
          .request({ method: method as 'GET', url, ...(method === 'GET' ? {} : { payload: {} }) });
        const refused =
          response.statusCode === 403 && response.json().error.code === 'auth.forbidden';
        const allowed = roleMayCall(access, role);
        if (allowed === refused || response.statusCode === 401 || response.statusCode >= 500) {
          mismatches.push(
            `${operationId} as ${role}: ${response.statusCode} ${response.body.slice(0, 120)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('shows a liaison nothing of another department, whatever operation they call with its ids', async () => {
    const leaks: string[] = [];
    let answered = 0;
    for (const { method, path, operationId } of operations) {
      if (operationId === 'auth.signOut' || operationId === 'auth.signOutEverywhere') continue;
      for (const url of withKnownIds(path)) {
        const response = await liaisonOfB.request({
          method: method as 'GET',
          url,
          ...(method === 'GET' ? {} : { payload: {} }),
        });
        if (response.statusCode === 401 || response.statusCode >= 500)
          leaks.push(`${operationId} ${url}: ${response.statusCode}`);
        if (response.statusCode >= 200 && response.statusCode < 300) answered++;
        const body = response.rawPayload.toString('utf8');
        if (
          body.includes(MARKER) ||
          body.includes(MARKER_PHONE) ||
          body.includes(knownIds.measureId)
        )
          leaks.push(`${operationId} ${url}: ${response.statusCode} shows department A's records`);
      }
    }
    expect(leaks).toEqual([]);
    // The liaison of B does see their own work: the check is not vacuous.
    expect(answered).toBeGreaterThan(10);
    const own = await liaisonOfB.get(
      `/api/v1/plans/${knownIds.planId}/breakdowns/${knownIds.departmentB}`,
    );
    expect(own.statusCode).toBe(200);
    // And the office sees A's marker where it is.
    expect(
      (
        await clients
          .get('coordinator')!
          .get(`/api/v1/plans/${knownIds.planId}/breakdowns/${knownIds.departmentA}`)
      ).body,
    ).toContain(MARKER);
  });

  it('audits every file it answers: each operation that sends an attachment is in the export list', async () => {
    const unlisted: string[] = [];
    for (const { method, path, operationId } of operations) {
      if (method !== 'GET') continue;
      for (const url of withKnownIds(path)) {
        for (const role of roles) {
          const response = await clients.get(role)!.get(url);
          const disposition = String(response.headers['content-disposition'] ?? '');
          if (
            response.statusCode === 200 &&
            disposition.startsWith('attachment') &&
            !exportOperations.includes(operationId)
          )
            unlisted.push(`${operationId} as ${role}`);
        }
      }
    }
    expect(unlisted).toEqual([]);
  });
});
