import { z } from 'zod';
import { defineOperation } from './operation';

/** A saved secret as it is shown again: whether it is set, and a masked form. */
export const maskedSecretSchema = z.object({ set: z.boolean(), masked: z.string().nullable() });

/**
 * 外呼地址: where the server calls out to for the organization, the security admin's alone (issue
 * 19 point 9): the WeCom / DingTalk group robots (masked after saving) and the internal addresses
 * those calls may reach.
 */
export const outboundSettingsViewSchema = z.object({
  wecomWebhook: maskedSecretSchema,
  dingtalkWebhook: maskedSecretSchema,
  dingtalkSecret: maskedSecretSchema,
  /** Internal host names or CIDR ranges the robots may reach (public addresses need none). */
  allow: z.array(z.string()),
  /** The deployment's own additions (LUOSHI_OUTBOUND_ALLOW), read-only here. */
  deploymentAllow: z.array(z.string()),
  /** 0 until first saved. */
  version: z.number().int(),
});
export type OutboundSettingsView = z.infer<typeof outboundSettingsViewSchema>;

const webhookUrlSchema = z.url({ protocol: /^https?$/ }).max(1000);
export const updateOutboundSettingsBodySchema = z.object({
  /** The version last seen (0 when never saved); a stale one is refused. */
  version: z.number().int().min(0),
  /** Leave out to keep the saved value; null to remove it. */
  wecomWebhookUrl: webhookUrlSchema.nullable().optional(),
  dingtalkWebhookUrl: webhookUrlSchema.nullable().optional(),
  dingtalkSecret: z.string().trim().min(8).max(200).nullable().optional(),
  /** The whole list; each entry a host name or CIDR range (checked by the service). */
  allow: z.array(z.string().trim().min(1).max(253)).max(50),
});

export const outboundApi = {
  settings: defineOperation({
    id: 'outbound.settings',
    method: 'GET',
    path: '/api/v1/outbound',
    tags: ['outbound'],
    description:
      '外呼地址: the group robots (masked) and the internal addresses they may reach; the security admin only.',
    response: outboundSettingsViewSchema,
    access: ['security_admin'],
  }),
  update: defineOperation({
    id: 'outbound.update',
    method: 'PUT',
    path: '/api/v1/outbound',
    tags: ['outbound'],
    description:
      'Sets the group robots and the allowed internal addresses; an internal robot address not allowed is refused.',
    body: updateOutboundSettingsBodySchema,
    response: outboundSettingsViewSchema,
    access: ['security_admin'],
  }),
} as const;
