import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import type { AuditEntryView, AuditPage } from '../../src/shared/api/audit';
import { describeAuditAction } from '../../src/shared/audit/audit-actions';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  TEST_PASSWORD,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function institutionWithAuditor() {
  const institution = await createInstitution(t.db, [{ name: '教务处' }]);
  const auditorUser = await createUser(t.db, institution.organization.id, 'auditor');
  const auditor = await signIn(t.app, auditorUser.username);
  return { ...institution, auditorUser, auditor };
}

async function search(auditor: SignedInClient, query: string): Promise<AuditPage> {
  const response = await auditor.get(`/api/v1/audit${query}`);
  expect(response.statusCode).toBe(200);
  return response.json() as AuditPage;
}
const actionsOf = (entries: AuditEntryView[]) => entries.map((entry) => entry.action);

describe('what the audit log covers', () => {
  it('sign-ins, failures, sign-outs, permission changes, writes and every file that leaves the server', async () => {
    const { organization, auditor } = await institutionWithAuditor();
    const adminUser = await createUser(t.db, organization.id, 'admin');
    const securityUser = await createUser(t.db, organization.id, 'security_admin');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: adminUser.username, password: 'Wrong-Pass-1' },
    });
    const admin = await signIn(t.app, adminUser.username);
    expect(
      (await admin.post('/api/v1/departments', { name: '资产管理处', kind: 'functional' }))
        .statusCode,
    ).toBe(201);
    const template = await admin.get('/api/v1/users/template.xlsx');
    expect(template.statusCode).toBe(200);
    const leader = await createUser(t.db, organization.id, 'leader');
    const security = await signIn(t.app, securityUser.username);
    const { secret } = (
      await security.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD })
    ).json() as {
      secret: string;
    };
    const { totpCode } = await import('../../src/server/modules/auth/totp');
    await security.post('/api/v1/auth/totp/confirm', { code: totpCode(secret, t.clock.now()) });
    expect(
      (await security.patch(`/api/v1/users/${leader.id}`, { role: 'coordinator' })).statusCode,
    ).toBe(200);
    expect((await admin.post('/api/v1/auth/sign-out')).statusCode).toBe(204);

    const { entries } = await search(auditor, '?pageSize=200');
    const actions = actionsOf(entries);
    for (const action of [
      'auth.sign_in_failed',
      'auth.sign_in',
      'department.create',
      'export',
      'auth.totp_enable',
      'user.role_change',
      'auth.sign_out',
    ])
      expect(actions).toContain(action);
    const exported = entries.find((entry) => entry.action === 'export')!;
    expect(exported).toMatchObject({
      actorName: adminUser.username,
      entityType: 'users.template',
      after: {
        operation: 'users.template',
        fileName: '用户导入模板.xlsx',
        bytes: template.rawPayload.length,
      },
    });
    expect(entries.find((entry) => entry.action === 'user.role_change')).toMatchObject({
      entityId: leader.id,
      before: expect.objectContaining({ role: 'leader' }),
      after: expect.objectContaining({ role: 'coordinator' }),
    });
  });

  it('records a successful write its service did not record, once, and no write that was refused', async () => {
    const { organization, auditor } = await institutionWithAuditor();
    const leaderUser = await createUser(t.db, organization.id, 'leader');
    const leader = await signIn(t.app, leaderUser.username);
    expect((await leader.post('/api/v1/notifications/read-all')).statusCode).toBe(204);
    expect(
      (await leader.post('/api/v1/departments', { name: '越权处', kind: 'functional' })).statusCode,
    ).toBe(403);
    const { entries } = await search(auditor, `?actorUserId=${leaderUser.id}`);
    expect(entries.map((entry) => [entry.action, entry.entityType])).toEqual([
      ['write', 'notifications.readAll'],
      ['auth.sign_in', 'user'],
    ]);
    expect(entries[0]!.after).toMatchObject({
      operation: 'notifications.readAll',
      method: 'POST',
      status: 204,
    });
    // A write its service records is not recorded twice.
    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    await coordinator.post('/api/v1/departments', { name: '只记一次处', kind: 'functional' });
    expect(actionsOf((await search(auditor, '?action=department.create')).entries)).toEqual([
      'department.create',
    ]);
    expect((await search(auditor, '?action=write&entityType=departments.create')).total).toBe(0);
  });

  it('names actions in Chinese, and falls back to the action itself', () => {
    expect(describeAuditAction('auth.sign_in')).toBe('登录');
    expect(describeAuditAction('user.role_change')).toBe('变更用户角色（权限）');
    expect(describeAuditAction('something.new')).toBe('something.new');
  });
});

