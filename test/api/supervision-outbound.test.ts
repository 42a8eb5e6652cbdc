import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundSettingsView } from '../../src/shared/api/outbound';
import type { LogEntry, SettingsView } from '../../src/shared/api/supervision';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { createSecretBox } from '../../src/server/modules/auth/secret-box';
import { outboundSettings } from '../../src/server/modules/outbound/outbound.table';
import { RECEIVER_BODY_SECRET, startRobotReceiver } from '../support/supervision-receivers';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
  projectRoot,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/**
 * Issue 19 point 9: the server calls out only where it should. The robots (外呼地址) are the
 * security admin's; an internal address is refused unless the security admin allows it; what a
 * robot answers never comes back. This app allows nothing internal for the whole deployment.
 */
const SECRET = 'SEC-outbound-dingtalk-secret';
let t: TestApp;
let robots: Awaited<ReturnType<typeof startRobotReceiver>>;

beforeAll(async () => {
  [t, robots] = await Promise.all([
    createTestApp({ config: { outboundAllow: [] } }),
    startRobotReceiver(SECRET),
  ]);
});
afterAll(async () => {
  await Promise.all([t.close(), robots.close()]);
});

async function organizationWithStaff() {
  const { organization } = await createInstitution(t.db, [{ name: '党委办公室' }]);
  const clientOf = async (role: 'coordinator' | 'admin' | 'security_admin') => {
    const client = await signIn(t.app, (await createUser(t.db, organization.id, role)).username);
    if (role === 'security_admin') await enrolTotp(client, t.clock);
    return client;
  };
  return {
    organization,
    coordinator: await clientOf('coordinator'),
    admin: await clientOf('admin'),
    security: await clientOf('security_admin'),
  };
}

const put = (client: SignedInClient, url: string, payload: unknown, language = 'zh-CN') =>
  client.request({
    method: 'PUT',
    url,
    payload: payload as object,
    headers: { 'accept-language': language },
  });

