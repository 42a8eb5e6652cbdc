import { z } from 'zod';
import { timestampSchema } from './common';
import { caseOutcomes, caseStates } from '../conduct-reports/case-states';
import { defineOperation, fileResponse } from './operation';

const text = (max: number) => z.string().trim().min(1).max(max);

export const caseStateSchema = z.enum(caseStates);
export const caseOutcomeSchema = z.enum(caseOutcomes);

/** A file given with a report: at most 2 MB each once decoded, checked by content like evidence. */
export const reportAttachmentSchema = z.object({
  fileName: text(200),
  contentBase64: z
    .string()
    .max(2_800_000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/),
});

export const conductReportOrganizationParamsSchema = z.object({ organizationId: z.uuid() });

/** What a reporter submits; anonymous unless they give a contact. */
export const submitConductReportBodySchema = z.object({
  /** The teacher concerned, as the reporter names them (free text). */
  teacher: text(200),
  /** What happened. */
  what: text(10_000),
  /** When it happened, as the reporter puts it (free text: 2026年5月, 上学期…). */
  when: z.string().trim().max(200).default(''),
  /** How to reach the reporter, if they wish; empty is anonymous. */
  contact: z.string().trim().max(200).default(''),
  attachments: z.array(reportAttachmentSchema).max(3).optional(),
});

export const receiptSchema = z
  .string()
  .trim()
  .min(16)
  .max(40)
  .regex(/^[0-9A-Za-z-\s]+$/);

/** An institution that takes reports: what the public page needs to address one. */
export const reportingInstitutionSchema = z.object({ id: z.uuid(), name: z.string() });

export const submitConductReportResultSchema = z.object({
  /** Shown once: only its hash is kept. */
  receipt: z.string(),
  receivedAt: timestampSchema,
});

export const followConductReportBodySchema = z.object({ receipt: receiptSchema });

export const addInformationBodySchema = z.object({
  receipt: receiptSchema,
  text: text(10_000),
  attachments: z.array(reportAttachmentSchema).max(3).optional(),
});

const messageSchema = z.object({
  from: z.enum(['reporter', 'handler']),
  text: z.string(),
  at: timestampSchema,
});

/** What the reporter sees with their receipt: the case's state, outcome, answers and their own additions. */
export const conductReportFollowSchema = z.object({
  state: caseStateSchema,
  outcome: caseOutcomeSchema.nullable(),
  receivedAt: timestampSchema,
  closedAt: timestampSchema.nullable(),
  messages: z.array(messageSchema),
});

/** A case in the handler's list: no content. */
export const conductReportSummarySchema = z.object({
  id: z.uuid(),
  state: caseStateSchema,
  outcome: caseOutcomeSchema.nullable(),
  receivedAt: timestampSchema,
  stageDueAt: timestampSchema.nullable(),
  /** Past the current state's deadline at the time of the request. */
  late: z.boolean(),
  closedAt: timestampSchema.nullable(),
  handledOnTime: z.boolean().nullable(),
  version: z.number().int(),
});
export const conductReportListSchema = z.array(conductReportSummarySchema);

export const conductReportDetailSchema = conductReportSummarySchema.extend({
  teacher: z.string(),
  what: z.string(),
  when: z.string(),
  /** The reporter's contact: empty unless a second handler approved this handler's request. */
  contact: z.string(),
  /** Whether the reporter gave a contact at all. */
  hasContact: z.boolean(),
  contactRequests: z.array(
    z.object({
      id: z.uuid(),
      requesterName: z.string(),
      reason: z.string(),
      requestedAt: timestampSchema,
      approverName: z.string().nullable(),
      approvedAt: timestampSchema.nullable(),
      /** Made by the handler who reads the case. */
      mine: z.boolean(),
    }),
  ),
  /** The roster teacher a handler matched the case to (handlers only; never in the follow view). */
  matchedTeacher: z
    .object({
      id: z.uuid(),
      name: z.string(),
      workNo: z.string(),
      departmentName: z.string().nullable(),
    })
    .nullable(),
  nextStates: z.array(caseStateSchema),
  history: z.array(
    z.object({
      kind: z.enum(['transition', 'reporter_message', 'handler_answer']),
      fromState: caseStateSchema.nullable(),
      toState: caseStateSchema.nullable(),
      outcome: caseOutcomeSchema.nullable(),
      text: z.string().nullable(),
      actorName: z.string().nullable(),
      dueAt: timestampSchema.nullable(),
      at: timestampSchema,
    }),
  ),
  files: z.array(
    z.object({
      id: z.uuid(),
      fileName: z.string(),
      mediaType: z.string(),
      sizeBytes: z.number(),
      /**
       * Who added the file: null for the reporter, else the handler who uploaded it (their name);
       * for a file stored before uploaders were recorded, the handler who moved the case to its step.
       */
      addedBy: z.string().nullable(),
      /** The step the file was given at (the event's state), null with the report itself. */
      step: caseStateSchema.nullable(),
    }),
  ),
});

