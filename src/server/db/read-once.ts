import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Database } from './client';
import * as schema from './schema';

/**
 * A database for one pass of reads that many readers share (an oversight snapshot's refresh asks
 * the quality report's, the board's and supervision's readers, and they read the same measures,
 * progress reports, items and departments): a statement sent with the same values is sent once,
 * and every reader gets that one answer, read in the same instant. Drizzle maps each reader's rows
 * afresh from it, so no reader sees another's objects, except the big readers that share their
 * mapped rows, frozen (`sharedInPass`). Only reads are kept; anything else goes
 * straight to the pool. Keep one for one pass only: nothing it read is ever read again.
 */
export function readOncePass(db: Database): Database {
  const pass = drizzle(passClient(db) as unknown as pg.Pool, { schema });
  mappedAnswers.set(pass, new Map());
  return pass;
}

/** Each pass's readers' mapped rows (`sharedInPass`), by the reader's key. */
const mappedAnswers = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * A reader's rows shared by every reader of one pass that asks with the same key: sending a
 * statement once is not enough when thousands of rows are mapped by Drizzle again for each of
 * the four readers of the measures or the three of the progress reports. Outside a pass the rows
 * are read as always. Inside one, the array and each row are frozen: a reader that sorts or
 * changes what it was given would change another's, and fails instead. `key` must name
 * everything the rows depend on (the reader and its arguments).
 */
export function sharedInPass<Row extends object>(
  executor: object,
  key: string,
  read: () => Promise<Row[]>,
): Promise<Row[]> {
  const answers = mappedAnswers.get(executor);
  if (!answers) return read();
  const kept = answers.get(key) as Promise<Row[]> | undefined;
  if (kept) return kept;
  const answer = read().then((rows) => {
    for (const row of rows) Object.freeze(row);
    return Object.freeze(rows) as Row[];
  });
  answers.set(key, answer);
  answer.catch(() => answers.delete(key));
  return answer;
}

function passClient(db: Database) {
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
  return client;
}
