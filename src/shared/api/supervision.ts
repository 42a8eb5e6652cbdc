import { z } from 'zod';
import { timestampSchema } from './common';
import { isoDateSchema } from '../plan-import/contract';
import { defineOperation } from './operation';
import { organizationStaff, workingRoles } from '../access';
import { idParamsSchema } from './contracts';
import { DOCX, fileResponse } from './operation';
import { warningColours } from '../supervision/escalation';
import { maskedSecretSchema } from './outbound';

export const warningColourSchema = z.enum(warningColours);
export const warningThresholdsSchema = z.object({
  yellowDays: z.number().int(),
  orangeDays: z.number().int(),
  redDays: z.number().int(),
});

export const reminderLevelSchema = z.enum(['liaison', 'head', 'digest', 'manual', 'test']);
export const reminderChannelSchema = z.enum(['in_app', 'email', 'wecom', 'dingtalk']);
export const reminderStatusSchema = z.enum(['sending', 'sent', 'failed']);

/** What is late now, by department, the latest first. */
export const overdueSubjectViewSchema = z.object({
  key: z.string(),
  kind: z.enum(['breakdown', 'measure', 'period_report', 'obligation']),
  planId: z.uuid(),
  itemNo: z.number().int().nullable(),
  itemText: z.string().nullable(),
  what: z.string(),
  dueOn: isoDateSchema,
  daysLate: z.number().int(),
  /** 三色预警 by the office's thresholds; null while not late enough for yellow. */
  colour: warningColourSchema.nullable(),
  link: z.string(),
  /** The latest reminder sent about it, if any. */
  lastReminder: z.object({ level: reminderLevelSchema, at: timestampSchema }).nullable(),
});
export const overdueViewSchema = z.object({
  today: isoDateSchema,
  escalationDays: z.number().int(),
  thresholds: warningThresholdsSchema,
  departments: z.array(
    z.object({
      department: z.object({ id: z.uuid(), name: z.string() }),
      maxDaysLate: z.number().int(),
      /** The worst colour of its late work. */
      colour: warningColourSchema.nullable(),
      subjects: z.array(overdueSubjectViewSchema),
    }),
  ),
  /**
   * 覆盖率缺口: per department, the coverage rules it is short of in their running period, with
   * how many named people are still missing (the names are on the activities page).
   */
  coverageGaps: z.array(
    z.object({
      /** null: teachers whose department in the roster matched none of the institution's. */
      department: z.object({ id: z.uuid().nullable(), name: z.string() }),
      missing: z.number().int(),
      rules: z.array(
        z.object({
          ruleId: z.uuid(),
          name: z.string(),
          itemNo: z.number().int().nullable(),
          required: z.number().int(),
          covered: z.number().int(),
          missing: z.number().int(),
          dueOn: isoDateSchema,
          link: z.string(),
        }),
      ),
    }),
  ),
});
export type OverdueView = z.infer<typeof overdueViewSchema>;