export const conductReportParamsSchema = z.object({ id: z.uuid() });
export const conductReportFileParamsSchema = z.object({ id: z.uuid(), fileId: z.uuid() });

export const transitionBodySchema = z.object({
  to: caseStateSchema,
  outcome: caseOutcomeSchema.optional(),
  /** What was done (measures, the clarification and the teacher's rights noted…); recorded, sealed. */
  note: z.string().trim().max(10_000).default(''),
  version: z.number().int().positive(),
});

/** Match the case to a roster teacher, or clear the match (null); the case's version locks. */
export const matchTeacherBodySchema = z.object({
  teacherId: z.uuid().nullable(),
  version: z.number().int().positive(),
});

export const rosterSearchQuerySchema = z.object({ q: z.string().trim().max(100).default('') });
/** What the handler's search shows of the roster: name, work number and department only. */
export const rosterMatchSchema = z.array(
  z.object({
    id: z.uuid(),
    name: z.string(),
    workNo: z.string(),
    departmentName: z.string().nullable(),
  }),
);

export const contactRequestBodySchema = z.object({ reason: text(500) });
export const contactRequestParamsSchema = z.object({ id: z.uuid(), requestId: z.uuid() });

export const answerBodySchema = z.object({ text: text(10_000) });

export const figuresQuerySchema = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

/** Item 26 in the quality report: counts only, never content. */
export const conductReportFiguresSchema = z.object({
  year: z.number().int(),
  received: z.number().int(),
  closed: z.number().int(),
  handledOnTime: z.number().int(),
  open: z.number().int(),
  byOutcome: z.object({
    founded: z.number().int(),
    partly: z.number().int(),
    unfounded: z.number().int(),
  }),
  clarified: z.number().int(),
  notified: z.number().int(),
});

export type SubmitConductReportBody = z.infer<typeof submitConductReportBodySchema>;
export type ConductReportDetail = z.infer<typeof conductReportDetailSchema>;
export type ConductReportFollow = z.infer<typeof conductReportFollowSchema>;
export type ConductReportFigures = z.infer<typeof conductReportFiguresSchema>;
export type ReportAttachment = z.infer<typeof reportAttachmentSchema>;

