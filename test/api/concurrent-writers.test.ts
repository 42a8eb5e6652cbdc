import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView, MeasureView } from '../../src/shared/api/breakdowns';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { summaries } from '../../src/server/modules/conclusion/conclusion.table';
import {
  createInstitution,
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/**
 * Nothing lost (issue 5, point 6): twenty people saving the same record at the same moment.
 * The requests go over real HTTP to the listening app, all at once, so their transactions
 * really overlap in PostgreSQL.
 */
const WRITERS = 20;

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await createTestApp();
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t.close());

interface Answer {
  status: number;
  body: any;
}

async function send(
  client: SignedInClient,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      cookie: client.cookie,
      'x-csrf-token': client.csrfToken,
      'accept-language': 'zh-CN',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Text and version of a row as the database holds it now. */
function storedRow(table: string, textColumn: string, id: string) {
  return async () => {
    const { rows } = await t.database.pool.query(
      `select ${textColumn} as text, version from ${table} where id = $1`,
      [id],
    );
    return { text: rows[0].text as string, version: rows[0].version as number };
  };
}

async function auditCount(action: string, entityId: string): Promise<number> {
  return (
    await t.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId)))
  ).length;
}

/** A kind of record people edit concurrently, seen through its API. */
interface Record {
  /** Writes `text` at `version`. */
  write(version: number, text: string): Promise<Answer>;
  /** Text and version of a successful answer or of a 409's current record. */
  read(answerBody: any): { text: string; version: number };
  /** What the database holds now. */
  stored(): Promise<{ text: string; version: number }>;
  conflictCode: string;
  auditAction: string;
  entityId: string;
}

