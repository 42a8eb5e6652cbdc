import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { DepartmentLedger } from '../../src/shared/api/ledger';
import type { ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import { endJourney, openSignedIn, seededDepartment, startJourney } from '../support/browser';
import { createUser, signIn } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let reviewerName: string;
let report: ReportDetail;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  const db = server.database.db;
  const office = await signIn(
    server.app,
    (await createUser(db, union.organizationId, 'coordinator')).username,
  );
  reviewerName = (await createUser(db, union.organizationId, 'reviewer')).username;
  const liaison = await signIn(
    server.app,
    (await createUser(db, union.organizationId, 'liaison', { departmentId: union.id })).username,
  );
  // 工会's approved breakdown and one measure reported done this month.
  const planId = ((await office.get('/api/v1/plans')).json() as { id: string }[])[0]!.id;
  const base = `/api/v1/plans/${planId}/breakdowns/${union.id}`;
  const view = (await liaison.get(base)).json() as BreakdownView;
  for (const item of view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  ))
    await liaison.post(`${base}/measures`, {
      itemId: item.id,
      text: `第${item.no}项：工会专项落实`,
      deadline: { kind: 'monthly', dueOn: '2026-10-05' },
    });
  await liaison.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  await liaison.post(`${base}/submit`);
  await office.post(`${base}/review`, { decision: 'approve', itemComments: {} });
  const month = new Date().toISOString().slice(0, 7);
  await office.request({
    method: 'PUT',
    url: `/api/v1/plans/${planId}/ledger/settings`,
    payload: { frequency: 'monthly', dueDay: 28, firstPeriod: month, lastPeriod: month },
  });
  const ledger = `/api/v1/plans/${planId}/ledger/departments/${union.id}`;
  const measures = ((await liaison.get(ledger)).json() as DepartmentLedger).measures;
  const reported = await liaison.post(`${ledger}/reports`, {
    measureId: measures[0]!.id,
    periodKey: month,
    basedOnVersion: 0,
    status: 'done',
    text: '已完成慰问走访',
    evidenceIds: [],
  });
  if (reported.statusCode !== 201) throw new Error(`progress report refused: ${reported.body}`);
  const requested = (await office.post(`/api/v1/plans/${planId}/reports`)).json() as ReportSummary;
  for (let attempt = 0; attempt < 120; attempt += 1) {
    report = (await office.get(`/api/v1/reports/${requested.id}`)).json() as ReportDetail;
    if (report.status === 'ready' || report.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (report.status !== 'ready') throw new Error(`report not generated: ${report.error}`);
  const published = await office.post(`/api/v1/reports/${report.id}/publish`);
  if (published.statusCode !== 200) throw new Error(`publish refused: ${published.body}`);
}, 120_000);
afterAll(async () => {
  await endJourney({ server, browser });
});

const rows = (page: Page) => page.locator('.ant-table-tbody tr.ant-table-row');

describe('a reviewer opens the records behind a report figure', () => {
  it('clicks 措施完成率 on the report and reads its records, on a desktop and on a phone', async () => {
    const completion = report.content!.completion.overall.completion;
    const desktop = await openSignedIn(browser, server.url, reviewerName);
    await desktop.getByRole('menuitem', { name: '质量报告' }).click();
    await desktop.getByTestId('report-body').waitFor();
    const figure = desktop.getByTestId('figure').first();
    expect(await figure.getAttribute('href')).toMatch(/^\/report-records\?report=/);
    await figure.click();
    await desktop.waitForURL(/\/report-records\?/);
    await desktop.getByTestId('figure-records').waitFor();
    expect(await desktop.getByRole('heading', { name: '措施完成率' }).count()).toBe(1);
    expect(await desktop.getByTestId('figure-counts').textContent()).toContain(
      `${completion.numerator}/${completion.denominator}`,
    );
    await expect.poll(() => rows(desktop).count()).toBe(Math.min(completion.denominator, 50));
    const done = rows(desktop).filter({ hasText: '已完成慰问走访' });
    expect(await done.count()).toBe(1);
    expect(await done.textContent()).toContain('计入');
    expect(await done.textContent()).toContain('工会');
    await desktop.screenshot({ path: '/tmp/review-records-1366.png', fullPage: true });
    const address = desktop.url();

    // Back to the report it came from.
    await desktop.getByTestId('back-to-report').click();
    await desktop.getByTestId('review-form').waitFor();
    await desktop.close();

    const phone = await openSignedIn(browser, server.url, reviewerName, {
      width: 375,
      height: 812,
    });
    await phone.goto(address);
    await phone.getByTestId('figure-records').waitFor();
    await expect.poll(() => rows(phone).count()).toBeGreaterThan(0);
    const problems = await phone.evaluate(() => {
      const found: string[] = [];
      const page = document.documentElement;
      if (page.scrollWidth > page.clientWidth + 1) found.push(`page ${page.scrollWidth} px wide`);
      const heading = document.querySelector('.ant-card-head-title');
      if (!heading || heading.getBoundingClientRect().width < 100) found.push('heading squeezed');
      const body = document.querySelector('.ant-table-body, .ant-table-content');
      if (
        !body ||
        (getComputedStyle(body).overflowX !== 'auto' &&
          getComputedStyle(body).overflowX !== 'scroll')
      )
        found.push('table does not scroll');
      return found;
    });
    expect(problems).toEqual([]);
    await phone.screenshot({ path: '/tmp/review-records-375.png', fullPage: true });

    // In English: the heading, the counts and every column say it in English.
    await phone.getByTestId('language-switch').click();
    await phone.getByRole('heading', { name: 'Measures completed' }).waitFor();
    expect(await phone.getByTestId('figure-counts').textContent()).toBe(
      `The figure in the report: ${completion.numerator}/${completion.denominator}, ${completion.denominator} records`,
    );
    const headers = await phone.locator('.ant-table-thead th').allTextContents();
    expect(headers).toContain('Counted');
    expect(headers.join(' ')).not.toMatch(/[\p{Script=Han}（），。；：、]/u);
    expect(await phone.getByTestId('back-to-report').textContent()).toContain(
      'Back to the quality report',
    );
    await phone.screenshot({ path: '/tmp/review-records-375-en.png', fullPage: true });
    await phone.close();
  }, 120_000);
});
