import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataVersion } from '../../src/server/modules/data-versions/data-version.repository';
import { users } from '../../src/server/modules/users/user.table';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface ListedUser {
  username: string;
  displayName: string;
  lastSignInAt: string | null;
}

describe('a sign-in and the kept views (migration 0031)', () => {
  it('raises no data version, yet the users list shows it; any other change of an account raises it', async () => {
    const { organization } = await createInstitution(t.db, [{ name: '教务处' }]);
    const admin = await createUser(t.db, organization.id, 'admin');
    const coordinator = await createUser(t.db, organization.id, 'coordinator');
    const office = await signIn(t.app, admin.username);
    const listed = async () =>
      ((await office.get('/api/v1/users')).json() as ListedUser[]).find(
        (user) => user.username === coordinator.username,
      )!;
    expect((await listed()).lastSignInAt).toBeNull();
    const before = await readDataVersion(t.db, organization.id);

    t.clock.advance(60_000);
    await signIn(t.app, coordinator.username);
    // The organization's views are still good: nothing they show changed.
    expect(await readDataVersion(t.db, organization.id)).toBe(before);
    // The users list, which shows the sign-in, is kept under the latest sign-in too.
    expect((await listed()).lastSignInAt).toBe(t.clock.now().toISOString());

    await t.db
      .update(users)
      .set({ displayName: '改名的协调员' })
      .where(eq(users.id, coordinator.id));
    expect(await readDataVersion(t.db, organization.id)).not.toBe(before);
    expect((await listed()).displayName).toBe('改名的协调员');
  });
});
