import { and, asc, count, desc, eq, max } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { sharedInPass } from '../../db/read-once';
import { readTogether } from '../../db/read-together';
import {
  indicators,
  items,
  standards,
  type Indicator,
  type Item,
  type Standard,
} from './standard.table';

export async function listStandards(
  executor: Executor,
  organizationId: string,
): Promise<Standard[]> {
  return executor
    .select()
    .from(standards)
    .where(eq(standards.organizationId, organizationId))
    .orderBy(asc(standards.title), desc(standards.version));
}

export async function findStandardInOrganization(
  executor: Executor,
  organizationId: string,
  id: string,
): Promise<Standard | undefined> {
  const [row] = await executor
    .select()
    .from(standards)
    .where(and(eq(standards.organizationId, organizationId), eq(standards.id, id)));
  return row;
}

export async function findStandardByFingerprint(
  executor: Executor,
  organizationId: string,
  fingerprint: string,
): Promise<Standard | undefined> {
  const [row] = await executor
    .select()
    .from(standards)
    .where(
      and(eq(standards.organizationId, organizationId), eq(standards.fingerprint, fingerprint)),
    );
  return row;
}

export async function nextStandardVersion(
  executor: Executor,
  organizationId: string,
  title: string,
): Promise<number> {
  const [row] = await executor
    .select({ latest: max(standards.version) })
    .from(standards)
    .where(and(eq(standards.organizationId, organizationId), eq(standards.title, title)));
  return (row?.latest ?? 0) + 1;
}

export async function insertStandard(
  executor: Executor,
  values: typeof standards.$inferInsert,
): Promise<Standard> {
  const [row] = await executor.insert(standards).values(values).returning();
  if (!row) throw new Error('insert returned no standard');
  return row;
}

export async function insertIndicator(
  executor: Executor,
  values: typeof indicators.$inferInsert,
): Promise<Indicator> {
  const [row] = await executor.insert(indicators).values(values).returning();
  if (!row) throw new Error('insert returned no indicator');
  return row;
}

export async function insertItems(
  executor: Executor,
  values: (typeof items.$inferInsert)[],
): Promise<Item[]> {
  if (values.length === 0) return [];
  return executor.insert(items).values(values).returning();
}

export async function listIndicatorsOfStandard(
  executor: Executor,
  standardId: string,
): Promise<Indicator[]> {
  return executor
    .select()
    .from(indicators)
    .where(eq(indicators.standardId, standardId))
    .orderBy(asc(indicators.depth), asc(indicators.position));
}

export async function listItemsOfStandard(executor: Executor, standardId: string): Promise<Item[]> {
  // A snapshot's pass asks for them some ten times.
  return sharedInPass(executor, `items:${standardId}`, () =>
    executor.select().from(items).where(eq(items.standardId, standardId)).orderBy(asc(items.no)),
  );
}

export async function countTree(executor: Executor, standardId: string) {
  const [levels, itemCount] = await readTogether(executor, [
    () =>
      executor
        .select({ depth: indicators.depth, total: count() })
        .from(indicators)
        .where(eq(indicators.standardId, standardId))
        .groupBy(indicators.depth),
    () => executor.select({ total: count() }).from(items).where(eq(items.standardId, standardId)),
  ]);
  return {
    level1: levels.find((level) => level.depth === 1)?.total ?? 0,
    level2: levels.find((level) => level.depth === 2)?.total ?? 0,
    items: itemCount[0]?.total ?? 0,
  };
}
