import { createHash } from 'node:crypto';
import { sha256 } from '../../io/sha256';
import { access, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import { MIGRATION_LOCK_KEY, migrationsFolder, runMigrations } from '../../db/migrate';
import {
  isSealed,
  keyFromFile,
  openingKeys,
  openingStream,
  SEALED_HEADER_BYTES,
  SealedError,
  type SealedKeys,
  type SealingSecret,
  sealingKeys,
  sealingStream,
} from '../../io/sealed-stream';
import { createTarWriter, readTar, TarError } from '../../io/tar';
import type { EvidenceStore } from '../evidence/evidence.store';

/**
 * `luoshi backup` / `luoshi restore`: a logical backup written by Luoshi itself (no pg_dump of a
 * matching version is needed). One archive (.tar) holds every table of the schemas `public` and
 * `drizzle` (the migrations journal) as JSON lines read in one snapshot, the sequences, the
 * evidence files the snapshot cites, and a manifest with counts and sha256 checksums of it all.
 * Given a passphrase or a key, the whole archive is sealed (`io/sealed-stream.ts`): encrypted
 * and authenticated, so that it may leave the server.
 */

export const BACKUP_FORMAT = 'luoshi-backup';
export const BACKUP_FORMAT_VERSION = 1;
const SCHEMAS = ['public', 'drizzle'] as const;
/** Rows per archive entry: one entry is what memory holds at a time. */
const ROWS_PER_CHUNK = 1000;
const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;
/** A backup passphrase's least length, in characters: it alone guards every personal datum. */
export const MIN_PASSPHRASE_CHARACTERS = 12;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  /** The last migration applied to the database backed up (drizzle's journal). */
  migration: { createdAt: number; hash: string } | null;
  /** In an order that satisfies every foreign key. */
  tables: { schema: string; name: string; rows: number; chunks: number; sha256: string }[];
  sequences: { schema: string; name: string; lastValue: string | null }[];
  evidence: { organizationId: string; sha256: string; bytes: number }[];
}

export interface BackupDependencies {
  pool: pg.Pool;
  store: EvidenceStore;
  clock: Clock;
}

