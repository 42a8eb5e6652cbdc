import { randomBytes, randomInt } from 'node:crypto';
import { sha256 } from '../../io/sha256';
import type {
  ConductReportDetail,
  ConductReportFigures,
  ConductReportFollow,
  ReportAttachment,
  SubmitConductReportBody,
} from '../../../shared/api/conduct-reports';
import {
  handledOnTime,
  nextStates,
  stageDeadline,
  transition,
  type CaseOutcome,
  type CaseState,
  type StageStay,
} from '../../../shared/conduct-reports/case-states';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database, Executor } from '../../db/client';
import { detectEvidenceType, sanitizeFileName } from '../../io/evidence-type';
import { defaultZipLimits } from '../../io/zip-guard';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { createSecretBox, type SecretBox } from '../auth/secret-box';
import { findOrganization, listOrganizations } from '../organizations/organization.repository';
import { translate } from '../../../shared/i18n/messages';
import { formatDateTime, zonedDate } from '../../../shared/time-format';
import { writeDocument } from '../../io/document-writer-pool';
import { queueMessages } from '../notifications/notification.outbox';
import {
  approveContactRequest,
  listLateReports,
  beijingYearBounds,
  countReportsByYear,
  insertContactRequest,
  listContactRequests,
  findFile,
  findRosterTeacher,
  searchRoster,
  findOrganizationKey,
  findReport,
  findReportByReceiptHash,
  insertEvent,
  insertFile,
  insertOrganizationKey,
  insertReport,
  listEvents,
  listFiles,
  listReports,
  updateReport,
} from './conduct-report.repository';
import type { ConductReport, ConductReportEvent } from './conduct-report.table';

/** What a report holds, sealed as one document. */
interface SealedContent {
  teacher: string;
  what: string;
  when: string;
  contact: string;
}

const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;

/** 20 characters from 31 (about 99 bits), in groups of four: 7KQ2-…. */
function newReceipt(): string {
  const chars = Array.from(
    { length: 20 },
    () => RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)],
  );
  return chars.join('').replace(/(.{4})(?=.)/g, '$1-');
}

/** The receipt as typed (any case, spaces, dashes, O for 0…) → the hash kept. */
export function receiptHash(receipt: string): string {
  const normalized = receipt.toUpperCase().replace(/[\s-]/g, '');
  return sha256(`conduct-report-receipt:${normalized}`);
}

/** The reporter in the audit log: nobody, from nowhere (no address or user agent is kept). */
function reporterActor(organizationId: string): Actor {
  return {
    userId: '00000000-0000-0000-0000-000000000000',
    organizationId,
    username: '匿名举报人',
    role: 'case_handler',
    departmentId: null,
    ip: null,
    userAgent: null,
  };
}

/** The states as the office names them, for reminders (zh-CN, like every message). */
const stateNames: Record<CaseState, string> = {
  received: '受理',
  investigating: '核查',
  determined: '认定',
  handling: '处理',
  notified: '通报',
  clarified: '澄清',
  closed: '结案',
};