describe('searching the audit log', () => {
  it('filters by Beijing dates, actor, action family, entity, address and words, with paging and a total', async () => {
    const { organization, auditorUser } = await institutionWithAuditor();
    const coordinatorUser = await createUser(t.db, organization.id, 'coordinator', {
      username: `zhang-${Date.now()}`,
    });
    // 2024-04-22 10:00 Beijing: the coordinator signs in from 10.1.2.3 and creates a department.
    const fromAddress = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: coordinatorUser.username, password: TEST_PASSWORD },
      remoteAddress: '10.1.2.3',
    });
    expect(fromAddress.statusCode).toBe(200);
    const first = (
      await (
        await signIn(t.app, coordinatorUser.username)
      ).post('/api/v1/departments', { name: '审计测试处', kind: 'functional' })
    ).json();
    // The next Beijing day, at 00:30 (still 2024-04-22 in UTC): another department.
    t.clock.set(new Date('2024-04-22T16:30:00Z'));
    try {
      await (await signIn(t.app, coordinatorUser.username)).post('/api/v1/departments', {
        name: '第二测试处',
        kind: 'functional',
      });
      const auditor = await signIn(t.app, auditorUser.username);

      const byDay = await search(auditor, '?from=2024-04-23&to=2024-04-23&entityType=department');
      expect(byDay.entries.map((entry) => (entry.after as { name: string }).name)).toEqual([
        '第二测试处',
      ]);
      expect(
        (await search(auditor, '?to=2024-04-22&entityType=department')).entries.map(
          (entry) => (entry.after as { name: string }).name,
        ),
      ).toEqual(['审计测试处']);

      const family = await search(
        auditor,
        `?action=auth&actor=${encodeURIComponent(coordinatorUser.username.slice(0, 8))}`,
      );
      expect(family.total).toBe(3);
      expect(actionsOf(family.entries)).toEqual(['auth.sign_in', 'auth.sign_in', 'auth.sign_in']);
      expect((await search(auditor, '?ip=10.1.2.')).entries.map((entry) => entry.ip)).toEqual([
        '10.1.2.3',
      ]);
      expect(
        (await search(auditor, `?entityType=department&entityId=${first.id}`)).entries.map(
          (entry) => entry.entityId,
        ),
      ).toEqual([first.id]);
      expect((await search(auditor, '?q=DEPARTMENT.CREATE')).total).toBe(2);
      expect((await search(auditor, '?q=50%25_off')).total).toBe(0);

      const page1 = await search(auditor, '?pageSize=2&page=1');
      const page2 = await search(auditor, '?pageSize=2&page=2');
      expect(page1.total).toBe(page2.total);
      expect(page1.total).toBeGreaterThanOrEqual(6);
      expect(page1.entries).toHaveLength(2);
      expect(page1.entries[1]!.id).toBeGreaterThan(page2.entries[0]!.id);

      expect(
        (await auditor.get('/api/v1/audit?from=2024-05-01&to=2024-04-01')).json().error.code,
      ).toBe('audit.invalid_range');
      // Another organization's trail is never found.
      const other = await institutionWithAuditor();
      expect((await search(other.auditor, '?q=department')).total).toBe(0);
      expect((await search(other.auditor, `?entityId=${first.id}`)).total).toBe(0);
    } finally {
      t.clock.set(new Date('2024-04-22T02:00:00Z'));
    }
  });

  it('masks phones and e-mails inside before and after', async () => {
    const { organization, auditor, departments } = await institutionWithAuditor();
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    await admin.post('/api/v1/users', {
      username: `wang-${Date.now()}`,
      displayName: '王老师',
      role: 'liaison',
      departmentId: departments['教务处']!.id,
      email: 'wang.laoshi@example.edu.cn',
      phone: '13812345678',
    });
    const response = await auditor.get('/api/v1/audit?action=user.create');
    expect(response.json().entries[0].after).toMatchObject({
      phone: '138****5678',
      email: 'w***@example.edu.cn',
    });
    expect(response.body).not.toContain('13812345678');
    expect(response.body).not.toContain('wang.laoshi@');
  });
});

