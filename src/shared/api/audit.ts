import { z } from 'zod';
import { timestampSchema } from './common';
import { isoDateSchema } from '../plan-import/contract';
import { uuidSchema } from './contracts';
import { defineOperation, fileResponse } from './operation';

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

/** The audit operations: what the server serves and the web calls. */
export const auditApi = {
  list: defineOperation({
    id: 'audit.list',
    method: 'GET',
    path: '/api/v1/audit',
    tags: ['audit'],
    description:
      'The audit log, newest first, one page with the total: filters by Beijing dates, actor, action (or its family), entity, address and free text.',
    query: auditQuerySchema,
    response: auditPageSchema,
    // the audit log is the auditor's alone
    access: ['auditor'],
  }),
  export: defineOperation({
    id: 'audit.export',
    method: 'GET',
    path: '/api/v1/audit/export.xlsx',
    tags: ['audit'],
    description:
      'The entries the same filters find, as .xlsx (formula-safe); refused above 100,000 entries.',
    query: auditFilterSchema,
    response: fileResponse,
    access: ['auditor'],
  }),
} as const;
