import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './test-app';

/**
 * Debian's Chromium, headless. The background-networking flags keep it from calling out of
 * this closed network at every start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new page signed in as `username` (with the test password), on the plan page every role
 * lands on. Downloads are accepted, so a journey can read what it exports.
 */
export async function openSignedIn(browser: Browser, url: string, username: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  await page.goto(url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByText('指标体系与责任部门').waitFor();
  return page;
}