describe('exporting the audit log', () => {
  it('gives the filtered entries as .xlsx with formula-safe cells, and audits the export itself', async () => {
    const { organization, auditor, auditorUser } = await institutionWithAuditor();
    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    await coordinator.post('/api/v1/departments', {
      name: '=HYPERLINK("http://evil")',
      kind: 'functional',
    });
    const response = await auditor.get('/api/v1/audit/export.xlsx?action=department.create');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('审计日志'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('审计日志')!;
    expect(String(sheet.getCell('A1').value)).toContain('操作 department.create');
    expect(sheet.getRow(2).values).toEqual(
      expect.arrayContaining(['时间（北京时间）', '操作人', '操作', '变更后']),
    );
    expect(sheet.rowCount).toBe(3);
    const row = sheet.getRow(3);
    expect(row.getCell(4).value).toBe('新增部门');
    expect(row.getCell(5).value).toBe('department.create');
    expect(String(row.getCell(2).value)).toBe('2024-04-22 10:00');
    const after = String(row.getCell(11).value);
    expect(after).toContain('HYPERLINK');
    for (let column = 1; column <= 11; column++) {
      const value = row.getCell(column).value;
      expect(typeof value === 'object' && value !== null && 'formula' in value).toBe(false);
      if (typeof value === 'string') expect(value).not.toMatch(/^[=+\-@]/);
    }
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, auditorUser.id), eq(auditLog.action, 'export')));
    expect(entry).toMatchObject({
      entityType: 'audit.export',
      after: expect.objectContaining({ operation: 'audit.export' }),
    });
  });

  it('refuses more than 100,000 entries with a clear error, and writes nothing', async () => {
    const { organization, auditor } = await institutionWithAuditor();
    await t.database.pool.query(
      `insert into audit_log (organization_id, action, entity_type, at) select $1, 'bulk.test', 'test', now() from generate_series(1, 100001)`,
      [organization.id],
    );
    const response = await auditor.request({
      method: 'GET',
      url: '/api/v1/audit/export.xlsx?action=bulk.test',
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({
      code: 'audit.export_too_large',
      message: expect.stringContaining('100001 条'),
    });
    expect((await auditor.get('/api/v1/audit?action=bulk.test&pageSize=1')).json().total).toBe(
      100001,
    );
  });
});

