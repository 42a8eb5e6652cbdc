import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOncePass, sharedInPass } from '../../src/server/db/read-once';
import { departments } from '../../src/server/modules/departments/department.table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createInstitution } from '../support/test-app';

/** Issue 16 point 4: a snapshot's refresh reads each record set once, through readOncePass. */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

/** Counts the statements the pool is sent while `run` runs. */
async function counted<T>(run: () => Promise<T>): Promise<{ value: T; sent: string[] }> {
  const sent: string[] = [];
  const pool = database.pool as unknown as { query: (...args: unknown[]) => unknown };
  const query = pool.query;
  pool.query = (...args: unknown[]) => {
    const first = args[0] as string | { text: string };
    sent.push(typeof first === 'string' ? first : first.text);
    return query.apply(database.pool, args);
  };
  try {
    return { value: await run(), sent };
  } finally {
    pool.query = query;
  }
}

describe('a pass of shared reads', () => {
  it('sends a statement with the same values once, and gives each reader rows of its own', async () => {
    const { organization } = await createInstitution(database.db, [
      { name: '教务处' },
      { name: '人事处' },
    ]);
    const reads = readOncePass(database.db);
    const ofOrganization = () =>
      reads.select().from(departments).where(eq(departments.organizationId, organization.id));
    const { value, sent } = await counted(() =>
      Promise.all([
        ofOrganization(),
        ofOrganization(),
        reads.select().from(departments).where(eq(departments.name, '教务处')),
      ]),
    );
    const [first, second, byName] = value;
    // Two statements, not three: the same one twice, side by side, was sent once.
    expect(sent).toHaveLength(2);
    expect(first).toEqual(second);
    expect(first).not.toBe(second);
    expect(first![0]).not.toBe(second![0]);
    expect(byName.map((row) => row.name)).toEqual(['教务处']);
    expect((await counted(() => ofOrganization())).sent).toHaveLength(0);
  });

  it('sends every write, and keeps no failed read', async () => {
    const { organization } = await createInstitution(database.db, [{ name: '工会' }]);
    const reads = readOncePass(database.db);
    const { sent } = await counted(async () => {
      for (const name of ['团委', '团委']) {
        await reads
          .update(departments)
          .set({ aliases: [name] })
          .where(eq(departments.organizationId, organization.id));
      }
    });
    expect(sent).toHaveLength(2);
    const failing = () => reads.execute(sql`select 1 / ${0}::int as x`);
    await expect(failing()).rejects.toThrow(/Failed query/);
    const again = await counted(() => failing().catch((error: Error) => error.message));
    expect(again.sent).toHaveLength(1);
  });

  it("shares a big reader's mapped rows, frozen, inside a pass only", async () => {
    const { organization } = await createInstitution(database.db, [
      { name: '宣传部' },
      { name: '组织部' },
    ]);
    const read = (executor: typeof database.db) =>
      sharedInPass(executor, `departments:${organization.id}`, () =>
        executor.select().from(departments).where(eq(departments.organizationId, organization.id)),
      );
    const reads = readOncePass(database.db);
    const { value, sent } = await counted(() => Promise.all([read(reads), read(reads)]));
    const [first, second] = value;
    expect(sent).toHaveLength(1);
    // One array of rows for both readers, which neither can sort or change under the other.
    expect(first).toBe(second);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first![0])).toBe(true);
    expect(() => first!.sort()).toThrow(TypeError);
    expect(() => {
      (first![0] as { name: string }).name = '改名';
    }).toThrow(TypeError);
    // Another pass reads again; outside a pass every reader has rows of its own, as always.
    const other = await read(readOncePass(database.db));
    expect(other).not.toBe(first);
    expect(other.map((row) => row.name).sort()).toEqual(['宣传部', '组织部']);
    const [plain, plainAgain] = await Promise.all([read(database.db), read(database.db)]);
    expect(plain).not.toBe(plainAgain);
    expect(Object.isFrozen(plain)).toBe(false);
  });
});
