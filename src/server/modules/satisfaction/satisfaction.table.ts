import { sql } from 'drizzle-orm';
import { index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from '../organizations/organization.table';

/** 第三方测评结果 (items 27, 28): a third party's satisfaction result for one year, with its source. */
export const satisfactionResults = pgTable(
  'satisfaction_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    year: integer('year').notNull(),
    itemNo: integer('item_no').notNull(),
    /** Percent, as the third party states it. */
    value: numeric('value', { mode: 'number' }).notNull(),
    sample: integer('sample'),
    /** Who measured it (麦可思, 学校评估中心 …). */
    source: text('source').notNull(),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    note: text('note').notNull().default(''),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('satisfaction_results_organization_idx').on(table.organizationId, table.year)],
);
