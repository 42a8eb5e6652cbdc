import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Database } from './client';
import * as schema from './schema';

/**
 * A database for one pass of reads that many readers share (an oversight snapshot's refresh asks
 * the quality report's, the board's and supervision's readers, and they read the same measures,
 * progress reports, items and departments): a statement sent with the same values is sent once,
 * and every reader gets that one answer, read in the same instant. Drizzle maps each reader's rows
 * afresh from it, so no reader sees another's objects. Only reads are kept; anything else goes
 * straight to the pool. Keep one for one pass only: nothing it read is ever read again.
 */
export function readOncePass(db: Database): Database {
  // The pool Drizzle was made with (connectDatabase's): `Database` leaves it out of its type.
  const pool = (db as Database & { $client: pg.Pool }).$client;
  const answers = new Map<string, Promise<unknown>>();
  const client = {
    query(config: pg.QueryConfig & { rowMode?: string }, values?: unknown[]) {
      const text = typeof config === 'string' ? config : config.text;
      if (!/^\s*select\b/i.test(text)) return pool.query(config, values);
      const key = JSON.stringify([text, config.rowMode ?? null, values ?? null]);
      const kept = answers.get(key);
      if (kept) return kept;
      const answer = pool.query(config, values);
      answers.set(key, answer);
      // A failed read is not kept: the next reader asks again and sees the error itself.
      answer.catch(() => answers.delete(key));
      return answer;
    },
  };
  return drizzle(client as unknown as pg.Pool, { schema });
}
