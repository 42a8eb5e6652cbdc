import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAppRole } from '../../src/server/db/app-role';
import { connectDatabase, type DatabaseHandle } from '../../src/server/db/client';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Issue 19 point 18: the append-only audit log cannot be switched off by the app. The running app
 * connects as a role made by ensureAppRole (as main.ts does on the embedded server): it cannot
 * disable the trigger, turn triggers off, update a row or delete a recent one.
 */
let database: TestDatabase;
let app: DatabaseHandle;
const role = `luoshi_app_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  const password = randomBytes(12).toString('hex');
  await ensureAppRole(database.pool, role, password);
  // Run twice, as at every start: idempotent.
  await ensureAppRole(database.pool, role, password);
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  app = connectDatabase(url.toString(), { maxConnections: 2 });
});
afterAll(async () => {
  await app?.close();
  // What the role holds goes first, in its database; then the database, then the role.
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`drop owned by ${role}`).catch(() => undefined);
  await admin.end();
  await database?.destroy();
  const url = new URL(database.url);
  url.pathname = '/postgres';
  const root = new pg.Client({ connectionString: url.toString() });
  await root.connect();
  await root.query(`drop role if exists ${role}`).catch(() => undefined);
  await root.end();
});

describe("the app's database role", () => {
  it('is no superuser, creates no roles and owns no table', async () => {
    const { rows } = await app.pool.query(
      'select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles where rolname = current_user',
    );
    expect(rows[0]).toEqual({
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolbypassrls: false,
    });
    const owned = await app.pool.query(
      "select tablename from pg_tables where schemaname = 'public' and tableowner = current_user",
    );
    expect(owned.rows).toEqual([]);
  });

  it('appends to and reads the audit log, and does the app its work on the other tables', async () => {
    const inserted = await app.pool.query(
      "insert into audit_log (action, entity_type, at) values ('role.test', 'test', now()) returning id",
    );
    expect(inserted.rows[0].id).toBeTruthy();
    expect((await app.pool.query('select count(*) from audit_log')).rows[0].count).not.toBe('0');
    await app.pool.query(
      "insert into sign_in_failures (ip, username, at) values ('10.18.0.1', 'x', now())",
    );
    await app.pool.query("delete from sign_in_failures where ip = '10.18.0.1'");
  });

  it('cannot disable the trigger, switch triggers off, update a row, delete a recent one or truncate', async () => {
    const { rows } = await app.pool.query(
      "insert into audit_log (action, entity_type, at) values ('role.recent', 'test', now()) returning id",
    );
    const id = rows[0].id as number;
    await expect(app.pool.query('alter table audit_log disable trigger all')).rejects.toThrow(
      /must be owner/,
    );
    await expect(app.pool.query('alter table audit_log disable trigger user')).rejects.toThrow(
      /must be owner/,
    );
    await expect(app.pool.query('set session_replication_role = replica')).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      app.pool.query("update audit_log set action = 'forged' where id = $1", [id]),
    ).rejects.toThrow(/permission denied/);
    await expect(app.pool.query('delete from audit_log where id = $1', [id])).rejects.toThrow();
    await expect(app.pool.query('truncate audit_log')).rejects.toThrow(/permission denied/);
    await expect(app.pool.query('drop table audit_log')).rejects.toThrow(/must be owner/);
    await expect(app.pool.query(`alter role ${role} superuser`)).rejects.toThrow(
      /permission denied|must be superuser/,
    );
    const still = await database.pool.query('select action from audit_log where id = $1', [id]);
    expect(still.rows).toEqual([{ action: 'role.recent' }]);
  });
});
