import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputProblems } from '../../src/server/http/input-guard';
import { listDepartments } from '../../src/server/modules/departments/department.repository';
import { type Access, permissions } from '../../src/shared/permissions';
import type { Role } from '../../src/shared/roles';
import {
  createTestApp,
  createUser,
  enrolTotp,
  institutionWithSeedPlan,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/**
 * Issue 19 point 17: no 500 for bad input. From the OpenAPI document, every operation gets a
 * valid-looking request built from its schemas, then each of its fields in turn replaced by a
 * value no field may carry (a NUL byte, 2026-02-31, an integer beyond the columns' range); no
 * answer may be a 5xx, and the refusals name the field.
 */
interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  default?: unknown;
}
interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

const firstOf = (schema: JsonSchema): JsonSchema => {
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return choices.find((choice) => choice.type !== 'null') ?? choices[0]!;
  if (schema.allOf) return Object.assign({}, ...schema.allOf);
  return schema;
};

/** Values that match the patterns the contracts use (a date, a TOTP code, a phone, a period). */
const PATTERN_SAMPLES: [string, string][] = [
  ['(0[1-9]|1[0-2]|Q[1-4]', '2025-05'],
  ['\\d{4}-\\d{2}-\\d{2}', '2025-05-01'],
  ['\\d{6}', '123456'],
  ['0-9+', '13812345678'],
];

function sample(input: JsonSchema): unknown {
  const schema = firstOf(input);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, sample(inner)]),
      );
    case 'array':
      return schema.items
        ? Array.from({ length: schema.minItems ?? 1 }, () => sample(schema.items!))
        : [];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1, (schema.exclusiveMinimum ?? 0) + 1);
    case 'boolean':
      return false;
    case 'string':
      switch (schema.format) {
        case 'uuid':
          return randomUUID();
        case 'date':
          return '2025-05-01';
        case 'date-time':
          return '2025-05-01T02:00:00Z';
        case 'email':
          return 'someone@example.edu.cn';
        case 'uri':
          return 'https://example.edu.cn/';
      }
      if (schema.pattern) {
        const known = PATTERN_SAMPLES.find(([pattern]) => schema.pattern!.includes(pattern));
        if (known) return known[1];
      }
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    default:
      return 'x';
  }
}

/** Every leaf of a sample, with the schema that made it: where a bad value can go. */
function leaves(input: JsonSchema, path: string[] = []): { path: string[]; schema: JsonSchema }[] {
  const schema = firstOf(input);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object')
    return Object.entries(schema.properties ?? {}).flatMap(([key, inner]) =>
      leaves(inner, [...path, key]),
    );
  if (type === 'array' && schema.items) return leaves(schema.items, [...path, '0']);
  return [{ path, schema: { ...schema, type } }];
}

function badValuesFor(schema: JsonSchema): unknown[] {
  if (schema.type === 'integer' || schema.type === 'number') return [2 ** 40, -(2 ** 40), 1e300];
  if (schema.type === 'string') return ['a\u0000b', '2026-02-31', '2026-02-31T10:00:00Z'];
  return ['a\u0000b', 2 ** 40];
}

function setAt(target: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: Record<string, unknown> = Array.isArray(target)
    ? ([...target] as unknown as Record<string, unknown>)
    : { ...(target as Record<string, unknown>) };
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), value);
  return copy;
}

let t: TestApp;
const clients = new Map<Role, SignedInClient>();
/** Path parameters that name real records, so that requests reach the services. */
const known: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  const { organization, planId, coordinator } = await institutionWithSeedPlan(t);
  const [department] = await listDepartments(t.db, organization.id);
  const departmentId = department!.id;
  known.planId = planId;
  known.departmentId = departmentId;
  known.organizationId = organization.id;
  clients.set('coordinator', coordinator);
  for (const role of ['admin', 'leader', 'reviewer', 'auditor'] as const)
    clients.set(
      role,
      await signIn(t.app, (await createUser(t.db, organization.id, role)).username),
    );
  clients.set(
    'liaison',
    await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'liaison', { departmentId })).username,
    ),
  );
  const security = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'security_admin')).username,
  );
  await enrolTotp(security, t.clock);
  clients.set('security_admin', security);
}, 120_000);
afterAll(async () => t?.close());

