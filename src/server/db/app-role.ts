import pg from 'pg';

/**
 * The role the running app connects as on the embedded server: no superuser, no CREATEROLE, and
 * owner of nothing. Tables belong to the migrating role, so the app cannot disable a trigger
 * (ALTER TABLE needs ownership), switch triggers off (session_replication_role needs superuser),
 * or grant itself more; on `audit_log` it may only read, append, and delete what the trigger lets
 * the retention job delete (rows older than 180 days): no UPDATE, no TRUNCATE.
 */
export const APP_ROLE = 'luoshi_app';

export async function ensureAppRole(
  owner: pg.Pool | pg.Client,
  role: string,
  password: string,
): Promise<void> {
  const name = pg.escapeIdentifier(role);
  const exists = await owner.query('select 1 from pg_roles where rolname = $1', [role]);
  const literal = pg.escapeLiteral(password);
  if (exists.rowCount === 0)
    await owner.query(
      `create role ${name} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${literal}`,
    );
  else
    await owner.query(
      `alter role ${name} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${literal}`,
    );
  const { rows } = await owner.query<{ database: string; me: string }>(
    'select current_database() as database, current_user as me',
  );
  const database = pg.escapeIdentifier(rows[0]!.database);
  const me = pg.escapeIdentifier(rows[0]!.me);
  await owner.query(`grant connect, temporary on database ${database} to ${name}`);
  await owner.query(`grant usage on schema public to ${name}`);
  await owner.query(
    `grant select, insert, update, delete on all tables in schema public to ${name}`,
  );
  await owner.query(`grant usage, select, update on all sequences in schema public to ${name}`);
  await owner.query(
    `alter default privileges for role ${me} in schema public grant select, insert, update, delete on tables to ${name}`,
  );
  await owner.query(
    `alter default privileges for role ${me} in schema public grant usage, select, update on sequences to ${name}`,
  );
  // The audit trail: read, append, and the retention job's delete (which the trigger limits).
  await owner.query(`revoke update, truncate, references, trigger on audit_log from ${name}`);
  await owner.query(`grant select, insert, delete on audit_log to ${name}`);
}