describe('the robots are set by the security admin alone', () => {
  it('refuses robot fields from the coordinator and the admin (zh-CN and English) and changes nothing', async () => {
    const { organization, coordinator, admin } = await organizationWithStaff();
    const saved = await put(coordinator, '/api/v1/supervision/settings', {
      version: 0,
      escalationDays: 4,
    });
    expect(saved.statusCode).toBe(200);
    for (const [client, field, language] of [
      [coordinator, 'wecomWebhookUrl', 'zh-CN'],
      [admin, 'dingtalkWebhookUrl', 'en'],
      [coordinator, 'dingtalkSecret', 'en'],
    ] as const) {
      const refused = await put(
        client,
        '/api/v1/supervision/settings',
        {
          version: 1,
          escalationDays: 9,
          [field]: field === 'dingtalkSecret' ? SECRET : `${robots.baseUrl}/wecom?key=office`,
        },
        language,
      );
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().error.code).toBe('supervision.channels_by_security_admin');
      expect(refused.json().error.message).toContain(
        language === 'zh-CN' ? '由安全管理员' : 'set by the security admin',
      );
    }
    // Nor may they call the security admin's operation.
    for (const client of [coordinator, admin]) {
      const forbidden = await put(client, '/api/v1/outbound', {
        version: 0,
        wecomWebhookUrl: `${robots.baseUrl}/wecom?key=office`,
        allow: ['127.0.0.0/8'],
      });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().error.code).toBe('auth.forbidden');
    }
    const after: SettingsView = (await coordinator.get('/api/v1/supervision/settings')).json();
    expect(after).toMatchObject({
      version: 1,
      escalationDays: 4,
      wecomWebhook: { set: false },
      dingtalkWebhook: { set: false },
      dingtalkSecret: { set: false },
    });
    expect(
      await t.db
        .select()
        .from(outboundSettings)
        .where(eq(outboundSettings.organizationId, organization.id)),
    ).toEqual([]);
  });

  it('refuses an internal address unless the security admin allows it, audits every change masked, and shows the office the robot masked', async () => {
    const { organization, coordinator, security } = await organizationWithStaff();
    const initial: OutboundSettingsView = (await security.get('/api/v1/outbound')).json();
    expect(initial).toEqual({
      wecomWebhook: { set: false, masked: null },
      dingtalkWebhook: { set: false, masked: null },
      dingtalkSecret: { set: false, masked: null },
      allow: [],
      deploymentAllow: [],
      version: 0,
    });
    const wecomUrl = `${robots.baseUrl}/wecom?key=wecom-key-5e2b`;
    for (const url of [
      wecomUrl,
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/',
      'http://10.1.2.3/hook',
    ]) {
      const refused = await put(security, '/api/v1/outbound', {
        version: 0,
        wecomWebhookUrl: url,
        allow: [],
      });
      expect(refused.statusCode, url).toBe(422);
      expect(refused.json().error.code).toBe('outbound.address_internal');
    }
    const zh = await put(security, '/api/v1/outbound', {
      version: 0,
      wecomWebhookUrl: wecomUrl,
      allow: [],
    });
    expect(zh.json().error.message).toBe(
      '127.0.0.1 指向内部地址 127.0.0.1，不能作为机器人地址。如确需使用，请先把它（或其网段）加入“允许访问的内部地址”。',
    );
    const badEntry = await put(
      security,
      '/api/v1/outbound',
      {
        version: 0,
        allow: ['10.0.0.0/40'],
      },
      'en',
    );
    expect(badEntry.statusCode).toBe(422);
    expect(badEntry.json().error).toMatchObject({
      code: 'outbound.allow_entry_invalid',
      message:
        '“10.0.0.0/40” is not a host name or a CIDR range (such as robot-gw.campus.edu.cn or 10.20.0.0/16).',
    });
    // Allowed by range, in the same save: kept.
    const saved = await put(security, '/api/v1/outbound', {
      version: 0,
      wecomWebhookUrl: wecomUrl,
      dingtalkWebhookUrl: `${robots.baseUrl}/dingtalk?access_token=ding-9a7c`,
      dingtalkSecret: SECRET,
      allow: [' 127.0.0.0/8 ', '127.0.0.0/8'],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      version: 1,
      allow: ['127.0.0.0/8'],
      wecomWebhook: { set: true, masked: `${robots.baseUrl}/wecom?••••5e2b` },
      dingtalkSecret: { set: true, masked: '••••cret' },
    });
    expect(saved.body).not.toContain('wecom-key-5e2b');
    expect(saved.body).not.toContain(SECRET);
    const stale = await put(security, '/api/v1/outbound', { version: 0, allow: [] });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('outbound.version_conflict');

    // The office sees that the robots exist, masked, and cannot see their keys.
    const office = await coordinator.get('/api/v1/supervision/settings');
    expect(office.json()).toMatchObject({
      wecomWebhook: { set: true },
      dingtalkWebhook: { set: true },
      dingtalkSecret: { set: true },
    });
    expect(office.body).not.toContain('wecom-key-5e2b');
    expect(office.body).not.toContain('ding-9a7c');

    const audit = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.organizationId, organization.id));
    const changes = audit.filter((entry) => entry.action === 'outbound.settings.update');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      entityType: 'outbound_settings',
      before: { allow: [], wecomWebhook: { set: false } },
      after: { allow: ['127.0.0.0/8'], wecomWebhook: { set: true }, version: 1 },
    });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain('wecom-key-5e2b');
  });

  it('test-sends through an allowed robot, never repeats what it answers, and calls nothing once the allowance is withdrawn', async () => {
    const { coordinator, security } = await organizationWithStaff();
    const saved = await put(security, '/api/v1/outbound', {
      version: 0,
      wecomWebhookUrl: `${robots.baseUrl}/wecom?key=k`,
      dingtalkWebhookUrl: `${robots.baseUrl}/dingtalk?access_token=d`,
      dingtalkSecret: 'SEC-not-the-robots-secret',
      allow: ['127.0.0.1'],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    robots.posts.length = 0;
    robots.failing.clear();

    // Sent: the robot's body (with its secret) is not in the answer.
    const ok = await coordinator.post('/api/v1/supervision/test', { channel: 'wecom' });
    expect(ok.json()).toEqual({ ok: true, recipient: 'group', error: null });
    // The security admin tries the robot they set, too.
    const byAdmin = await security.post('/api/v1/supervision/test', { channel: 'wecom' });
    expect(byAdmin.json()).toMatchObject({ ok: true });
    // The robot is down (HTTP 500 with a body) and refuses the signature (errcode with a message).
    robots.failing.add('wecom');
    const down = await coordinator.post('/api/v1/supervision/test', { channel: 'wecom' });
    expect(down.json()).toEqual({ ok: false, recipient: 'group', error: 'HTTP 500' });
    const unsigned = await coordinator.post('/api/v1/supervision/test', { channel: 'dingtalk' });
    expect(unsigned.json()).toEqual({ ok: false, recipient: 'group', error: 'errcode 310000' });
    robots.failing.clear();
    expect(robots.posts).toHaveLength(3);
    for (const reply of [ok, byAdmin, down, unsigned])
      expect(reply.body).not.toContain(RECEIVER_BODY_SECRET);

    // Withdrawn: the robot is refused before any call.
    const withdrawn = await put(security, '/api/v1/outbound', { version: 1, allow: [] });
    expect(withdrawn.statusCode).toBe(200);
    const refused = await coordinator.post('/api/v1/supervision/test', { channel: 'wecom' });
    expect(refused.json()).toMatchObject({ ok: false });
    expect(refused.json().error).toContain('loopback');
    expect(robots.posts).toHaveLength(3);

    const log = await coordinator.get('/api/v1/supervision/log?level=test');
    expect(log.body).not.toContain(RECEIVER_BODY_SECRET);
    // (The clock stands still: the order within one instant is not asserted.)
    expect(
      (log.json().entries as LogEntry[])
        .map((entry) => `${entry.channel}:${entry.status}:${entry.error?.slice(0, 8) ?? ''}`)
        .sort(),
    ).toEqual([
      'dingtalk:failed:errcode ',
      'wecom:failed:127.0.0.',
      'wecom:failed:HTTP 500',
      'wecom:sent:',
      'wecom:sent:',
    ]);
  });

  it('keeps the robots an office saved before: migrations 0022-0023 move them, sealed, to the security admin', async () => {
    const { organization, coordinator, security } = await organizationWithStaff();
    // As the office's settings held them before the move.
    await t.db.execute(
      sql.raw(
        'ALTER TABLE "supervision_settings" ADD COLUMN "wecom_webhook_url" text, ADD COLUMN "dingtalk_webhook_url" text, ADD COLUMN "dingtalk_secret" text',
      ),
    );
    const box = createSecretBox(t.config);
    const sealed = await box.seal(
      `${robots.baseUrl}/wecom?key=moved-7d`,
      `supervision:${organization.id}:wecom`,
    );
    await t.db.execute(
      sql`INSERT INTO "supervision_settings" ("organization_id", "wecom_webhook_url", "escalation_days", "updated_at") VALUES (${organization.id}, ${sealed}, 3, now())`,
    );
    for (const file of [
      '0022_move_robot_addresses.sql',
      '0023_robot_addresses_leave_supervision_settings.sql',
    ]) {
      const migration = await readFile(path.join(projectRoot, 'migrations', file), 'utf8');
      for (const statement of migration.split('--> statement-breakpoint'))
        await t.db.execute(sql.raw(statement));
    }
    expect((await coordinator.get('/api/v1/supervision/settings')).json()).toMatchObject({
      version: 1,
      wecomWebhook: { set: true, masked: `${robots.baseUrl}/wecom?••••d-7d` },
    });
    expect((await security.get('/api/v1/outbound')).json()).toMatchObject({
      version: 1,
      allow: [],
      wecomWebhook: { set: true },
    });
    // Moved, but not allowed: an internal robot the security admin has not allowed is not called.
    robots.posts.length = 0;
    const test = await coordinator.post('/api/v1/supervision/test', { channel: 'wecom' });
    expect(test.json()).toMatchObject({ ok: false });
    expect(robots.posts).toHaveLength(0);
  });
});
