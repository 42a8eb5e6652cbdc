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
} from 'drizzle-orm/pg-core';
import { organizations } from '../organizations/organization.table';

export const jobStatuses = ['queued', 'running', 'done', 'failed'] as const;

/**
 * Background work on PostgreSQL: claimed with FOR UPDATE SKIP LOCKED, so any number of app
 * processes can run the queue and each job runs once. A job whose worker died (its lease,
 * `locked_until`, has passed) is claimed again. `dedupe_key` makes enqueueing the same work twice
 * do nothing.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    dedupeKey: text('dedupe_key'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: jobStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    progress: integer('progress').notNull().default(0),
    result: jsonb('result').$type<unknown>(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('jobs_dedupe_key_unique').on(table.dedupeKey),
    index('jobs_due_idx').on(table.status, table.runAt),
    index('jobs_organization_idx').on(table.organizationId, table.createdAt),
    check('jobs_progress_range', sql`${table.progress} between 0 and 100`),
    check('jobs_attempts_range', sql`${table.attempts} >= 0 and ${table.maxAttempts} >= 1`),
  ],
);

export type Job = typeof jobs.$inferSelect;
