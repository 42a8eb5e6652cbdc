import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../src/server/db/client';
import { readTogether } from '../../src/server/db/read-together';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

/** Two reads that say when each starts and ends; the first takes 30 ms in PostgreSQL. */
function loggedReads(executor: Executor, log: string[]) {
  const read = (name: string, seconds: number) => async () => {
    log.push(`${name} starts`);
    const rows = await executor.execute(sql`select ${name}::text as name, pg_sleep(${seconds})`);
    log.push(`${name} ends`);
    return rows.rows[0]!.name as string;
  };
  return [read('first', 0.03), read('second', 0)] as const;
}

describe('independent reads', () => {
  it('run side by side on the pool, each on a connection of its own', async () => {
    const log: string[] = [];
    const answers = await readTogether(database.db, loggedReads(database.db, log));
    expect(answers).toEqual(['first', 'second']);
    expect(log.slice(0, 2)).toEqual(['first starts', 'second starts']);
    expect(log.slice(2)).toEqual(['second ends', 'first ends']);
  });

  it('run one after another in a transaction, which has one connection (pg 9 refuses a second query meanwhile)', async () => {
    const log: string[] = [];
    const answers = await database.db.transaction((tx) => readTogether(tx, loggedReads(tx, log)));
    expect(answers).toEqual(['first', 'second']);
    expect(log).toEqual(['first starts', 'first ends', 'second starts', 'second ends']);
  });
});
