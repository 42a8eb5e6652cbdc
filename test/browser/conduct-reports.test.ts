import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teachers } from '../../src/server/modules/teachers/teacher.table';
import { users } from '../../src/server/modules/users/user.table';
import {
  buttonName,
  chooseOption,
  endJourney,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/test-app';
import type { TestServer } from '../support/test-server';

/** Issue 15: a report filed on a phone, followed with its receipt, and taken by a handler to 澄清 and 结案. */
let server: TestServer;
let browser: Browser;
let handlerName: string;
let secondHandlerName: string;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
  const department = await seededDepartment(server, '人事处');
  handlerName = (
    await createUser(server.database.db, department.organizationId, 'case_handler', {
      username: 'case-handler-journey',
    })
  ).username;
  const second = await createUser(server.database.db, department.organizationId, 'case_handler', {
    username: 'case-handler-second',
  });
  secondHandlerName = second.username;
  // The second handler's name, as files they upload are signed with it.
  await server.database.db
    .update(users)
    .set({ displayName: '受理人乙' })
    .where(eq(users.id, second.id));
  // The roster the handler matches a case against: two namesakes and someone else.
  const now = new Date('2026-09-01T00:00:00Z');
  await server.database.db.insert(teachers).values(
    [
      { workNo: 'T-JNY-0417', name: '王建国', departmentName: '化学化工学院' },
      { workNo: 'T-JNY-0418', name: '王建民', departmentName: '物理学院' },
      { workNo: 'T-JNY-0500', name: '李华', departmentName: '文学院' },
    ].map((teacher) => ({
      ...teacher,
      organizationId: department.organizationId,
      createdAt: now,
      updatedAt: now,
    })),
  );
});
afterAll(async () => {
  await endJourney({ server, browser });
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(screenshots, `conduct-${name}.png`), fullPage: true });

