import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { readDataVersion } from '../../src/server/modules/data-versions/data-version.repository';
import { createViewCache } from '../../src/server/modules/data-versions/view-cache';
import { departments } from '../../src/server/modules/departments/department.table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createInstitution } from '../support/test-app';

/**
 * Issue 16 point 1: views are reused until the organization's next write. PostgreSQL sets the data
 * version itself (migration 0026), so these tests write with plain SQL, as any service would.
 */

/** Tables that carry an organization's id but no cached view reads, each with why. */
const WITHOUT_TRIGGER: Record<string, string> = {
  organization_data_versions: 'the versions themselves',
  department_data_versions: 'the versions themselves',
  sessions: 'changes at every sign-in and request',
  sign_in_failures: 'changes at every failed sign-in',
  audit_log: 'written beside every write, which raises the version already',
  jobs: 'changes at every job run',
  notifications: 'the bell is read fresh',
  messages: 'the bell is read fresh',
  message_deliveries: 'delivery attempts',
  sso_attempts: 'sign-in attempts',
  sso_test_sign_ins: 'sign-in attempts',
  institution_snapshots: "the province's copy, written by its own job",
  audit_log_counts: "the audit log's own count, set by the log's trigger",
  evidence_blobs:
    'bytes inserted once and never changed, read only through the evidence row citing them, which raises the version in the same transaction',
};

let database: TestDatabase;

/** The organization's departments, counted (what the views of these tests compute). */
async function departmentCount(organizationId: string): Promise<number> {
  return (
    await database.db
      .select()
      .from(departments)
      .where(eq(departments.organizationId, organizationId))
  ).length;
}
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

