import { and, eq, isNotNull } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  MessageList,
  NotificationSettingsView,
  PreferencesView,
  updateNotificationSettingsBodySchema,
  updatePreferencesBodySchema,
} from '../../../shared/api/notifications';
import { calendarDate } from '../../../shared/dates';
import { AppError, type Locale } from '../../../shared/errors';
import {
  absoluteLink,
  channelsFor,
  composeMessage,
  DEFAULT_CHANNELS,
  DEFAULT_DUE_SOON_DAYS,
  REVIEW_DAYS,
  type MessageChannel,
  type MessageKind,
} from '../../../shared/notifications/messages';
import { addDays, maskSecret, type OverdueSubject } from '../../../shared/supervision/rules';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { SecretBox } from '../auth/secret-box';
import {
  coverageReminderPeriod,
  type CoverageFrequency,
} from '../../../shared/activities/coverage';
import { listCoverageGaps } from '../activities/activity.service';
import { qualityReports, reportReviews } from '../reports/report.table';
import type { Mailer } from '../supervision/channels';
import type { OverdueSource } from '../supervision/supervision.sources';
import { findUserInOrganization } from '../users/user.repository';
import { users } from '../users/user.table';
import {
  createTokenCache,
  sendDingtalkAppMessage,
  sendWecomAppMessage,
} from './notification.channels';
import { queueMessages } from './notification.outbox';
import {
  findMessage,
  findPreferences,
  findSettingsRow,
  finishDelivery,
  insertInAppEntry,
  listDeliveries,
  listMessagesOf,
  savePreferences,
  saveSettingsRow,
  takeDelivery,
} from './notification.repository';

type SettingsInput = z.output<typeof updateNotificationSettingsBodySchema>;
type PreferencesInput = z.output<typeof updatePreferencesBodySchema>;

interface Settings {
  defaultChannels: MessageChannel[];
  dueSoonDays: number;
  wecomCorpId: string | null;
  wecomAgentId: string | null;
  wecomSecret: string | null;
  dingtalkAppKey: string | null;
  dingtalkAgentId: string | null;
  dingtalkAppSecret: string | null;
  version: number;
}

/** Late-work sources the daily messages look at, as of a chosen day. */
export interface DueSources {
  measures: OverdueSource;
  periodReports: OverdueSource;
}