function callerFor(access: Access): SignedInClient | null {
  if (access === 'public' || access === 'signed-in') return clients.get('admin')!;
  for (const role of access) if (clients.has(role)) return clients.get(role)!;
  return null;
}

describe('no 500 for bad input', () => {
  it('the input guard names the field of a NUL byte, an impossible date and an out-of-range integer', () => {
    expect(
      inputProblems({ a: 'x\u0000', b: ['2026-02-31'], c: { d: 2 ** 40 }, e: '2024-02-29' }, [
        'body',
      ]),
    ).toEqual([
      { path: 'body.a', message: 'must not contain NUL characters' },
      { path: 'body.b.0', message: 'is not a calendar date' },
      { path: 'body.c.d', message: 'must be between -2147483647 and 2147483647' },
    ]);
    expect(inputProblems('2026-02-31 is a date in a sentence')).toEqual([]);
  });

  it('sends a NUL byte, 2026-02-31 and integers beyond range to every field of every operation of the OpenAPI document, and never gets a 5xx', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const failures: string[] = [];
    let sent = 0;
    let operations = 0;
    for (const [route, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const operationId = operation.operationId as keyof typeof permissions | undefined;
        if (!operationId || !(operationId in permissions)) continue;
        // Signing out or everywhere would end the caller's session for the operations after it.
        if (['auth.signOut', 'auth.signOutEverywhere'].includes(operationId)) continue;
        const caller = callerFor(permissions[operationId]);
        if (!caller) continue;
        operations += 1;
        const parameters = operation.parameters ?? [];
        const pathParameters = Object.fromEntries(
          parameters
            .filter((p) => p.in === 'path')
            .map((p) => [p.name, known[p.name] ?? sample(p.schema)]),
        );
        const query = Object.fromEntries(
          parameters.filter((p) => p.in === 'query').map((p) => [p.name, sample(p.schema)]),
        );
        const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
        const body = bodySchema ? sample(bodySchema) : undefined;

        const send = async (
          where: string,
          values: { path: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
        ) => {
          const url =
            route.replace(/\{(\w+)\}/g, (_whole, name: string) =>
              encodeURIComponent(String(values.path[name])),
            ) +
            (Object.keys(values.query).length > 0
              ? `?${new URLSearchParams(
                  Object.entries(values.query).map(([k, v]) => [k, String(v)]),
                ).toString()}`
              : '');
          const response = await caller.request({
            method: method.toUpperCase() as 'GET',
            url,
            ...(values.body === undefined ? {} : { payload: values.body as object }),
          });
          sent += 1;
          if (response.statusCode >= 500)
            failures.push(
              `${operationId} ${where}: ${response.statusCode} ${response.body.slice(0, 200)}`,
            );
          return response;
        };

        for (const parameter of parameters) {
          const target =
            parameter.in === 'path' ? 'path' : parameter.in === 'query' ? 'query' : null;
          if (!target) continue;
          for (const bad of badValuesFor(firstOf(parameter.schema))) {
            await send(`${parameter.in}.${parameter.name}=${JSON.stringify(bad)}`, {
              path:
                target === 'path' ? { ...pathParameters, [parameter.name]: bad } : pathParameters,
              query: target === 'query' ? { ...query, [parameter.name]: bad } : query,
              body,
            });
          }
        }
        if (bodySchema) {
          // Whether the request as built is valid: only then must a refusal name the bad field.
          const base = await send('as built', { path: pathParameters, query, body });
          const baseValid = base.json()?.error?.code !== 'request.invalid';
          for (const leaf of leaves(bodySchema)) {
            for (const bad of badValuesFor(leaf.schema)) {
              const response = await send(`body.${leaf.path.join('.')}=${JSON.stringify(bad)}`, {
                path: pathParameters,
                query,
                body: setAt(body, leaf.path, bad),
              });
              // A refusal of the bad value itself names the field.
              if (
                baseValid &&
                response.statusCode === 400 &&
                typeof bad === 'string' &&
                bad.includes('\u0000') &&
                !response.body.includes(`"body.${leaf.path.join('.')}"`)
              )
                failures.push(
                  `${operationId}: the NUL in body.${leaf.path.join('.')} is not named: ${response.body.slice(0, 200)}`,
                );
            }
          }
        }
      }
    }
    expect(operations).toBeGreaterThan(50);
    expect(sent).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  }, 300_000);
});
