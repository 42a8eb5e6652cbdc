import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder, runMigrations } from '../../src/server/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { projectRoot } from '../support/test-app';

const run = promisify(execFile);

describe('migrations', () => {
  it('match the Drizzle schema: generating again produces nothing new', async () => {
    // drizzle-kit takes --out relative to the project only.
    await mkdir(path.join(projectRoot, 'test-results'), { recursive: true });
    const copy = await mkdtemp(path.join(projectRoot, 'test-results', 'migrations-drift-'));
    try {
      await cp(migrationsFolder, copy, { recursive: true });
      const before = await readdir(copy);
      const { stdout, stderr } = await run(
        path.join(projectRoot, 'node_modules/.bin/drizzle-kit'),
        [
          'generate',
          '--dialect',
          'postgresql',
          '--schema',
          './src/server/db/schema.ts',
          '--out',
          path.relative(projectRoot, copy),
        ],
        { cwd: projectRoot },
      );
      expect(await readdir(copy)).toEqual(before);
      expect(stdout + stderr).toContain('No schema changes');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  describe('a migration that fails midway', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => database.destroy());

    it('leaves the database as it was', async () => {
      const folder = await mkdtemp(path.join(os.tmpdir(), 'luoshi-broken-migration-'));
      await cp(migrationsFolder, folder, { recursive: true });
      const journalPath = path.join(folder, 'meta/_journal.json');
      const journal = JSON.parse(await readFile(journalPath, 'utf8'));
      const last = journal.entries.at(-1);
      journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9999_broken' });
      await writeFile(journalPath, JSON.stringify(journal));
      await writeFile(
        path.join(folder, '9999_broken.sql'),
        'CREATE TABLE half_done (id int);\n--> statement-breakpoint\nALTER TABLE departments ADD COLUMN half_column int;\n--> statement-breakpoint\nSELECT no_such_function();\n',
      );
      const applied = async () =>
        (
          await database.pool.query(
            'select count(*)::int as total from drizzle.__drizzle_migrations',
          )
        ).rows[0].total as number;
      const before = await applied();

      await expect(runMigrations(database.pool, folder)).rejects.toThrow();

      expect(await applied()).toBe(before);
      expect(
        (await database.pool.query("select to_regclass('public.half_done') as found")).rows[0]
          .found,
      ).toBeNull();
      const columns = await database.pool.query(
        "select column_name from information_schema.columns where table_name = 'departments' and column_name = 'half_column'",
      );
      expect(columns.rowCount).toBe(0);
    });
  });
});
