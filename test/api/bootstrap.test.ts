import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/server/clock';
import { connectDatabase } from '../../src/server/db/client';
import { listOrganizations } from '../../src/server/modules/organizations/organization.repository';
import { bootstrap } from '../../src/server/modules/system/bootstrap.service';
import { createTestDatabase } from '../support/database';
import { seedPlanFile, signIn, type TestApp, createTestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('first start', () => {
  it('creates the institution, an admin with a one-time password, and loads the bundled plan — once', async () => {
    const first = await bootstrap(t.db, systemClock, {
      seedFile: seedPlanFile,
      maxFileBytes: 10 * 1024 * 1024,
    });
    if (first.kind !== 'created') throw new Error('expected a first start');
    expect(first.organizationName).toBe('中国劳动关系学院');
    expect(first.username).toBe('admin');
    expect(first.oneTimePassword).toMatch(/^[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}$/);

    const again = await bootstrap(t.db, systemClock, {
      seedFile: seedPlanFile,
      maxFileBytes: 10 * 1024 * 1024,
    });
    expect(again).toEqual({ kind: 'existing', adminAwaitingFirstSignIn: 'admin' });

    const admin = await signIn(t.app, 'admin', first.oneTimePassword);
    expect((await admin.get('/api/v1/plans')).json().error.code).toBe(
      'auth.password_change_required',
    );
    expect(
      (
        await admin.post('/api/v1/auth/password', {
          currentPassword: first.oneTimePassword,
          newPassword: 'My-Own-Secret-8',
        })
      ).statusCode,
    ).toBe(200);
    const plans = (await admin.get('/api/v1/plans')).json();
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      cycleYear: 2024,
      standardTitle: '普通高等学校教师党建和思想政治工作质量标准（试行）',
    });

    expect(
      await bootstrap(t.db, systemClock, {
        seedFile: seedPlanFile,
        maxFileBytes: 10 * 1024 * 1024,
      }),
    ).toEqual({ kind: 'existing', adminAwaitingFirstSignIn: null });
  });

  it('sets up an empty database once when several app processes start on it together', async () => {
    const database = await createTestDatabase();
    try {
      // Three connection pools, as three processes would have.
      const others = [connectDatabase(database.url), connectDatabase(database.url)];
      const outcomes = await Promise.all(
        [database.db, ...others.map((other) => other.db)].map((db) =>
          bootstrap(db, systemClock, { seedFile: seedPlanFile, maxFileBytes: 10 * 1024 * 1024 }),
        ),
      );
      await Promise.all(others.map((other) => other.close()));
      expect(outcomes.filter((outcome) => outcome.kind === 'created')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.kind === 'existing')).toHaveLength(2);
      expect(await listOrganizations(database.db)).toHaveLength(1);
    } finally {
      await database.destroy();
    }
  });
});
