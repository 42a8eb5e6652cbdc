import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/server/clock';
import { totpCode } from '../../src/server/modules/auth/totp';
import { users } from '../../src/server/modules/users/user.table';
import {
  endJourney,
  launchChromium,
  openSignedIn,
  screenshots,
  seededDepartment,
} from '../support/browser';
import { startCasServer, type CasServer } from '../support/sso-providers';
import { createUser, signIn, TEST_PASSWORD } from '../support/test-app';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let cas: CasServer;
/** The security admin's session cookie (signed in with two-step verification in beforeAll). */
let securityAdminCookie: string;
let securityAdminSecret: string;

/** A free loopback port, so that the app's public URL (the CAS service URL) is known before it listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  [server, browser, cas] = await Promise.all([
    startTestServer({ port, config: { publicUrl: `http://127.0.0.1:${port}` } }),
    launchChromium(),
    startCasServer({ user: 'nobody', attributes: {} }),
  ]);
  const union = await seededDepartment(server, '工会');
  await createUser(server.database.db, union.organizationId, 'liaison', {
    departmentId: union.id,
    username: 'T2019033',
  });
  await createUser(server.database.db, union.organizationId, 'admin', { username: 'system-admin' });
  // The security admin connects the campus CAS (with two-step verification on, as the role must).
  const securityAdmin = await signIn(
    server.app,
    (
      await createUser(server.database.db, union.organizationId, 'security_admin', {
        username: 'security-admin',
      })
    ).username,
  );
  const { secret } = (
    await securityAdmin.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD })
  ).json();
  expect(
    (
      await securityAdmin.post('/api/v1/auth/totp/confirm', {
        code: totpCode(secret, systemClock.now()),
      })
    ).statusCode,
  ).toBe(200);
  securityAdminCookie = securityAdmin.cookie.replace(/^luoshi_session=/, '');
  securityAdminSecret = secret;
  const created = await securityAdmin.post('/api/v1/sso/config', {
    kind: 'cas',
    displayName: '统一身份认证',
    casBaseUrl: cas.baseUrl,
    casVersion: '3.0',
  });
  expect(created.statusCode, created.body).toBe(201);
  // A two-step-verified account is never reached by its name: the security admin links their own
  // campus id by hand.
  const self = (await securityAdmin.get('/api/v1/auth/session')).json().user;
  const linked = await securityAdmin.post(`/api/v1/sso/config/${created.json().id}/links`, {
    userId: self.id,
    campusId: 'security-admin',
  });
  expect(linked.statusCode, linked.body).toBe(201);
});
afterAll(async () => {
  await cas?.close();
  await endJourney({ server, browser });
});

describe('campus sign-on in the browser', () => {
  it('a liaison clicks 使用 统一身份认证 登录, the campus CAS approves, and the workspace opens', async () => {
    cas.person = { user: 't2019033', attributes: { cn: ['王老师'] } };
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(server.url);
    const button = page.getByRole('link', { name: /使用 统一身份认证 登录/ });
    await button.waitFor();
    await page.screenshot({ path: path.join(screenshots, 'sso-sign-in-page.png'), fullPage: true });
    await button.click();
    await page.getByTestId('todo-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await expect
      .poll(() => page.locator('[data-testid=account-security]').textContent())
      .toBe('liaison user');
    await page.screenshot({ path: path.join(screenshots, 'sso-signed-in.png') });
    await page.close();
  });

  it('someone without an account is told in Chinese whom to contact, on the sign-in page', async () => {
    cas.person = { user: 'visitor-001', attributes: {} };
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(server.url);
    await page.getByRole('link', { name: /使用 统一身份认证 登录/ }).click();
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent())
      .toBe('您的统一身份认证账号尚未开通本系统，请联系党委教师工作部。');
    expect(new URL(page.url()).search).toBe('');
    await page.screenshot({
      path: path.join(screenshots, 'sso-no-account-phone.png'),
      fullPage: true,
    });
    await page.close();
  });

  it('the system admin reads the configuration and the callback URL to register', async () => {
    const page = await openSignedIn(browser, server.url, 'system-admin');
    await page.getByRole('menuitem', { name: '统一身份认证' }).click();
    await page.getByTestId('sign-on-provider').waitFor();
    expect(await page.getByTestId('callback-url').first().textContent()).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/sso\/[0-9a-f-]{36}\/cas\/callback$/,
    );
    expect(await page.getByTestId('sign-on-add').count()).toBe(0);
    await page.screenshot({
      path: path.join(screenshots, 'sso-configuration.png'),
      fullPage: true,
    });
    await page.close();
  });

  it('the security admin turns on account creation for liaisons on the configuration page', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.addCookies([
      { name: 'luoshi_session', value: securityAdminCookie, url: server.url },
    ]);
    const page = await context.newPage();
    await page.goto(`${server.url}/sign-on`);
    await page
      .getByTestId('sign-on-provider')
      .getByRole('button', { name: /修\s*改/ })
      .click();
    const form = page.getByTestId('sign-on-form');
    await form.getByLabel('部门属性').fill('deptName');
    await form.getByLabel('首次登录时自动开通账号').click();
    await page.screenshot({ path: path.join(screenshots, 'sso-configuration-edit.png') });
    await page.getByTestId('sign-on-save').click();
    await page.getByText('已保存“统一身份认证”').waitFor();
    await expect
      .poll(() => page.getByTestId('sign-on-provider').textContent())
      .toContain('部门联络员');
    await context.close();
  });

  it('the security admin presses 测试登录: the result names the account it would sign in as, or the exact reason and what to change', async () => {
    for (const [width, height, suffix] of [
      [1366, 900, ''],
      [375, 812, '-phone'],
    ] as const) {
      const context = await browser.newContext({ viewport: { width, height } });
      await context.addCookies([
        { name: 'luoshi_session', value: securityAdminCookie, url: server.url },
      ]);
      const page = await context.newPage();
      await page.goto(`${server.url}/sign-on`);
      const provider = page.getByTestId('sign-on-provider');
      await provider.waitFor();

      // Someone with an account: the test passes and shows whom it would sign in as.
      cas.person = { user: 'T2019033', attributes: { cn: ['王老师'], deptName: ['工会'] } };
      await provider.getByTestId('sign-on-test').click();
      await page.waitForURL(/\/sign-on\?ssoTest=[0-9a-f-]{36}$/);
      const result = provider.getByTestId('sign-on-test-result').first();
      await expect.poll(() => result.getAttribute('data-outcome')).toBe('ok');
      expect(await result.textContent()).toContain('测试通过');
      expect(await provider.getByTestId('sign-on-test-account').textContent()).toContain(
        'T2019033',
      );
      expect(await provider.getByTestId('sign-on-test-campus-id').textContent()).toBe('T2019033');
      await page.screenshot({
        path: path.join(screenshots, `sso-test-sign-in-ok${suffix}.png`),
        fullPage: true,
      });
      // Still the security admin, not the tested person.
      await expect
        .poll(() => page.locator('[data-testid=account-security]').textContent())
        .toBe('security_admin user');

      // Someone the provider gives no department: a new liaison needs one, and the page says which attribute.
      cas.person = { user: `visitor-${width}`, attributes: { cn: ['访客'] } };
      await provider.getByTestId('sign-on-test').click();
      await expect
        .poll(() =>
          provider.getByTestId('sign-on-test-result').first().getAttribute('data-outcome'),
        )
        .toBe('refused');
      expect(await provider.getByTestId('sign-on-test-why').first().textContent()).toBe(
        '统一身份认证的回答里没有部门（属性 deptName），新开通的部门联络员必须有部门。',
      );
      expect(await provider.getByTestId('sign-on-test-fix').first().textContent()).toContain(
        '部门属性',
      );
      expect(await provider.getByTestId('sign-on-test-exact').first().textContent()).toContain(
        'attribute deptName',
      );
      await page.screenshot({
        path: path.join(screenshots, `sso-test-sign-in-refused${suffix}.png`),
        fullPage: true,
      });
      await context.close();
    }
    // Nobody was created or signed in by the tests.
    expect(
      await server.database.db.select().from(users).where(eq(users.username, 'visitor-1366')),
    ).toEqual([]);
  });

  it('someone with two-step verification on signs on through CAS and then gives the code', async () => {
    // The code confirmed at enrolment (moments ago) would count as replayed within its 30 seconds; forget it instead of waiting.
    await server.database.db
      .update(users)
      .set({ totpLastStep: null })
      .where(eq(users.username, 'security-admin'));
    cas.person = { user: 'security-admin', attributes: {} };
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(server.url);
    await page.getByRole('link', { name: /使用 统一身份认证 登录/ }).click();
    await expect
      .poll(() => page.getByTestId('totp-hint').textContent())
      .toContain('学校统一身份认证已通过');
    expect(await page.getByLabel('用户名').isVisible()).toBe(false);
    await page.screenshot({ path: path.join(screenshots, 'sso-totp-step.png') });
    await page.getByTestId('sign-in-totp').fill(totpCode(securityAdminSecret, systemClock.now()));
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid=account-security]').textContent())
      .toBe('security_admin user');
    await page.close();
  });
});
