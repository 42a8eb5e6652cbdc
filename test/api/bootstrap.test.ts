import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/server/clock';
import { bootstrap } from '../../src/server/modules/system/bootstrap.service';
import { seedPlanFile, signIn, type TestApp, createTestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('first start', () => {
  it('creates the institution, an admin with a one-time password, and loads the bundled plan — once', async () => {
    const first = await bootstrap(t.db, systemClock, { seedFile: seedPlanFile, maxFileBytes: 10 * 1024 * 1024 });
    if (first.kind !== 'created') throw new Error('expected a first start');
    expect(first.organizationName).toBe('中国劳动关系学院');
    expect(first.username).toBe('admin');
    expect(first.oneTimePassword).toMatch(/^\S{16}$/);

    const again = await bootstrap(t.db, systemClock, { seedFile: seedPlanFile, maxFileBytes: 10 * 1024 * 1024 });
    expect(again).toEqual({ kind: 'existing', adminAwaitingFirstSignIn: 'admin' });

    const admin = await signIn(t.app, 'admin', first.oneTimePassword);
    expect((await admin.get('/api/v1/plans')).json().error.code).toBe('auth.password_change_required');
    expect((await admin.post('/api/v1/auth/password', { currentPassword: first.oneTimePassword, newPassword: 'My-Own-Secret-8' })).statusCode).toBe(200);
    const plans = (await admin.get('/api/v1/plans')).json();
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ cycleYear: 2024, standardTitle: '普通高等学校教师党建和思想政治工作质量标准（试行）' });

    expect(await bootstrap(t.db, systemClock, { seedFile: seedPlanFile, maxFileBytes: 10 * 1024 * 1024 })).toEqual({ kind: 'existing', adminAwaitingFirstSignIn: null });
  });
});
