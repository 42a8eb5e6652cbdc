import { readFile } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityKinds, coverageRules } from '../../src/server/modules/activities/activity.table';
import {
  buttonName,
  chooseDate,
  chooseOption,
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
  todayInBeijing,
} from '../support/browser';
import { rosterSheet, teachersOf } from '../support/roster';
import { createUser } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;
let coordinatorName: string;
let organizationId: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const marxism = await seededDepartment(server, '马克思主义学院');
  await seededDepartment(server, '人事处');
  organizationId = marxism.organizationId;
  coordinatorName = (
    await createUser(server.database.db, organizationId, 'coordinator', {
      username: 'office-teachers',
    })
  ).username;
});
afterAll(async () => {
  await endJourney({ server, browser });
});

function pick(page: Page, testId: string, option: string) {
  return chooseOption(page, page.getByTestId(testId), option);
}

describe('teachers in the browser', () => {
  it('imports a roster, records a 国情研修 with a sign-in sheet, sees coverage and the missing people; builds a survey, answers it on a phone by link, sees results', async () => {
    const office = await openSignedIn(browser, server.url, coordinatorName);
    await office.getByRole('menuitem', { name: '教师名册' }).click();
    await office.getByTestId('roster-page').waitFor();
    const rosterFile = path.join(tmpdir(), `roster-${Date.now()}.xlsx`);
    await writeFile(
      rosterFile,
      await rosterSheet([...teachersOf('马克思主义学院', 'M', 8), ...teachersOf('人事处', 'R', 4)]),
    );
    await office.getByTestId('roster-file').setInputFiles(rosterFile);
    await office.getByTestId('roster-preview').waitFor();
    expect(await office.getByTestId('roster-preview').textContent()).toContain('新增 12 人');
    await office.screenshot({ path: path.join(screenshots, 'teachers-1-roster-preview.png') });
    await office.getByRole('button', { name: '确认导入' }).click();
    await office.getByText('在册 12 人').waitFor();
    await office.screenshot({
      path: path.join(screenshots, 'teachers-2-roster.png'),
      fullPage: true,
    });

    // the office names the activity kind; its coverage rule: every 青年教师 once a year (item 36)
    await office.getByRole('menuitem', { name: '活动与覆盖' }).click();
    await office.getByTestId('activities-page').waitFor();
    await office.getByPlaceholder('新活动类型，如 谈心谈话').fill('国情研修');
    await office.getByRole('button', { name: '添加类型' }).click();
    await office.locator('.ant-tag', { hasText: '国情研修' }).waitFor();
    const [kind] = await server.database.db.select().from(activityKinds);
    await server.database.db.insert(coverageRules).values({
      organizationId,
      kindId: kind!.id,
      name: '青年教师每年至少参加1次国情研修',
      population: 'young',
      frequency: 'yearly',
      itemNo: 36,
      createdAt: new Date(),
    });
    await office.reload();
    await office.getByTestId('coverage-rule').waitFor();

    // record it with a sign-in sheet
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('签到');
    sheet.addRow(['国情研修签到表']);
    sheet.addRow(['姓名', '工号']);
    sheet.addRow(['马老师1', 'M001']);
    sheet.addRow(['马老师3', 'M003']);
    const signInFile = path.join(tmpdir(), `sign-in-${Date.now()}.xlsx`);
    await writeFile(signInFile, Buffer.from(await workbook.xlsx.writeBuffer()));
    await office.getByTestId('record-activity').click();
    await pick(office, 'activity-kind', '国情研修');
    await chooseOption(office, office.getByTestId('activity-department'), '马克思主义学院', {
      typeFirst: '马克思主义学院',
    });
    await office.getByTestId('activity-title').fill('延安精神国情研修班');
    // Today, so the activity falls in the coverage year whatever day the suite runs.
    await chooseDate(office, office.getByTestId('activity-date'), todayInBeijing());
    await office.getByTestId('sign-in-file').setInputFiles(signInFile);
    await office.getByText('签到表：匹配 2 人').waitFor();
    await office.screenshot({ path: path.join(screenshots, 'teachers-3-record-activity.png') });
    const recordDialog = office.getByRole('dialog');
    await recordDialog.getByRole('button', { name: buttonName('保存') }).click();
    await recordDialog.waitFor({ state: 'hidden' });
    await office.locator('td', { hasText: '延安精神国情研修班' }).waitFor();
    // young: M001 M003 M005 M007 (马院), R001 R003 (人事处): 2 of 6 covered
    expect(await office.getByTestId('coverage-rate').textContent()).toBe('33.3%（2/6）');
    const missing = await office.getByTestId('missing-people').allTextContents();
    expect(missing).toContain('马老师5、马老师7');
    await office.screenshot({
      path: path.join(screenshots, 'teachers-4-coverage.png'),
      fullPage: true,
    });

    // a survey from the item 43 template, sent to everyone
    await office.getByRole('menuitem', { name: '问卷调查' }).click();
    await office.getByTestId('surveys-page').waitFor();
    await office.getByTestId('new-survey').click();
    await office
      .getByTestId('use-template-item43')
      .click({ timeout: 10_000 })
      .catch(async (error) => {
        await office.screenshot({ path: path.join(screenshots, 'teachers-debug.png') });
        throw error;
      });
    await office.getByTestId('survey-builder').waitFor();
    await office.screenshot({
      path: path.join(screenshots, 'teachers-5-survey-builder.png'),
      fullPage: true,
    });
    await office.getByTestId('open-survey').click();
    await office.getByText('已向 12 位教师发放').waitFor();
    const [download] = await Promise.all([
      office.waitForEvent('download'),
      office.getByTestId('download-links').click(),
    ]);
    const links = new ExcelJS.Workbook();
    await links.xlsx.load((await readFile((await download.path())!)) as unknown as ExcelJS.Buffer);
    const codes: string[] = [];
    links.worksheets[0]!.eachRow((row, number) => {
      if (number > 2) codes.push(String(row.getCell(4).value));
    });
    expect(codes).toHaveLength(12);
    await office.getByTestId('results-refused').waitFor();

    // a teacher on a 375 px phone, by the personal link, not signed in
    const phone = await browser.newPage({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const assets: number[] = [];
    phone.on('response', async (response) => {
      if (response.url().includes('/assets/')) assets.push((await response.body()).length);
    });
    await phone.goto(`${server.url}/s#${codes[0]}`);
    await phone.getByTestId('answer-page').waitFor();
    expect(phone.url()).not.toContain(codes[0]!);
    for (const group of await phone.locator('.a-points').all())
      await group.getByRole('button', { name: '4' }).click();
    await phone.getByText('理论学习的针对性和实效性').click();
    await phone.locator('textarea').fill('希望增加研修名额');
    await phone.screenshot({
      path: path.join(screenshots, 'teachers-6-phone-answer.png'),
      fullPage: true,
    });
    await phone.getByTestId('answer-submit').click();
    await phone.getByTestId('answer-done').waitFor();
    await phone.screenshot({ path: path.join(screenshots, 'teachers-7-phone-done.png') });
    // the page is small: no workspace, no Ant Design
    expect(assets.reduce((sum, bytes) => sum + bytes, 0)).toBeLessThan(300_000);
    // the link works once
    const again = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await again.goto(`${server.url}/s#${codes[0]}`);
    await again.getByText('链接无效、已作答或问卷已结束。').waitFor();

    // four more colleagues answer, then the results show
    for (const code of codes.slice(1, 5)) {
      const response = await fetch(`${server.url}/api/v1/public/survey-answer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: code, answers: { q1: 5, q2: 3, q3: [5, 4, 3, 5, 4, 5, 4] } }),
      });
      expect(response.status).toBe(204);
    }
    await office.reload();
    await office.getByTestId('chart-q1').waitFor();
    expect(await office.getByTestId('survey-results').textContent()).toContain('希望增加研修名额');
    await office.screenshot({
      path: path.join(screenshots, 'teachers-8-survey-results.png'),
      fullPage: true,
    });
  }, 240_000);
});
