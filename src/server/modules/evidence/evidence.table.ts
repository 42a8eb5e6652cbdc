import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { users } from '../users/user.table';

export const evidenceKinds = ['file', 'link'] as const;

/**
 * The bytes of an uploaded file (佐证材料), once per organization whatever the number of uploads:
 * addressed by their sha256, stored by the EvidenceStore, typed by what they are (never by their name).
 */
export const evidenceBlobs = pgTable(
  'evidence_blobs',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    sha256: text('sha256').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** Detected from the content: application/pdf, image/png, text/plain; charset=utf-8, … */
    mediaType: text('media_type').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ name: 'evidence_blobs_pk', columns: [table.organizationId, table.sha256] }),
    check('evidence_blobs_sha256_hex', sql`${table.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
);

/**
 * One piece of evidence (佐证材料): an uploaded file or a link, of the organization and, when a
 * department's liaison (or the coordinating office for it) gave it, of that department. Records
 * that cite evidence hold its ids in an `evidence_ids uuid[]` column of their own.
 */
export const evidence = pgTable(
  'evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    departmentId: uuid('department_id').references(() => departments.id),
    kind: text('kind', { enum: evidenceKinds }).notNull(),
    /** The file name as uploaded (sanitized), or the link's title. */
    title: text('title').notNull(),
    sha256: text('sha256'),
    url: text('url'),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    foreignKey({
      name: 'evidence_blob_fk',
      columns: [table.organizationId, table.sha256],
      foreignColumns: [evidenceBlobs.organizationId, evidenceBlobs.sha256],
    }),
    check(
      'evidence_kind_target',
      sql`(${table.kind} = 'file' and ${table.sha256} is not null and ${table.url} is null) or (${table.kind} = 'link' and ${table.url} is not null and ${table.sha256} is null)`,
    ),
    index('evidence_organization_idx').on(table.organizationId, table.departmentId),
  ],
);

export type EvidenceBlob = typeof evidenceBlobs.$inferSelect;
export type Evidence = typeof evidence.$inferSelect;