export const logQuerySchema = z.object({
  departmentId: z.uuid().optional(),
  level: reminderLevelSchema.optional(),
  channel: reminderChannelSchema.optional(),
  status: reminderStatusSchema.optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  /** Searches the recipient and the summary. */
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const logEntrySchema = z.object({
  id: z.uuid(),
  at: timestampSchema,
  day: isoDateSchema,
  actorName: z.string(),
  subjectKey: z.string(),
  subjectKind: z.string(),
  department: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  level: reminderLevelSchema,
  channel: reminderChannelSchema,
  recipient: z.string(),
  status: reminderStatusSchema,
  error: z.string().nullable(),
  summary: z.string(),
});
export const logViewSchema = z.object({ entries: z.array(logEntrySchema) });
export type LogEntry = z.infer<typeof logEntrySchema>;

/** A saved secret as it is shown again: whether it is set, and a masked form. */
export const secretViewSchema = maskedSecretSchema;
export const settingsViewSchema = z.object({
  /** The group robots, as the security admin set them (外呼地址): read-only here. */
  wecomWebhook: secretViewSchema,
  dingtalkWebhook: secretViewSchema,
  dingtalkSecret: secretViewSchema,
  escalationDays: z.number().int(),
  thresholds: warningThresholdsSchema,
  /** Whether the server has an SMTP server to send e-mail through (LUOSHI_SMTP_URL). */
  mailConfigured: z.boolean(),
  /** 0 until the settings are first saved. */
  version: z.number().int(),
  contacts: z.array(
    z.object({
      department: z.object({ id: z.uuid(), name: z.string() }),
      headName: z.string().nullable(),
      headEmail: z.string().nullable(),
      /** 0 while none is saved. */
      version: z.number().int(),
    }),
  ),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/**
 * The robots' fields are not the office's to set (the security admin's 外呼地址, `outbound.update`):
 * sent here they are refused with `supervision.channels_by_security_admin` and nothing changes.
 */
const refusedChannelField = z
  .unknown()
  .optional()
  .describe('Refused: the group robots are set by the security admin (outbound.update).');
export const updateSettingsBodySchema = z.object({
  /** The version last seen (0 when never saved); a stale one is refused. */
  version: z.number().int().min(0),
  wecomWebhookUrl: refusedChannelField,
  dingtalkWebhookUrl: refusedChannelField,
  dingtalkSecret: refusedChannelField,
  escalationDays: z.number().int().min(1).max(60),
});

/**
 * The office's 三色预警 thresholds. Plain numbers here: the service says what is wrong with them
 * (not whole days, out of range, not yellow < orange < red) in the user's language.
 */
export const updateThresholdsBodySchema = z.object({
  version: z.number().int().min(0),
  yellowDays: z.number(),
  orangeDays: z.number(),
  redDays: z.number(),
});

export const noticeItemSchema = z.object({
  key: z.string(),
  kind: z.string(),
  itemNo: z.number().int().nullable(),
  what: z.string(),
  dueOn: isoDateSchema,
  daysLate: z.number().int(),
  colour: warningColourSchema.nullable(),
});
export const noticeSchema = z.object({
  id: z.uuid(),
  year: z.number().int(),
  number: z.number().int(),
  /** 督办〔2026〕3号 */
  numberText: z.string(),
  department: z.object({ id: z.uuid(), name: z.string() }),
  items: z.array(noticeItemSchema),
  answerDueOn: isoDateSchema,
  note: z.string().nullable(),
  issuedOn: isoDateSchema,
  issuedByName: z.string(),
  answered: z.boolean(),
  answer: z
    .object({
      text: z.string(),
      evidenceIds: z.array(z.uuid()),
      byName: z.string(),
      at: timestampSchema,
    })
    .nullable(),
});
export type NoticeView = z.infer<typeof noticeSchema>;
export const noticeListSchema = z.object({ notices: z.array(noticeSchema) });
export const noticeListQuerySchema = z.object({ departmentId: z.uuid().optional() });
export const issueNoticeBodySchema = z.object({
  departmentId: z.uuid(),
  answerDueOn: isoDateSchema,
  note: z.string().trim().max(1000).optional(),
});
export const answerNoticeBodySchema = z.object({
  text: z.string().trim().min(1).max(4000),
  evidenceIds: z.array(z.uuid()).max(20).default([]),
});

export const contactParamsSchema = z.object({ departmentId: z.uuid() });
export const contactBodySchema = z.object({
  version: z.number().int().min(0),
  headName: z.string().trim().min(1).max(50),
  headEmail: z.email().max(200),
});

export const testSendBodySchema = z.object({
  channel: z.enum(['email', 'wecom', 'dingtalk']),
  /** For e-mail: where to send the test (default: the caller's own address). */
  to: z.email().max(200).optional(),
});
export const testSendResultSchema = z.object({
  ok: z.boolean(),
  recipient: z.string(),
  error: z.string().nullable(),
});

export const remindBodySchema = z.object({ departmentId: z.uuid() });
export const remindResultSchema = z.object({
  subjects: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  /** Recipients already reminded by hand today about the same work. */
  skipped: z.number().int(),
});

/** 催办全部: how many departments were told, and each department's outcome. */
export const remindAllResultSchema = z.object({
  /** Departments at least one message reached. */
  told: z.number().int(),
  /** Messages sent to the group robots: one about every late department, not one per department. */
  groupMessages: z.number().int(),
  departments: z.array(
    remindResultSchema.extend({
      department: z.object({ id: z.uuid(), name: z.string() }),
      /** Why nobody of this department was reminded (no liaison with an address…), in the caller's language. */
      refusal: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
export type RemindAllResult = z.infer<typeof remindAllResultSchema>;

export const notificationSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: timestampSchema,
  readAt: timestampSchema.nullable(),
});
export const notificationsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const notificationsViewSchema = z.object({
  unread: z.number().int(),
  items: z.array(notificationSchema),
});
export type NotificationView = z.infer<typeof notificationSchema>;
export type NotificationsView = z.infer<typeof notificationsViewSchema>;

/** The supervision operations: what the server serves and the web calls. */
export const supervisionApi = {
  overdue: defineOperation({
    id: 'supervision.overdue',
    method: 'GET',
    path: '/api/v1/supervision/overdue',
    tags: ['supervision'],
    description: 'What is late now, by department, the latest first.',
    response: overdueViewSchema,
    access: organizationStaff,
  }),
  log: defineOperation({
    id: 'supervision.log',
    method: 'GET',
    path: '/api/v1/supervision/log',
    tags: ['supervision'],
    description: 'Every reminder attempt (督办记录), newest first.',
    query: logQuerySchema,
    response: logViewSchema,
    access: organizationStaff,
  }),
  settings: defineOperation({
    id: 'supervision.settings',
    method: 'GET',
    path: '/api/v1/supervision/settings',
    tags: ['supervision'],
    description: 'Robots (secrets masked), escalation days and department heads.',
    response: settingsViewSchema,
    access: organizationStaff,
  }),
  updateSettings: defineOperation({
    id: 'supervision.updateSettings',
    method: 'PUT',
    path: '/api/v1/supervision/settings',
    tags: ['supervision'],
    body: updateSettingsBodySchema,
    response: settingsViewSchema,
    access: organizationStaff,
  }),
  saveContact: defineOperation({
    id: 'supervision.saveContact',
    method: 'PUT',
    path: '/api/v1/supervision/contacts/:departmentId',
    tags: ['supervision'],
    description: 'The department head reminders are escalated to.',
    params: contactParamsSchema,
    body: contactBodySchema,
    response: settingsViewSchema,
    access: organizationStaff,
  }),
  testSend: defineOperation({
    id: 'supervision.testSend',
    method: 'POST',
    path: '/api/v1/supervision/test',
    tags: ['supervision'],
    description:
      'Sends a test message on one channel and says whether it arrived (never what the receiver answered).',
    body: testSendBodySchema,
    response: testSendResultSchema,
    // The security admin tries the robots they set (外呼地址).
    access: [...organizationStaff, 'security_admin'],
  }),
  remind: defineOperation({
    id: 'supervision.remind',
    method: 'POST',
    path: '/api/v1/supervision/remind',
    tags: ['supervision'],
    description: "催办 by hand: reminds a department's liaisons of all its late work (once a day).",
    body: remindBodySchema,
    response: remindResultSchema,
    access: organizationStaff,
  }),
  updateThresholds: defineOperation({
    id: 'supervision.updateThresholds',
    method: 'PUT',
    path: '/api/v1/supervision/thresholds',
    tags: ['supervision'],
    description: '三色预警: the days overdue from which late work is yellow, orange and red.',
    body: updateThresholdsBodySchema,
    response: settingsViewSchema,
    access: organizationStaff,
  }),
  notices: defineOperation({
    id: 'supervision.notices',
    method: 'GET',
    path: '/api/v1/supervision/notices',
    tags: ['supervision'],
    description: "督办通知单, newest first; a liaison sees only their department's.",
    query: noticeListQuerySchema,
    response: noticeListSchema,
    access: [...organizationStaff, 'liaison'],
  }),
  issueNotice: defineOperation({
    id: 'supervision.issueNotice',
    method: 'POST',
    path: '/api/v1/supervision/notices',
    tags: ['supervision'],
    description:
      'Issues a numbered 督办通知单 to a department about all its late work; its liaisons are told.',
    body: issueNoticeBodySchema,
    response: noticeSchema,
    status: 201,
    access: organizationStaff,
  }),
  noticeDocx: defineOperation({
    id: 'supervision.noticeDocx',
    method: 'GET',
    path: '/api/v1/supervision/notices/:id/docx',
    tags: ['supervision'],
    description: 'The printable 督办通知单 (.docx, A4).',
    params: idParamsSchema,
    response: fileResponse,
    produces: [DOCX],
    access: [...organizationStaff, 'liaison'],
  }),
  answerNotice: defineOperation({
    id: 'supervision.answerNotice',
    method: 'POST',
    path: '/api/v1/supervision/notices/:id/answer',
    tags: ['supervision'],
    description: "The department's answer to a notice (text and evidence); it closes the notice.",
    params: idParamsSchema,
    body: answerNoticeBodySchema,
    response: noticeSchema,
    access: ['liaison'],
  }),
  remindAll: defineOperation({
    id: 'supervision.remindAll',
    method: 'POST',
    path: '/api/v1/supervision/remind-all',
    tags: ['supervision'],
    description:
      '催办全部: reminds every department with late work, one message per recipient about all of it (as one 催办 each, once a day); says how many departments were told.',
    response: remindAllResultSchema,
    access: organizationStaff,
  }),
  notificationsList: defineOperation({
    id: 'notifications.list',
    method: 'GET',
    path: '/api/v1/notifications',
    tags: ['notifications'],
    query: notificationsQuerySchema,
    response: notificationsViewSchema,
    access: workingRoles,
  }),
  notificationsRead: defineOperation({
    id: 'notifications.read',
    method: 'POST',
    path: '/api/v1/notifications/:id/read',
    tags: ['notifications'],
    params: idParamsSchema,
    response: z.null(),
    status: 204,
    access: workingRoles,
  }),
  notificationsReadAll: defineOperation({
    id: 'notifications.readAll',
    method: 'POST',
    path: '/api/v1/notifications/read-all',
    tags: ['notifications'],
    response: z.null(),
    status: 204,
    access: workingRoles,
  }),
} as const;
