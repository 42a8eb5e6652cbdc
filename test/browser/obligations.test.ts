import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let coordinatorName: string;
let liaisonName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const marxism = await seededDepartment(server, '马克思主义学院');
  coordinatorName = (
    await createUser(server.database.db, marxism.organizationId, 'coordinator', {
      username: 'office-obligations',
    })
  ).username;
  liaisonName = (
    await createUser(server.database.db, marxism.organizationId, 'liaison', {
      departmentId: marxism.id,
      username: 'marxism-liaison',
    })
  ).username;
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function signedIn(username: string): Promise<Page> {
  return openSignedIn(browser, server.url, username);
}

const complianceOf = (page: Page, itemNo: number, department: string, period: string) =>
  page.locator(
    `[data-testid=compliance-row][data-item-no="${itemNo}"][data-department="${department}"] [data-testid=period-status][data-period="${period}"]`,
  );

describe('quantified obligations in the browser', () => {
  it('the office confirms item 49’s 每月1次; a teaching unit records an occurrence with evidence; compliance shows it', async () => {
    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '量化要求' }).click();
    await office.getByText('量化要求（频次与比例）').waitFor();
    expect(await office.getByTestId('next-step').textContent()).toContain('下一步');
    await office.getByTestId('propose').click();
    const item49 = office.locator('[data-testid=obligation][data-item-no="49"]');
    await item49.waitFor();
    expect(await item49.getByTestId('source-phrase').textContent()).toBe('每月开展1次');
    expect(await item49.getByTestId('requirement').textContent()).toBe('每月至少 1 次');
    expect(await office.getByTestId('next-step').textContent()).toContain('条待确认');
    await item49.getByTestId('confirm').click();
    await office
      .locator('[data-testid=obligation][data-item-no="49"][data-status="confirmed"]')
      .waitFor();
    // Every teaching unit must meet it on its own; months of the 2024 plan have all ended by now.
    await complianceOf(office, 49, '马克思主义学院', '2024-05').waitFor();
    expect(
      await complianceOf(office, 49, '马克思主义学院', '2024-05').getAttribute('data-status'),
    ).toBe('late');

    const liaison = await signedIn(liaisonName);
    await liaison.getByRole('menuitem', { name: '履职记录' }).click();
    await liaison.getByText('马克思主义学院 · 履职记录').waitFor();
    expect(await liaison.getByTestId('next-step').textContent()).toMatch(/逾期|下一步/);
    const duty = liaison.locator('[data-testid=duty][data-item-no="49"]');
    await duty.getByTestId('record-occurrence').click();
    await duty.getByLabel('开展日期').fill('2024-05-06');
    await duty.getByLabel('做了什么').fill('组织全体教师党员集中学习党的创新理论，32人参加');
    const minutes = path.join(tmpdir(), '5月理论学习纪要.txt');
    await writeFile(
      minutes,
      '2024年5月6日 马克思主义学院教师理论学习纪要：学习党的创新理论，32人参加。\n',
    );
    await duty.locator('input[type=file]').setInputFiles(minutes);
    await duty.getByTestId('evidence-item').filter({ hasText: '5月理论学习纪要' }).waitFor();
    await duty.getByTestId('save-occurrence').click();
    await duty.getByTestId('occurrence').filter({ hasText: '32人参加' }).waitFor();
    expect(
      await duty
        .locator('[data-testid=period-status][data-period="2024-05"]')
        .getAttribute('data-status'),
    ).toBe('met');
    await liaison.screenshot({
      path: path.join(screenshots, 'liaison-occurrences.png'),
      fullPage: true,
    });

    await office.reload();
    await complianceOf(office, 49, '马克思主义学院', '2024-05').waitFor();
    expect(
      await complianceOf(office, 49, '马克思主义学院', '2024-05').getAttribute('data-status'),
    ).toBe('met');
    expect(
      await complianceOf(office, 49, '马克思主义学院', '2024-06').getAttribute('data-status'),
    ).toBe('late');
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-obligations.png'),
      fullPage: true,
    });
    await liaison.close();
    await office.close();
  }, 120_000);

  it('批量确认: the office ticks every proposal, confirms them at once, and sees which need their numbers first', async () => {
    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 375, height: 812 },
    ]) {
      const office = await openSignedIn(browser, server.url, coordinatorName, viewport);
      await office.goto(`${server.url}/obligations`);
      await office.getByTestId('propose').waitFor();
      const proposed = office.locator('[data-testid=obligation][data-status="proposed"]');
      await proposed.first().waitFor();
      const before = await proposed.count();
      if (viewport.width === 375) {
        // On a phone, one proposal at a time: tick the first and confirm it.
        await proposed.first().locator('input[type=checkbox]').check();
      } else {
        await office.locator('thead input[type=checkbox]').check();
      }
      await office.getByTestId('batch-confirm').click();
      const listed = office.getByTestId('batch-confirm-list');
      await listed.waitFor();
      const lines = await listed.locator('li').count();
      expect(lines).toBe(viewport.width === 375 ? 1 : before);
      await office.waitForTimeout(400);
      await office.screenshot({
        path: path.join(screenshots, `obligations-batch-confirm-${viewport.width}.png`),
      });
      await office.getByTestId('batch-confirm-ok').click();
      await listed.waitFor({ state: 'hidden' });
      if (viewport.width === 1366) {
        // Those with a period and a count are confirmed; the others are named with what to fill in.
        const refused = office.getByTestId('batch-refused');
        await refused.waitFor();
        expect(await refused.textContent()).toContain('请先填写周期和最少次数');
        await expect.poll(() => proposed.count()).toBeLessThan(before);
        expect(await refused.locator('li').count()).toBe(await proposed.count());
      }
      await office.waitForTimeout(400);
      await office.screenshot({
        path: path.join(screenshots, `obligations-batch-result-${viewport.width}.png`),
        fullPage: viewport.width === 375,
      });
      await office.close();
    }
  }, 120_000);
});
