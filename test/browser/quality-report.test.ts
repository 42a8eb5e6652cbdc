import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocumentBlocks } from '../../src/server/io/plan-document-reader';
import { departments } from '../../src/server/modules/departments/department.table';
import {
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { DepartmentLedger } from '../../src/shared/api/ledger';
import { createUser, projectRoot, signIn } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let coordinatorName: string;
let reviewerName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const union = await seededDepartment(server, '工会');
  coordinatorName = (
    await createUser(server.database.db, union.organizationId, 'coordinator', {
      username: 'office-report',
    })
  ).username;
  reviewerName = (
    await createUser(server.database.db, union.organizationId, 'reviewer', {
      username: 'teacher-rep',
    })
  ).username;
  await unionReportsOnce(union.id, union.organizationId);
});
afterAll(async () => {
  await endJourney({ server, browser });
});

/** Records for the report to count: 工会's approved breakdown and one progress report. */
async function unionReportsOnce(unionId: string, organizationId: string) {
  const office = await signIn(server.app, coordinatorName);
  const union = await signIn(
    server.app,
    (await createUser(server.database.db, organizationId, 'liaison', { departmentId: unionId }))
      .username,
  );
  const planId = ((await office.get('/api/v1/plans')).json() as { id: string }[])[0]!.id;
  const base = `/api/v1/plans/${planId}/breakdowns/${unionId}`;
  const view = (await union.get(base)).json() as BreakdownView;
  for (const item of view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  )) {
    await union.post(`${base}/measures`, {
      itemId: item.id,
      text: `第${item.no}项：工会专项落实`,
      deadline: { kind: 'monthly', dueOn: '2026-10-05' },
    });
  }
  await union.request({
    method: 'PUT',
    url: `${base}/liaison`,
    payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
  });
  await union.post(`${base}/submit`);
  await office.post(`${base}/review`, { decision: 'approve', itemComments: {} });
  const today = new Date().toISOString().slice(0, 7);
  await office.request({
    method: 'PUT',
    url: `/api/v1/plans/${planId}/ledger/settings`,
    payload: { frequency: 'monthly', dueDay: 28, firstPeriod: today, lastPeriod: today },
  });
  const ledger = `/api/v1/plans/${planId}/ledger/departments/${unionId}`;
  const measures = ((await union.get(ledger)).json() as DepartmentLedger).measures;
  const reported = await union.post(`${ledger}/reports`, {
    measureId: measures[0]!.id,
    periodKey: today,
    basedOnVersion: 0,
    status: 'done',
    text: '已完成',
    evidenceIds: [],
  });
  if (reported.statusCode !== 201) throw new Error(`progress report refused: ${reported.body}`);
}

function signedIn(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  return openSignedIn(browser, server.url, username, viewport);
}

describe('the quality report in the browser', () => {
  it('the office generates it, downloads the .docx and opens it for review; a representative reviews it', async () => {
    const office = await signedIn(coordinatorName);
    await office.getByRole('menuitem', { name: '质量报告' }).click();
    await office.getByText('下一步：点击“生成新版报告”').waitFor();
    await office.getByTestId('generate-report').click();
    await office.getByTestId('report-body').waitFor({ timeout: 30_000 });
    await office.getByTestId('report-chart-level1').locator('canvas').first().waitFor();
    expect(await office.getByText('一、党的领导').count()).toBeGreaterThan(0);
    const firstFigure = office.getByTestId('figure').first();
    expect(await firstFigure.getAttribute('href')).toMatch(
      /^\/(ledger|obligations|findings|moderation)\?plan=/,
    );

    const [download] = await Promise.all([
      office.waitForEvent('download'),
      office.getByTestId('report-docx').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/质量报告（第1版）\.docx$/);
    const saved = path.join(projectRoot, 'test-results', 'quality-report.docx');
    await download.saveAs(saved);
    const { readFile } = await import('node:fs/promises');
    const { blocks } = await readDocumentBlocks({
      bytes: await readFile(saved),
      fileName: 'quality-report.docx',
    });
    expect(
      blocks.some((block) => block.kind === 'paragraph' && block.text === '一、总体情况'),
    ).toBe(true);

    await office.getByTestId('publish-report').click();
    await office.getByText('已发布，评价代表现在可以查看并评价本报告').waitFor();
    await office.waitForTimeout(500);
    await office.evaluate(() => window.scrollTo(0, 0));
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-quality-report.png'),
      fullPage: true,
    });

    const reviewer = await signedIn(reviewerName);
    expect(await reviewer.getByRole('menuitem').allTextContents()).toEqual([
      '工作方案',
      '质量报告',
    ]);
    await reviewer.getByRole('menuitem', { name: '质量报告' }).click();
    await reviewer.getByTestId('review-form').waitFor();
    await reviewer.getByText('学生代表').click();
    for (const [criterion, stars] of [
      ['总体评价', 4],
      ['数据真实准确', 5],
      ['问题查摆到位', 3],
      ['整改措施有效', 4],
    ] as const) {
      await reviewer
        .locator('.ant-form-item', { hasText: criterion })
        .locator('.ant-rate-star')
        .nth(stars - 1)
        .click();
    }
    await reviewer.getByLabel('意见和建议').fill('希望增加学生参与的评价环节');
    await reviewer.getByTestId('review-submit').click();
    await reviewer.getByText('评价已提交，谢谢！').waitFor();
    await reviewer.getByText('您已评价本报告').waitFor();
    await reviewer.screenshot({
      path: path.join(screenshots, 'reviewer-review.png'),
      fullPage: true,
    });

    // A figure leads to the records behind it: 措施完成率 1/2 opens the ledger on the one measure done.
    await office.reload();
    await office.getByTestId('figure').first().click();
    await office.waitForURL(/\/ledger\?plan=.*status=done/);
    await expect.poll(() => office.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(1);
    expect(
      await office.locator('.ant-table-tbody tr.ant-table-row').first().textContent(),
    ).toContain('工会');
    await office.screenshot({
      path: path.join(screenshots, 'coordinator-report-figure-records.png'),
    });
    await office.goBack();
    await office.getByTestId('review-summary').waitFor();
    const summary = await office.getByTestId('review-summary').textContent();
    expect(summary).toContain('评价结果（1 人）');
    expect(summary).toContain('希望增加学生参与的评价环节');
    await office
      .getByTestId('review-summary')
      .screenshot({ path: path.join(screenshots, 'coordinator-review-summary.png') });
    await reviewer.close();
    await office.close();
  }, 120_000);

  it('a leader reads it on a phone', async () => {
    const leaderName = (
      await createUser(
        server.database.db,
        (
          await server.database.db.select().from(departments).limit(1)
        )[0]!.organizationId,
        'leader',
      )
    ).username;
    const leader = await signedIn(leaderName, { width: 375, height: 812 });
    await leader.getByTestId('open-menu').click();
    await leader.getByRole('menuitem', { name: '质量报告' }).click();
    await leader.getByTestId('report-body').waitFor();
    await leader.waitForTimeout(500);
    const overflow = await leader.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await leader.screenshot({
      path: path.join(screenshots, 'leader-quality-report-phone.png'),
      fullPage: true,
    });
    await leader.close();
  }, 60_000);
});