describe('the data version', () => {
  it('is set by a trigger on every table that carries an organization, but those listed', async () => {
    const { rows } = await database.pool.query<{ table: string; trigger: boolean }>(
      `select columns.table_name as table,
              exists (select 1 from pg_trigger where tgrelid = columns.table_name::regclass
                      and tgname = 'raise_data_version') as trigger
       from information_schema.columns as columns
       join information_schema.tables as tables using (table_schema, table_name)
       where columns.table_schema = current_schema() and columns.column_name = 'organization_id'
         and tables.table_type = 'BASE TABLE'
       order by 1`,
    );
    expect(rows.length).toBeGreaterThan(40);
    const wrong = rows.filter((row) => row.trigger === row.table in WITHOUT_TRIGGER);
    // A new table: add the trigger in its migration, or list it above with the reason.
    expect(wrong.map((row) => row.table)).toEqual([]);
  });

  it('changes once per committed transaction, never for a rolled-back one or another organization', async () => {
    const { organization } = await createInstitution(database.db, [{ name: '教务处' }]);
    const { organization: other } = await createInstitution(database.db, [{ name: '人事处' }]);
    const first = await readDataVersion(database.db, organization.id);
    const otherFirst = await readDataVersion(database.db, other.id);
    expect(first).not.toBe('0');

    await database.db.transaction(async (tx) => {
      await tx.insert(departments).values([
        { organizationId: organization.id, name: '宣传部', kind: 'functional', position: 5 },
        { organizationId: organization.id, name: '学工部', kind: 'functional', position: 6 },
      ]);
      await tx
        .update(departments)
        .set({ name: '党委宣传部' })
        .where(eq(departments.name, '宣传部'));
    });
    const second = await readDataVersion(database.db, organization.id);
    expect(second).not.toBe(first);
    const { rows } = await database.pool.query<{ version: string }>(
      'select version from organization_data_versions where organization_id = $1',
      [organization.id],
    );
    expect(rows[0]!.version).toBe(second);

    await expect(
      database.db.transaction(async (tx) => {
        await tx
          .update(departments)
          .set({ name: '改名' })
          .where(eq(departments.name, '党委宣传部'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await readDataVersion(database.db, organization.id)).toBe(second);
    expect(await readDataVersion(database.db, other.id)).toBe(otherFirst);

    await database.db.delete(departments).where(eq(departments.name, '学工部'));
    expect(await readDataVersion(database.db, organization.id)).not.toBe(second);
  });
});

describe('the view cache', () => {
  it('computes a view once per version and day, and again after a write or at midnight', async () => {
    const { organization } = await createInstitution(database.db, [{ name: '教务处' }]);
    // 23:30 in Beijing: the day changes in half an hour.
    const clock = new ManualClock('2024-05-01T15:30:00Z');
    const views = createViewCache({ db: database.db, clock });
    let computed = 0;
    const countDepartments = () =>
      views.read(organization.id, 'departments', async () => {
        computed += 1;
        return departmentCount(organization.id);
      });

    expect(await countDepartments()).toBe(1);
    expect(await Promise.all([countDepartments(), countDepartments()])).toEqual([1, 1]);
    expect(computed).toBe(1);

    await database.db
      .insert(departments)
      .values({ organizationId: organization.id, name: '宣传部', kind: 'functional', position: 1 });
    expect(await countDepartments()).toBe(2);
    expect(computed).toBe(2);

    clock.set('2024-05-01T16:00:00Z');
    expect(await countDepartments()).toBe(2);
    expect(computed).toBe(3);
  });

  it('shares one computation between concurrent reads and keeps no failure', async () => {
    const { organization } = await createInstitution(database.db, []);
    const views = createViewCache({
      db: database.db,
      clock: new ManualClock('2024-05-01T02:00:00Z'),
    });
    let computed = 0;
    let fail = true;
    const read = () =>
      views.read(organization.id, 'flaky', async () => {
        computed += 1;
        // Long enough that the other reads have read the version and joined: each reads it
        // before it looks for a computation under way (20 ms failed once at load 8).
        await new Promise((resolve) => setTimeout(resolve, 400));
        if (fail) throw new Error('gathering failed');
        return 'figures';
      });
    const results = await Promise.allSettled([read(), read(), read()]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(computed).toBe(1);
    fail = false;
    expect(await read()).toBe('figures');
    expect(computed).toBe(2);
  });

  it('computes the missing views of several departments in one call', async () => {
    const { organization, departments: made } = await createInstitution(database.db, [
      { name: '教务处' },
      { name: '人事处' },
    ]);
    const views = createViewCache({
      db: database.db,
      clock: new ManualClock('2024-05-01T02:00:00Z'),
    });
    const ids = [made['教务处']!.id, made['人事处']!.id];
    const calls: string[][] = [];
    const read = (wanted: string[]) =>
      views.readPerDepartment(organization.id, 'slice', wanted, async (missing) => {
        calls.push(missing);
        return new Map(missing.map((id) => [id, `view of ${id}`]));
      });
    expect(await read([ids[0]!])).toEqual([`view of ${ids[0]}`]);
    expect(await read(ids)).toEqual(ids.map((id) => `view of ${id}`));
    expect(await read(ids)).toEqual(ids.map((id) => `view of ${id}`));
    expect(calls).toEqual([[ids[0]], [ids[1]]]);
    // A shared record changes every department's views.
    await database.db
      .update(departments)
      .set({ name: '教务部' })
      .where(eq(departments.id, ids[0]!));
    await read(ids);
    expect(calls.at(-1)).toEqual(ids);
  });

  it('keeps at most its number of views, the least recently read leaving first', async () => {
    const { organization } = await createInstitution(database.db, []);
    const views = createViewCache({
      db: database.db,
      clock: new ManualClock('2024-05-01T02:00:00Z'),
      maxViews: 2,
    });
    const computed: string[] = [];
    const read = (name: string) =>
      views.read(organization.id, name, async () => {
        computed.push(name);
        return name;
      });
    await read('a');
    await read('b');
    await read('a');
    await read('c'); // b leaves
    await read('a');
    await read('b');
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
    expect(views.size).toBe(2);
  });

  it('computes a warmed view again after a write, before its next read, and only while it is kept', async () => {
    const { organization } = await createInstitution(database.db, [{ name: '教务处' }]);
    const views = createViewCache({
      db: database.db,
      clock: new ManualClock('2024-05-01T02:00:00Z'),
      maxViews: 2,
      warmDelayMs: 200,
    });
    const computed: string[] = [];
    const countDepartments = async (name: string) => {
      computed.push(name);
      return departmentCount(organization.id);
    };
    const readWarm = () =>
      views.read(organization.id, 'warm', () => countDepartments('warm'), { warm: true });
    const readCold = () => views.read(organization.id, 'cold', () => countDepartments('cold'));
    const write = async (name: string) => {
      await database.db
        .insert(departments)
        .values({ organizationId: organization.id, name, kind: 'functional', position: 1 });
      views.written(organization.id);
    };
    const settled = () => new Promise((resolve) => setTimeout(resolve, 400));

    expect([await readWarm(), await readCold()]).toEqual([1, 1]);
    await write('宣传部');
    // Two writes before it runs: computed once, after both.
    await write('学工部');
    await vi.waitFor(() => expect(computed).toEqual(['warm', 'cold', 'warm']), { timeout: 2000 });
    expect(await readWarm()).toBe(3);
    expect(await readCold()).toBe(3);
    expect(computed).toEqual(['warm', 'cold', 'warm', 'cold']);

    // No longer kept (two newer views pushed it out): no more background computations of it.
    await views.read(organization.id, 'other', async () => 0);
    expect(views.size).toBe(2);
    await write('组织部');
    await settled();
    expect(computed).toEqual(['warm', 'cold', 'warm', 'cold']);

    // Read again, it is warmed again; once the cache is closed, never.
    expect(await readWarm()).toBe(4);
    views.close();
    await write('统战部');
    await settled();
    expect(computed).toEqual(['warm', 'cold', 'warm', 'cold', 'warm']);
  });
});