/** 20 saves of the same version at once: one wins, 19 are refused with the winner's record. */
async function sameVersionRace(record: Record) {
  const start = await record.stored();
  const auditBefore = await auditCount(record.auditAction, record.entityId);
  const texts = Array.from({ length: WRITERS }, (_, index) => `第${index + 1}位同时保存的内容`);
  const answers = await Promise.all(texts.map((text) => record.write(start.version, text)));

  const won = answers.filter((answer) => answer.status === 200);
  const refused = answers.filter((answer) => answer.status === 409);
  expect(won).toHaveLength(1);
  expect(refused).toHaveLength(WRITERS - 1);
  const winner = record.read(won[0]!.body);
  expect(texts).toContain(winner.text);
  expect(winner.version).toBe(start.version + 1);
  for (const answer of refused) {
    expect(answer.body.error.code).toBe(record.conflictCode);
    expect(answer.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    // The current record, as the winner left it: the loser sees what to merge with.
    expect(record.read(answer.body.error.current)).toEqual(winner);
  }
  expect(await record.stored()).toEqual(winner);
  expect(await auditCount(record.auditAction, record.entityId)).toBe(auditBefore + 1);
}

/** 20 writers each adding a line by read-modify-write, retrying on 409 from the current record: every line arrives. */
async function readModifyWrite(record: Record) {
  const start = await record.stored();
  const auditBefore = await auditCount(record.auditAction, record.entityId);
  const lines = Array.from(
    { length: WRITERS },
    (_, index) => `writer-${String(index + 1).padStart(2, '0')} 补充一行`,
  );
  const attempts = await Promise.all(
    lines.map(async (line) => {
      let seen = start;
      for (let attempt = 1; attempt <= WRITERS + 1; attempt += 1) {
        const answer = await record.write(seen.version, `${seen.text}\n${line}`);
        if (answer.status === 200) return attempt;
        expect(answer.status).toBe(409);
        expect(answer.body.error.code).toBe(record.conflictCode);
        seen = record.read(answer.body.error.current);
      }
      throw new Error(`${line} never got through`);
    }),
  );

  const final = await record.stored();
  expect(final.version).toBe(start.version + WRITERS);
  const finalLines = final.text.split('\n');
  for (const line of lines)
    expect(finalLines.filter((candidate) => candidate === line)).toHaveLength(1);
  expect(finalLines).toHaveLength(start.text.split('\n').length + WRITERS);
  expect(await auditCount(record.auditAction, record.entityId)).toBe(auditBefore + WRITERS);
  // Someone had to retry: the writers really did overlap.
  expect(Math.max(...attempts)).toBeGreaterThan(1);
}

const plan = () => institutionWithSeedPlan(t);

describe('twenty concurrent writers lose no update', () => {
  it('on a measure (落实措施)', async () => {
    const { planId, idOf, liaisonOf } = await plan();
    const union = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const view: BreakdownView = (await send(union, 'GET', base)).body;
    const item = view.indicators[0]!.children[0]!.items[0]!;
    const created = await send(union, 'POST', `${base}/measures`, {
      itemId: item.id,
      text: '初稿',
      deadline: { kind: 'date', dueOn: '2024-06-30' },
    });
    expect(created.status).toBe(201);
    const measureId: string = created.body.id;
    const record: Record = {
      write: (version, text) =>
        send(union, 'PATCH', `${base}/measures/${measureId}`, { version, text }),
      read: (body: MeasureView) => ({ text: body.text, version: body.version }),
      stored: storedRow('measures', 'text', measureId),
      conflictCode: 'measure.version_conflict',
      auditAction: 'measure.update',
      entityId: measureId,
    };
    await sameVersionRace(record);
    await readModifyWrite(record);
  }, 120_000);

  it("on a department's summary (总结报告), including twenty first saves at once", async () => {
    const { planId, idOf, liaisonOf } = await plan();
    const union = await liaisonOf('工会');
    const url = `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/summary`;
    const write = (version: number, text: string) =>
      send(union, 'PUT', url, {
        version,
        highlights: text,
        results: '成效',
        cases: '案例',
        evidenceIds: [],
      });
    const read = (body: any) => {
      const summary = body.summary ?? body;
      return { text: summary.highlights as string, version: summary.version as number };
    };

    // Nobody has saved yet: twenty first saves (version 0) race to create it.
    const firsts = await Promise.all(
      Array.from({ length: WRITERS }, (_, index) => write(0, `首次保存${index + 1}`)),
    );
    expect(firsts.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(firsts.filter((answer) => answer.status === 409)).toHaveLength(WRITERS - 1);
    const created = read(firsts.find((answer) => answer.status === 200)!.body);
    for (const answer of firsts.filter((candidate) => candidate.status === 409)) {
      expect(answer.body.error.code).toBe('summary.version_conflict');
      expect(read(answer.body.error.current)).toEqual(created);
    }
    const [summary] = await t.db
      .select()
      .from(summaries)
      .where(and(eq(summaries.planId, planId), eq(summaries.departmentId, idOf('工会'))));
    const summaryId = summary!.id;
    expect(await auditCount('summary.create', summaryId)).toBe(1);

    const record: Record = {
      write,
      read,
      stored: storedRow('summaries', 'highlights', summaryId),
      conflictCode: 'summary.version_conflict',
      auditAction: 'summary.update',
      entityId: summaryId,
    };
    await sameVersionRace(record);
    await readModifyWrite(record);
  }, 120_000);

  it('on a finding (查摆问题)', async () => {
    const { planId, idOf, coordinator } = await plan();
    const tree = (await send(coordinator, 'GET', `/api/v1/plans/${planId}/tree`)).body as {
      indicators: { children: { items: { id: string }[] }[] }[];
    };
    const created = await send(coordinator, 'POST', `/api/v1/plans/${planId}/findings`, {
      title: '民生项目清单未按期验收',
      description: '初稿',
      kind: 'immediate',
      ownerDepartmentId: idOf('工会'),
      itemIds: [tree.indicators[0]!.children[0]!.items[0]!.id],
      dueOn: '2024-12-31',
    });
    expect(created.status).toBe(201);
    const findingId: string = created.body.id;
    const record: Record = {
      write: (version, text) =>
        send(coordinator, 'PATCH', `/api/v1/plans/${planId}/findings/${findingId}`, {
          version,
          description: text,
        }),
      read: (body: any) => ({ text: body.description, version: body.version }),
      stored: storedRow('findings', 'description', findingId),
      conflictCode: 'finding.version_conflict',
      auditAction: 'finding.update',
      entityId: findingId,
    };
    await sameVersionRace(record);
    await readModifyWrite(record);
  }, 120_000);

  it('on a user account, edited by an administrator with the version they saw', async () => {
    const { organization } = await createInstitution(t.db);
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const edited = await createUser(t.db, organization.id, 'coordinator');
    const record: Record = {
      write: (version, text) =>
        send(admin, 'PATCH', `/api/v1/users/${edited.id}`, { version, displayName: text }),
      read: (body: any) => ({ text: body.displayName, version: body.version }),
      stored: storedRow('users', 'display_name', edited.id),
      conflictCode: 'user.version_conflict',
      auditAction: 'user.update',
      entityId: edited.id,
    };
    // A display name holds one line: only the race of the same version applies.
    await sameVersionRace(record);
  }, 120_000);
});
