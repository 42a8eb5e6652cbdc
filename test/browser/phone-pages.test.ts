import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/shared/roles';
import {
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import { createUser } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const marxism = await seededDepartment(server, '马克思主义学院');
  const organizationId = marxism.organizationId;
  const people: [Role, string, string | null][] = [
    ['coordinator', 'phone-office', null],
    ['liaison', 'phone-liaison', marxism.id],
    ['leader', 'phone-leader', null],
    ['admin', 'phone-admin', null],
    ['reviewer', 'phone-reviewer', null],
  ];
  for (const [role, username, departmentId] of people)
    await createUser(server.database.db, organizationId, role, {
      username,
      ...(departmentId ? { departmentId } : {}),
    });
});
afterAll(async () => {
  await endJourney({ server, browser });
});

const PHONE = { width: 375, height: 812 };

/**
 * What a phone hides that it must not: a heading squeezed to (almost) no width by the buttons
 * beside it, a table wider than its box with no scroll to reach the rest, a page wider than the
 * screen.
 */
async function phoneProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    function* ancestors(element: Element) {
      for (
        let parent = element.parentElement;
        parent && parent !== document.body;
        parent = parent.parentElement
      )
        yield parent;
    }
    const visible = (element: Element) => {
      const style = getComputedStyle(element);
      return (
        style.display !== 'none' &&
        style.visibility !== 'hidden' &&
        !element.closest('[aria-hidden=true]')
      );
    };
    const headings = document.querySelectorAll(
      '.ant-card-head-title, h1, h2, h3, h4, .ant-typography-title, .ant-modal-title',
    );
    for (const heading of headings) {
      const text = heading.textContent?.trim() ?? '';
      if (!text || !visible(heading)) continue;
      const box = heading.getBoundingClientRect();
      // A title narrower than two characters (or cut to an ellipsis of them) cannot be read.
      if (box.width < 28 || heading.scrollWidth > heading.clientWidth + 40)
        problems.push(`heading "${text.slice(0, 20)}" is ${Math.round(box.width)} px wide`);
    }
    for (const table of document.querySelectorAll('.ant-table-wrapper table')) {
      // A fixed header's table scrolls with the body below it (Ant Design keeps them in step).
      if (!visible(table) || table.closest('.ant-table-header, .ant-table-sticky-holder')) continue;
      const wrapper = table.closest('.ant-table-wrapper') as HTMLElement;
      if (table.getBoundingClientRect().width <= wrapper.clientWidth + 1) continue;
      let scrolls = false;
      for (
        let element = table.parentElement;
        element && element !== wrapper.parentElement;
        element = element.parentElement
      ) {
        const overflow = getComputedStyle(element).overflowX;
        if (overflow === 'auto' || overflow === 'scroll') scrolls = true;
      }
      if (!scrolls) {
        const header = table.querySelector('th')?.textContent?.trim() ?? '';
        problems.push(`table starting "${header.slice(0, 20)}" is clipped without a scroll`);
      }
    }
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      // Name the widest element that sticks out (not inside something that scrolls), to find it.
      const scrolling = (element: Element) =>
        [...ancestors(element)].some((parent) =>
          ['auto', 'scroll', 'hidden'].includes(getComputedStyle(parent).overflowX),
        );
      const outside = [...document.body.querySelectorAll('*')]
        .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1)
        .filter((element) => !scrolling(element))
        .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`);
      problems.push(
        `the page is ${root.scrollWidth - root.clientWidth} px wider than the screen (${outside.slice(-3).join(' ')})`,
      );
    }
    return problems;
  });
}

/** Every page in the role's menu, opened from the menu as a person on a phone would. */
async function walkMenu(page: Page, role: string): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  await page.getByTestId('open-menu').click();
  const items = page.locator('.ant-drawer .ant-menu-item');
  await items.first().waitFor();
  const labels = (await items.allTextContents()).map((label) => label.trim());
  await page.keyboard.press('Escape');
  for (const [index, label] of labels.entries()) {
    await page.getByTestId('open-menu').click();
    await page.locator('.ant-drawer .ant-menu-item').nth(index).click();
    await page
      .locator('.ant-drawer-open')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(400);
    const problems = await phoneProblems(page);
    if (problems.length > 0) found[`${label} (${new URL(page.url()).pathname})`] = problems;
    await page.screenshot({
      path: path.join(screenshots, `phone-${role}-${index}.png`),
      fullPage: true,
    });
  }
  return found;
}

describe('every page on a phone (375 px)', () => {
  for (const username of [
    'phone-office',
    'phone-liaison',
    'phone-leader',
    'phone-admin',
    'phone-reviewer',
  ])
    it(`${username}: no title or column disappears on any page of the menu`, async () => {
      const page = await openSignedIn(browser, server.url, username, PHONE);
      const found = await walkMenu(page, username);
      expect(found).toEqual({});
      await page.close();
    }, 240_000);
});
