import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/server/modules/users/password';
import { users } from '../../src/server/modules/users/user.table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createInstitution, projectRoot } from '../support/test-app';

const run = promisify(execFile);
const cli = path.join(projectRoot, 'bin/luoshi.mjs');

let database: TestDatabase;
let scratch: string;
let env: Record<string, string>;
beforeAll(async () => {
  database = await createTestDatabase();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'luoshi-user-cli-'));
  await createInstitution(database.db, [
    { name: '教务处', aliases: ['教务部'] },
    { name: '计算机学院', kind: 'teaching' },
  ]);
  env = { DATABASE_URL: database.url };
});
afterAll(async () => database.destroy());

async function luoshi(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      cwd: projectRoot,
      env: { ...process.env, LUOSHI_LANG: 'zh-CN', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const userNamed = async (username: string) =>
  (await database.db.select().from(users).where(eq(users.username, username)))[0];
const count = async () =>
  (await database.db.execute(sql`select count(*)::int as count from users`)).rows[0]!
    .count as number;

async function sheetFile(name: string, rows: string[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet('用户');
  worksheet.addRow(['用户名', '姓名', '角色', '所属部门', '邮箱', '电话']);
  for (const row of rows) worksheet.addRow(row);
  const file = path.join(scratch, name);
  await writeFile(file, Buffer.from(await workbook.xlsx.writeBuffer()));
  return file;
}

describe('luoshi user', () => {
  it('create prints a one-time password that must be changed; a liaison without a department is refused', async () => {
    const created = await luoshi([
      'user',
      'create',
      'jwc-wang',
      '--name',
      '王老师',
      '--role',
      '部门联络员',
      '--department',
      '教务部',
      '--email',
      'wang@example.edu.cn',
    ]);
    expect(created.code).toBe(0);
    const password = /One-time password: (\S+)/.exec(created.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}$/);
    expect(created.stdout).toContain('首次登录后需修改密码');
    const stored = (await userNamed('jwc-wang'))!;
    expect(stored).toMatchObject({
      role: 'liaison',
      displayName: '王老师',
      email: 'wang@example.edu.cn',
      mustChangePassword: true,
    });
    expect(await verifyPassword(stored.passwordHash, password!)).toBe(true);

    const before = await count();
    const refused = await luoshi([
      'user',
      'create',
      'no-department',
      '--name',
      '某人',
      '--role',
      'liaison',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('user.department_required');
    const badRole = await luoshi(['user', 'create', 'x-1', '--name', '某人', '--role', '校长']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('Unknown role "校长"');
    expect(await count()).toBe(before);
  });

  it("list prints the organization's users, with --json their departments", async () => {
    const listed = await luoshi(['user', 'list', '--json']);
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout) as {
      username: string;
      departmentName: string | null;
      role: string;
    }[];
    expect(entries.find((entry) => entry.username === 'jwc-wang')).toMatchObject({
      role: 'liaison',
      departmentName: '教务处',
    });
    const text = await luoshi(['user', 'list']);
    expect(text.stdout).toMatch(
      /^jwc-wang\t王老师\t部门联络员\t教务处\twang@example\.edu\.cn\tnever signed in\tmust change password$/m,
    );
  });

  it('import --dry-run names the bad rows and creates nobody; then a good sheet creates everyone, passwords printed and saved', async () => {
    const before = await count();
    const bad = await sheetFile('bad.xlsx', [
      ['cs-li', '李老师', '部门联络员', '计算机学院', '', ''],
      ['jwc-wang', '重名', '领导', '', '', ''],
      ['cs-zhao', '赵老师', '部门联络员', '', '', ''],
    ]);
    const checked = await luoshi(['user', 'import', bad, '--dry-run']);
    expect(checked.code).toBe(2);
    expect(checked.stdout).toContain('row 3\tjwc-wang\t用户名“jwc-wang”已被使用，请换一个。');
    expect(checked.stdout).toContain('row 4\tcs-zhao\t部门联络员必须填写所属部门。');
    expect(checked.stdout).toContain('3 rows, 1 users would be created, 2 problems');
    const refused = await luoshi(['user', 'import', bad]);
    expect(refused.code).toBe(2);
    expect(await count()).toBe(before);

    const good = await sheetFile('good.xlsx', [
      ['cs-li', '李老师', '部门联络员', '计算机学院', '', ''],
      ['leader-1', '分管校领导', '领导', '', '', ''],
    ]);
    const passwordsFile = path.join(scratch, 'passwords.xlsx');
    const imported = await luoshi(['user', 'import', good, '--passwords-out', passwordsFile]);
    expect(imported.code).toBe(0);
    const printed = imported.stdout
      .trim()
      .split('\n')
      .slice(0, 2)
      .map((line) => line.split('\t'));
    expect(printed.map(([username, name]) => [username, name])).toEqual([
      ['cs-li', '李老师'],
      ['leader-1', '分管校领导'],
    ]);
    expect(await count()).toBe(before + 2);
    expect(await verifyPassword((await userNamed('cs-li'))!.passwordHash, printed[0]![2]!)).toBe(
      true,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(passwordsFile)) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets[0]!.getRow(3).values).toEqual([
      undefined,
      'leader-1',
      '分管校领导',
      printed[1]![2],
    ]);
  }, 60_000);

  it('reset-password still gives a new one-time password', async () => {
    const reset = await luoshi(['user', 'reset-password', 'cs-li']);
    expect(reset.code).toBe(0);
    const password = /One-time password for "cs-li": (\S+)/.exec(reset.stdout)![1]!;
    expect(await verifyPassword((await userNamed('cs-li'))!.passwordHash, password)).toBe(true);
  });
});
