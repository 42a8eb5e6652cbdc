import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createInstitution, projectRoot, seedPlanFile } from '../support/test-app';

const run = promisify(execFile);
const cli = path.join(projectRoot, 'bin/luoshi.mjs');

async function luoshi(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      cwd: projectRoot,
      env: { ...process.env, LUOSHI_LANG: 'zh-CN', ...env },
      maxBuffer: 20 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let database: TestDatabase;
let scratch: string;
beforeAll(async () => {
  database = await createTestDatabase();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'luoshi-cli-'));
});
afterAll(async () => database.destroy());

describe('luoshi import --dry-run --json', () => {
  it('prints the parse: 60 items in order with their departments, and the phases', async () => {
    const result = await luoshi(['import', seedPlanFile, '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const parse = JSON.parse(result.stdout);
    expect(parse.items).toHaveLength(60);
    expect(parse.items.map((item: { no: number }) => item.no)).toEqual(
      Array.from({ length: 60 }, (_, index) => index + 1),
    );
    expect(parse.items[0]).toMatchObject({
      no: 1,
      level1: '党的领导',
      level2: '强化组织领导',
      focus: '“四个纳入”落实情况',
      departments: ['党政办公室', '党委组织部', '党委教师工作部', '各教学单位'],
      departmentsRaw: '党政办公室\n党委组织部\n党委教师工作部\n各教学单位',
    });
    expect(parse.items[23].departments).toEqual(['党委教师工作部', '党委宣传部', '教务处']);
    expect(parse.phases.map((phase: { name: string }) => phase.name)).toEqual([
      '动员部署阶段',
      '深化推进阶段',
      '成果总结阶段',
    ]);
  });

  it('refuses bad input with one line on stderr and exit code 2', async () => {
    const empty = path.join(scratch, 'empty.txt');
    await writeFile(empty, '');
    const png = path.join(scratch, 'picture.xlsx');
    await writeFile(png, Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex'));
    for (const [file, code] of [
      [empty, 'import.empty_file'],
      [png, 'import.type_mismatch'],
    ] as const) {
      const result = await luoshi(['import', file, '--dry-run', '--json']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(code);
    }
    const english = await luoshi(['import', empty, '--dry-run'], { LUOSHI_LANG: 'en' });
    expect(english.stderr).toContain('The file is empty.');
  });
});

describe('luoshi import into the database', () => {
  it('imports once, then finds the same plan and changes nothing; a bad file changes nothing', async () => {
    const { organization } = await createInstitution(database.db);
    const env = { DATABASE_URL: database.url };
    const first = await luoshi(['import', seedPlanFile, '--json'], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: true });
    const counted = async () =>
      (
        await database.db.execute(
          sql`select (select count(*) from plans)::int as plans, (select count(*) from items)::int as items, (select count(*) from assignments)::int as assignments where ${organization.id}::uuid is not null`,
        )
      ).rows[0];
    const afterFirst = await counted();
    expect(afterFirst).toMatchObject({ plans: 1, items: 60 });

    const second = await luoshi(['import', seedPlanFile], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing changed');
    expect(await counted()).toEqual(afterFirst);

    const broken = path.join(scratch, 'broken.txt');
    await writeFile(
      broken,
      (await readFile(seedPlanFile, 'utf8')).replace('\t7.党委组织部把', '\t6.党委组织部把'),
    );
    const refused = await luoshi(['import', broken], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('import.item_number_repeated');
    expect(await counted()).toEqual(afterFirst);
  });
});

describe('luoshi import of plans of other shapes', () => {
  async function sheet(name: string, rows: string[][]): Promise<string> {
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const worksheet = workbook.addWorksheet('计划');
    for (const row of rows) worksheet.addRow(row);
    const file = path.join(scratch, name);
    await writeFile(file, Buffer.from(await workbook.xlsx.writeBuffer()));
    return file;
  }

  it('prints path, level1/level2 (empty where absent), lead first, and the leader', async () => {
    const file = await sheet('整改任务清单.xlsx', [
      ['序号', '问题表现', '整改措施', '责任校领导', '配合单位', '牵头单位', '完成时限'],
      ['1', '师德考核流于形式', '修订细则', '张三', '教务处', '人事处', '2027年6月30日'],
    ]);
    const result = await luoshi(['import', file, '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [item] = JSON.parse(result.stdout).items;
    expect(item).toMatchObject({
      no: 1,
      path: [],
      level1: '',
      level2: '',
      departments: ['人事处', '教务处'],
      leader: '张三',
      measuresRaw: '修订细则',
    });
  });

  it('takes --columns where the header says nothing, and refuses a meaning it does not know', async () => {
    const file = await sheet('无表头.xlsx', [
      ['甲', '乙', '丙'],
      ['1', '建立教师发展中心', '人事处'],
    ]);
    const refused = await luoshi(['import', file, '--dry-run', '--json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('没有找到任务表的表头');
    const mapped = await luoshi([
      'import',
      file,
      '--dry-run',
      '--json',
      '--columns',
      'number,content,departments',
    ]);
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(JSON.parse(mapped.stdout).items[0]).toMatchObject({
      content: '建立教师发展中心',
      departments: ['人事处'],
    });
    const wrong = await luoshi([
      'import',
      file,
      '--dry-run',
      '--columns',
      'number,task,departments',
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('“task”');
  });
});