const qualified = (schema: string, name: string) =>
  `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
const chunkName = (schema: string, name: string, index: number) =>
  `tables/${schema}.${name}/${String(index).padStart(6, '0')}.jsonl`;
const evidenceName = (organizationId: string, hash: string) => `evidence/${organizationId}/${hash}`;

interface TableInfo {
  schema: string;
  name: string;
  oid: number;
}

/** The tables of our schemas, parents before children (foreign keys), then by name. */
async function listTables(client: pg.PoolClient): Promise<TableInfo[]> {
  const tables = (
    await client.query<{ schema: string; name: string; oid: number }>(
      `select n.nspname as schema, c.relname as name, c.oid::int as oid
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1) and not c.relispartition
      order by n.nspname, c.relname`,
      [SCHEMAS],
    )
  ).rows;
  const edges = (
    await client.query<{ child: number; parent: number }>(
      `select conrelid::int as child, confrelid::int as parent from pg_constraint where contype = 'f' and conrelid <> confrelid`,
    )
  ).rows;
  const ordered: TableInfo[] = [];
  const placed = new Set<number>();
  let remaining = tables;
  while (remaining.length > 0) {
    const ready = remaining.filter((table) =>
      edges.every(
        (edge) =>
          edge.child !== table.oid ||
          placed.has(edge.parent) ||
          !remaining.some((other) => other.oid === edge.parent),
      ),
    );
    // A cycle of foreign keys (none today) is broken by name: restore drops the keys while loading anyway.
    const next = ready.length > 0 ? ready : [remaining[0]!];
    for (const table of next) {
      ordered.push(table);
      placed.add(table.oid);
    }
    remaining = remaining.filter((table) => !placed.has(table.oid));
  }
  return ordered;
}

/** ORDER BY of a table: its primary key, else the whole row as JSON text. */
async function orderOf(client: pg.PoolClient, table: TableInfo): Promise<string> {
  const key = (
    await client.query<{ column: string }>(
      `select a.attname as column from pg_index i
       join lateral unnest(i.indkey) with ordinality as k(attnum, position) on true
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = $1 and i.indisprimary order by k.position`,
      [table.oid],
    )
  ).rows.map((row) => `t.${pg.escapeIdentifier(row.column)}`);
  return key.length > 0 ? key.join(', ') : 't::text';
}

/**
 * The passphrase or key of an encrypted backup, read from the file the operator names (never
 * from the command line, where `ps` would show it). A passphrase file holds the passphrase in
 * UTF-8 (one final line break is not part of it); a key file 32 bytes, or 64 hex digits.
 */
export async function readBackupSecret({
  passphraseFile,
  keyFile,
}: {
  passphraseFile?: string | undefined;
  keyFile?: string | undefined;
}): Promise<SealingSecret | undefined> {
  if (passphraseFile && keyFile) throw new AppError('backup.secret_conflict');
  const file = passphraseFile ?? keyFile;
  if (!file) return undefined;
  const bytes = await readFile(file).catch(() => {
    throw new AppError('backup.secret_file_unreadable', { file });
  });
  if (keyFile) {
    const key = keyFromFile(bytes);
    if (!key) throw new AppError('backup.key_file_invalid', { file });
    return { kind: 'key', key };
  }
  const passphrase = bytes.toString('utf8').replace(/\r?\n$/, '');
  if ([...passphrase].length < MIN_PASSPHRASE_CHARACTERS)
    throw new AppError('backup.passphrase_too_short', {
      file,
      min: String(MIN_PASSPHRASE_CHARACTERS),
    });
  return { kind: 'passphrase', passphrase };
}

/** A TarError or SealedError met while reading an archive, as the error the operator sees. */
function archiveError(error: unknown): unknown {
  if (error instanceof TarError)
    return new AppError(
      error.kind === 'truncated' ? 'backup.archive_truncated' : 'backup.archive_corrupt',
      { detail: error.message },
    );
  if (error instanceof SealedError) {
    switch (error.kind) {
      case 'wrong_key':
        return new AppError('backup.wrong_key', { detail: error.message });
      case 'unsupported':
        return new AppError('backup.unsupported_format', { format: error.message });
      case 'truncated':
        return new AppError('backup.archive_truncated', { detail: error.message });
      default:
        return new AppError('backup.archive_corrupt', { detail: error.message });
    }
  }
  return error;
}

export interface BackupSummary {
  file: string;
  encrypted: boolean;
  bytes: number;
  tables: number;
  rows: number;
  evidenceFiles: number;
  evidenceBytes: number;
}

/** Writes the archive to `file` (which must not exist yet); a half-written archive never takes its name. */
export async function createBackup(
  { pool, store, clock }: BackupDependencies,
  file: string,
  { secret }: { secret?: SealingSecret | undefined } = {},
): Promise<BackupSummary> {
  if (
    await access(file).then(
      () => true,
      () => false,
    )
  )
    throw new AppError('backup.file_exists', { file });
  const partial = `${file}.partial`;
  const createdAt = clock.now();
  const keys = secret ? await sealingKeys(secret) : undefined;
  const writer = await createTarWriter(
    partial,
    createdAt,
    keys ? { through: sealingStream(keys) } : {},
  );
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: createdAt.toISOString(),
      migration: null,
      tables: [],
      sequences: [],
      evidence: [],
    };
    for (const table of await listTables(client)) {
      const hash = createHash('sha256');
      let rows = 0;
      let chunks = 0;
      await client.query(
        `declare backup_rows no scroll cursor for select row_to_json(t)::text as row from ${qualified(table.schema, table.name)} t order by ${await orderOf(client, table)}`,
      );
      for (;;) {
        const batch = await client.query<{ row: string }>(
          `fetch ${ROWS_PER_CHUNK} from backup_rows`,
        );
        if (batch.rows.length === 0) break;
        const data = Buffer.from(batch.rows.map((entry) => `${entry.row}\n`).join(''), 'utf8');
        hash.update(data);
        rows += batch.rows.length;
        chunks += 1;
        await writer.add(chunkName(table.schema, table.name, chunks), data);
      }
      await client.query('close backup_rows');
      manifest.tables.push({
        schema: table.schema,
        name: table.name,
        rows,
        chunks,
        sha256: hash.digest('hex'),
      });
    }
    const journal = await client
      .query<{ hash: string; created_at: string }>(
        `select hash, created_at::text from drizzle.__drizzle_migrations order by created_at desc limit 1`,
      )
      .catch(() => ({ rows: [] as { hash: string; created_at: string }[] }));
    manifest.migration = journal.rows[0]
      ? { createdAt: Number(journal.rows[0].created_at), hash: journal.rows[0].hash }
      : null;
    manifest.sequences = (
      await client.query<{ schema: string; name: string; lastValue: string | null }>(
        `select schemaname as schema, sequencename as name, last_value::text as "lastValue" from pg_sequences where schemaname = any($1) order by 1, 2`,
        [SCHEMAS],
      )
    ).rows;
    // The evidence files the snapshot knows of, read through the store (local disk or S3).
    const blobs = await client.query<{ organization_id: string; sha256: string }>(
      `select organization_id::text, sha256 from evidence_blobs order by organization_id, sha256`,
    );
    for (const blob of blobs.rows) {
      const bytes = await store.get(blob.organization_id, blob.sha256);
      if (!bytes)
        throw new AppError('backup.evidence_missing', {
          organization: blob.organization_id,
          sha256: blob.sha256,
        });
      if (sha256(bytes) !== blob.sha256)
        throw new AppError('backup.evidence_missing', {
          organization: blob.organization_id,
          sha256: blob.sha256,
        });
      await writer.add(evidenceName(blob.organization_id, blob.sha256), bytes);
      manifest.evidence.push({
        organizationId: blob.organization_id,
        sha256: blob.sha256,
        bytes: bytes.length,
      });
    }
    await client.query('commit');
    await writer.add('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    await writer.finish();
    await rename(partial, file);
    const { size } = await stat(file);
    return {
      file,
      encrypted: keys !== undefined,
      bytes: size,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((total, table) => total + table.rows, 0),
      evidenceFiles: manifest.evidence.length,
      evidenceBytes: manifest.evidence.reduce((total, entry) => total + entry.bytes, 0),
    };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    await writer.abort().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    client.release();
  }
}

interface VerifiedArchive {
  manifest: BackupManifest;
  journal: { hash: string; created_at: number }[];
}

function corrupt(detail: string): AppError {
  return new AppError('backup.archive_corrupt', { detail });
}

/**
 * The keys to open `file` with if it is sealed, undefined if it is a plain tar; refuses a sealed
 * archive without a secret, a wrong secret, and a secret for a plain archive (whoever expects
 * an encrypted backup should not restore one anybody could have written).
 */
async function keysOf(
  file: string,
  secret: SealingSecret | undefined,
): Promise<SealedKeys | undefined> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new AppError('backup.archive_missing', { file }) : error;
  });
  const header = Buffer.alloc(SEALED_HEADER_BYTES);
  try {
    const { bytesRead } = await handle.read(header, 0, SEALED_HEADER_BYTES, 0);
    const head = header.subarray(0, bytesRead);
    if (!isSealed(head)) {
      if (secret) throw new AppError('backup.not_encrypted');
      return undefined;
    }
    if (!secret) throw new AppError('backup.key_required');
    return await openingKeys(head, secret);
  } catch (error) {
    throw archiveError(error);
  } finally {
    await handle.close();
  }
}

const entriesOf = (file: string, keys: SealedKeys | undefined) =>
  readTar(file, {
    maxEntryBytes: MAX_ENTRY_BYTES,
    ...(keys ? { through: openingStream(keys) } : {}),
  });

/** Reads the whole archive once and checks every checksum against the manifest; changes nothing. */
async function verifyArchive(file: string, keys: SealedKeys | undefined): Promise<VerifiedArchive> {
  const tables = new Map<
    string,
    { hash: ReturnType<typeof createHash>; rows: number; chunks: number }
  >();
  const evidence = new Map<string, number>();
  const journal: { hash: string; created_at: number }[] = [];
  let manifest: BackupManifest | undefined;
  try {
    for await (const entry of entriesOf(file, keys)) {
      if (manifest) throw corrupt(`an entry (${entry.name}) after the manifest`);
      const chunk = /^tables\/([a-z_]+)\.([a-z0-9_]+)\/(\d{6})\.jsonl$/.exec(entry.name);
      const blob = /^evidence\/([0-9a-f-]{36})\/([0-9a-f]{64})$/.exec(entry.name);
      if (chunk) {
        const key = `${chunk[1]}.${chunk[2]}`;
        const seen = tables.get(key) ?? { hash: createHash('sha256'), rows: 0, chunks: 0 };
        if (Number(chunk[3]) !== seen.chunks + 1) throw corrupt(`${entry.name} out of order`);
        seen.hash.update(entry.data);
        seen.rows += entry.data.toString('utf8').split('\n').length - 1;
        seen.chunks += 1;
        tables.set(key, seen);
        if (key === 'drizzle.__drizzle_migrations') {
          for (const line of entry.data.toString('utf8').split('\n').filter(Boolean)) {
            const row = JSON.parse(line) as { hash: string; created_at: number | string };
            journal.push({ hash: row.hash, created_at: Number(row.created_at) });
          }
        }
      } else if (blob) {
        if (sha256(entry.data) !== blob[2])
          throw corrupt(`the evidence file ${blob[2]} does not match its checksum`);
        evidence.set(`${blob[1]}/${blob[2]}`, entry.data.length);
      } else if (entry.name === 'manifest.json') {
        manifest = JSON.parse(entry.data.toString('utf8')) as BackupManifest;
      } else {
        throw corrupt(`unexpected entry ${entry.name}`);
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw corrupt(error.message);
    throw archiveError(error);
  }
  if (!manifest)
    throw new AppError('backup.archive_truncated', { detail: 'no manifest.json at its end' });
  if (manifest.format !== BACKUP_FORMAT || manifest.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new AppError('backup.unsupported_format', {
      format: `${String(manifest.format)} ${String(manifest.formatVersion)}`,
    });
  }
  for (const table of manifest.tables) {
    const key = `${table.schema}.${table.name}`;
    const seen = tables.get(key);
    const digest = seen ? seen.hash.digest('hex') : sha256('');
    if (
      (seen?.rows ?? 0) !== table.rows ||
      (seen?.chunks ?? 0) !== table.chunks ||
      digest !== table.sha256
    )
      throw corrupt(`the rows of ${key} do not match the manifest`);
    tables.delete(key);
  }
  if (tables.size > 0)
    throw corrupt(`rows of tables the manifest does not list: ${[...tables.keys()].join(', ')}`);
  for (const file of manifest.evidence) {
    if (evidence.get(`${file.organizationId}/${file.sha256}`) !== file.bytes)
      throw corrupt(`the evidence file ${file.sha256} is missing or of another size`);
  }
  if (evidence.size !== manifest.evidence.length)
    throw corrupt('evidence files the manifest does not list');
  return { manifest, journal: journal.sort((a, b) => a.created_at - b.created_at) };
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  evidenceFiles: number;
}

/**
 * Replaces the database's contents by the archive's, all or nothing, after checking every
 * checksum. The schema is rebuilt inside the same transaction from the committed migrations the
 * archive was made at (so an older archive restores into the schema it was written for; the
 * migrations since are applied after), foreign keys are dropped while loading and re-created
 * (checked) at the end, and user triggers (the append-only guards) are disabled only on the
 * freshly built tables while they are loaded. Evidence files are written to the store before
 * the commit: a restored database never cites a file the store lacks.
 */
export async function restoreBackup(
  { pool, store }: Omit<BackupDependencies, 'clock'>,
  file: string,
  { force = false, secret }: { force?: boolean; secret?: SealingSecret | undefined } = {},
): Promise<RestoreSummary> {
  const keys = await keysOf(file, secret);
  const { manifest, journal } = await verifyArchive(file, keys);
  const known = readMigrationFiles({ migrationsFolder });
  const migrations = journal.map((applied) => {
    const local = known.find((candidate) => candidate.folderMillis === applied.created_at);
    if (!local || local.hash !== applied.hash)
      throw new AppError('backup.newer_schema', { migration: String(applied.created_at) });
    return local;
  });

  const client = await pool.connect();
  try {
    await client.query('begin');
    // No app process migrates (boots) while the schema is rebuilt.
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    if (!force) {
      const filled: string[] = [];
      for (const table of await listTables(client)) {
        if (table.schema !== 'public') continue;
        const { rowCount } = await client.query(
          `select 1 from ${qualified(table.schema, table.name)} limit 1`,
        );
        if (rowCount) filled.push(table.name);
      }
      if (filled.length > 0)
        throw new AppError('backup.database_not_empty', {
          tables: filled.slice(0, 5).join(', ') + (filled.length > 5 ? ' …' : ''),
        });
    }
    await client.query('drop schema if exists drizzle cascade');
    await client.query('drop schema if exists public cascade');
    await client.query('create schema public');
    for (const migration of migrations)
      for (const statement of migration.sql) await client.query(statement);
    await client.query('create schema drizzle');
    await client.query(
      'create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)',
    );

    const foreignKeys = (
      await client.query<{ table: string; name: string; definition: string }>(
        `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as definition
         from pg_constraint where contype = 'f' and connamespace in (select oid from pg_namespace where nspname = any($1))`,
        [SCHEMAS],
      )
    ).rows;
    for (const key of foreignKeys)
      await client.query(
        `alter table ${key.table} drop constraint ${pg.escapeIdentifier(key.name)}`,
      );
    const present = new Map(
      (await listTables(client)).map((table) => [`${table.schema}.${table.name}`, table]),
    );
    const insertOf = new Map<string, string>();
    for (const table of manifest.tables) {
      const found = present.get(`${table.schema}.${table.name}`);
      if (!found)
        throw corrupt(
          `the table ${table.schema}.${table.name} is not part of the schema it was made at`,
        );
      const columns = (
        await client.query<{ name: string }>(
          `select attname as name from pg_attribute where attrelid = $1 and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`,
          [found.oid],
        )
      ).rows
        .map((column) => pg.escapeIdentifier(column.name))
        .join(', ');
      const target = qualified(table.schema, table.name);
      await client.query(`alter table ${target} disable trigger user`);
      insertOf.set(
        `${table.schema}.${table.name}`,
        `insert into ${target} (${columns}) overriding system value select ${columns} from json_populate_recordset(null::${target}, $1::json)`,
      );
    }

    let rows = 0;
    // Checked again as loaded: the file may not change between the check and the load.
    const loaded = new Map<string, ReturnType<typeof createHash>>();
    for await (const entry of entriesOf(file, keys)) {
      const chunk = /^tables\/([a-z_]+\.[a-z0-9_]+)\//.exec(entry.name);
      const blob = /^evidence\/([0-9a-f-]{36})\/([0-9a-f]{64})$/.exec(entry.name);
      if (chunk) {
        const insert = insertOf.get(chunk[1]!);
        if (!insert) throw corrupt(`rows of ${chunk[1]} the manifest does not list`);
        loaded.set(chunk[1]!, (loaded.get(chunk[1]!) ?? createHash('sha256')).update(entry.data));
        const lines = entry.data.toString('utf8').split('\n').filter(Boolean);
        await client.query(insert, [`[${lines.join(',')}]`]);
        rows += lines.length;
      } else if (blob) {
        if (sha256(entry.data) !== blob[2])
          throw corrupt(`the evidence file ${blob[2]} changed while restoring`);
        await store.put(blob[1]!, blob[2]!, entry.data);
      }
    }
    for (const table of manifest.tables) {
      const key = `${table.schema}.${table.name}`;
      if ((loaded.get(key)?.digest('hex') ?? sha256('')) !== table.sha256)
        throw corrupt(`the rows of ${key} changed while restoring`);
    }
    for (const table of manifest.tables)
      await client.query(`alter table ${qualified(table.schema, table.name)} enable trigger user`);
    for (const key of foreignKeys)
      await client.query(
        `alter table ${key.table} add constraint ${pg.escapeIdentifier(key.name)} ${key.definition}`,
      );
    for (const sequence of manifest.sequences) {
      const name = qualified(sequence.schema, sequence.name);
      if (sequence.lastValue === null)
        await client.query(
          `select setval($1::regclass, (select seqstart from pg_sequence where seqrelid = $1::regclass), false)`,
          [name],
        );
      else
        await client.query('select setval($1::regclass, $2::bigint, true)', [
          name,
          sequence.lastValue,
        ]);
    }
    await client.query('commit');
    // Bring an archive of an older Luoshi up to this one's schema.
    await runMigrations(pool);
    return { tables: manifest.tables.length, rows, evidenceFiles: manifest.evidence.length };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw archiveError(error);
  } finally {
    client.release();
  }
}
