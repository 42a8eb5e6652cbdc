import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { organizations } from '../../src/server/modules/organizations/organization.table';
import { users } from '../../src/server/modules/users/user.table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createInstitution, projectRoot } from '../support/test-app';

const run = promisify(execFile);
const cli = path.join(projectRoot, 'bin/luoshi.mjs');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await createInstitution(database.db, [{ name: '教务处' }], '甲大学');
  await createInstitution(database.db, [], '乙大学');
});
afterAll(async () => database.destroy());

async function luoshi(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      cwd: projectRoot,
      env: { ...process.env, LUOSHI_LANG: 'zh-CN', DATABASE_URL: database.url },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const named = async (name: string) =>
  (await database.db.select().from(organizations).where(eq(organizations.name, name)))[0]!;

describe('luoshi org', () => {
  it('creates a supervising organization, links institutions to it, and gives it an overseer, all audited', async () => {
    const created = await luoshi(['org', 'create-supervisor', '--name', '某省教育厅']);
    expect(created.code, created.stderr).toBe(0);
    const province = await named('某省教育厅');
    expect(province.kind).toBe('supervisor');
    expect((await luoshi(['org', 'create-supervisor', '--name', '某省教育厅'])).stderr).toContain(
      'oversight.supervisor_name_taken',
    );

    expect(
      (await luoshi(['org', 'link', '--supervisor', '某省教育厅', '--institution', '甲大学'])).code,
    ).toBe(0);
    expect(
      (await luoshi(['org', 'link', '--supervisor', province.id, '--institution', '乙大学'])).code,
    ).toBe(0);
    expect((await named('甲大学')).supervisorId).toBe(province.id);
    expect((await named('乙大学')).supervisorId).toBe(province.id);
    const refused = await luoshi([
      'org',
      'link',
      '--supervisor',
      '甲大学',
      '--institution',
      '乙大学',
    ]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringContaining('oversight.not_a_supervisor'),
    ]);
    expect(
      (await luoshi(['org', 'link', '--supervisor', '某省教育厅', '--institution', '丙大学']))
        .stderr,
    ).toContain('organization.not_found');

    const trail = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.organizationId, (await named('甲大学')).id),
          eq(auditLog.action, 'organization.link_supervisor'),
        ),
      );
    expect(trail).toHaveLength(1);
    expect(
      await database.db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.organizationId, province.id),
            eq(auditLog.action, 'organization.create_supervisor'),
          ),
        ),
    ).toHaveLength(1);

    // An overseer goes into the supervising organization, and only there.
    const overseer = await luoshi([
      'user',
      'create',
      'inspector',
      '--name',
      '督导员',
      '--role',
      'overseer',
      '--organization',
      '某省教育厅',
    ]);
    expect(overseer.code, overseer.stderr).toBe(0);
    expect(
      (await database.db.select().from(users).where(eq(users.username, 'inspector')))[0],
    ).toMatchObject({ role: 'overseer', organizationId: province.id });
    expect(
      (
        await luoshi([
          'user',
          'create',
          'wrong',
          '--name',
          '误建',
          '--role',
          'overseer',
          '--organization',
          '甲大学',
        ])
      ).stderr,
    ).toContain('oversight.role_mismatch');
    expect(
      (
        await luoshi([
          'user',
          'create',
          'wrong2',
          '--name',
          '误建',
          '--role',
          'coordinator',
          '--organization',
          '某省教育厅',
        ])
      ).stderr,
    ).toContain('oversight.role_mismatch');
  }, 180_000);
});
