import { compareChinese } from '../../../shared/collections';
import { inArray } from 'drizzle-orm';
import { composeMessage, type MessageFacts } from '../../../shared/notifications/messages';
import { messages } from '../notifications/notification.table';
import type { Locale } from '../../../shared/errors';
import { randomUUID } from 'node:crypto';
import { contactsFor } from '../../../shared/personal-data';
import type { z } from 'zod';
import type {
  contactBodySchema,
  LogEntry,
  logQuerySchema,
  NotificationsView,
  OverdueView,
  SettingsView,
  testSendBodySchema,
  updateSettingsBodySchema,
  updateThresholdsBodySchema,
} from '../../../shared/api/supervision';
import {
  DEFAULT_WARNING_THRESHOLDS,
  MAX_WARNING_DAYS,
  thresholdProblem,
  warningColour,
  worseColour,
  type WarningThresholds,
} from '../../../shared/supervision/escalation';
import { createEscalation } from './supervision.escalation';
import { listCoverageGaps } from '../activities/activity.service';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import {
  attemptKey,
  composeDepartmentReminder,
  composeDigest,
  composeGroupReminder,
  daysLate,
  describeSubject,
  isGroupChannel,
  maskSecret,
  planDeliveries,
  uniqueRecipients,
  weekStart,
  type Delivery,
  type Message,
  type OverdueSubject,
  type Recipient,
  type ReminderLevel,
} from '../../../shared/supervision/rules';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { SecretBox } from '../auth/secret-box';
import {
  findDepartmentInOrganization,
  listDepartments,
} from '../departments/department.repository';
import { findUserInOrganization } from '../users/user.repository';
import { loadChannels } from '../outbound/outbound.service';
import { postDingtalk, postWecom, type Mailer } from './channels';
import {
  claimAttempts,
  countUnread,
  findSettings,
  finishAttempts,
  hasAttempts,
  insertNotifications,
  listActiveUsers,
  listContacts,
  listLog,
  listNotifications,
  listSentAttempts,
  listSubmissionLiaisonEmails,
  markAllNotificationsRead,
  markNotificationRead,
  saveContactAtVersion,
  saveSettingsAtVersion,
} from './supervision.repository';
import type { OverdueSource } from './supervision.sources';
import type { SupervisionLogEntry } from './supervision.table';

type UpdateSettingsInput = z.output<typeof updateSettingsBodySchema>;
type ContactInput = z.output<typeof contactBodySchema>;
type LogQuery = z.output<typeof logQuerySchema>;
type TestSendInput = z.output<typeof testSendBodySchema>;
type ThresholdsInput = z.output<typeof updateThresholdsBodySchema>;

export const DEFAULT_ESCALATION_DAYS = 3;

interface Settings {
  /** The group robots: the security admin's (外呼地址, `outbound.service.ts`). */
  wecomWebhookUrl: string | null;
  dingtalkWebhookUrl: string | null;
  dingtalkSecret: string | null;
  /** Where the robots may reach beyond public addresses: the security admin's list and the deployment's. */
  allow: string[];
  escalationDays: number;
  thresholds: WarningThresholds;
  version: number;
}

/** Who sends: a person (manual reminder, test) or the system (the sweep). */
interface Sender {
  userId: string | null;
  name: string;
}

const SYSTEM: Sender = { userId: null, name: 'system' };

/** A row to take in the log for one message, with what it covers. */
interface Claim {
  subjectKey: string;
  subjectKind: string;
  departmentId: string | null;
  departmentName: string | null;
  planId: string | null;
  summary: string;
}

export interface SweepSummary {
  today: string;
  subjects: number;
  sent: number;
  failed: number;
}

