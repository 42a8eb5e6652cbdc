import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Executor } from './client';

type Results<Reads extends readonly (() => PromiseLike<unknown>)[]> = {
  -readonly [K in keyof Reads]: Awaited<ReturnType<Reads[K]>>;
};

/**
 * Independent reads, side by side on the pool (each query on a connection of its own), one after
 * another in a transaction: a transaction holds one connection, and pg 8 warns ("client.query()
 * when the client is already executing a query"), pg 9 refuses, when a client is handed a query
 * while it runs another.
 */
export async function readTogether<const Reads extends readonly (() => PromiseLike<unknown>)[]>(
  executor: Executor,
  reads: Reads,
): Promise<Results<Reads>> {
  if (!(executor instanceof PgTransaction))
    return (await Promise.all(reads.map((read) => read()))) as Results<Reads>;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as Results<Reads>;
}
