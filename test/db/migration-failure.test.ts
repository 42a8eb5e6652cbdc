import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrationsFolder, runMigrations } from '../../src/server/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createInstitution, createUser } from '../support/test-app';

/** The committed migrations plus one more whose first statement succeeds and whose second fails. */
async function foldersWithBrokenMigration(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'luoshi-migration-failure-'));
  await cp(migrationsFolder, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta/_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8'));
  const last = journal.entries.at(-1);
  journal.entries.push({
    ...last,
    idx: last.idx + 1,
    when: last.when + 1000,
    tag: '9999_fails_midway',
  });
  await writeFile(journalPath, JSON.stringify(journal, null, 2));
  await writeFile(
    path.join(folder, '9999_fails_midway.sql'),
    [
      'CREATE TABLE created_before_the_failure (id int PRIMARY KEY, note text);',
      "INSERT INTO created_before_the_failure VALUES (1, 'half');",
      "UPDATE organizations SET name = name || ' (migrated)';",
      'ALTER TABLE organizations ADD COLUMN name text;',
    ].join('\n--> statement-breakpoint\n'),
  );
  return folder;
}

const folders: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.destroy();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function snapshot(pool: pg.Pool) {
  const tables = await pool.query(
    "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
  );
  const columns = await pool.query(
    "select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position",
  );
  const journal = await pool.query(
    'select id, hash, created_at from drizzle.__drizzle_migrations order by id',
  );
  const organizations = await pool.query('select id, name from organizations order by id');
  const users = await pool.query('select id, username, version from users order by id');
  return {
    tables: tables.rows,
    columns: columns.rows,
    journal: journal.rows,
    organizations: organizations.rows,
    users: users.rows,
  };
}

describe('a migration that fails midway', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await foldersWithBrokenMigration();
    folders.push(folder);
  });

  it('is refused with a clear error and leaves the schema, the journal and the data as they were', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const { organization, departments } = await createInstitution(database.db, [
      { name: '党委教师工作部' },
    ]);
    await createUser(database.db, organization.id, 'liaison', {
      departmentId: departments['党委教师工作部']!.id,
    });
    const before = await snapshot(database.pool);
    expect(before.organizations).toHaveLength(1);

    const failure = await runMigrations(database.pool, folder).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.name).toBe('MigrationError');
    expect(failure!.message).toContain('9999_fails_midway');
    expect(failure!.message).toMatch(/column "name" of relation "organizations" already exists/);
    expect(failure!.message).toContain('None of them was applied; the database is as it was.');

    expect(await snapshot(database.pool)).toEqual(before);
    expect(
      (
        await database.pool.query(
          "select to_regclass('public.created_before_the_failure') as found",
        )
      ).rows[0].found,
    ).toBeNull();

    // The lock was released and the connection is usable: the good migrations still apply (none pending).
    await runMigrations(database.pool);
    expect(await snapshot(database.pool)).toEqual(before);
  });

  it('on an empty database, applies none of the committed migrations either: all pending ones share one transaction', async () => {
    const adminUrl = inject('databaseAdminUrl');
    const name = `luoshi_empty_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    // A connection still closing when the database is dropped must not fail the run.
    pool.on('error', () => undefined);
    try {
      await expect(runMigrations(pool, folder)).rejects.toThrow(
        /0000_foundation.*9999_fails_midway/s,
      );
      const tables = await pool.query(
        "select table_name from information_schema.tables where table_schema = 'public'",
      );
      expect(tables.rows).toEqual([]);
      expect(
        (await pool.query('select count(*)::int as applied from drizzle.__drizzle_migrations'))
          .rows[0].applied,
      ).toBe(0);

      await runMigrations(pool);
      const journal = JSON.parse(
        await readFile(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8'),
      );
      expect(
        (await pool.query('select count(*)::int as applied from drizzle.__drizzle_migrations'))
          .rows[0].applied,
      ).toBe(journal.entries.length);
    } finally {
      await pool.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