export function createSupervisionService({
  db,
  clock,
  config,
  mailer,
  secrets,
  sources,
}: {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'publicUrl' | 'outboundAllow'>;
  mailer: Mailer | null;
  secrets: SecretBox;
  sources: OverdueSource[];
}) {
  const escalation = createEscalation({ db, clock });

  async function loadSettings(organizationId: string): Promise<Settings> {
    const [row, channels] = await Promise.all([
      findSettings(db, organizationId),
      loadChannels(db, secrets, organizationId),
    ]);
    const robots = {
      wecomWebhookUrl: channels.wecomWebhookUrl,
      dingtalkWebhookUrl: channels.dingtalkWebhookUrl,
      dingtalkSecret: channels.dingtalkSecret,
      allow: [...channels.allow, ...config.outboundAllow],
    };
    if (!row)
      return {
        ...robots,
        escalationDays: DEFAULT_ESCALATION_DAYS,
        thresholds: DEFAULT_WARNING_THRESHOLDS,
        version: 0,
      };
    return {
      ...robots,
      escalationDays: row.escalationDays,
      thresholds: { yellowDays: row.yellowDays, orangeDays: row.orangeDays, redDays: row.redDays },
      version: row.version,
    };
  }

  async function collect(organizationId: string, today: string): Promise<OverdueSubject[]> {
    const found = await Promise.all(
      sources.map((source) => source({ executor: db, organizationId, today })),
    );
    return found.flat();
  }

  /** Where reminders of a department go, at each level, and the group robots. */
  async function directory(organizationId: string, settings: Settings) {
    const [people, named, contacts] = await Promise.all([
      listActiveUsers(db, organizationId, ['liaison', 'coordinator']),
      listSubmissionLiaisonEmails(db, organizationId),
      listContacts(db, organizationId),
    ]);
    const contactOf = new Map(contacts.map((contact) => [contact.departmentId, contact]));
    const liaisons = (departmentId: string): Recipient[] => {
      const users = people.filter(
        (person) => person.role === 'liaison' && person.departmentId === departmentId,
      );
      return uniqueRecipients([
        ...users.map(
          (user): Recipient => ({
            channel: 'in_app',
            address: user.username,
            userId: user.id,
            name: user.displayName,
          }),
        ),
        ...(mailer
          ? [
              ...users
                .filter((user) => user.email)
                .map(
                  (user): Recipient => ({
                    channel: 'email',
                    address: user.email!,
                    userId: user.id,
                    name: user.displayName,
                  }),
                ),
              ...named
                .filter((row) => row.departmentId === departmentId && row.email)
                .map(
                  (row): Recipient => ({
                    channel: 'email',
                    address: row.email!,
                    name: row.name ?? '',
                  }),
                ),
            ]
          : []),
      ]);
    };
    const heads = (departmentId: string): Recipient[] => {
      const contact = contactOf.get(departmentId);
      return mailer && contact
        ? [{ channel: 'email', address: contact.headEmail, name: contact.headName }]
        : [];
    };
    const coordinators = people.filter((person) => person.role === 'coordinator');
    const groups: Recipient[] = [
      ...(settings.wecomWebhookUrl ? [{ channel: 'wecom' as const, address: 'group' }] : []),
      ...(settings.dingtalkWebhookUrl ? [{ channel: 'dingtalk' as const, address: 'group' }] : []),
    ];
    // Asked once per late subject (thousands in a sweep): each department's liaisons are found
    // once, not by filtering every user again for each of its subjects (a sweep over 2,000 late
    // subjects and 1,000 users held the event loop for 160–340 ms).
    const liaisonsOf = new Map<string, Recipient[]>();
    return {
      recipientsOf: (departmentId: string, level: 'liaison' | 'head') => {
        if (level === 'head') return heads(departmentId);
        let found = liaisonsOf.get(departmentId);
        if (!found) {
          found = liaisons(departmentId);
          liaisonsOf.set(departmentId, found);
        }
        return found;
      },
      coordinators: uniqueRecipients([
        ...coordinators.map(
          (user): Recipient => ({
            channel: 'in_app',
            address: user.username,
            userId: user.id,
            name: user.displayName,
          }),
        ),
        ...(mailer
          ? coordinators
              .filter((user) => user.email)
              .map(
                (user): Recipient => ({
                  channel: 'email',
                  address: user.email!,
                  userId: user.id,
                  name: user.displayName,
                }),
              )
          : []),
      ]),
      groups,
      headName: (departmentId: string) => contactOf.get(departmentId)?.headName ?? null,
      heads: new Map(contacts.map((contact) => [contact.departmentId, contact.headName])),
    };
  }

  /** Sends one message on its channel; throws what went wrong. */
  async function transmit(
    organizationId: string,
    settings: Settings,
    recipient: Recipient,
    message: Message,
    link: string,
  ): Promise<void> {
    switch (recipient.channel) {
      case 'in_app':
        await insertNotifications(db, [
          {
            organizationId,
            userId: recipient.userId!,
            title: message.title,
            body: message.text,
            link,
            createdAt: clock.now(),
          },
        ]);
        return;
      case 'email':
        if (!mailer) throw new Error('e-mail is not configured (LUOSHI_SMTP_URL)');
        await mailer.send({ to: recipient.address, subject: message.title, text: message.text });
        return;
      case 'wecom':
        if (!settings.wecomWebhookUrl) throw new Error('no WeCom robot is configured');
        await postWecom(settings.wecomWebhookUrl, message.markdown, settings.allow);
        return;
      case 'dingtalk':
        if (!settings.dingtalkWebhookUrl) throw new Error('no DingTalk robot is configured');
        await postDingtalk(
          settings.dingtalkWebhookUrl,
          settings.dingtalkSecret,
          message.title,
          message.markdown,
          clock.now(),
          settings.allow,
        );
    }
  }

  /**
   * One message: takes today's log rows for what it covers (rows already taken are dropped: they
   * were sent today, or are being sent by another process), sends what is left, records the outcome.
   */
  async function deliver(input: {
    organizationId: string;
    settings: Settings;
    sender: Sender;
    level: ReminderLevel;
    recipient: Recipient;
    claims: Claim[];
    compose(claimedKeys: Set<string>): Message;
    link: string;
  }): Promise<{ sent: number; failed: number; skipped: number; error: string | null }> {
    const now = clock.now();
    const day = calendarDate(now);
    const taken = await claimAttempts(
      db,
      input.claims.map((claim) => ({
        organizationId: input.organizationId,
        ...claim,
        level: input.level,
        channel: input.recipient.channel,
        recipient: input.recipient.address.toLowerCase(),
        status: 'sending' as const,
        day,
        actorUserId: input.sender.userId,
        actorName: input.sender.name,
        createdAt: now,
      })),
    );
    const skipped = input.claims.length - taken.length;
    if (taken.length === 0) return { sent: 0, failed: 0, skipped, error: null };
    const ids = taken.map((row) => row.id);
    try {
      await transmit(
        input.organizationId,
        input.settings,
        input.recipient,
        input.compose(new Set(taken.map((row) => row.subjectKey))),
        input.link,
      );
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      await finishAttempts(db, ids, { status: 'failed', error: reason, at: clock.now() });
      return { sent: 0, failed: taken.length, skipped, error: reason };
    }
    await finishAttempts(db, ids, { status: 'sent', error: null, at: clock.now() });
    return { sent: taken.length, failed: 0, skipped, error: null };
  }

  const claimOf = (subject: OverdueSubject, today: string): Claim => ({
    subjectKey: subject.key,
    subjectKind: subject.kind,
    departmentId: subject.departmentId,
    departmentName: subject.departmentName,
    planId: subject.planId,
    summary: `${subject.departmentName}：${describeSubject(subject, today)}`,
  });

  async function sendDeliveries(
    organizationId: string,
    settings: Settings,
    sender: Sender,
    deliveries: Delivery[],
    today: string,
    book: Awaited<ReturnType<typeof directory>>,
    progress?: (done: number) => Promise<void>,
  ) {
    const totals = { sent: 0, failed: 0, skipped: 0 };
    let done = 0;
    for (const delivery of deliveries) {
      const level = delivery.level as 'liaison' | 'head' | 'manual';
      const compose = (claimed: Set<string>) => {
        const subjects = delivery.subjects.filter((subject) => claimed.has(subject.key));
        return isGroupChannel(delivery.recipient.channel)
          ? composeGroupReminder({
              level,
              subjects,
              today,
              baseUrl: config.publicUrl,
              escalationDays: settings.escalationDays,
              heads: book.heads,
            })
          : composeDepartmentReminder({
              level,
              departmentName: subjects[0]!.departmentName,
              headName: delivery.departmentId ? book.headName(delivery.departmentId) : null,
              subjects,
              today,
              baseUrl: config.publicUrl,
              escalationDays: settings.escalationDays,
            });
      };
      const outcome = await deliver({
        organizationId,
        settings,
        sender,
        level: delivery.level,
        recipient: delivery.recipient,
        claims: delivery.subjects.map((subject) => claimOf(subject, today)),
        compose,
        link: delivery.subjects[0]?.link ?? '/',
      });
      totals.sent += outcome.sent;
      totals.failed += outcome.failed;
      totals.skipped += outcome.skipped;
      done += 1;
      await progress?.(done / deliveries.length);
    }
    return totals;
  }

  /** The weekly digest to the coordinating office; recipients already reached this week are skipped. */
  async function digest(organizationId: string): Promise<SweepSummary> {
    const today = calendarDate(clock.now());
    const week = weekStart(today);
    const settings = await loadSettings(organizationId);
    const [subjects, book] = await Promise.all([
      collect(organizationId, today),
      directory(organizationId, settings),
    ]);
    const subjectKey = `digest:${week}`;
    const sent = new Set(
      (await listSentAttempts(db, organizationId, [subjectKey])).map((row) =>
        attemptKey(row.subjectKey, row.level, { channel: row.channel, address: row.recipient }),
      ),
    );
    const message = composeDigest({ subjects, today, week, baseUrl: config.publicUrl });
    const totals = { sent: 0, failed: 0 };
    for (const recipient of [...book.coordinators, ...book.groups]) {
      if (sent.has(attemptKey(subjectKey, 'digest', recipient))) continue;
      const outcome = await deliver({
        organizationId,
        settings,
        sender: SYSTEM,
        level: 'digest',
        recipient,
        claims: [
          {
            subjectKey,
            subjectKind: 'digest',
            departmentId: null,
            departmentName: null,
            planId: null,
            summary: message.title,
          },
        ],
        compose: () => message,
        link: '/supervision',
      });
      totals.sent += outcome.sent;
      totals.failed += outcome.failed;
    }
    return { today, subjects: subjects.length, ...totals };
  }

  /**
   * The daily sweep: everything late, reminded at each level due to each recipient not yet
   * reached. Idempotent: a second run the same day (or on another process) sends nothing, and a
   * failed attempt is tried again on the next day's sweep.
   */
  async function sweep(
    organizationId: string,
    progress?: (percent: number) => Promise<void>,
  ): Promise<SweepSummary> {
    const today = calendarDate(clock.now());
    const settings = await loadSettings(organizationId);
    const [subjects, book] = await Promise.all([
      collect(organizationId, today),
      directory(organizationId, settings),
    ]);
    await progress?.(20);
    const alreadySent = new Set(
      (
        await listSentAttempts(
          db,
          organizationId,
          subjects.map((subject) => subject.key),
        )
      ).map((row) =>
        attemptKey(row.subjectKey, row.level, { channel: row.channel, address: row.recipient }),
      ),
    );
    const deliveries = planDeliveries({
      subjects,
      today,
      escalationDays: settings.escalationDays,
      recipientsOf: book.recipientsOf,
      groupRecipients: book.groups,
      alreadySent,
    });
    const totals = await sendDeliveries(
      organizationId,
      settings,
      SYSTEM,
      deliveries,
      today,
      book,
      async (share) => progress?.(20 + share * 70),
    );
    // 三色预警: what turned red since the last sweep goes to the department head and the leader.
    await escalation.escalateRed(organizationId, subjects, settings.thresholds, today);
    // This week's digest, if it went out, is retried here for whoever it did not reach.
    let digestTotals = { sent: 0, failed: 0 };
    if (await hasAttempts(db, organizationId, `digest:${weekStart(today)}`))
      digestTotals = await digest(organizationId);
    return {
      today,
      subjects: subjects.length,
      sent: totals.sent + digestTotals.sent,
      failed: totals.failed + digestTotals.failed,
    };
  }

  function settingsView(settings: Settings, contacts: SettingsView['contacts']): SettingsView {
    const secret = (value: string | null) => ({
      set: value !== null,
      masked: value === null ? null : maskSecret(value),
    });
    return {
      wecomWebhook: secret(settings.wecomWebhookUrl),
      dingtalkWebhook: secret(settings.dingtalkWebhookUrl),
      dingtalkSecret: secret(settings.dingtalkSecret),
      escalationDays: settings.escalationDays,
      thresholds: settings.thresholds,
      mailConfigured: mailer !== null,
      version: settings.version,
      contacts,
    };
  }

  async function getSettings(actor: Actor): Promise<SettingsView> {
    const [settings, departments, contacts] = await Promise.all([
      loadSettings(actor.organizationId),
      listDepartments(db, actor.organizationId),
      listContacts(db, actor.organizationId),
    ]);
    const contactOf = new Map(contacts.map((contact) => [contact.departmentId, contact]));
    return settingsView(
      settings,
      departments.map((department) => {
        const contact = contactOf.get(department.id);
        // Personal data: a head's e-mail as the caller's role may see it (shared/personal-data.ts).
        const { email: headEmail } = contactsFor(actor.role, 'departmentContact', {
          email: contact?.headEmail ?? null,
        });
        return {
          department: { id: department.id, name: department.name },
          headName: contact?.headName ?? null,
          headEmail,
          version: contact?.version ?? 0,
        };
      }),
    );
  }

  function toLogEntry(actor: Actor, row: SupervisionLogEntry): LogEntry {
    return {
      id: row.id,
      at: row.createdAt.toISOString(),
      day: row.day,
      actorName: row.actorName,
      subjectKey: row.subjectKey,
      subjectKind: row.subjectKind,
      department:
        row.departmentId && row.departmentName
          ? { id: row.departmentId, name: row.departmentName }
          : null,
      level: row.level,
      channel: row.channel,
      recipient:
        row.channel === 'email'
          ? contactsFor(actor.role, 'departmentContact', { email: row.recipient }).email
          : row.recipient,
      status: row.status,
      error: row.error,
      summary: row.summary,
    };
  }

  /** What a 催办 reads once, however many departments it reminds. */
  async function remindContext(actor: Actor) {
    const today = calendarDate(clock.now());
    const settings = await loadSettings(actor.organizationId);
    const [all, book] = await Promise.all([
      collect(actor.organizationId, today),
      directory(actor.organizationId, settings),
    ]);
    return { today, settings, all, book };
  }

  /** 催办 by hand of one department: its liaisons (and the group robots) about all its late work. */
  async function remindDepartment(
    actor: Actor,
    department: { id: string; name: string },
    { today, settings, all, book }: Awaited<ReturnType<typeof remindContext>>,
    /** false for 催办全部, which tells the group robots once about every department. */
    toGroups = true,
  ): Promise<{ subjects: number; sent: number; failed: number; skipped: number }> {
    const subjects = all.filter((subject) => subject.departmentId === department.id);
    if (subjects.length === 0)
      throw new AppError('supervision.nothing_late', { department: department.name });
    const recipients = book.recipientsOf(department.id, 'liaison');
    const groups = toGroups ? book.groups : [];
    // With group robots set up a department is reached through them, even when 催办全部 sends them one summary.
    if (recipients.length === 0 && book.groups.length === 0)
      throw new AppError('supervision.no_recipients', { department: department.name });
    const deliveries: Delivery[] = [
      ...recipients.map((recipient) => ({
        level: 'manual' as const,
        recipient,
        departmentId: department.id,
        subjects,
      })),
      ...groups.map((recipient) => ({
        level: 'manual' as const,
        recipient,
        departmentId: null,
        subjects,
      })),
    ];
    // One 催办 is one message per recipient, logged once (not once per late item); a second
    // click the same day reaches nobody already reminded.
    const claim: Claim = {
      subjectKey: `manual:${department.id}`,
      subjectKind: 'manual',
      departmentId: department.id,
      departmentName: department.name,
      planId: subjects[0]!.planId,
      summary: `${department.name}：${subjects.length} 项工作已逾期（最长 ${Math.max(...subjects.map((subject) => daysLate(subject.dueOn, today)))} 天）`,
    };
    const totals = { sent: 0, failed: 0, skipped: 0 };
    for (const delivery of deliveries) {
      const outcome = await deliver({
        organizationId: actor.organizationId,
        settings,
        sender: { userId: actor.userId, name: actor.username },
        level: 'manual',
        recipient: delivery.recipient,
        claims: [claim],
        compose: () =>
          isGroupChannel(delivery.recipient.channel)
            ? composeGroupReminder({
                level: 'manual',
                subjects,
                today,
                baseUrl: config.publicUrl,
                escalationDays: settings.escalationDays,
                heads: book.heads,
              })
            : composeDepartmentReminder({
                level: 'manual',
                departmentName: department.name,
                headName: book.headName(department.id),
                subjects,
                today,
                baseUrl: config.publicUrl,
                escalationDays: settings.escalationDays,
              }),
        link: '/',
      });
      totals.sent += outcome.sent;
      totals.failed += outcome.failed;
      totals.skipped += outcome.skipped;
    }
    await db.transaction((tx) =>
      recordAudit(tx, clock, actor, {
        action: 'supervision.remind',
        entityType: 'department',
        entityId: department.id,
        after: { subjects: subjects.map((subject) => subject.key), ...totals },
      }),
    );
    return { subjects: subjects.length, ...totals };
  }

  return {
    sweep,
    digest,

    /** 三色预警 thresholds, kept in the same settings row (and version) as the rest. */
    async updateThresholds(actor: Actor, input: ThresholdsInput): Promise<SettingsView> {
      const thresholds = {
        yellowDays: input.yellowDays,
        orangeDays: input.orangeDays,
        redDays: input.redDays,
      };
      const problem = thresholdProblem(thresholds);
      if (problem)
        throw new AppError(`supervision.thresholds_${problem}`, {
          ...thresholds,
          max: MAX_WARNING_DAYS,
        });
      const current = await loadSettings(actor.organizationId);
      await db.transaction(async (tx) => {
        const saved = await saveSettingsAtVersion(tx, actor.organizationId, input.version, {
          escalationDays: current.escalationDays,
          ...thresholds,
          updatedAt: clock.now(),
        });
        if (!saved)
          throw new AppError(
            'supervision.settings_conflict',
            { version: current.version },
            [],
            await getSettings(actor),
          );
        await recordAudit(tx, clock, actor, {
          action: 'supervision.thresholds.update',
          entityType: 'supervision_settings',
          entityId: actor.organizationId,
          before: current.thresholds,
          after: thresholds,
        });
      });
      return getSettings(actor);
    },

    /** Late work now, with its colour: for the notices. */
    async lateWork(organizationId: string) {
      const today = calendarDate(clock.now());
      const [subjects, settings] = await Promise.all([
        collect(organizationId, today),
        loadSettings(organizationId),
      ]);
      return subjects.map((subject) => {
        const late = daysLate(subject.dueOn, today);
        return { ...subject, daysLate: late, colour: warningColour(late, settings.thresholds) };
      });
    },

    async overdue(actor: Actor, locale: Locale = 'zh-CN'): Promise<OverdueView> {
      const today = calendarDate(clock.now());
      const [subjects, settings] = await Promise.all([
        collect(actor.organizationId, today),
        loadSettings(actor.organizationId),
      ]);
      const latest = new Map<string, { level: ReminderLevel; at: string }>();
      const manualKeys = [...new Set(subjects.map((subject) => `manual:${subject.departmentId}`))];
      for (const row of await listSentAttempts(db, actor.organizationId, [
        ...subjects.map((subject) => subject.key),
        ...manualKeys,
      ])) {
        if (!latest.has(row.subjectKey))
          latest.set(row.subjectKey, { level: row.level, at: row.at.toISOString() });
      }
      /** The later of a subject's own reminder and its department's last 催办. */
      const lastOf = (subject: OverdueSubject) => {
        const own = latest.get(subject.key) ?? null;
        const manual = latest.get(`manual:${subject.departmentId}`) ?? null;
        return !own ? manual : !manual ? own : own.at >= manual.at ? own : manual;
      };
      const byDepartment = new Map<string, OverdueView['departments'][number]>();
      for (const subject of subjects) {
        const entry = byDepartment.get(subject.departmentId) ?? {
          department: { id: subject.departmentId, name: subject.departmentName },
          maxDaysLate: 0,
          colour: null,
          subjects: [],
        };
        const late = daysLate(subject.dueOn, today);
        entry.subjects.push({
          key: subject.key,
          kind: subject.kind,
          planId: subject.planId,
          itemNo: subject.itemNo,
          itemText: subject.itemText,
          what: locale === 'en' ? subject.whatEn : subject.what,
          dueOn: subject.dueOn,
          daysLate: late,
          colour: warningColour(late, settings.thresholds),
          link: subject.link,
          lastReminder: lastOf(subject),
        });
        entry.maxDaysLate = Math.max(entry.maxDaysLate, late);
        entry.colour = worseColour(entry.colour, warningColour(late, settings.thresholds));
        byDepartment.set(subject.departmentId, entry);
      }
      const departments = [...byDepartment.values()]
        .map((entry) => ({
          ...entry,
          subjects: entry.subjects.sort((a, b) => b.daysLate - a.daysLate),
        }))
        .sort(
          (a, b) =>
            b.maxDaysLate - a.maxDaysLate || compareChinese(a.department.name, b.department.name),
        );
      const names = new Map(
        (await listDepartments(db, actor.organizationId)).map((row) => [row.id, row.name]),
      );
      const gaps = new Map<string | null, OverdueView['coverageGaps'][number]>();
      for (const gap of await listCoverageGaps(db, actor.organizationId, today, clock.now())) {
        const entry = gaps.get(gap.departmentId) ?? {
          department: {
            id: gap.departmentId,
            name: gap.departmentId
              ? (names.get(gap.departmentId) ?? '')
              : locale === 'en'
                ? 'No matching department'
                : '未匹配部门',
          },
          missing: 0,
          rules: [],
        };
        const missing = gap.required - gap.covered;
        entry.missing += missing;
        entry.rules.push({
          ruleId: gap.rule.id,
          name: gap.rule.name,
          itemNo: gap.rule.itemNo,
          required: gap.required,
          covered: gap.covered,
          missing,
          dueOn: gap.period.dueOn,
          link: `/activities?${new URLSearchParams({
            rule: gap.rule.id,
            ...(gap.departmentId ? { departmentId: gap.departmentId } : {}),
          }).toString()}`,
        });
        gaps.set(gap.departmentId, entry);
      }
      return {
        today,
        escalationDays: settings.escalationDays,
        thresholds: settings.thresholds,
        departments,
        coverageGaps: [...gaps.values()].sort(
          (a, b) => b.missing - a.missing || compareChinese(a.department.name, b.department.name),
        ),
      };
    },

    async log(actor: Actor, query: LogQuery): Promise<{ entries: LogEntry[] }> {
      return {
        entries: (await listLog(db, actor.organizationId, query)).map((row) =>
          toLogEntry(actor, row),
        ),
      };
    },

    getSettings,

    async updateSettings(actor: Actor, input: UpdateSettingsInput): Promise<SettingsView> {
      // The robots are the security admin's (外呼地址): the office may not point them anywhere.
      if (
        input.wecomWebhookUrl !== undefined ||
        input.dingtalkWebhookUrl !== undefined ||
        input.dingtalkSecret !== undefined
      )
        throw new AppError('supervision.channels_by_security_admin');
      const before = await loadSettings(actor.organizationId);
      const values = {
        escalationDays: input.escalationDays,
        ...before.thresholds,
        updatedAt: clock.now(),
      };
      await db.transaction(async (tx) => {
        const saved = await saveSettingsAtVersion(tx, actor.organizationId, input.version, values);
        if (!saved)
          throw new AppError(
            'supervision.settings_conflict',
            { version: before.version },
            [],
            await getSettings(actor),
          );
        const next: Settings = {
          ...before,
          escalationDays: saved.escalationDays,
          thresholds: before.thresholds,
          version: saved.version,
        };
        // Only masked values reach the audit log: it is read by people who must not see the secrets.
        await recordAudit(tx, clock, actor, {
          action: 'supervision.settings.update',
          entityType: 'supervision_settings',
          entityId: actor.organizationId,
          before: settingsView(before, []),
          after: settingsView(next, []),
        });
      });
      return getSettings(actor);
    },

    async saveContact(
      actor: Actor,
      departmentId: string,
      input: ContactInput,
    ): Promise<SettingsView> {
      await db.transaction(async (tx) => {
        const department = await findDepartmentInOrganization(
          tx,
          actor.organizationId,
          departmentId,
        );
        if (!department) throw new AppError('department.not_found');
        const saved = await saveContactAtVersion(tx, {
          organizationId: actor.organizationId,
          departmentId,
          version: input.version,
          headName: input.headName,
          headEmail: input.headEmail,
          now: clock.now(),
        });
        if (!saved) {
          const current = (await listContacts(tx, actor.organizationId)).find(
            (contact) => contact.departmentId === departmentId,
          );
          throw new AppError(
            'supervision.contact_conflict',
            { department: department.name },
            [],
            current ?? null,
          );
        }
        await recordAudit(tx, clock, actor, {
          action: 'supervision.contact.save',
          entityType: 'department_contact',
          entityId: saved.id,
          after: saved,
        });
      });
      return getSettings(actor);
    },

    /** A test message on one channel, recorded in the log like any reminder. */
    async testSend(
      actor: Actor,
      input: TestSendInput,
    ): Promise<{ ok: boolean; recipient: string; error: string | null }> {
      const settings = await loadSettings(actor.organizationId);
      let recipient: Recipient;
      if (input.channel === 'email') {
        if (!mailer) throw new AppError('supervision.mail_not_configured');
        const address =
          input.to ??
          (await findUserInOrganization(db, actor.organizationId, actor.userId))?.email ??
          null;
        if (!address) throw new AppError('supervision.test_address_missing');
        recipient = { channel: 'email', address };
      } else {
        const configured =
          input.channel === 'wecom' ? settings.wecomWebhookUrl : settings.dingtalkWebhookUrl;
        if (!configured)
          throw new AppError('supervision.channel_not_configured', {
            channel: input.channel === 'wecom' ? '企业微信' : '钉钉',
          });
        recipient = { channel: input.channel, address: 'group' };
      }
      const now = clock.now();
      const title = '【测试】落实督办消息';
      const text = `这是一条测试消息，由 ${actor.username} 于 ${calendarDate(now)} 从“督办”页面发送。收到即表示催办消息可以送达。`;
      const message: Message = { title, text, markdown: `### ${title}\n${text}` };
      const outcome = await deliver({
        organizationId: actor.organizationId,
        settings,
        sender: { userId: actor.userId, name: actor.username },
        level: 'test',
        recipient,
        claims: [
          {
            subjectKey: `test:${randomUUID()}`,
            subjectKind: 'test',
            departmentId: null,
            departmentName: null,
            planId: null,
            summary: title,
          },
        ],
        compose: () => message,
        link: '/supervision',
      });
      return { ok: outcome.sent > 0, recipient: recipient.address, error: outcome.error };
    },

    /** 催办 by hand: the department's liaisons (and the group robots) about all its late work, once a day. */
    async remind(
      actor: Actor,
      departmentId: string,
    ): Promise<{ subjects: number; sent: number; failed: number; skipped: number }> {
      const department = await findDepartmentInOrganization(db, actor.organizationId, departmentId);
      if (!department) throw new AppError('department.not_found');
      return remindDepartment(actor, department, await remindContext(actor));
    },

    /**
     * 催办全部: every department with late work reminded as by its own 催办 (one message per
     * recipient about all its late work, not one per item); each department is answered alone.
     */
    async remindAll(actor: Actor): Promise<{
      told: number;
      groupMessages: number;
      departments: {
        department: { id: string; name: string };
        subjects: number;
        sent: number;
        failed: number;
        skipped: number;
        refusal: AppError | null;
      }[];
    }> {
      const context = await remindContext(actor);
      const late = new Map<string, { id: string; name: string }>();
      for (const subject of context.all)
        late.set(subject.departmentId, { id: subject.departmentId, name: subject.departmentName });
      if (late.size === 0) throw new AppError('supervision.nothing_late_anywhere');
      const departments = [];
      for (const department of [...late.values()].sort((a, b) => compareChinese(a.name, b.name))) {
        try {
          const totals = await remindDepartment(actor, department, context, false);
          departments.push({ department, ...totals, refusal: null });
        } catch (caught) {
          if (!(caught instanceof AppError)) throw caught;
          departments.push({
            department,
            subjects: context.all.filter((subject) => subject.departmentId === department.id)
              .length,
            sent: 0,
            failed: 0,
            skipped: 0,
            refusal: caught,
          });
        }
      }
      // The group robots get one message about every late department, not one per department.
      const groupTotals = { sent: 0, failed: 0, skipped: 0 };
      for (const recipient of context.book.groups) {
        const outcome = await deliver({
          organizationId: actor.organizationId,
          settings: context.settings,
          sender: { userId: actor.userId, name: actor.username },
          level: 'manual',
          recipient,
          claims: [
            {
              subjectKey: 'manual:all',
              subjectKind: 'manual',
              departmentId: null,
              departmentName: null,
              planId: context.all[0]!.planId,
              summary: `催办全部：${late.size} 个部门 ${context.all.length} 项工作已逾期`,
            },
          ],
          compose: () =>
            composeGroupReminder({
              level: 'manual',
              subjects: context.all,
              today: context.today,
              baseUrl: config.publicUrl,
              escalationDays: context.settings.escalationDays,
              heads: context.book.heads,
            }),
          link: '/',
        });
        groupTotals.sent += outcome.sent;
        groupTotals.failed += outcome.failed;
        groupTotals.skipped += outcome.skipped;
      }
      return {
        told: departments.filter((entry) => entry.sent > 0).length,
        groupMessages: groupTotals.sent,
        departments,
      };
    },

    async notifications(
      actor: Actor,
      limit: number,
      locale: Locale = 'zh-CN',
    ): Promise<NotificationsView> {
      const [items, unread] = await Promise.all([
        listNotifications(db, actor.userId, limit),
        countUnread(db, actor.userId),
      ]);
      // A handover message's bell entry is worded again in English from the message's facts.
      const factsOf = new Map<string, MessageFacts>();
      if (locale === 'en' && items.length > 0)
        for (const row of await db
          .select({ notificationId: messages.notificationId, facts: messages.facts })
          .from(messages)
          .where(
            inArray(
              messages.notificationId,
              items.map((item) => item.id),
            ),
          ))
          if (row.notificationId && row.facts) factsOf.set(row.notificationId, row.facts);
      return {
        unread,
        items: items.map((item) => {
          const facts = factsOf.get(item.id);
          const english = facts ? composeMessage(facts, 'en') : null;
          return {
            id: item.id,
            title: english?.title ?? item.title,
            body: english?.body ?? item.body,
            link: item.link,
            createdAt: item.createdAt.toISOString(),
            readAt: item.readAt?.toISOString() ?? null,
          };
        }),
      };
    },

    async markRead(actor: Actor, id: string): Promise<void> {
      if (!(await markNotificationRead(db, actor.userId, id, clock.now())))
        throw new AppError('notification.not_found');
    },

    async markAllRead(actor: Actor): Promise<void> {
      await markAllNotificationsRead(db, actor.userId, clock.now());
    },
  };
}

export type SupervisionService = ReturnType<typeof createSupervisionService>;
