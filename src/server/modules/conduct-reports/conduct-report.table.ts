import {
  bigserial,
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { caseOutcomes, caseStates } from '../../../shared/conduct-reports/case-states';
import { organizations } from '../organizations/organization.table';
import { teachers } from '../teachers/teacher.table';
import { users } from '../users/user.table';

/**
 * 师德师风监督举报 (item 26). Each organization's reports are sealed under its own key, itself
 * sealed by the server's secret (auth/secret-box.ts): a database dump alone opens nothing.
 */
export const conductReportKeys = pgTable('conduct_report_keys', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  /** The organization's AES-256 key (hex), sealed by the server's secret, bound to the organization. */
  sealedKey: text('sealed_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * One report and its case. Nothing here names the reporter: no address, user agent, cookie or
 * account; the receipt code (回执码) is kept only as its sha256. What was reported (the teacher,
 * what happened, when, the reporter's contact if given) is one sealed JSON document.
 */
export const conductReports = pgTable(
  'conduct_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    receiptHash: text('receipt_hash').notNull().unique(),
    sealedContent: text('sealed_content').notNull(),
    state: text('state', { enum: caseStates }).notNull().default('received'),
    outcome: text('outcome', { enum: caseOutcomes }),
    stageEnteredAt: timestamp('stage_entered_at', { withTimezone: true }).notNull(),
    /** When the current state must be left; null once closed. */
    stageDueAt: timestamp('stage_due_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Set at 结案: every state was left by its deadline. */
    handledOnTime: boolean('handled_on_time'),
    /** The roster teacher a handler matched the case to (the reporter names them as free text). */
    teacherId: uuid('teacher_id').references(() => teachers.id),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('conduct_reports_organization_idx').on(table.organizationId, table.receivedAt)],
);

export const conductReportEventKinds = [
  'transition',
  'reporter_message',
  'handler_answer',
] as const;

/**
 * A case's history: each move between states (who, when, the deadline it had), each addition by
 * the reporter and each answer to them (their text sealed). A null actor is the reporter.
 */
export const conductReportEvents = pgTable(
  'conduct_report_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The order events happened in, even within one instant. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    reportId: uuid('report_id')
      .notNull()
      .references(() => conductReports.id),
    kind: text('kind', { enum: conductReportEventKinds }).notNull(),
    fromState: text('from_state', { enum: caseStates }),
    toState: text('to_state', { enum: caseStates }),
    outcome: text('outcome', { enum: caseOutcomes }),
    sealedText: text('sealed_text'),
    actorUserId: uuid('actor_user_id'),
    actorName: text('actor_name'),
    /** The deadline the state being left had (transitions only). */
    dueAt: timestamp('due_at', { withTimezone: true }),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [index('conduct_report_events_report_idx').on(table.reportId, table.at)],
);

/** A file given with a report or an addition: its name and bytes sealed, its type checked like evidence. */
export const conductReportFiles = pgTable(
  'conduct_report_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    reportId: uuid('report_id')
      .notNull()
      .references(() => conductReports.id),
    eventId: uuid('event_id').references(() => conductReportEvents.id),
    /**
     * The handler who uploaded the file (the decision document); null for the reporter's files,
     * and for handlers' files written before this column (their uploader is taken as the
     * actor of the step's event, the only record there was).
     */
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sealedName: text('sealed_name').notNull(),
    sealedBytes: text('sealed_bytes').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [index('conduct_report_files_report_idx').on(table.reportId)],
);

/**
 * The custodian rule: a handler asks to see a reporter's contact; it is shown to them only once
 * another handler has approved. The reason is sealed like the case: it may quote the report.
 */
export const conductReportContactRequests = pgTable(
  'conduct_report_contact_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    reportId: uuid('report_id')
      .notNull()
      .references(() => conductReports.id),
    requestedBy: uuid('requested_by').notNull(),
    requesterName: text('requester_name').notNull(),
    sealedReason: text('sealed_reason').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    approvedBy: uuid('approved_by'),
    approverName: text('approver_name'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
  },
  (table) => [index('conduct_report_contact_requests_report_idx').on(table.reportId)],
);

export type ConductReport = typeof conductReports.$inferSelect;
export type ConductReportEvent = typeof conductReportEvents.$inferSelect;