export const conductReportsApi = {
  institutions: defineOperation({
    id: 'conductReports.institutions',
    method: 'GET',
    path: '/api/v1/public/conduct-reports/institutions',
    description: 'The institutions the public reporting page may address (names only).',
    response: z.array(reportingInstitutionSchema),
    access: 'public',
  }),
  submit: defineOperation({
    id: 'conductReports.submit',
    method: 'POST',
    path: '/api/v1/public/organizations/:organizationId/conduct-reports',
    description:
      '师德师风监督举报: anyone files a report (no account). The receipt code is answered once; nothing of the caller is stored.',
    params: conductReportOrganizationParamsSchema,
    body: submitConductReportBodySchema,
    response: submitConductReportResultSchema,
    status: 201,
    access: 'public',
  }),
  follow: defineOperation({
    id: 'conductReports.follow',
    method: 'POST',
    path: '/api/v1/public/conduct-reports/follow',
    description: 'The reporter follows their case with the receipt: state, outcome, answers.',
    body: followConductReportBodySchema,
    response: conductReportFollowSchema,
    access: 'public',
  }),
  addInformation: defineOperation({
    id: 'conductReports.addInformation',
    method: 'POST',
    path: '/api/v1/public/conduct-reports/information',
    description: 'The reporter adds information (text, files) to their case with the receipt.',
    body: addInformationBodySchema,
    response: conductReportFollowSchema,
    status: 201,
    access: 'public',
  }),
  list: defineOperation({
    id: 'conductReports.list',
    method: 'GET',
    path: '/api/v1/conduct-reports',
    description: "The case handler's list: states and deadlines, no content.",
    response: conductReportListSchema,
    access: ['case_handler'],
  }),
  figures: defineOperation({
    id: 'conductReports.figures',
    method: 'GET',
    path: '/api/v1/conduct-reports/figures',
    description: "Item 26's figures for a year: counts only.",
    query: figuresQuerySchema,
    response: conductReportFiguresSchema,
    access: ['admin', 'coordinator', 'leader', 'case_handler'],
  }),
  get: defineOperation({
    id: 'conductReports.get',
    method: 'GET',
    path: '/api/v1/conduct-reports/:id',
    description: 'One case with its content and history; every read is audited.',
    params: conductReportParamsSchema,
    response: conductReportDetailSchema,
    access: ['case_handler'],
  }),
  transition: defineOperation({
    id: 'conductReports.transition',
    method: 'POST',
    path: '/api/v1/conduct-reports/:id/transitions',
    params: conductReportParamsSchema,
    body: transitionBodySchema,
    response: conductReportDetailSchema,
    access: ['case_handler'],
  }),
  answer: defineOperation({
    id: 'conductReports.answer',
    method: 'POST',
    path: '/api/v1/conduct-reports/:id/answers',
    params: conductReportParamsSchema,
    body: answerBodySchema,
    response: conductReportDetailSchema,
    access: ['case_handler'],
  }),
  requestContact: defineOperation({
    id: 'conductReports.requestContact',
    method: 'POST',
    path: '/api/v1/conduct-reports/:id/contact-requests',
    description:
      "A handler asks to see the reporter's contact; another handler must approve (custodian rule).",
    params: conductReportParamsSchema,
    body: contactRequestBodySchema,
    response: conductReportDetailSchema,
    status: 201,
    access: ['case_handler'],
  }),
  approveContact: defineOperation({
    id: 'conductReports.approveContact',
    method: 'POST',
    path: '/api/v1/conduct-reports/:id/contact-requests/:requestId/approval',
    description:
      "A second handler approves another's request: the contact is then shown to the requester only.",
    params: contactRequestParamsSchema,
    response: conductReportDetailSchema,
    access: ['case_handler'],
  }),
  exportDocx: defineOperation({
    id: 'conductReports.exportDocx',
    method: 'GET',
    path: '/api/v1/conduct-reports/:id/docx',
    description:
      'The case as a .docx, every page watermarked with who exported it and when; audited.',
    params: conductReportParamsSchema,
    response: fileResponse,
    access: ['case_handler'],
  }),
  attachDecision: defineOperation({
    id: 'conductReports.attachDecision',
    method: 'POST',
    path: '/api/v1/conduct-reports/:id/decision-files',
    description:
      'The handler attaches the decision document (处理决定) on 处理 (multipart field "file"): checked like evidence, sealed, linked to the step\'s event; audited.',
    params: conductReportParamsSchema,
    upload: true,
    response: conductReportDetailSchema,
    status: 201,
    access: ['case_handler'],
  }),
  matchTeacher: defineOperation({
    id: 'conductReports.matchTeacher',
    method: 'POST',
    path: '/api/v1/conduct-reports/:id/teacher',
    description:
      "The handler matches the case to a teacher of the organization's roster, or clears it; audited.",
    params: conductReportParamsSchema,
    body: matchTeacherBodySchema,
    response: conductReportDetailSchema,
    access: ['case_handler'],
  }),
  searchRoster: defineOperation({
    id: 'conductReports.searchRoster',
    method: 'GET',
    path: '/api/v1/conduct-reports/roster',
    description:
      "The handler's search of the roster to match a case: name, work number and department only.",
    query: rosterSearchQuerySchema,
    response: rosterMatchSchema,
    access: ['case_handler'],
  }),
  file: defineOperation({
    id: 'conductReports.file',
    method: 'GET',
    path: '/api/v1/conduct-reports/:id/files/:fileId',
    description: 'A file of the case, as an attachment, sandboxed; audited as an export.',
    params: conductReportFileParamsSchema,
    response: fileResponse,
    access: ['case_handler'],
  }),
};
