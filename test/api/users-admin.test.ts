import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/server/modules/users/user.table';
import type { UserImportResult } from '../../src/shared/api/users';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const heading = ['用户名', '姓名', '角色', '所属部门', '邮箱', '电话'];

async function sheet(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet('用户');
  worksheet.addRow(heading);
  for (const row of rows) worksheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function upload(
  client: SignedInClient,
  bytes: Buffer,
  query = '',
  fileName = '联络员.xlsx',
  language = 'zh-CN',
) {
  const { payload, headers } = multipartFile(fileName, bytes);
  return client.request({
    method: 'POST',
    url: `/api/v1/users/import${query}`,
    payload,
    headers: { ...headers, 'accept-language': language },
  });
}

async function usersOf(organizationId: string) {
  return (
    await t.db.execute(
      sql`select count(*)::int as count from users where organization_id = ${organizationId}`,
    )
  ).rows[0]!.count as number;
}

describe('the admin manages people', () => {
  it('creates a user whose one-time password works once and must be changed at sign-in', async () => {
    const { organization, departments } = await createInstitution(t.db, [{ name: '教务处' }]);
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const created = await admin.post('/api/v1/users', {
      username: 'jwc-wang',
      displayName: '王老师',
      role: 'liaison',
      departmentId: departments['教务处']!.id,
      email: 'wang@example.edu.cn',
      phone: '13800000000',
    });
    expect(created.statusCode).toBe(201);
    const { user, oneTimePassword } = created.json();
    expect(user).toMatchObject({
      username: 'jwc-wang',
      mustChangePassword: true,
      version: 1,
      email: 'wang@example.edu.cn',
      phone: '13800000000',
    });

    const person = await signIn(t.app, 'jwc-wang', oneTimePassword);
    expect((await person.get('/api/v1/plans')).json().error.code).toBe(
      'auth.password_change_required',
    );
    expect(
      (
        await person.post('/api/v1/auth/password', {
          currentPassword: oneTimePassword,
          newPassword: 'Teacher-Work-2026',
        })
      ).statusCode,
    ).toBe(200);
    expect((await person.get('/api/v1/plans')).statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { username: 'jwc-wang', password: oneTimePassword },
        })
      ).statusCode,
    ).toBe(401);

    // An edit names the version it saw; a stale one is refused with the user as they are.
    const seen = (
      (await admin.get('/api/v1/users')).json() as { id: string; version: number }[]
    ).find((listed) => listed.id === user.id)!;
    const edited = await admin.patch(`/api/v1/users/${user.id}`, {
      phone: '010-1',
      version: seen.version,
    });
    expect(edited.json()).toMatchObject({ phone: '010-1', version: seen.version + 1 });
    const stale = await admin.patch(`/api/v1/users/${user.id}`, {
      phone: '010-2',
      version: seen.version,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'user.version_conflict',
      current: { phone: '010-1', version: seen.version + 1 },
    });
  });

  it('an administrator cannot disable or demote themselves', async () => {
    const { organization } = await createInstitution(t.db);
    const me = await createUser(t.db, organization.id, 'admin');
    const admin = await signIn(t.app, me.username);
    expect(
      (await admin.patch(`/api/v1/users/${me.id}`, { disabled: true })).json().error.code,
    ).toBe('user.cannot_lock_self');
    expect(
      (await admin.patch(`/api/v1/users/${me.id}`, { role: 'leader' })).json().error.code,
    ).toBe('user.cannot_lock_self');
    expect((await admin.patch(`/api/v1/users/${me.id}`, { phone: '1' })).statusCode).toBe(200);
  });

  it("gives a template with the heading, an example row and drop-down lists of roles and this organization's departments", async () => {
    await createInstitution(t.db, [{ name: '外校的处' }]);
    const { organization } = await createInstitution(t.db, [
      { name: '教务处' },
      { name: '计算机学院', kind: 'teaching' },
    ]);
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const response = await admin.get('/api/v1/users/template.xlsx');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toContain(
      encodeURIComponent('用户导入模板.xlsx'),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    const [usersSheet, options] = workbook.worksheets;
    expect(usersSheet!.getRow(1).values).toEqual([undefined, ...heading]);
    expect(usersSheet!.getRow(2).values).toEqual([
      undefined,
      'zhangsan',
      '张三（示例，导入时跳过）',
      '部门联络员',
      '教务处',
      'zhangsan@example.edu.cn',
      '010-12345678',
    ]);
    expect(options!.state).toBe('hidden');
    // A system admin may give business roles only (三权分立: the privileged ones are the security admin's).
    expect(options!.getColumn(1).values.slice(2)).toEqual([
      '党委教师工作部',
      '部门联络员',
      '领导',
      '评价代表',
    ]);
    expect(options!.getColumn(2).values.slice(2)).toEqual(['教务处', '计算机学院']);
    const validations = (
      usersSheet as unknown as {
        dataValidations: { model: Record<string, ExcelJS.DataValidation> };
      }
    ).dataValidations.model;
    expect(validations['C2']).toMatchObject({ type: 'list', formulae: ["'选项'!$A$2:$A$5"] });
    expect(validations['D500']).toMatchObject({ type: 'list', formulae: ["'选项'!$B$2:$B$3"] });

    // The template as downloaded, with the example left in, names nobody.
    expect((await upload(admin, response.rawPayload, '?dryRun=true')).json().error.code).toBe(
      'userSheet.no_rows',
    );
  });

  it('a dry run names each kind of bad row; importing that sheet creates nobody; the corrected sheet creates everyone at once', async () => {
    const { organization, departments } = await createInstitution(t.db, [
      { name: '教务处' },
      { name: '计算机学院', kind: 'teaching' },
    ]);
    const existing = await createUser(t.db, organization.id, 'leader', {
      username: `old-${organization.id.slice(0, 6)}`,
    });
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const auditor = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'auditor')).username,
    );
    const before = await usersOf(organization.id);
    const p = organization.id.slice(0, 6);
    const bad = await sheet([
      [`${p}-ok`, '好人', '部门联络员', '计算机学院', '', ''],
      [`${p}-a`, '甲', '部门联络员', '不存在处', '', ''],
      [`${p}-dup`, '乙', '领导', '', '', ''],
      [`${p}-DUP`, '丙', '领导', '', '', ''],
      [existing.username, '丁', '评价代表', '', '', ''],
      [`${p}-b`, '戊', '部门联络员', '', '', ''],
      [`${p}-c`, '己', '评价代表', '', 'wrong@', ''],
      [`${p}-d`, '庚', '校长', '', '', ''],
    ]);
    const preview = await upload(admin, bad, '?dryRun=true');
    expect(preview.statusCode).toBe(200);
    const result = preview.json() as UserImportResult;
    expect(result).toMatchObject({
      created: false,
      rowsRead: 8,
      passwords: [],
      passwordsXlsx: null,
    });
    expect(result.problems.map((problem) => [problem.row, problem.code])).toEqual([
      [3, 'userSheet.unknown_department'],
      [5, 'userSheet.duplicate_in_file'],
      [6, 'userSheet.name_taken'],
      [7, 'userSheet.department_required'],
      [8, 'userSheet.bad_email'],
      [9, 'userSheet.unknown_role'],
    ]);
    expect(result.problems[0]!.message).toBe(
      '没有名为“不存在处”的部门。请从下拉列表中选择，或先在“部门管理”中添加。',
    );
    expect(result.entries.map((entry) => entry.username)).toEqual([`${p}-ok`, `${p}-dup`]);

    const refused = await upload(admin, bad);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'userSheet.has_problems',
      params: { count: 6, rows: '3、5、6、7、8、9' },
    });
    expect(await usersOf(organization.id)).toBe(before);
    const english = (
      await upload(admin, bad, '?dryRun=true', 'users.xlsx', 'en')
    ).json() as UserImportResult;
    expect(english.problems[0]!.message).toBe(
      'There is no department named “不存在处”. Pick one from the list, or add it under Departments first.',
    );

    const good = await sheet([
      [`${p}-jwc`, '教务处联络员', '部门联络员', '教务处', 'jwc@example.edu.cn', '010-1'],
      [`${p}-cs`, '计算机学院联络员', '联络员', '计算机学院', '', ''],
      [`${p}-lead`, '分管校领导', '领导', '', '', ''],
      [`${p}-rev`, '教师代表', '评价代表', '', '', ''],
    ]);
    const checked = (await upload(admin, good, '?dryRun=true')).json() as UserImportResult;
    expect(checked.problems).toEqual([]);
    expect(checked.entries).toHaveLength(4);
    expect(await usersOf(organization.id)).toBe(before);

    const imported = await upload(admin, good);
    expect(imported.statusCode).toBe(200);
    expect(imported.headers['cache-control']).toBe('no-store');
    const done = imported.json() as UserImportResult;
    expect(done.created).toBe(true);
    expect(
      done.users.map((user) => [
        user.username,
        user.role,
        user.departmentId,
        user.mustChangePassword,
      ]),
    ).toEqual([
      [`${p}-jwc`, 'liaison', departments['教务处']!.id, true],
      [`${p}-cs`, 'liaison', departments['计算机学院']!.id, true],
      [`${p}-lead`, 'leader', null, true],
      [`${p}-rev`, 'reviewer', null, true],
    ]);
    expect(done.passwords.map((entry) => entry.username)).toEqual(
      done.users.map((user) => user.username),
    );
    expect(await usersOf(organization.id)).toBe(before + 4);

    // The passwords come once, also as an .xlsx; they are not stored in the clear.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      Buffer.from(done.passwordsXlsx!, 'base64') as unknown as ExcelJS.Buffer,
    );
    const passwordsSheet = workbook.worksheets[0]!;
    expect(passwordsSheet.getRow(1).values).toEqual([undefined, '用户名', '姓名', '一次性密码']);
    expect(passwordsSheet.getRow(2).values).toEqual([
      undefined,
      `${p}-jwc`,
      '教务处联络员',
      done.passwords[0]!.oneTimePassword,
    ]);
    const [stored] = await t.db
      .select()
      .from(users)
      .where(and(eq(users.organizationId, organization.id), eq(users.username, `${p}-jwc`)));
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(stored)).not.toContain(done.passwords[0]!.oneTimePassword);

    // Each one signs in with their password and must change it first.
    const liaison = await signIn(t.app, `${p}-cs`, done.passwords[1]!.oneTimePassword);
    expect((await liaison.get('/api/v1/departments')).json().error.code).toBe(
      'auth.password_change_required',
    );

    // Every creation is audited, without any password.
    const audit = (await auditor.get('/api/v1/audit?action=user.create')).json().entries as {
      entityId: string;
      after: { via?: string };
    }[];
    expect(
      audit
        .filter((entry) => entry.after.via === 'sheet')
        .map((entry) => entry.entityId)
        .sort(),
    ).toEqual(done.users.map((user) => user.id).sort());
    expect(JSON.stringify(audit)).not.toMatch(/argon2|passwordHash/);
    for (const { oneTimePassword } of done.passwords)
      expect(JSON.stringify(audit)).not.toContain(oneTimePassword);

    // The same sheet again: every name is now taken, nothing more is created.
    const again = await upload(admin, good);
    expect(again.json().error.code).toBe('userSheet.has_problems');
    expect(await usersOf(organization.id)).toBe(before + 4);
  }, 60_000);

  it('creates the liaisons of 80 departments from one sheet', async () => {
    const names = Array.from({ length: 80 }, (_, index) => `第${index + 1}学院`);
    const { organization } = await createInstitution(
      t.db,
      names.map((name) => ({ name, kind: 'teaching' as const })),
    );
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const p = organization.id.slice(0, 6);
    const bytes = await sheet(
      names.map((name, index) => [
        `${p}-l${index + 1}`,
        `${name}联络员`,
        '部门联络员',
        name,
        `l${index + 1}@example.edu.cn`,
        '',
      ]),
    );
    const checkedAt = performance.now();
    expect(
      ((await upload(admin, bytes, '?dryRun=true')).json() as UserImportResult).entries,
    ).toHaveLength(80);
    const importedAt = performance.now();
    const done = (await upload(admin, bytes)).json() as UserImportResult;
    const finishedAt = performance.now();
    expect(done.users).toHaveLength(80);
    expect(new Set(done.passwords.map((entry) => entry.oneTimePassword)).size).toBe(80);
    expect(await usersOf(organization.id)).toBe(81);
    // Hashing 80 argon2id passwords is the slow part; it must stay well within a request's patience.
    expect(finishedAt - importedAt).toBeLessThan(30_000);
    expect(importedAt - checkedAt).toBeLessThan(10_000);
  }, 90_000);

  it('refuses a file that is not an .xlsx users sheet, and changes nothing', async () => {
    const { organization } = await createInstitution(t.db);
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const before = await usersOf(organization.id);
    expect(
      (await upload(admin, Buffer.from('用户名\t姓名\n'), '?dryRun=true', 'users.txt')).json().error
        .code,
    ).toBe('userSheet.not_xlsx');
    expect(
      (await upload(admin, Buffer.from('89504e470d0a1a0a0000', 'hex'), '', 'users.xlsx')).json()
        .error.code,
    ).toBe('import.type_mismatch');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('名单').addRow(['张三', '教务处']);
    expect(
      (await upload(admin, Buffer.from(await workbook.xlsx.writeBuffer()), '')).json().error.code,
    ).toBe('userSheet.header_not_found');
    expect(await usersOf(organization.id)).toBe(before);
  });

  it("never shows another organization's users or departments, and refuses a coordinator", async () => {
    const mine = await createInstitution(t.db, [{ name: '本校教务处' }]);
    const theirs = await createInstitution(t.db, [{ name: '他校教务处' }]);
    const theirUser = await createUser(t.db, theirs.organization.id, 'leader');
    const admin = await signIn(
      t.app,
      (await createUser(t.db, mine.organization.id, 'admin')).username,
    );
    const listed = (await admin.get('/api/v1/users')).json() as {
      organizationId: string;
      username: string;
    }[];
    expect(listed.every((user) => user.organizationId === mine.organization.id)).toBe(true);
    expect(listed.map((user) => user.username)).not.toContain(theirUser.username);
    expect(
      (await admin.patch(`/api/v1/users/${theirUser.id}`, { disabled: true })).statusCode,
    ).toBe(404);
    expect((await admin.post(`/api/v1/users/${theirUser.id}/password-reset`)).statusCode).toBe(404);
    expect((await admin.post(`/api/v1/users/${theirUser.id}/sign-out-everywhere`)).statusCode).toBe(
      404,
    );
    const dry = (
      await upload(
        admin,
        await sheet([
          [`x-${mine.organization.id.slice(0, 6)}`, '某人', '部门联络员', '他校教务处', '', ''],
        ]),
        '?dryRun=true',
      )
    ).json() as UserImportResult;
    expect(dry.problems.map((problem) => problem.code)).toEqual(['userSheet.unknown_department']);

    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, mine.organization.id, 'coordinator')).username,
    );
    expect((await coordinator.get('/api/v1/users/template.xlsx')).statusCode).toBe(403);
    expect(
      (
        await upload(
          coordinator,
          await sheet([['c-1', '某人', '领导', '', '', '']]),
          '?dryRun=true',
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await upload(coordinator, await sheet([['c-1', '某人', '领导', '', '', '']]))).statusCode,
    ).toBe(403);
    expect(
      (
        await coordinator.post('/api/v1/users', {
          username: 'c-2',
          displayName: 'x',
          role: 'leader',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await coordinator.post(`/api/v1/users/${theirUser.id}/password-reset`)).statusCode,
    ).toBe(403);
  });
});
