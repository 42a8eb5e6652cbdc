import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../support/test-app';
import { endJourney, screenshots, seededDepartment, startJourney } from '../support/browser';
import type { TestServer } from '../support/test-server';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { TEST_PASSWORD } from '../support/test-app';

let server: TestServer;
let browser: Browser;
/** Plan content and names: the only Chinese an English page may show. */
let content: string[] = [];

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  await createUser(server.database.db, union.organizationId, 'coordinator', {
    username: 'english-office',
  });
  const office = await signIn(server.app, 'english-office');
  const [plan] = (await office.get('/api/v1/plans')).json() as { id: string; title: string }[];
  const detail = (await office.get(`/api/v1/plans/${plan!.id}`)).json() as {
    title: string;
    issuer: string | null;
    phases: { name: string; sourceText: string }[];
    deliverables: { title: string; recipient: string | null; sourceText: string }[];
    importWarnings: string[];
  };
  const tree = (await office.get(`/api/v1/plans/${plan!.id}/tree`)).json() as {
    indicators: {
      code: string;
      title: string;
      children: {
        code: string;
        title: string;
        items: {
          content: string;
          focus: string;
          leader: string;
          assignments: { name: string }[];
        }[];
      }[];
    }[];
    departments: { name: string; aliases?: string[] }[];
    groups: { name: string }[];
  };
  // The ledger with its monthly periods, so that their names are on the page too.
  const year = (detail as unknown as { cycleYear: number }).cycleYear;
  const ledger = await office.request({
    method: 'PUT',
    url: `/api/v1/plans/${plan!.id}/ledger/settings`,
    payload: {
      frequency: 'monthly',
      dueDay: 5,
      firstPeriod: `${year}-05`,
      lastPeriod: `${year}-10`,
    },
  });
  if (ledger.statusCode !== 200) throw new Error(ledger.body);
  // 工会's breakdown approved: the ledger then has its period columns.
  await createUser(server.database.db, union.organizationId, 'liaison', {
    departmentId: union.id,
    username: 'english-union',
  });
  const liaison = await signIn(server.app, 'english-union');
  const breakdown = `/api/v1/plans/${plan!.id}/breakdowns/${union.id}`;
  const view = (await liaison.get(breakdown)).json() as BreakdownView;
  const measureTexts: string[] = [];
  for (const item of view.indicators.flatMap((l1) => l1.children.flatMap((l2) => l2.items)))
    await liaison.post(`${breakdown}/measures`, {
      itemId: item.id,
      text: measureTexts[measureTexts.push(`工会落实第${item.no}项`) - 1],
      deadline: { kind: 'monthly' },
    });
  await liaison.request({
    method: 'PUT',
    url: `${breakdown}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@test.edu.cn' },
  });
  await liaison.post(`${breakdown}/submit`);
  const approved = await office.post(`${breakdown}/review`, {
    decision: 'approve',
    itemComments: {},
  });
  if (approved.statusCode !== 200) throw new Error(approved.body);
  const organization = (await office.get('/api/v1/organization')).json() as { name: string };
  content = [
    ...measureTexts,
    '王老师',
    detail.title,
    detail.issuer ?? '',
    organization.name,
    ...detail.phases.flatMap((phase) => [phase.name, phase.sourceText]),
    ...detail.deliverables.flatMap((entry) => [
      entry.title,
      entry.recipient ?? '',
      entry.sourceText,
    ]),
    ...detail.importWarnings,
    ...tree.indicators.flatMap((level1) => [
      // Numbered as the plan writes it: 一、党的领导.
      `${level1.code}、${level1.title}`,
      level1.title,
      level1.code,
      ...level1.children.flatMap((level2) => [
        level2.title,
        level2.code,
        ...level2.items.flatMap((item) => [
          item.content,
          item.focus,
          item.leader,
          ...item.assignments.map((entry) => entry.name),
        ]),
      ]),
    ]),
    ...tree.departments.flatMap((entry) => [entry.name, ...(entry.aliases ?? [])]),
    ...tree.groups.map((entry) => entry.name),
  ]
    .filter((text) => /\p{Script=Han}/u.test(text))
    .sort((a, b) => b.length - a.length);
});
afterAll(async () => {
  await endJourney({ server, browser });
});

/** Chinese characters and full-width punctuation (curly quotes are English typography too). */
const CHINESE = /[\p{Script=Han}（），。；：、！？【】《》]/u;

/** The page's visible text with plan content and names taken out: what is left must be English. */
async function leftovers(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      // The language switch names the other language in that language (中文): that is its job.
      if (
        !element ||
        element.closest('script,style,[hidden],[aria-hidden=true],[data-testid=language-switch]')
      )
        continue;
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const text = node.textContent?.trim();
      if (text) found.push(text);
    }
    for (const input of document.querySelectorAll('input[placeholder],textarea[placeholder]'))
      found.push((input as HTMLInputElement).placeholder);
    return found;
  });
  return texts
    .map((text) => content.reduce((rest, known) => rest.split(known).join(' '), text))
    .filter((text) => CHINESE.test(text));
}

const pages = [
  '/',
  '/plan',
  '/dashboard',
  '/board',
  '/assignments',
  '/departments',
  '/ledger',
  '/obligations',
  '/supervision',
  '/moderation',
  '/findings',
  '/report',
  '/import',
  '/security',
];

describe('English mode', () => {
  it('shows no Chinese outside plan content and names, and no full-width punctuation, on every page the office reaches', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(server.url);
    await page.getByTestId('language-switch').click();
    await page.getByLabel('User name').fill('english-office');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('.app-header').waitFor();
    const found: Record<string, string[]> = {};
    for (const address of pages) {
      await page.goto(`${server.url}${address}`);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      const left = await leftovers(page);
      if (left.length > 0) found[address] = [...new Set(left)].slice(0, 12);
      await page.screenshot({
        path: path.join(
          screenshots,
          `english${address === '/' ? '-home' : address.replace('/', '-')}.png`,
        ),
      });
    }
    // Every page the office reaches, in English, with nothing Chinese left but plan content and names.
    expect(found).toEqual({});

    // Printed, the board, the report and the ledger have no sidebar and lose no column.
    await page.emulateMedia({ media: 'print' });
    for (const address of ['/board', '/report', '/ledger']) {
      await page.goto(`${server.url}${address}`);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('.app-sider').isVisible()).toBe(false);
      const clipped = await page.evaluate(
        () =>
          [...document.querySelectorAll('.ant-table-content, .ant-table-body')].filter(
            (element) => element.scrollWidth > element.clientWidth + 1,
          ).length,
      );
      expect(clipped, address).toBe(0);
      await page.screenshot({
        path: path.join(screenshots, `print${address.replace('/', '-')}.png`),
      });
    }
    await page.close();
  }, 180_000);
});