export function createNotificationService({
  db,
  clock,
  config,
  mailer,
  secrets,
  sources,
}: {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'publicUrl' | 'wecomApiBase' | 'dingtalkApiBase'>;
  mailer: Mailer | null;
  secrets: SecretBox;
  sources: DueSources;
}) {
  const tokens = createTokenCache(clock);
  const boundTo = (organizationId: string, field: string) =>
    `notifications:${organizationId}:${field}`;

  async function loadSettings(organizationId: string): Promise<Settings> {
    const row = await findSettingsRow(db, organizationId);
    if (!row)
      return {
        defaultChannels: [...DEFAULT_CHANNELS],
        dueSoonDays: DEFAULT_DUE_SOON_DAYS,
        wecomCorpId: null,
        wecomAgentId: null,
        wecomSecret: null,
        dingtalkAppKey: null,
        dingtalkAgentId: null,
        dingtalkAppSecret: null,
        version: 0,
      };
    const open = async (value: string | null, field: string) =>
      value === null ? null : secrets.open(value, boundTo(organizationId, field));
    return {
      defaultChannels: row.defaultChannels as MessageChannel[],
      dueSoonDays: row.dueSoonDays,
      wecomCorpId: row.wecomCorpId,
      wecomAgentId: row.wecomAgentId,
      wecomSecret: await open(row.wecomSecret, 'wecom-secret'),
      dingtalkAppKey: row.dingtalkAppKey,
      dingtalkAgentId: row.dingtalkAgentId,
      dingtalkAppSecret: await open(row.dingtalkAppSecret, 'dingtalk-secret'),
      version: row.version,
    };
  }

  function settingsView(settings: Settings): NotificationSettingsView {
    const secret = (value: string | null) => ({
      set: value !== null,
      masked: value === null ? null : maskSecret(value),
    });
    return {
      defaultChannels: settings.defaultChannels,
      dueSoonDays: settings.dueSoonDays,
      wecom: {
        corpId: settings.wecomCorpId,
        agentId: settings.wecomAgentId,
        secret: secret(settings.wecomSecret),
      },
      dingtalk: {
        appKey: settings.dingtalkAppKey,
        agentId: settings.dingtalkAgentId,
        appSecret: secret(settings.dingtalkAppSecret),
      },
      mailConfigured: mailer !== null,
      version: settings.version,
    };
  }

  /**
   * Sends one message on each of its recipient's channels not yet sent. A channel that fails is
   * recorded and the job throws, so the runner retries it (and only it) with backoff.
   */
  async function deliver(messageId: string) {
    const found = await findMessage(db, messageId);
    if (!found || found.user.disabled) return { channels: [] };
    const { message, user } = found;
    const [settings, preferences] = await Promise.all([
      loadSettings(message.organizationId),
      findPreferences(db, user.id),
    ]);
    const channels = channelsFor(
      (preferences?.channels as MessageChannel[] | null | undefined) ?? null,
      settings.defaultChannels,
    );
    const url = absoluteLink(config.publicUrl, message.link);
    const text = `${message.body}\n\n打开：${url}`;
    const failures: string[] = [];
    const outcome: { channel: MessageChannel; status: string }[] = [];
    for (const channel of channels) {
      const now = clock.now();
      const take = { organizationId: message.organizationId, messageId, channel, now };
      if (channel === 'in_app') {
        await db.transaction(async (tx) => {
          const taken = await takeDelivery(tx, take);
          if (!taken) return;
          await insertInAppEntry(tx, message, now);
          await finishDelivery(tx, taken.id, {
            status: 'sent',
            address: user.username,
            error: null,
            at: now,
          });
          outcome.push({ channel, status: 'sent' });
        });
        continue;
      }
      const address =
        channel === 'email'
          ? user.email
          : channel === 'wecom'
            ? (preferences?.wecomUserId ?? null)
            : (preferences?.dingtalkUserId ?? null);
      const unavailable =
        address === null
          ? `no ${channel} address for ${user.username}`
          : channel === 'email' && !mailer
            ? 'e-mail is not configured (LUOSHI_SMTP_URL)'
            : channel === 'wecom' &&
                !(settings.wecomCorpId && settings.wecomAgentId && settings.wecomSecret)
              ? 'no WeCom application is configured'
              : channel === 'dingtalk' &&
                  !(
                    settings.dingtalkAppKey &&
                    settings.dingtalkAgentId &&
                    settings.dingtalkAppSecret
                  )
                ? 'no DingTalk application is configured'
                : null;
      const taken = await takeDelivery(db, take);
      if (!taken) continue;
      if (unavailable) {
        await finishDelivery(db, taken.id, {
          status: 'skipped',
          address,
          error: unavailable,
          at: now,
        });
        outcome.push({ channel, status: 'skipped' });
        continue;
      }
      try {
        const card = { title: message.title, text: message.body, url, action: message.action };
        if (channel === 'email') await mailer!.send({ to: address!, subject: message.title, text });
        else if (channel === 'wecom')
          await sendWecomAppMessage(
            tokens,
            {
              apiBase: config.wecomApiBase,
              corpId: settings.wecomCorpId!,
              agentId: settings.wecomAgentId!,
              secret: settings.wecomSecret!,
            },
            address!,
            card,
          );
        else
          await sendDingtalkAppMessage(
            tokens,
            {
              apiBase: config.dingtalkApiBase,
              appKey: settings.dingtalkAppKey!,
              agentId: settings.dingtalkAgentId!,
              appSecret: settings.dingtalkAppSecret!,
            },
            address!,
            card,
          );
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
        await finishDelivery(db, taken.id, {
          status: 'failed',
          address,
          error: reason,
          at: clock.now(),
        });
        failures.push(`${channel}: ${reason}`);
        outcome.push({ channel, status: 'failed' });
        continue;
      }
      await finishDelivery(db, taken.id, { status: 'sent', address, error: null, at: clock.now() });
      outcome.push({ channel, status: 'sent' });
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
    return { channels: outcome };
  }

  /**
   * The day's messages of an organization: measures and period reports entering the due-soon
   * window today (the office's days before), those that became late today, and reviewers of a
   * report whose review closes in the same window, and departments short of a coverage rule near
   * its due day (once per rule and period). Each is one message per department and kind and day;
   * the dedupe keys make a second run send nothing.
   */
  async function daily(organizationId: string) {
    const today = calendarDate(clock.now());
    const settings = await loadSettings(organizationId);
    const soon = addDays(today, settings.dueSoonDays);
    const yesterday = addDays(today, -1);
    const [laterMeasures, laterReports, lateMeasures, lateReports] = await Promise.all([
      sources.measures({ executor: db, organizationId, today: addDays(soon, 1) }),
      sources.periodReports({ executor: db, organizationId, today: addDays(soon, 1) }),
      sources.measures({ executor: db, organizationId, today }),
      sources.periodReports({ executor: db, organizationId, today }),
    ]);
    const groups: { kind: MessageKind; subjects: OverdueSubject[] }[] = [
      { kind: 'measure.due_soon', subjects: laterMeasures.filter((s) => s.dueOn === soon) },
      { kind: 'period_report.due', subjects: laterReports.filter((s) => s.dueOn === soon) },
      { kind: 'measure.overdue', subjects: lateMeasures.filter((s) => s.dueOn === yesterday) },
      {
        kind: 'period_report.missing',
        subjects: lateReports.filter((s) => s.dueOn === yesterday),
      },
    ];
    let queued = 0;
    await db.transaction(async (tx) => {
      for (const { kind, subjects } of groups) {
        const byDepartment = new Map<string, OverdueSubject[]>();
        for (const subject of subjects)
          byDepartment.set(`${subject.planId}/${subject.departmentId}`, [
            ...(byDepartment.get(`${subject.planId}/${subject.departmentId}`) ?? []),
            subject,
          ]);
        for (const [key, list] of byDepartment) {
          const first = list[0]!;
          const shown = list.slice(0, 5).map((subject) => subject.what);
          queued += await queueMessages(tx, clock, {
            organizationId,
            kind,
            eventKey: `${key}:${today}`,
            to: { liaisonsOf: first.departmentId },
            planId: first.planId,
            departmentId: first.departmentId,
            facts: {
              dueOn: first.dueOn,
              subject: `共 ${list.length} 项：${shown.join('；')}${list.length > shown.length ? '……' : ''}`,
            },
          });
        }
      }
      // Coverage (覆盖要求) near its due day: a department short of a rule hears once per rule and
      // period, with the people still missing named (its own people only).
      for (const gap of await listCoverageGaps(tx, organizationId, today, clock.now())) {
        const period = coverageReminderPeriod(gap.rule.frequency as CoverageFrequency, today);
        if (!period || !gap.departmentId) continue;
        queued += await queueMessages(tx, clock, {
          organizationId,
          kind: 'coverage.gap',
          eventKey: `${gap.rule.id}:${gap.departmentId}:${period.key}`,
          to: { liaisonsOf: gap.departmentId },
          departmentId: gap.departmentId,
          facts: {
            subject: gap.rule.name,
            dueOn: period.dueOn,
            recordId: gap.rule.id,
            coverage: {
              required: gap.required,
              covered: gap.covered,
              missing: gap.missing.map((person) => `${person.name} ${person.workNo}`),
            },
          },
        });
      }
      // Reviews close REVIEW_DAYS after publishing: reviewers who have not reviewed are reminded.
      const published = await tx
        .select()
        .from(qualityReports)
        .where(
          and(
            eq(qualityReports.organizationId, organizationId),
            isNotNull(qualityReports.publishedAt),
          ),
        );
      for (const report of published) {
        const closes = addDays(calendarDate(report.publishedAt!), REVIEW_DAYS);
        if (closes !== addDays(today, Math.min(settings.dueSoonDays, REVIEW_DAYS - 1))) continue;
        const reviewed = new Set(
          (
            await tx
              .select({ userId: reportReviews.reviewerUserId })
              .from(reportReviews)
              .where(eq(reportReviews.reportId, report.id))
          ).map((row) => row.userId),
        );
        const reviewers = await tx
          .select({ id: users.id })
          .from(users)
          .where(
            and(
              eq(users.organizationId, organizationId),
              eq(users.role, 'reviewer'),
              eq(users.disabled, false),
            ),
          );
        queued += await queueMessages(tx, clock, {
          organizationId,
          kind: 'report.review_due',
          eventKey: report.id,
          to: { userIds: reviewers.filter((user) => !reviewed.has(user.id)).map((u) => u.id) },
          planId: report.planId,
          facts: { dueOn: closes, recordId: report.id },
        });
      }
    });
    return { today, queued };
  }

  return {
    deliver,
    daily,

    async getSettings(actor: Actor): Promise<NotificationSettingsView> {
      return settingsView(await loadSettings(actor.organizationId));
    },

    async updateSettings(actor: Actor, input: SettingsInput): Promise<NotificationSettingsView> {
      const before = await loadSettings(actor.organizationId);
      const pick = <T>(value: T | null | undefined, current: T | null) =>
        value === undefined ? current : value;
      const next: Settings = {
        defaultChannels: channelsFor(input.defaultChannels, []),
        dueSoonDays: input.dueSoonDays,
        wecomCorpId: pick(input.wecomCorpId, before.wecomCorpId),
        wecomAgentId: pick(input.wecomAgentId, before.wecomAgentId),
        wecomSecret: pick(input.wecomSecret, before.wecomSecret),
        dingtalkAppKey: pick(input.dingtalkAppKey, before.dingtalkAppKey),
        dingtalkAgentId: pick(input.dingtalkAgentId, before.dingtalkAgentId),
        dingtalkAppSecret: pick(input.dingtalkAppSecret, before.dingtalkAppSecret),
        version: before.version,
      };
      const seal = async (value: string | null, field: string) =>
        value === null ? null : secrets.seal(value, boundTo(actor.organizationId, field));
      await db.transaction(async (tx) => {
        const saved = await saveSettingsRow(tx, actor.organizationId, input.version, {
          defaultChannels: next.defaultChannels,
          dueSoonDays: next.dueSoonDays,
          wecomCorpId: next.wecomCorpId,
          wecomAgentId: next.wecomAgentId,
          wecomSecret: await seal(next.wecomSecret, 'wecom-secret'),
          dingtalkAppKey: next.dingtalkAppKey,
          dingtalkAgentId: next.dingtalkAgentId,
          dingtalkAppSecret: await seal(next.dingtalkAppSecret, 'dingtalk-secret'),
          updatedAt: clock.now(),
        });
        if (!saved)
          throw new AppError(
            'notification.settings_conflict',
            { version: before.version },
            [],
            settingsView(before),
          );
        await recordAudit(tx, clock, actor, {
          action: 'notifications.settings.update',
          entityType: 'notification_settings',
          entityId: actor.organizationId,
          before: settingsView(before),
          after: settingsView({ ...next, version: saved.version }),
        });
      });
      return settingsView(await loadSettings(actor.organizationId));
    },

    async getPreferences(actor: Actor): Promise<PreferencesView> {
      const [row, settings, user] = await Promise.all([
        findPreferences(db, actor.userId),
        loadSettings(actor.organizationId),
        findUserInOrganization(db, actor.organizationId, actor.userId),
      ]);
      return {
        channels: (row?.channels as MessageChannel[] | null | undefined) ?? null,
        officeChannels: settings.defaultChannels,
        wecomUserId: row?.wecomUserId ?? null,
        dingtalkUserId: row?.dingtalkUserId ?? null,
        email: user?.email ?? null,
        version: row?.version ?? 0,
      };
    },

    async updatePreferences(actor: Actor, input: PreferencesInput): Promise<PreferencesView> {
      await db.transaction(async (tx) => {
        const saved = await savePreferences(tx, {
          userId: actor.userId,
          organizationId: actor.organizationId,
          version: input.version,
          channels: input.channels === null ? null : channelsFor(input.channels, []),
          wecomUserId: input.wecomUserId,
          dingtalkUserId: input.dingtalkUserId,
          now: clock.now(),
        });
        if (!saved) throw new AppError('notification.preferences_conflict');
        await recordAudit(tx, clock, actor, {
          action: 'notifications.preferences.update',
          entityType: 'notification_preferences',
          entityId: actor.userId,
          after: saved,
        });
      });
      return this.getPreferences(actor);
    },

    async messages(actor: Actor, limit: number, locale: Locale = 'zh-CN'): Promise<MessageList> {
      const rows = await listMessagesOf(db, actor.userId, limit);
      const deliveries = await listDeliveries(
        db,
        rows.map((row) => row.message.id),
      );
      const delivered = rows.filter((row) => row.message.notificationId);
      return {
        unread: delivered.filter((row) => !row.readAt).length,
        items: rows.map(({ message, readAt }) => ({
          id: message.id,
          kind: message.kind,
          notificationId: message.notificationId,
          // Sent in Chinese; worded again for a reader who asked for English.
          ...(locale === 'en' && message.facts
            ? composeMessage(message.facts, 'en')
            : {
                title: message.title,
                body: message.body,
                action: message.action,
                link: message.link,
              }),
          planName: message.planName,
          departmentName: message.departmentName,
          createdAt: message.createdAt.toISOString(),
          readAt: readAt?.toISOString() ?? null,
          deliveries: deliveries
            .filter((delivery) => delivery.messageId === message.id)
            .map((delivery) => ({
              channel: delivery.channel,
              status: delivery.status,
              error: delivery.error,
            })),
        })),
      };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
