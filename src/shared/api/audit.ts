import { z } from 'zod';
import { isoDateSchema } from '../plan-import/contract';
import { uuidSchema } from './contracts';

const timestampSchema = z.iso.datetime({ offset: true });

// ---- the audit log, for the auditor: search and export

/** The filters of the search and of the export (the same ones). Dates are Beijing calendar days, both included. */
export const auditFilterSchema = z.object({
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  /** Part of the actor's user name. */
  actor: z.string().trim().max(100).optional(),
  actorUserId: uuidSchema.optional(),
  /** An action (auth.sign_in), or a family of them (auth). */
  action: z.string().trim().max(100).optional(),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(200).optional(),
  /** An address, or its beginning (192.168.1.). */
  ip: z.string().trim().max(100).optional(),
  /** Any words found in the action, the entity or the actor's name. */
  q: z.string().trim().max(200).optional(),
});

export const auditQuerySchema = auditFilterSchema.extend({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditEntryViewSchema = z.object({
  id: z.number().int(),
  actorUserId: uuidSchema.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** The record before and after the change; phones and e-mails inside are masked. */
  before: z.unknown(),
  after: z.unknown(),
  at: timestampSchema,
});

export const auditPageSchema = z.object({
  entries: z.array(auditEntryViewSchema),
  /** How many entries match the filters in all. */
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export type AuditFilter = z.output<typeof auditFilterSchema>;
export type AuditQuery = z.output<typeof auditQuerySchema>;
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