export function createConductReportService({
  db,
  clock,
  config,
}: {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'secretKey' | 'dataDir'>;
}) {
  const serverBox = createSecretBox(config);

  /** The organization's own box: its key made on first use, sealed by the server's secret. */
  async function organizationBox(executor: Executor, organizationId: string): Promise<SecretBox> {
    const boundTo = `conduct-report-key:${organizationId}`;
    let row = await findOrganizationKey(executor, organizationId);
    if (!row) {
      await insertOrganizationKey(executor, {
        organizationId,
        sealedKey: await serverBox.seal(randomBytes(32).toString('hex'), boundTo),
        createdAt: clock.now(),
      });
      row = await findOrganizationKey(executor, organizationId);
    }
    const key = await serverBox.open(row!.sealedKey, boundTo);
    return createSecretBox({ secretKey: key, dataDir: '' });
  }

  /** One file checked like evidence (size, type by content) and its name made safe. */
  async function checkedFile(bytes: Buffer, fileName: string) {
    if (bytes.length === 0 || bytes.length > ATTACHMENT_MAX_BYTES)
      throw new AppError('conductReport.bad_attachment', { fileName });
    const type = await detectEvidenceType(bytes, fileName, defaultZipLimits);
    return { bytes, type, fileName: sanitizeFileName(fileName, type) };
  }

  async function checkedAttachments(attachments: ReportAttachment[] = []) {
    const checked = [];
    for (const attachment of attachments)
      checked.push(
        await checkedFile(Buffer.from(attachment.contentBase64, 'base64'), attachment.fileName),
      );
    return checked;
  }

  async function saveAttachments(
    executor: Executor,
    box: SecretBox,
    report: ConductReport,
    eventId: string | null,
    files: Awaited<ReturnType<typeof checkedAttachments>>,
    /** The handler uploading them; null for the reporter, who is nobody. */
    uploadedBy: string | null,
  ) {
    for (const file of files) {
      const bound = `conduct-report-file:${report.id}`;
      await insertFile(executor, {
        organizationId: report.organizationId,
        reportId: report.id,
        eventId,
        uploadedBy,
        mediaType: file.type.mediaType,
        sizeBytes: file.bytes.length,
        sealedName: await box.seal(file.fileName, bound),
        sealedBytes: await box.seal(file.bytes.toString('base64'), bound),
        at: clock.now(),
      });
    }
  }

  async function byReceipt(executor: Executor, receipt: string) {
    const report = await findReportByReceiptHash(executor, receiptHash(receipt));
    if (!report) throw new AppError('conductReport.unknown_receipt');
    return report;
  }

  const textOf = async (box: SecretBox, event: ConductReportEvent) =>
    event.sealedText ? box.open(event.sealedText, `conduct-report-event:${event.reportId}`) : null;

  async function followView(
    executor: Executor,
    report: ConductReport,
  ): Promise<ConductReportFollow> {
    const box = await organizationBox(executor, report.organizationId);
    const events = await listEvents(executor, report.id);
    const messages = [];
    for (const event of events) {
      if (event.kind === 'transition') continue;
      messages.push({
        from: event.kind === 'reporter_message' ? ('reporter' as const) : ('handler' as const),
        text: (await textOf(box, event)) ?? '',
        at: event.at.toISOString(),
      });
    }
    return {
      state: report.state,
      outcome: report.outcome,
      receivedAt: report.receivedAt.toISOString(),
      closedAt: report.closedAt?.toISOString() ?? null,
      messages,
    };
  }

  function summary(report: ConductReport) {
    const now = clock.now();
    return {
      id: report.id,
      state: report.state,
      outcome: report.outcome,
      receivedAt: report.receivedAt.toISOString(),
      stageDueAt: report.stageDueAt?.toISOString() ?? null,
      late: report.stageDueAt !== null && report.stageDueAt.getTime() < now.getTime(),
      closedAt: report.closedAt?.toISOString() ?? null,
      handledOnTime: report.handledOnTime,
      version: report.version,
    };
  }

  async function detail(
    executor: Executor,
    actor: Actor,
    report: ConductReport,
  ): Promise<ConductReportDetail> {
    const box = await organizationBox(executor, report.organizationId);
    const content = JSON.parse(
      await box.open(report.sealedContent, `conduct-report:${report.id}`),
    ) as SealedContent;
    const events = await listEvents(executor, report.id);
    const history = [];
    for (const event of events)
      history.push({
        kind: event.kind,
        fromState: event.fromState,
        toState: event.toState,
        outcome: event.outcome,
        text: await textOf(box, event),
        actorName: event.actorName,
        dueAt: event.dueAt?.toISOString() ?? null,
        at: event.at.toISOString(),
      });
    const files = [];
    for (const { file, uploaderName } of await listFiles(executor, report.id)) {
      const event = events.find((candidate) => candidate.id === file.eventId);
      files.push({
        id: file.id,
        fileName: await box.open(file.sealedName, `conduct-report-file:${report.id}`),
        mediaType: file.mediaType,
        sizeBytes: file.sizeBytes,
        // The uploader as recorded since migration 0020. A file written before it has no
        // uploader: it is shown as added by the actor of its step's event (who moved the case
        // there), the only record there was. The reporter's files have neither: null.
        addedBy: file.uploadedBy ? uploaderName : (event?.actorName ?? null),
        step: event?.kind === 'transition' ? event.toState : null,
      });
    }
    const requests = await listContactRequests(executor, report.id);
    // The custodian rule: the contact only to a handler whose request another handler approved.
    const mayReadContact = requests.some(
      (request) => request.requestedBy === actor.userId && request.approvedAt !== null,
    );
    return {
      ...summary(report),
      ...content,
      contact: mayReadContact ? content.contact : '',
      hasContact: content.contact !== '',
      contactRequests: await Promise.all(
        requests.map(async (request) => ({
          id: request.id,
          requesterName: request.requesterName,
          reason: await box.open(request.sealedReason, `conduct-report-contact:${report.id}`),
          requestedAt: request.requestedAt.toISOString(),
          approverName: request.approverName,
          approvedAt: request.approvedAt?.toISOString() ?? null,
          mine: request.requestedBy === actor.userId,
        })),
      ),
      matchedTeacher: report.teacherId
        ? await findRosterTeacher(executor, report.organizationId, report.teacherId)
        : null,
      nextStates: nextStates(report.state, report.outcome),
      history,
      files,
    };
  }

  async function caseOf(executor: Executor, actor: Actor, id: string) {
    // The permission table lets only case handlers here; this keeps it so if the table is widened by mistake.
    if (actor.role !== 'case_handler') throw new AppError('auth.forbidden');
    const report = await findReport(executor, actor.organizationId, id);
    if (!report) throw new AppError('conductReport.not_found');
    return report;
  }

  return {
    /** The institutions a reporter may address: names only (the sign-in page names them too). */
    async institutions() {
      return (await listOrganizations(db))
        .filter((organization) => organization.kind === 'institution')
        .map((organization) => ({ id: organization.id, name: organization.name }));
    },

    /** A public submission: sealed, a receipt answered once, nothing of the caller kept. */
    async submit(organizationId: string, body: SubmitConductReportBody) {
      const organization = await findOrganization(db, organizationId);
      if (!organization || organization.kind !== 'institution')
        throw new AppError('conductReport.unknown_organization');
      const files = await checkedAttachments(body.attachments);
      const receipt = newReceipt();
      return db.transaction(async (tx) => {
        const now = clock.now();
        const box = await organizationBox(tx, organizationId);
        const id = crypto.randomUUID();
        const content: SealedContent = {
          teacher: body.teacher,
          what: body.what,
          when: body.when,
          contact: body.contact,
        };
        const report = await insertReport(tx, {
          id,
          organizationId,
          receiptHash: receiptHash(receipt),
          sealedContent: await box.seal(JSON.stringify(content), `conduct-report:${id}`),
          state: 'received',
          stageEnteredAt: now,
          stageDueAt: stageDeadline('received', now),
          receivedAt: now,
          updatedAt: now,
        });
        await insertEvent(tx, {
          organizationId,
          reportId: id,
          kind: 'transition',
          fromState: null,
          toState: 'received',
          actorName: null,
          at: now,
        });
        await saveAttachments(tx, box, report, null, files, null);
        await recordAudit(tx, clock, reporterActor(organizationId), {
          action: 'conductReport.submit',
          entityType: 'conduct_report',
          entityId: id,
          after: { state: 'received', attachments: files.length },
        });
        return { receipt, receivedAt: now.toISOString() };
      });
    },

    async follow(receipt: string) {
      return followView(db, await byReceipt(db, receipt));
    },

    async addInformation(
      receipt: string,
      body: { text: string; attachments?: ReportAttachment[] | undefined },
    ): Promise<ConductReportFollow> {
      const files = await checkedAttachments(body.attachments);
      return db.transaction(async (tx) => {
        const report = await byReceipt(tx, receipt);
        if (report.state === 'closed') throw new AppError('conductReport.closed');
        const box = await organizationBox(tx, report.organizationId);
        const event = await insertEvent(tx, {
          organizationId: report.organizationId,
          reportId: report.id,
          kind: 'reporter_message',
          sealedText: await box.seal(body.text, `conduct-report-event:${report.id}`),
          at: clock.now(),
        });
        await saveAttachments(tx, box, report, event.id, files, null);
        await recordAudit(tx, clock, reporterActor(report.organizationId), {
          action: 'conductReport.addInformation',
          entityType: 'conduct_report',
          entityId: report.id,
          after: { attachments: files.length },
        });
        return followView(tx, report);
      });
    },

    async list(actor: Actor) {
      if (actor.role !== 'case_handler') throw new AppError('auth.forbidden');
      return (await listReports(db, actor.organizationId)).map(summary);
    },

    /** One case with its content: every read is audited (who, when; never what). */
    async get(actor: Actor, id: string) {
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.read',
          entityType: 'conduct_report',
          entityId: id,
        });
        return detail(tx, actor, report);
      });
    },

    async transition(
      actor: Actor,
      id: string,
      body: { to: CaseState; outcome?: CaseOutcome | undefined; note: string; version: number },
    ) {
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        if (report.version !== body.version)
          throw new AppError('conductReport.version_conflict', { version: report.version });
        const result = transition(report.state, report.outcome, body.to, body.outcome ?? null);
        if (!result.ok) {
          if (result.refusal === 'not_allowed')
            throw new AppError('conductReport.transition_refused', {
              state: report.state,
              to: body.to,
            });
          throw new AppError(`conductReport.${result.refusal}`, {
            outcome: report.outcome ?? '',
            to: body.to,
          });
        }
        const now = clock.now();
        const box = await organizationBox(tx, report.organizationId);
        await insertEvent(tx, {
          organizationId: report.organizationId,
          reportId: id,
          kind: 'transition',
          fromState: report.state,
          toState: result.state,
          outcome: body.to === 'determined' ? result.outcome : null,
          sealedText: body.note ? await box.seal(body.note, `conduct-report-event:${id}`) : null,
          actorUserId: actor.userId,
          actorName: actor.username,
          dueAt: report.stageDueAt,
          at: now,
        });
        let onTime: boolean | null = null;
        if (result.state === 'closed') {
          const transitions = (await listEvents(tx, id)).filter(
            (event) => event.kind === 'transition' && event.toState,
          );
          const stays: StageStay[] = transitions.map((event, index) => ({
            state: event.toState!,
            enteredAt: event.at,
            leftAt: transitions[index + 1]?.at ?? null,
          }));
          onTime = handledOnTime(stays, now);
        }
        const updated = await updateReport(tx, id, report.version, {
          state: result.state,
          outcome: result.outcome,
          stageEnteredAt: now,
          stageDueAt: stageDeadline(result.state, now),
          closedAt: result.state === 'closed' ? now : null,
          handledOnTime: onTime,
          updatedAt: now,
        });
        if (!updated)
          throw new AppError('conductReport.version_conflict', { version: report.version + 1 });
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.transition',
          entityType: 'conduct_report',
          entityId: id,
          before: { state: report.state, outcome: report.outcome },
          after: { state: result.state, outcome: result.outcome, onTime },
        });
        return detail(tx, actor, updated);
      });
    },

    /** An answer to the reporter, shown with their receipt. */
    async answer(actor: Actor, id: string, text: string) {
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        if (report.state === 'closed') throw new AppError('conductReport.closed');
        const box = await organizationBox(tx, report.organizationId);
        await insertEvent(tx, {
          organizationId: report.organizationId,
          reportId: id,
          kind: 'handler_answer',
          sealedText: await box.seal(text, `conduct-report-event:${id}`),
          actorUserId: actor.userId,
          actorName: actor.username,
          at: clock.now(),
        });
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.answer',
          entityType: 'conduct_report',
          entityId: id,
        });
        return detail(tx, actor, report);
      });
    },

    /** The case as a .docx, watermarked on every page with the exporter and the time (institution's zone). */
    async exportDocx(actor: Actor, id: string): Promise<Buffer> {
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        const view = await detail(tx, actor, report);
        const zone =
          (await findOrganization(tx, report.organizationId))?.timeZone ?? 'Asia/Shanghai';
        const outcomeNames = { founded: '属实', partly: '部分属实', unfounded: '不属实' } as const;
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.export',
          entityType: 'conduct_report',
          entityId: id,
        });
        return writeDocument('conductCaseDocx', {
          title: '师德师风监督举报案件',
          watermark: `导出人 ${actor.username}  时间 ${formatDateTime(clock.now(), zone)}（${zone}）`,
          fields: [
            { label: '环节', value: stateNames[view.state] },
            { label: '认定结果', value: view.outcome ? outcomeNames[view.outcome] : '' },
            { label: '收到时间', value: formatDateTime(view.receivedAt, zone) },
            { label: '被举报教师', value: view.teacher },
            // The roster teacher the handler matched, beside the reporter's own words; no line when none.
            ...(view.matchedTeacher
              ? [
                  {
                    label: translate('zh-CN', 'conductCase.exportMatchedTeacher'),
                    value: [
                      view.matchedTeacher.name,
                      translate('zh-CN', 'conductCase.exportWorkNo', {
                        workNo: view.matchedTeacher.workNo,
                      }),
                      view.matchedTeacher.departmentName,
                    ]
                      .filter(Boolean)
                      .join('　'),
                  },
                ]
              : []),
            { label: '事情经过', value: view.what },
            { label: '发生时间', value: view.when },
            // The custodian rule holds in the export too: the contact only when approved for the exporter.
            {
              label: '联系方式',
              value: view.contact || (view.hasContact ? '（已封存）' : '（匿名）'),
            },
            {
              label: '附件',
              value: view.files
                .map((file) =>
                  file.step
                    ? `${file.fileName}（${translate('zh-CN', 'conductCase.fileAdded', {
                        name: file.addedBy ?? '',
                        step: stateNames[file.step],
                      })}）`
                    : file.fileName,
                )
                .join('；'),
            },
          ],
          history: view.history.map((event) =>
            [
              formatDateTime(event.at, zone),
              event.toState
                ? stateNames[event.toState]
                : event.kind === 'reporter_message'
                  ? '举报人补充'
                  : '受理人提问或回复',
              event.outcome ? outcomeNames[event.outcome] : '',
              event.actorName ?? '',
              event.text ?? '',
            ]
              .filter(Boolean)
              .join('  '),
          ),
        });
      });
    },

    /** The custodian rule, step 1: a handler asks to see the reporter's contact, with a reason. */
    async requestContact(actor: Actor, id: string, reason: string) {
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        const box = await organizationBox(tx, report.organizationId);
        const content = JSON.parse(
          await box.open(report.sealedContent, `conduct-report:${report.id}`),
        ) as SealedContent;
        if (!content.contact) throw new AppError('conductReport.no_contact');
        const mine = (await listContactRequests(tx, id)).filter(
          (request) => request.requestedBy === actor.userId,
        );
        if (mine.length > 0) throw new AppError('conductReport.contact_request_pending');
        const request = await insertContactRequest(tx, {
          organizationId: report.organizationId,
          reportId: id,
          requestedBy: actor.userId,
          requesterName: actor.username,
          sealedReason: await box.seal(reason, `conduct-report-contact:${id}`),
          requestedAt: clock.now(),
        });
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.requestContact',
          entityType: 'conduct_report',
          entityId: id,
          after: { requestId: request.id },
        });
        return detail(tx, actor, report);
      });
    },

    /** The custodian rule, step 2: another handler approves; the contact is shown to the requester. */
    async approveContact(actor: Actor, id: string, requestId: string) {
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        const request = (await listContactRequests(tx, id)).find(
          (candidate) => candidate.id === requestId && candidate.approvedAt === null,
        );
        if (!request) throw new AppError('conductReport.contact_request_not_found');
        if (request.requestedBy === actor.userId)
          throw new AppError('conductReport.contact_self_approval');
        const approved = await approveContactRequest(tx, report.organizationId, requestId, {
          approvedBy: actor.userId,
          approverName: actor.username,
          approvedAt: clock.now(),
        });
        if (!approved) throw new AppError('conductReport.contact_request_not_found');
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.approveContact',
          entityType: 'conduct_report',
          entityId: id,
          after: { requestId, requestedBy: request.requestedBy },
        });
        return detail(tx, actor, report);
      });
    },

    /** Match the case to a roster teacher of the same organization, or clear it; audited. */
    async matchTeacher(
      actor: Actor,
      id: string,
      body: { teacherId: string | null; version: number },
    ) {
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        if (report.version !== body.version)
          throw new AppError('conductReport.version_conflict', { version: report.version });
        if (body.teacherId && !(await findRosterTeacher(tx, report.organizationId, body.teacherId)))
          throw new AppError('conductReport.teacher_not_found');
        const updated = await updateReport(tx, id, report.version, {
          teacherId: body.teacherId,
          updatedAt: clock.now(),
        });
        if (!updated)
          throw new AppError('conductReport.version_conflict', { version: report.version + 1 });
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.matchTeacher',
          entityType: 'conduct_report',
          entityId: id,
          before: { teacherId: report.teacherId },
          after: { teacherId: body.teacherId },
        });
        return detail(tx, actor, updated);
      });
    },

    /** The roster as the handler searches it to match a case: name, work number, department. */
    async searchRoster(actor: Actor, q: string) {
      if (actor.role !== 'case_handler') throw new AppError('auth.forbidden');
      return searchRoster(db, actor.organizationId, q);
    },

    /**
     * The decision document (处理决定) on 处理: checked and sealed like the reporter's files,
     * linked to the event that moved the case into 处理; audited like the other steps.
     */
    async attachDecision(actor: Actor, id: string, upload: { fileName: string; bytes: Buffer }) {
      const checked = await checkedFile(upload.bytes, upload.fileName);
      return db.transaction(async (tx) => {
        const report = await caseOf(tx, actor, id);
        if (report.state !== 'handling')
          throw new AppError('conductReport.transition_refused', {
            state: report.state,
            to: 'handling',
          });
        const step = (await listEvents(tx, id))
          .filter((event) => event.kind === 'transition' && event.toState === 'handling')
          .at(-1);
        const box = await organizationBox(tx, report.organizationId);
        await saveAttachments(tx, box, report, step?.id ?? null, [checked], actor.userId);
        await recordAudit(tx, clock, actor, {
          action: 'conductReport.attachDecision',
          entityType: 'conduct_report',
          entityId: id,
          after: {
            state: report.state,
            mediaType: checked.type.mediaType,
            sizeBytes: checked.bytes.length,
          },
        });
        return detail(tx, actor, report);
      });
    },

    /** A file of a case, opened; the download is audited as an export by the audit hook. */
    async file(actor: Actor, id: string, fileId: string) {
      const report = await caseOf(db, actor, id);
      const file = await findFile(db, report.id, fileId);
      if (!file) throw new AppError('conductReport.not_found');
      const box = await organizationBox(db, report.organizationId);
      const bound = `conduct-report-file:${report.id}`;
      return {
        fileName: await box.open(file.sealedName, bound),
        mediaType: file.mediaType,
        bytes: Buffer.from(await box.open(file.sealedBytes, bound), 'base64'),
      };
    },

    /**
     * Reminds the case handlers of each case past its state's deadline: one message per case per
     * state deadline (the event key names the stay), however often the sweep runs. Never content.
     */
    async remindLate(organizationId: string): Promise<number> {
      const now = clock.now();
      let queued = 0;
      const late = (await listLateReports(db, now)).filter(
        (report) => report.organizationId === organizationId,
      );
      for (const report of late) {
        const zone =
          (await findOrganization(db, report.organizationId))?.timeZone ?? 'Asia/Shanghai';
        queued += await db.transaction((tx) =>
          queueMessages(tx, clock, {
            organizationId: report.organizationId,
            kind: 'conduct_case.late',
            eventKey: `${report.id}:${report.state}:${report.stageEnteredAt.toISOString()}`,
            to: { role: 'case_handler' },
            facts: {
              // The state, named in each reader's language when the message is composed.
              subject: report.state,
              dueOn: report.stageDueAt ? zonedDate(report.stageDueAt, zone) : null,
              recordId: report.id,
            },
          }),
        );
      }
      return queued;
    },

    /** Item 26's figures for a year (by the Beijing calendar, UTC+8): counts only. */
    async figures(actor: Actor, year: number): Promise<ConductReportFigures> {
      const { start, end } = beijingYearBounds(year);
      const counts = await countReportsByYear(db, actor.organizationId, start, end);
      return {
        year,
        received: counts.received,
        closed: counts.closed,
        handledOnTime: counts.handledOnTime,
        open: counts.received - counts.closed,
        byOutcome: { founded: counts.founded, partly: counts.partly, unfounded: counts.unfounded },
        notified: counts.notified,
        clarified: counts.clarified,
      };
    },
  };
}

export type ConductReportService = ReturnType<typeof createConductReportService>;
