import QRCode from 'qrcode';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, totpStep } from '../../src/server/modules/auth/totp';
import { chooseFirstPassword, endJourney, screenshots, startJourney } from '../support/browser';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
});
afterAll(async () => {
  await endJourney({ server, browser });
});

describe('account security in the browser', () => {
  it('enrols an authenticator from the user name in the header, signs out everywhere, and then asks for the code at sign-in', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(8_000);
    await chooseFirstPassword(
      page,
      server.url,
      server.username,
      server.oneTimePassword,
      'Quality-Plan-2026',
    );

    await page.getByTestId('account-security').click();
    await page.getByRole('heading', { name: '账号安全' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/security');
    await page.getByTestId('totp-current-password').fill('Quality-Plan-2026');
    await page.getByRole('button', { name: '绑定身份验证器' }).click();
    const shown = (await page.getByTestId('totp-secret').textContent())!;
    expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const secret = shown.replace(/\s/g, '');
    expect(
      await page.getByRole('link', { name: /^otpauth:\/\/totp\/Luoshi:admin\?/ }).count(),
    ).toBe(1);
    // The QR code for the authenticator, drawn in the page from the same URI (no image service).
    const uri = (await page
      .getByRole('link', { name: /^otpauth:\/\/totp\/Luoshi:admin\?/ })
      .getAttribute('href'))!;
    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    const src = (await qr.getAttribute('src'))!;
    expect(decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))).toBe(
      await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 200 }),
    );
    await page.screenshot({
      path: path.join(screenshots, 'account-security-enrol.png'),
      fullPage: true,
    });

    const confirmedAt = new Date();
    await page.getByLabel('身份验证器上的动态码').fill(totpCode(secret, confirmedAt));
    await page.getByRole('button', { name: '确认开启' }).click();
    await page.getByTestId('totp-on').waitFor();
    await page.screenshot({
      path: path.join(screenshots, 'account-security-on.png'),
      fullPage: true,
    });

    await page.getByRole('button', { name: /退出所有设备/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.getByLabel('用户名').waitFor();

    await page.getByLabel('用户名').fill(server.username);
    await page.getByLabel('密码').fill('Quality-Plan-2026');
    await page.keyboard.press('Enter');
    await page.getByTestId('totp-hint').waitFor();
    // The code that turned it on is spent; a wrong one is refused in the user's language.
    await page.getByLabel('动态码', { exact: true }).fill(totpCode(secret, confirmedAt));
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent())
      .toBe('动态码不正确或已使用过，请输入身份验证器上最新的 6 位动态码。');
    await page.screenshot({ path: path.join(screenshots, 'sign-in-totp.png') });

    const now = new Date();
    const fresh = totpStep(now) > totpStep(confirmedAt) ? now : new Date(now.getTime() + 30_000);
    await page.getByLabel('动态码', { exact: true }).fill(totpCode(secret, fresh));
    await page.keyboard.press('Enter');
    // Signed in again, on the page the address names: this one, with two-step verification on.
    await page.getByTestId('totp-on').waitFor();
    await page.getByText('指标体系与责任部门').waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(screenshots, 'account-security-after-sign-in.png') });
  });
});
