import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { EvidenceView } from '../../src/shared/api/evidence';
import { ManualClock } from '../../src/server/clock';
import { sampleOffice, samplePdf, samplePng } from '../support/evidence-files';
import {
  createTestApp,
  createUser,
  institutionWithSeedPlan,
  multipartFile,
  projectRoot,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

const run = promisify(execFile);
const cli = path.join(projectRoot, 'bin/luoshi.mjs');

async function luoshi(
  args: string[],
  target: { url: string; evidenceDir: string },
  extraEnv: Record<string, string> = {},
) {
  const env = {
    ...process.env,
    LUOSHI_BACKUP_PASSPHRASE_FILE: '',
    LUOSHI_BACKUP_KEY_FILE: '',
    ...extraEnv,
    LUOSHI_LANG: 'zh-CN',
    DATABASE_URL: target.url,
    LUOSHI_EVIDENCE_DIR: target.evidenceDir,
    LUOSHI_EVIDENCE_STORE: 'local',
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      cwd: projectRoot,
      env,
      maxBuffer: 20 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** An empty database (no schema at all) with its own evidence directory: where a restore goes. */
async function emptyTarget() {
  const name = `luoshi_restore_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(inject('databaseAdminUrl'));
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => undefined);
  const evidenceDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-evidence-'));
  targets.push({ name, pool, evidenceDir });
  return { url: url.toString(), pool, evidenceDir };
}
const targets: { name: string; pool: pg.Pool; evidenceDir: string }[] = [];

/** Every table's rows in a fixed order, as PostgreSQL's own JSON of them: equal text, equal data. */
async function contents(pool: pg.Pool) {
  const tables = (
    await pool.query<{ schema: string; name: string }>(
      "select table_schema as schema, table_name as name from information_schema.tables where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE' order by 1, 2",
    )
  ).rows;
  const rows: Record<string, string[]> = {};
  for (const table of tables) {
    const qualified = `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
    rows[`${table.schema}.${table.name}`] = (
      await pool.query<{ row: string }>(
        `select row_to_json(t)::text as row from ${qualified} t order by 1`,
      )
    ).rows.map((row) => row.row);
  }
  const sequences = (
    await pool.query(
      "select schemaname, sequencename, last_value::text from pg_sequences where schemaname in ('public', 'drizzle') order by 1, 2",
    )
  ).rows;
  return { rows, sequences };
}

/** sha256 of every file under a directory, by relative path. */
async function fileHashes(root: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    hashes[path.relative(root, full)] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return hashes;
}

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

let t: TestApp;
let scratch: string;
let archive: string;
let source: { url: string; evidenceDir: string };
const clock = new ManualClock('2024-04-22T02:00:00Z');

/** An institution with the seed plan, an approved breakdown, progress reports citing evidence files, a finding, and a quality report (.docx in a bytea column). */
async function institutionWithAYear() {
  clock.set('2024-04-22T02:00:00Z');
  const {
    organization,
    coordinator: firstCoordinator,
    planId,
    idOf,
    liaisonOf,
  } = await institutionWithSeedPlan(t);
  let coordinator = firstCoordinator;
  let union = await liaisonOf('工会');
  // Sessions end after 30 idle minutes of the test's clock: sign in again after each jump.
  const later = async (at: string) => {
    clock.set(at);
    coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    union = await liaisonOf('工会');
  };
  const breakdown = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
  const items = itemsOf((await union.get(breakdown)).json());
  for (const [index, text] of [
    '把教师思政工作写入工会年度计划',
    '=HYPERLINK("http://evil.example","点我")',
    '建立民生项目年度清单\n第二行 "引号" \\ 反斜杠 \u{1F600}',
  ].entries()) {
    expect(
      (
        await union.post(`${breakdown}/measures`, {
          itemId: items[Math.min(index, items.length - 1)]!.id,
          text,
          deadline: { kind: 'monthly', dueOn: '2024-05-31' },
        })
      ).statusCode,
    ).toBe(201);
  }
  await union.request({
    method: 'PUT',
    url: `${breakdown}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  await coordinator.request({
    method: 'PUT',
    url: `/api/v1/plans/${planId}/ledger/settings`,
    payload: { frequency: 'monthly', dueDay: 5, firstPeriod: '2024-05', lastPeriod: '2024-12' },
  });
  expect((await union.post(`${breakdown}/submit`)).statusCode).toBe(200);
  expect((await coordinator.post(`${breakdown}/review`, { decision: 'approve' })).statusCode).toBe(
    200,
  );
  await later('2024-05-20T02:00:00Z');
  const upload = async (client: SignedInClient, name: string, bytes: Buffer) => {
    const { payload, headers } = multipartFile(name, bytes);
    const response = await client.request({
      method: 'POST',
      url: '/api/v1/evidence',
      payload,
      headers,
    });
    expect(response.statusCode).toBe(201);
    return response.json() as EvidenceView;
  };
  const files = [
    await upload(union, '会议纪要.pdf', samplePdf('may')),
    await upload(union, '现场照片.png', samplePng()),
    await upload(union, '名单.xlsx', sampleOffice('xlsx')),
  ];
  const ledgerBase = `/api/v1/plans/${planId}/ledger/departments/${idOf('工会')}`;
  const measures = (await union.get(ledgerBase)).json().measures as { id: string }[];
  for (const [index, measure] of measures.entries()) {
    const saved = await union.post(`${ledgerBase}/reports`, {
      measureId: measure.id,
      periodKey: '2024-05',
      status: 'on_track',
      text: `召开专题会议 ${index}`,
      basedOnVersion: 0,
      evidenceIds: [files[index % files.length]!.id],
    });
    expect(saved.statusCode).toBe(201);
  }
  await later('2024-06-10T02:00:00Z');
  expect(
    (
      await union.post(`${ledgerBase}/reports`, {
        measureId: measures[0]!.id,
        periodKey: '2024-05',
        status: 'done',
        text: '已完成',
        basedOnVersion: 1,
        evidenceIds: files.map((file) => file.id),
      })
    ).statusCode,
  ).toBe(201);
  expect(
    (
      await coordinator.post(`/api/v1/plans/${planId}/findings`, {
        title: '民生项目清单未按期验收',
        description: '年底验收滞后',
        kind: 'carried_over',
        ownerDepartmentId: idOf('工会'),
        itemIds: [items[0]!.id],
        dueOn: '2024-12-31',
      })
    ).statusCode,
  ).toBe(201);
  await later('2024-08-10T02:00:00Z');
  expect((await coordinator.post(`/api/v1/plans/${planId}/reports`)).statusCode).toBe(202);
  await t.jobs.runDue();
}

// 78 characters, 234 bytes in UTF-8: more than a ustar header's name field holds.
const longChineseName = `${'关于落实立德树人根本任务的实施方案'.repeat(4)}（2024年第一季度会议纪要）终稿.pdf`;

/** A third institution with one more evidence file, named with a long Chinese name. */
async function evidenceWithALongName() {
  const { liaisonOf } = await institutionWithSeedPlan(t);
  const union = await liaisonOf('工会');
  const { payload, headers } = multipartFile(longChineseName, samplePdf('long-name'));
  const uploaded = await union.request({
    method: 'POST',
    url: '/api/v1/evidence',
    payload,
    headers,
  });
  expect(uploaded.statusCode).toBe(201);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'luoshi-backup-'));
  archive = path.join(scratch, 'luoshi.tar');
  source = { url: t.database.url, evidenceDir: t.config.evidenceDir };
  await institutionWithAYear();
  await institutionWithAYear();
  await evidenceWithALongName();
}, 180_000);
afterAll(async () => {
  for (const target of targets) {
    await target.pool.end();
    await rm(target.evidenceDir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${target.name} with (force)`);
    await admin.end();
  }
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('luoshi backup and luoshi restore', () => {
  it('round-trip every table, sequence and evidence file exactly into a fresh database and evidence directory', async () => {
    const backedUp = await luoshi(['backup', archive], source);
    expect(backedUp.stderr).toBe('');
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/Backed up \d+ tables \(\d+ rows\) and 7 evidence files/);

    const original = await contents(t.database.pool);
    // What this test claims to cover is really there: reports with evidence, audit entries, a .docx in bytea, arrays and jsonb.
    expect(original.rows['public.progress_reports']!.length).toBe(8);
    expect(original.rows['public.evidence_blobs']!.length).toBe(7);
    expect(Buffer.byteLength(longChineseName)).toBeGreaterThan(200);
    expect(
      original.rows['public.evidence']!.filter((row) => row.includes(longChineseName)),
    ).toHaveLength(1);
    expect(original.rows['public.audit_log']!.length).toBeGreaterThan(20);
    expect(
      original.rows['public.quality_reports']!.filter((row) =>
        JSON.parse(row).docx?.startsWith('\\x504b0304'),
      ),
    ).toHaveLength(2);
    expect(original.rows['drizzle.__drizzle_migrations']!.length).toBeGreaterThan(0);

    const target = await emptyTarget();
    const restored = await luoshi(['restore', archive], target);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Restored \d+ tables \(\d+ rows\) and 7 evidence files/);

    expect(await contents(target.pool)).toEqual(original);
    const files = await fileHashes(target.evidenceDir);
    expect(Object.keys(files)).toHaveLength(7);
    expect(files).toEqual(await fileHashes(source.evidenceDir));
    // The names are the content: each file's sha256 is its own name.
    for (const [name, hash] of Object.entries(files)) expect(path.basename(name)).toBe(hash);

    // The append-only guards are back on after the load.
    await expect(target.pool.query('delete from audit_log')).rejects.toThrow(/append-only/);
    await expect(
      target.pool.query('update progress_reports set text = $1', ['改写']),
    ).rejects.toThrow(/append-only/);

    // A database with data is not replaced unless asked; with --force it is, exactly.
    const refused = await luoshi(['restore', archive], target);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('backup.database_not_empty');
    expect(refused.stderr).toContain('--force');
    await target.pool.query("insert into organizations (name) values ('恢复后新增的单位')");
    const forced = await luoshi(['restore', archive, '--force'], target);
    expect(forced.code).toBe(0);
    expect(await contents(target.pool)).toEqual(original);

    // An archive is never overwritten.
    const again = await luoshi(['backup', archive], source);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('backup.file_exists');
  }, 300_000);

  it('refuses a corrupted or truncated archive before changing anything', async () => {
    if (!(await stat(archive).catch(() => null)))
      expect((await luoshi(['backup', archive], source)).code).toBe(0);
    const bytes = await readFile(archive);
    const target = await emptyTarget();
    const untouched = async () => {
      const tables = await target.pool.query(
        "select count(*)::int as total from information_schema.tables where table_schema = 'public'",
      );
      const organizations = (
        await target.pool.query('select count(*)::int as total from organizations')
      ).rows[0].total;
      return {
        tables: tables.rows[0].total,
        organizations,
        files: await fileHashes(target.evidenceDir),
      };
    };

    // One byte changed inside a progress report's text.
    const corrupted = Buffer.from(bytes);
    const at = corrupted.indexOf(Buffer.from('已完成'));
    expect(at).toBeGreaterThan(0);
    corrupted[at + 1] = corrupted[at + 1]! ^ 0x01;
    await writeFile(path.join(scratch, 'corrupted.tar'), corrupted);
    // One byte changed inside an evidence file.
    const damagedFile = Buffer.from(bytes);
    const pdf = damagedFile.indexOf(Buffer.from('%PDF-1.4'));
    damagedFile[pdf + 20] = damagedFile[pdf + 20]! ^ 0x01;
    await writeFile(path.join(scratch, 'damaged-file.tar'), damagedFile);
    // Cut short, as by a full disk or an interrupted copy.
    await writeFile(
      path.join(scratch, 'truncated.tar'),
      bytes.subarray(0, Math.floor(bytes.length * 0.6)),
    );
    await writeFile(
      path.join(scratch, 'no-manifest.tar'),
      bytes.subarray(0, bytes.lastIndexOf(Buffer.from('manifest.json')) - 0),
    );

    const first = await luoshi(['restore', path.join(scratch, 'corrupted.tar')], target);
    const before = await untouched();
    expect(before.organizations).toBe(0);
    for (const [file, code] of [
      ['corrupted.tar', 'backup.archive_corrupt'],
      ['damaged-file.tar', 'backup.archive_corrupt'],
      ['truncated.tar', 'backup.archive_truncated'],
      ['no-manifest.tar', 'backup.archive_truncated'],
      ['missing.tar', 'backup.archive_missing'],
    ] as const) {
      const result =
        file === 'corrupted.tar'
          ? first
          : await luoshi(['restore', path.join(scratch, file), '--force'], target);
      expect(result.code, file).toBe(2);
      expect(result.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(result.stderr, file).toContain(code);
      expect(result.stderr, file).toContain('未做任何更改');
      expect(await untouched(), file).toEqual(before);
    }
    expect(before.files).toEqual({});
  }, 300_000);

  it('encrypts with a passphrase file or a key file: no plaintext in the archive, restored exactly, refused with a wrong secret or a damaged file', async () => {
    const original = await contents(t.database.pool);
    const passphraseFile = path.join(scratch, 'passphrase');
    await writeFile(passphraseFile, '落实 backup 口令 2024 correct horse\n', { mode: 0o600 });
    const keyFile = path.join(scratch, 'backup.key');
    await writeFile(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });

    const sealed = path.join(scratch, 'sealed.tar');
    const byPassphrase = await luoshi(
      ['backup', sealed, '--passphrase-file', passphraseFile],
      source,
    );
    expect(byPassphrase.stderr).toBe('');
    expect(byPassphrase.code).toBe(0);
    expect(byPassphrase.stdout).toMatch(/and 7 evidence files .*\(encrypted\)/);
    // The key file from the environment, as a nightly timer would give it.
    const keyed = path.join(scratch, 'keyed.tar');
    const byKey = await luoshi(['backup', keyed], source, { LUOSHI_BACKUP_KEY_FILE: keyFile });
    expect(byKey.code).toBe(0);
    expect(byKey.stdout).toContain('(encrypted)');

    // What a reader of the file would look for: a plan's title, a teacher's name, a report's text, the PDF.
    const title = (
      await t.database.pool.query<{ title: string }>('select title from plans limit 1')
    ).rows[0]!.title;
    expect(title).toMatch(/[\u4e00-\u9fff]{4}/);
    const secrets = [title, '王老师', '召开专题会议', '%PDF-1.4', longChineseName, 'manifest.json'];
    if (!(await stat(archive).catch(() => null)))
      expect((await luoshi(['backup', archive], source)).code).toBe(0);
    const plain = await readFile(archive);
    for (const secret of secrets) expect(plain.includes(Buffer.from(secret)), secret).toBe(true);
    for (const file of [sealed, keyed]) {
      const bytes = await readFile(file);
      for (const secret of secrets)
        expect(bytes.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }

    const target = await emptyTarget();
    const keyRequired = await luoshi(['restore', sealed], target);
    expect(keyRequired.code).toBe(2);
    expect(keyRequired.stderr).toContain('backup.key_required');
    const restored = await luoshi(['restore', sealed, '--passphrase-file', passphraseFile], target);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await contents(target.pool)).toEqual(original);
    const byKeyFile = await luoshi(['restore', keyed, '--force', '--key-file', keyFile], target);
    expect(byKeyFile.stderr).toBe('');
    expect(byKeyFile.code).toBe(0);
    expect(await contents(target.pool)).toEqual(original);
    expect(await fileHashes(target.evidenceDir)).toEqual(await fileHashes(source.evidenceDir));

    // Refused with --force on a database that holds data: it stays exactly as it was.
    await target.pool.query("insert into organizations (name) values ('恢复后新增的单位')");
    const before = await contents(target.pool);
    const filesBefore = await fileHashes(target.evidenceDir);
    const bytes = await readFile(sealed);
    const wrongPassphrase = path.join(scratch, 'wrong-passphrase');
    await writeFile(wrongPassphrase, '落实 backup 口令 2024 correct horsE\n');
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)] = flipped[Math.floor(bytes.length / 2)]! ^ 0x01;
    await writeFile(path.join(scratch, 'sealed-flipped.tar'), flipped);
    await writeFile(
      path.join(scratch, 'sealed-truncated.tar'),
      bytes.subarray(0, Math.floor(bytes.length * 0.6)),
    );
    // Cut off the last record exactly: what remains ends at a record's boundary.
    await writeFile(
      path.join(scratch, 'sealed-cut.tar'),
      bytes.subarray(0, 64 + Math.floor((bytes.length - 64) / (65536 + 16) - 1) * (65536 + 16)),
    );
    for (const [file, secret, code] of [
      ['sealed.tar', ['--passphrase-file', wrongPassphrase], 'backup.wrong_key'],
      ['sealed.tar', ['--key-file', keyFile], 'backup.wrong_key'],
      ['keyed.tar', ['--passphrase-file', passphraseFile], 'backup.wrong_key'],
      ['sealed-flipped.tar', ['--passphrase-file', passphraseFile], 'backup.archive_corrupt'],
      ['sealed-truncated.tar', ['--passphrase-file', passphraseFile], 'backup.archive_truncated'],
      ['sealed-cut.tar', ['--passphrase-file', passphraseFile], 'backup.archive_truncated'],
      // A plain archive where an encrypted one is expected.
      ['luoshi.tar', ['--passphrase-file', passphraseFile], 'backup.not_encrypted'],
    ] as const) {
      const result = await luoshi(
        ['restore', path.join(scratch, file), '--force', ...secret],
        target,
      );
      expect(result.code, file).toBe(2);
      expect(result.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(result.stderr, file).toContain(code);
      expect(result.stderr, file).toContain('未做任何更改');
      expect(await contents(target.pool), file).toEqual(before);
      expect(await fileHashes(target.evidenceDir), file).toEqual(filesBefore);
    }

    // A secret is only ever read from a file; a weak or malformed one is refused before anything is written.
    const short = path.join(scratch, 'short-passphrase');
    await writeFile(short, '123456\n');
    const weak = await luoshi(
      ['backup', path.join(scratch, 'weak.tar'), '--passphrase-file', short],
      source,
    );
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('backup.passphrase_too_short');
    const badKey = await luoshi(
      ['backup', path.join(scratch, 'bad-key.tar'), '--key-file', passphraseFile],
      source,
    );
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('backup.key_file_invalid');
    expect(await stat(path.join(scratch, 'weak.tar')).catch(() => null)).toBeNull();
  }, 300_000);
});
