import type { z } from 'zod';
import type {
  OutboundSettingsView,
  updateOutboundSettingsBodySchema,
} from '../../../shared/api/outbound';
import { AppError } from '../../../shared/errors';
import { maskSecret } from '../../../shared/supervision/rules';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database, Executor } from '../../db/client';
import {
  checkDestination,
  normalizeAllowEntry,
  OutboundRefused,
  type Resolver,
} from '../../http/outbound';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { SecretBox } from '../auth/secret-box';
import { findOutboundSettings, saveOutboundSettingsAtVersion } from './outbound.repository';

type UpdateInput = z.output<typeof updateOutboundSettingsBodySchema>;

/** An organization's robots, opened, and where they may reach. */
export interface Channels {
  wecomWebhookUrl: string | null;
  dingtalkWebhookUrl: string | null;
  dingtalkSecret: string | null;
  /** The security admin's internal addresses (not the deployment's). */
  allow: string[];
  version: number;
}

type ChannelField = 'wecomWebhookUrl' | 'dingtalkWebhookUrl' | 'dingtalkSecret';
/**
 * What each sealed value is bound to. These were the supervision settings' (where the robots
 * were kept before migration 0022) and stay so: the moved ciphertexts open here.
 */
const boundTo = (organizationId: string, field: ChannelField) =>
  `supervision:${organizationId}:${
    field === 'wecomWebhookUrl'
      ? 'wecom'
      : field === 'dingtalkWebhookUrl'
        ? 'dingtalk'
        : 'dingtalk-secret'
  }`;

export async function loadChannels(
  executor: Executor,
  secrets: SecretBox,
  organizationId: string,
): Promise<Channels> {
  const row = await findOutboundSettings(executor, organizationId);
  if (!row)
    return {
      wecomWebhookUrl: null,
      dingtalkWebhookUrl: null,
      dingtalkSecret: null,
      allow: [],
      version: 0,
    };
  const open = async (field: ChannelField) =>
    row[field] === null ? null : secrets.open(row[field], boundTo(organizationId, field));
  return {
    wecomWebhookUrl: await open('wecomWebhookUrl'),
    dingtalkWebhookUrl: await open('dingtalkWebhookUrl'),
    dingtalkSecret: await open('dingtalkSecret'),
    allow: row.allow,
    version: row.version,
  };
}

/** A saved secret as it is shown again: whether it is set, and a masked form. */
export function maskedView(value: string | null) {
  return { set: value !== null, masked: value === null ? null : maskSecret(value) };
}

/**
 * 外呼地址, the security admin's: the group robots and the internal addresses they may reach.
 * A robot address is checked as it is saved (its host resolved, every address public or allowed),
 * and again, pinned, on every call (`http/outbound.ts`).
 */
export function createOutboundService({
  db,
  clock,
  config,
  secrets,
  resolve,
}: {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'outboundAllow'>;
  secrets: SecretBox;
  resolve?: Resolver;
}) {
  function view(channels: Channels): OutboundSettingsView {
    return {
      wecomWebhook: maskedView(channels.wecomWebhookUrl),
      dingtalkWebhook: maskedView(channels.dingtalkWebhookUrl),
      dingtalkSecret: maskedView(channels.dingtalkSecret),
      allow: channels.allow,
      deploymentAllow: config.outboundAllow,
      version: channels.version,
    };
  }

  async function settings(actor: Actor): Promise<OutboundSettingsView> {
    return view(await loadChannels(db, secrets, actor.organizationId));
  }

  async function assertReachable(url: string, allow: readonly string[]) {
    try {
      await checkDestination(url, allow, resolve);
    } catch (error) {
      if (!(error instanceof OutboundRefused)) throw error;
      if (error.reason === 'internal')
        throw new AppError('outbound.address_internal', {
          host: error.host,
          address: error.address ?? '',
        });
      throw new AppError('outbound.address_unresolvable', { host: error.host });
    }
  }

  return {
    settings,

    async update(actor: Actor, input: UpdateInput): Promise<OutboundSettingsView> {
      const allow: string[] = [];
      for (const entry of input.allow) {
        const normalized = normalizeAllowEntry(entry);
        if (!normalized) throw new AppError('outbound.allow_entry_invalid', { entry });
        if (!allow.includes(normalized)) allow.push(normalized);
      }
      const before = await loadChannels(db, secrets, actor.organizationId);
      const next: Channels = {
        wecomWebhookUrl:
          input.wecomWebhookUrl === undefined ? before.wecomWebhookUrl : input.wecomWebhookUrl,
        dingtalkWebhookUrl:
          input.dingtalkWebhookUrl === undefined
            ? before.dingtalkWebhookUrl
            : input.dingtalkWebhookUrl,
        dingtalkSecret:
          input.dingtalkSecret === undefined ? before.dingtalkSecret : input.dingtalkSecret,
        allow,
        version: before.version,
      };
      // A robot address is checked against the list being saved (and the deployment's).
      for (const url of [input.wecomWebhookUrl, input.dingtalkWebhookUrl])
        if (url) await assertReachable(url, [...allow, ...config.outboundAllow]);
      const seal = async (field: ChannelField) =>
        next[field] === null
          ? null
          : secrets.seal(next[field], boundTo(actor.organizationId, field));
      const values = {
        wecomWebhookUrl: await seal('wecomWebhookUrl'),
        dingtalkWebhookUrl: await seal('dingtalkWebhookUrl'),
        dingtalkSecret: await seal('dingtalkSecret'),
        allow,
        updatedAt: clock.now(),
      };
      await db.transaction(async (tx) => {
        const saved = await saveOutboundSettingsAtVersion(
          tx,
          actor.organizationId,
          input.version,
          values,
        );
        if (!saved)
          throw new AppError(
            'outbound.version_conflict',
            { version: before.version },
            [],
            view(before),
          );
        // Only masked values reach the audit log: it is read by people who must not see the secrets.
        const { deploymentAllow: _before, ...beforeView } = view(before);
        const { deploymentAllow: _after, ...afterView } = view({ ...next, version: saved.version });
        await recordAudit(tx, clock, actor, {
          action: 'outbound.settings.update',
          entityType: 'outbound_settings',
          entityId: actor.organizationId,
          before: beforeView,
          after: afterView,
        });
      });
      return settings(actor);
    },
  };
}

export type OutboundService = ReturnType<typeof createOutboundService>;