async function fitsTheWidth(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

async function moveCase(page: Page, state: string, note: string) {
  await page.locator('.ant-radio-button-wrapper', { hasText: state }).click();
  if (note) await page.getByLabel('办理记录').fill(note);
  await page.getByRole('button', { name: buttonName(`转入「${state}」`) }).click();
  await page.getByTestId('case-state').filter({ hasText: state }).waitFor();
}

/** A handler at 1366 px signs in, opens 师德举报受理 from the menu and the first case. */
async function openCase(username: string): Promise<Page> {
  const desk = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await desk.goto(server.url);
  await desk.getByLabel('用户名').fill(username);
  await desk.getByLabel('密码').fill(TEST_PASSWORD);
  await desk.keyboard.press('Enter');
  await desk.locator('.app-header').waitFor();
  await desk.getByRole('menuitem', { name: '师德举报受理' }).click();
  await desk
    .getByRole('button', { name: buttonName('办理') })
    .first()
    .click();
  await desk.getByText('课堂上多次以侮辱性语言批评学生。').waitFor();
  return desk;
}

describe('conduct reports in the browser', () => {
  it('files a report on a phone, follows it with the receipt; a handler asks, clarifies and closes; the reporter sees 结案', async () => {
    // the reporter, on a 375 px phone, from the sign-in page, without an account
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await phone.goto(server.url);
    await phone.getByTestId('conduct-report-link').click();
    await phone.getByText('默认匿名').waitFor();
    await phone.getByLabel('被举报教师').fill('某学院 王老师');
    await phone.getByLabel('事情经过').fill('课堂上多次以侮辱性语言批评学生。');
    await phone.getByLabel('发生时间').fill('2026年10月');
    await phone.getByLabel('联系方式').fill('微信 wx-journey-0001');
    await fitsTheWidth(phone);
    await shot(phone, '1-phone-form');
    await phone.getByRole('button', { name: buttonName('提交举报') }).click();
    const receipt = (await phone.getByTestId('conduct-receipt').textContent())?.trim() ?? '';
    expect(receipt.length).toBeGreaterThanOrEqual(16);
    await phone.getByText('只显示这一次').waitFor();
    await fitsTheWidth(phone);
    await shot(phone, '2-phone-receipt');

    // following it with the receipt, as if on another day: a fresh page
    const follow = async () => {
      await phone.goto(`${server.url}/conduct-report`);
      await phone.getByRole('tab', { name: '查询进展' }).click();
      await phone.getByLabel('查询码').fill(receipt);
      await phone.getByRole('button', { name: buttonName('查询') }).click();
      await phone.getByTestId('conduct-follow').waitFor();
    };
    await follow();
    await phone.getByTestId('conduct-state').filter({ hasText: '受理' }).waitFor();
    await shot(phone, '3-phone-follow');

    // the handler at 1366 px: the menu shows the cases; the case is read and moved
    const desk = await openCase(handlerName);
    await shot(desk, '4-handler-case');

    // the handler matches the case to the roster: searches 王建, two namesakes, picks 王建国
    await desk.getByTestId('matched-teacher').filter({ hasText: '未匹配' }).waitFor();
    await chooseOption(desk, desk.getByTestId('teacher-match'), /T-JNY-0417/, {
      typeFirst: '王建',
    });
    await desk
      .getByTestId('matched-teacher')
      .filter({ hasText: '王建国 · T-JNY-0417 · 化学化工学院' })
      .waitFor();
    // the reporter's own words are kept beside the match
    await desk.getByText('某学院 王老师').waitFor();
    await shot(desk, '4a-handler-matched');
    await desk.reload();
    await desk
      .getByTestId('matched-teacher')
      .filter({ hasText: '王建国 · T-JNY-0417 · 化学化工学院' })
      .waitFor();

    // the custodian rule: the contact is sealed until a second handler approves the request
    expect(await desk.content()).not.toContain('wx-journey-0001');
    await desk.getByLabel('申请理由').fill('需要回访核实');
    await desk.getByRole('button', { name: buttonName('申请查看联系方式') }).click();
    await desk.getByText('等待另一名受理人同意').waitFor();
    const custodian = await openCase(secondHandlerName);
    await custodian.getByRole('button', { name: buttonName('同意') }).click();
    await custodian.getByText(`${secondHandlerName} 已同意`).waitFor();
    expect(await custodian.content()).not.toContain('wx-journey-0001');
    await shot(custodian, '4b-custodian-approved');
    await custodian.close();
    await desk.reload();
    await desk.getByTestId('case-contact').filter({ hasText: 'wx-journey-0001' }).waitFor();

    await desk.getByLabel('向举报人提问').fill('请问当时在场的还有哪些同学？');
    await desk.getByRole('button', { name: buttonName('向举报人提问') }).click();
    await desk.getByText('请问当时在场的还有哪些同学？').last().waitFor();

    // the reporter answers the question
    await follow();
    await phone.getByText('请问当时在场的还有哪些同学？').waitFor();
    // the match is the handlers' alone: never on the reporter's follow page
    for (const hidden of ['王建国', 'T-JNY-0417', '化学化工学院'])
      expect(await phone.content()).not.toContain(hidden);
    await phone.getByLabel('回答或补充材料').fill('同班的几位同学都在场。');
    await phone.getByRole('button', { name: buttonName('回答或补充材料') }).click();
    await phone.getByText('同班的几位同学都在场。').waitFor();
    await fitsTheWidth(phone);
    await shot(phone, '5-phone-answered');

    await desk.reload();
    await desk.getByText('同班的几位同学都在场。').waitFor();
    await moveCase(desk, '核查', '');
    await desk.locator('.ant-radio-wrapper', { hasText: '不属实' }).click();
    await moveCase(desk, '认定', '经调查走访，所反映情况不属实。');
    await moveCase(desk, '澄清', '在学院范围内澄清，恢复王老师名誉。');
    await shot(desk, '6-handler-clarified');
    await moveCase(desk, '结案', '已澄清，结案。');
    await desk.getByText('本案已结案').waitFor();
    await shot(desk, '7-handler-closed');

    await desk.getByRole('button', { name: '返回举报列表' }).click();
    await desk.locator('.ant-table-row', { hasText: '结案' }).waitFor();
    await shot(desk, '8-handler-list');

    // the reporter sees the final state and the outcome
    await follow();
    await phone.getByTestId('conduct-state').filter({ hasText: '结案' }).waitFor();
    await phone.getByText('不属实').waitFor();
    for (const hidden of ['王建国', 'T-JNY-0417'])
      expect(await phone.content()).not.toContain(hidden);
    await fitsTheWidth(phone);
    await shot(phone, '9-phone-closed');
  });

  it('a handler takes a founded case to 处理; a second handler attaches the decision document, signed with their name', async () => {
    const reporter = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await reporter.goto(`${server.url}/conduct-report`);
    await reporter.getByLabel('被举报教师').fill('某学院 李老师');
    await reporter.getByLabel('事情经过').fill('课堂上多次以侮辱性语言批评学生。');
    await reporter.getByRole('button', { name: buttonName('提交举报') }).click();
    await reporter.getByTestId('conduct-receipt').waitFor();
    await reporter.close();

    const desk = await openCase(handlerName);
    await desk.getByText('某学院 李老师').waitFor();
    await moveCase(desk, '核查', '');
    await desk.locator('.ant-radio-wrapper', { hasText: '部分属实' }).click();
    await moveCase(desk, '认定', '经调查，所反映情况部分属实。');
    await moveCase(desk, '处理', '给予批评教育，责令书面检查。');
    await desk.close();

    // the second handler uploads the decision: the file names them, not who moved the case
    const other = await openCase(secondHandlerName);
    await other.getByText('某学院 李老师').waitFor();
    await other.getByText('请上传处理决定文书').waitFor();
    await other.locator('input[type=file]').setInputFiles({
      name: '处理决定.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% 处理决定\ntrailer\n<< >>\n%%EOF\n'),
    });
    await other.getByRole('link', { name: '处理决定.pdf' }).waitFor();
    await other.getByText('受理人乙 于处理环节添加').waitFor();
    await shot(other, '10-handler-decision');
    await other.close();
  });
});
