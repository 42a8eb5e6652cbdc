import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { organizations } from '../organizations/organization.table';

/**
 * One version of a quality standard as an organization holds it. A new import whose tree
 * differs makes a new version; plans point at the version they were made for.
 */
export const standards = pgTable(
  'standards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    title: text('title').notNull(),
    version: integer('version').notNull(),
    /** sha256 of the tree's canonical form: the same tree imported twice is the same version. */
    fingerprint: text('fingerprint').notNull(),
    /**
     * Levels above the items as the plan wrote them: 0 for a flat task list, 1 to 4 (or more).
     * Pages count by the two stored indicator levels; this and indicators.levels keep the rest.
     */
    depth: integer('depth').notNull().default(2),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('standards_organization_title_version_unique').on(
      table.organizationId,
      table.title,
      table.version,
    ),
    uniqueIndex('standards_organization_fingerprint_unique').on(
      table.organizationId,
      table.fingerprint,
    ),
  ],
);

/** A level of a plan as written: its numbering (一, （一） → 一, 1) and its title without it. */
export interface IndicatorLevel {
  code: string;
  title: string;
}

/**
 * A level-1 (depth 1) or level-2 (depth 2) indicator of a standard. A plan deeper than two levels
 * keeps its lower levels together in the level-2 (titles joined by " / "); `levels` keeps each.
 */
export const indicators = pgTable(
  'indicators',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    standardId: uuid('standard_id')
      .notNull()
      .references(() => standards.id),
    parentId: uuid('parent_id').references((): AnyPgColumn => indicators.id),
    depth: integer('depth').notNull(),
    /** Numbering as written: 一 for a level-1, 1 for a level-2. */
    code: text('code').notNull(),
    title: text('title').notNull(),
    position: integer('position').notNull(),
    /**
     * The full path of levels this indicator stands for, from the top: [一级] for a level-1,
     * [一级, 二级, 三级, 四级] for the level-2 of a four-level plan; [] where the plan has none.
     */
    levels: jsonb('levels').$type<IndicatorLevel[]>().notNull().default([]),
  },
  (table) => [
    index('indicators_standard_idx').on(table.standardId, table.depth, table.position),
    check('indicators_depth', sql`${table.depth} in (1, 2)`),
    check('indicators_parent_by_depth', sql`(${table.depth} = 1) = (${table.parentId} is null)`),
  ],
);

/** One numbered requirement (指标内容) under a level-2 indicator. */
export const items = pgTable(
  'items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    standardId: uuid('standard_id')
      .notNull()
      .references(() => standards.id),
    indicatorId: uuid('indicator_id')
      .notNull()
      .references(() => indicators.id),
    no: integer('no').notNull(),
    content: text('content').notNull(),
    focus: text('focus').notNull(),
    /** The item's own number as written (序号, 1., （1）), '' when the plan numbered none. */
    code: text('code').notNull().default(''),
    /** The responsible leader (责任校领导) the plan names: a person, never a department. */
    leader: text('leader').notNull().default(''),
    /** Columns of the plan Luoshi gives no meaning (备注, 工作目标), by header. */
    extra: jsonb('extra').$type<Record<string, string>>().notNull().default({}),
  },
  (table) => [uniqueIndex('items_standard_no_unique').on(table.standardId, table.no)],
);

export type Standard = typeof standards.$inferSelect;
export type Indicator = typeof indicators.$inferSelect;
export type Item = typeof items.$inferSelect;
