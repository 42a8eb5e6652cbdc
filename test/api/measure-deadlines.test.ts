import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView, SheetPreview } from '../../src/shared/api/breakdowns';
import {
  createTestApp,
  institutionWithSeedPlan,
  multipartFile,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

/**
 * One rule for a measure's deadline (shared/measure-deadline.ts): what the web form sends (a kind
 * and perhaps a date) and what a person writes in the 任务分解表 are accepted and refused alike.
 * The seed plan's first phase starts in April 2024; its year is 2024.
 */
const cases: {
  name: string;
  form: { kind: string; dueOn?: string };
  sheet: string;
  /** The deadline kept, or null when both refuse. */
  expected: { kind: string; dueOn: string } | null;
  apiCode?: string;
  sheetCode?: string;
}[] = [
  {
    name: '长期坚持 needs no date: it runs from the plan start',
    form: { kind: 'ongoing' },
    sheet: '长期坚持',
    expected: { kind: 'ongoing', dueOn: '2024-04-01' },
  },
  {
    name: '每月 without a date: the end of the plan first month',
    form: { kind: 'monthly' },
    sheet: '每月',
    expected: { kind: 'monthly', dueOn: '2024-04-30' },
  },
  {
    name: '每年 without a date: 31 December of the plan year',
    form: { kind: 'yearly' },
    sheet: '每年',
    expected: { kind: 'yearly', dueOn: '2024-12-31' },
  },
  {
    name: '每学期 with its first date',
    form: { kind: 'semester', dueOn: '2024-07-10' },
    sheet: '每学期（自2024年7月10日起）',
    expected: { kind: 'semester', dueOn: '2024-07-10' },
  },
  {
    name: '每学期 without a date is refused',
    form: { kind: 'semester' },
    sheet: '每学期',
    expected: null,
    apiCode: 'measure.deadline_date_required',
    sheetCode: 'sheet.deadline_first_date',
  },
  {
    name: 'a date the calendar does not have is refused',
    form: { kind: 'date', dueOn: '2024-02-30' },
    sheet: '2024年2月30日',
    expected: null,
    // The request schema refuses an impossible date before the rule sees it, naming the field.
    apiCode: 'request.invalid',
    sheetCode: 'sheet.deadline_no_such_date',
  },
  {
    name: 'a date deadline without its date is refused',
    form: { kind: 'date' },
    sheet: '',
    expected: null,
    apiCode: 'measure.deadline_date_required',
    sheetCode: 'sheet.deadline_missing',
  },
];

describe("a measure's deadline, on the web and in the sheet", () => {
  it.each(cases)('$name', async ({ form, sheet, expected, apiCode, sheetCode }) => {
    const { planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
    const liaison = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const item8 = itemsOf((await liaison.get(base)).json()).find((item) => item.no === 8)!;

    // The API, as the web form sends it.
    const created = await liaison.post(`${base}/measures`, {
      itemId: item8.id,
      text: '经网页填写的措施',
      deadline: form,
    });
    if (expected) {
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().deadline).toEqual(expected);
      await liaison.request({
        method: 'DELETE',
        url: `${base}/measures/${created.json().id}?version=${created.json().version}`,
      });
    } else {
      expect(created.statusCode, created.body).toBe(apiCode === 'request.invalid' ? 400 : 422);
      expect(created.json().error.code).toBe(apiCode);
    }

    // The sheet, as a person fills it in.
    const downloaded = (
      await liaison.get(
        `/api/v1/plans/${planId}/task-breakdown?format=xlsx&departmentId=${idOf('工会')}`,
      )
    ).rawPayload;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(downloaded as unknown as ExcelJS.Buffer);
    const worksheet = workbook.worksheets[0]!;
    for (let index = 3; index <= worksheet.rowCount; index++) {
      const row = worksheet.getRow(index);
      if (String(row.getCell(3).value).startsWith('8.')) {
        row.getCell(6).value = '经表格填写的措施';
        row.getCell(7).value = sheet || null;
      }
    }
    const { payload, headers } = multipartFile(
      'union.xlsx',
      Buffer.from(await workbook.xlsx.writeBuffer()),
    );
    const previewed = await liaison.request({
      method: 'POST',
      url: `${base}/sheet?dryRun=true`,
      payload,
      headers,
    });
    expect(previewed.statusCode, previewed.body).toBe(200);
    const preview: SheetPreview = previewed.json();
    if (expected) {
      expect(preview.problems).toEqual([]);
      expect(preview.changes.map((change) => change.after?.deadline)).toEqual([expected]);
    } else {
      expect(preview.changes).toEqual([]);
      expect(preview.problems.map((problem) => problem.code)).toEqual([sheetCode]);
    }
  });
});