describe('keeping the audit log', () => {
  it('refuses UPDATE, TRUNCATE and DELETE of a young row even by SQL; the daily job purges what is older than the retention', async () => {
    const { organization } = await institutionWithAuditor();
    const pool = t.database.pool;
    const insert = async (daysAgo: number, action: string) =>
      (
        await pool.query(
          `insert into audit_log (organization_id, action, entity_type, at, recorded_at)
         values ($1, $2, 'test', $3::timestamptz - make_interval(days => $4), now() - make_interval(days => $4)) returning id`,
          [organization.id, action, t.clock.now().toISOString(), daysAgo],
        )
      ).rows[0].id as number;
    const young = await insert(10, 'retention.young');
    const old = await insert(400, 'retention.old');
    const kept = await insert(200, 'retention.kept');

    await expect(pool.query('delete from audit_log where id = $1', [young])).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(
      pool.query(`update audit_log set action = 'x' where id = $1`, [old]),
    ).rejects.toThrow(/append-only: UPDATE/);
    await expect(pool.query('truncate audit_log')).rejects.toThrow(/append-only: TRUNCATE/);
    // A wrong `at` cannot shorten the retention: the database's own record of when the row came counts.
    await expect(
      pool
        .query(
          `insert into audit_log (organization_id, action, entity_type, at) values ($1, 'retention.backdated', 'test', now() - interval '3 years') returning id`,
          [organization.id],
        )
        .then(async (result) =>
          pool.query('delete from audit_log where id = $1', [result.rows[0].id]),
        ),
    ).rejects.toThrow(/append-only: DELETE/);

    await t.jobs.runDue();
    const left = (
      await pool.query(
        `select action from audit_log where organization_id = $1 and action like 'retention.%' order by id`,
        [organization.id],
      )
    ).rows.map((row) => row.action);
    expect(left).toEqual(['retention.young', 'retention.kept', 'retention.backdated']);
    const [purge] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, organization.id), eq(auditLog.action, 'audit.purge')));
    expect(purge!.after).toMatchObject({ deleted: 1, retentionDays: 365, more: false });
  });

  it('keeps the total without counting: every committed entry, none rolled back, none of another organization, the purge subtracted; the first page shows each change', async () => {
    const { organization, auditor } = await institutionWithAuditor();
    const { organization: other } = await createInstitution(t.db, [{ name: '人事处' }]);
    const pool = t.database.pool;
    const counted = async () =>
      (
        await pool.query<{ n: number }>(
          'select count(*)::int as n from audit_log where organization_id = $1',
          [organization.id],
        )
      ).rows[0]!.n;
    const kept = async () =>
      (
        await pool.query<{ entries: string }>(
          'select entries from audit_log_counts where organization_id = $1',
          [organization.id],
        )
      ).rows[0]?.entries;
    const insert = (
      organizationId: string,
      action: string,
      daysAgo = 0,
      executor: { query: typeof pool.query } = pool,
    ) =>
      executor.query(
        `insert into audit_log (organization_id, action, entity_type, at, recorded_at)
         values ($1, $2, 'test', $3::timestamptz - make_interval(days => $4), now() - make_interval(days => $4))`,
        [organizationId, action, t.clock.now().toISOString(), daysAgo],
      );
    const first = async () => {
      const page = await search(auditor, '?pageSize=2');
      expect(page.total).toBe(await counted());
      return { total: page.total, actions: actionsOf(page.entries) };
    };
    const start = await first();
    expect(start.total).toBeGreaterThan(0); // the auditor's sign-in
    expect(Number(await kept())).toBe(start.total);
    // Read twice, the same page.
    expect(await first()).toEqual(start);

    await insert(organization.id, 'count.one');
    await insert(other.id, 'count.other');
    expect(await first()).toMatchObject({
      total: start.total + 1,
      actions: ['count.one', expect.any(String)],
    });

    // A transaction that inserts two and is rolled back counts neither; one that commits, both.
    const client = await pool.connect();
    try {
      await client.query('begin');
      await insert(organization.id, 'count.rolled_back', 0, client);
      await insert(organization.id, 'count.rolled_back', 0, client);
      await client.query('rollback');
      await client.query('begin');
      await client.query(
        `insert into audit_log (organization_id, action, entity_type, at) select $1, 'count.many', 'test', now() from generate_series(1, 3)`,
        [organization.id],
      );
      // Counted at commit, not before.
      expect(Number(await kept())).toBe(start.total + 1);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(await first()).toMatchObject({
      total: start.total + 4,
      actions: ['count.many', 'count.many'],
    });

    // The purge deletes the old ones and records itself: the total follows.
    await insert(organization.id, 'count.old', 400);
    await insert(organization.id, 'count.old', 401);
    expect((await first()).total).toBe(start.total + 6);
    await t.jobs.runDue();
    const afterPurge = await first();
    expect(afterPurge.actions[0]).toBe('audit.purge');
    expect(afterPurge.total).toBe(start.total + 6 - 2 + 1);
    // A filtered search still counts what it finds.
    expect((await search(auditor, '?action=count')).total).toBe(4);
    expect((await search(auditor, '?action=count.other')).total).toBe(0);
  });

  it('refuses a retention below 180 days when the configuration is loaded', () => {
    expect(() => loadConfig({ LUOSHI_AUDIT_RETENTION_DAYS: '90' })).toThrow(
      /LUOSHI_AUDIT_RETENTION_DAYS: must be at least 180 days/,
    );
    expect(loadConfig({}).auditRetentionDays).toBe(365);
    expect(loadConfig({ LUOSHI_AUDIT_RETENTION_DAYS: '180' }).auditRetentionDays).toBe(180);
  });
});
