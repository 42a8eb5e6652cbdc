import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import {
  departments,
  type Department,
} from '../../src/server/modules/departments/department.table';
import { projectRoot, TEST_PASSWORD } from './test-app';
import { startTestServer, type TestServer } from './test-server';

/** Where journeys keep their screenshots (a CI artifact; look at them). */
export const screenshots = path.join(projectRoot, 'test-results/screenshots');

/**
 * Debian's Chromium, headless. The background-networking flags keep it from calling out of
 * this closed network at every start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new page signed in as `username` (with the test password), then on the plan page (/plan;
 * each role lands on its own page first: 我的待办, the dashboard, the report). Downloads are
 * accepted, so a journey can read what it exports.
 */
export async function openSignedIn(
  browser: Browser,
  url: string,
  username: string,
  viewport = { width: 1366, height: 768 },
): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  await page.goto(url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('.app-header').waitFor();
  await page.goto(`${new URL(url).origin}/plan`);
  await page.getByText('指标体系与责任部门').waitFor();
  return page;
}

/** Signs in with a one-time password (as `npm start` printed it) and chooses `newPassword`, as the person would. */
export async function chooseFirstPassword(
  page: Page,
  url: string,
  username: string,
  oneTimePassword: string,
  newPassword: string,
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(oneTimePassword);
  await page.keyboard.press('Enter');
  await page.getByText('设置新密码').waitFor();
  await page.getByLabel('当前密码', { exact: false }).fill(oneTimePassword);
  await page.getByLabel('新密码', { exact: true }).fill(newPassword);
  await page.getByLabel('再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: /保存并继续/ }).click();
}

/** A browser journey's world: the app as `npm start` makes it, and Chromium. */
export async function startJourney(): Promise<{ server: TestServer; browser: Browser }> {
  await mkdir(screenshots, { recursive: true });
  const [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
  return { server, browser };
}

/** Closes what `startJourney` opened, even when it failed half way. */
export async function endJourney(journey: {
  server?: TestServer | undefined;
  browser?: Browser | undefined;
}): Promise<void> {
  await journey.browser?.close();
  await journey.server?.close();
}

/** A department of the bundled plan's institution, by name. */
export async function seededDepartment(server: TestServer, name: string): Promise<Department> {
  const [department] = await server.database.db
    .select()
    .from(departments)
    .where(eq(departments.name, name));
  if (!department) throw new Error(`the bundled plan has no department named ${name}`);
  return department;
}

/**
 * Chooses `option` in an Ant Design select opened by `trigger`, and waits until its dropdown has
 * closed. On a loaded machine a click that lands while the dropdown is still sliding in can be
 * lost, so the choice is tried again (a person would simply click again).
 */
export async function chooseOption(
  page: Page,
  trigger: Locator,
  option: string | RegExp,
  options: { typeFirst?: string } = {},
): Promise<void> {
  const dropdown = page.locator('.ant-select-dropdown:visible');
  for (let attempt = 1; ; attempt++) {
    if ((await dropdown.count()) === 0) await trigger.click();
    if (options.typeFirst && attempt === 1) await page.keyboard.type(options.typeFirst);
    const choice =
      typeof option === 'string'
        ? dropdown.getByTitle(option, { exact: true })
        : dropdown.locator('.ant-select-item-option').filter({ hasText: option });
    await choice.first().click();
    try {
      await dropdown.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Types `isoDate` (YYYY-MM-DD) into an Ant Design date picker and waits until its panel has closed. */
export async function chooseDate(page: Page, trigger: Locator, isoDate: string): Promise<void> {
  await trigger.click();
  await page.keyboard.type(isoDate);
  await page.keyboard.press('Enter');
  const panel = page.locator('.ant-picker-dropdown:visible');
  try {
    await panel.waitFor({ state: 'hidden', timeout: 5_000 });
  } catch {
    // The typed date is shown selected in the panel: choosing it there commits it and closes the panel.
    await panel.locator(`td[title="${isoDate}"]`).click();
    await panel.waitFor({ state: 'hidden' });
  }
}

/** Today's date in Beijing (YYYY-MM-DD), as the test server's institution sees it. */
export function todayInBeijing(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/**
 * The accessible name of an Ant Design button labelled `label`. Ant Design puts a space between
 * two Chinese characters, and a loading icon whose leave animation has not finished (headless
 * Chromium on a loaded machine) still lends its "loading" label to the button for a while.
 */
export function buttonName(label: string): RegExp {
  const spaced = [...label]
    .map((character) => character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s*');
  return new RegExp(`^(loading\\s*)?${spaced}$`);
}
