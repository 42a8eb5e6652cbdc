import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, institutionWithSeedPlan, type TestApp } from '../support/test-app';
import { CJK, downloadInEnglish, sheetOfDownload } from '../support/english';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the findings export (问题清单)', () => {
  it("is a real .xlsx with each finding's items and rectification actions in words, filtered like the list", async () => {
    const { planId, coordinator, idOf, liaisonOf } = await institutionWithSeedPlan(t);
    const tree = (await coordinator.get(`/api/v1/plans/${planId}/tree`)).json() as {
      indicators: { children: { items: { id: string; no: number }[] }[] }[];
    };
    const item39 = tree.indicators
      .flatMap((level1) => level1.children.flatMap((level2) => level2.items))
      .find((item) => item.no === 39)!;
    const created = async (title: string, kind: string) =>
      (
        await coordinator.post(`/api/v1/plans/${planId}/findings`, {
          title,
          description: '年底验收滞后',
          kind,
          ownerDepartmentId: idOf('工会'),
          departmentIds: [],
          itemIds: [item39.id],
          dueOn: '2024-12-31',
        })
      ).json();
    const first = await created('民生项目清单未按期验收', 'immediate');
    await created('教师座谈会覆盖面不足', 'carried_over');
    const union = await liaisonOf('工会');
    expect(
      (
        await union.post(`/api/v1/plans/${planId}/findings/${first.id}/actions`, {
          version: 1,
          text: '逐项验收民生项目，形成验收报告',
        })
      ).statusCode,
    ).toBe(200);

    const response = await coordinator.get(`/api/v1/plans/${planId}/findings/export`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(String(response.headers['content-disposition'])).toContain('attachment');
    expect(response.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('问题清单')!;
    expect(sheet.getRow(3).getCell(11).value).toBe('整改措施');
    const row = sheet.getRow(4);
    expect(row.getCell(2).value).toBe('民生项目清单未按期验收');
    expect(String(row.getCell(8).value)).toMatch(/^39\. /);
    expect(String(row.getCell(11).value)).toContain('逐项验收民生项目，形成验收报告（工会，');
    expect(sheet.rowCount).toBe(5);

    const english = await sheetOfDownload(
      (await downloadInEnglish(coordinator, `/api/v1/plans/${planId}/findings/export`)).rawPayload,
    );
    expect(english.sheet.name).toBe('Findings');
    expect(english.rows[2]).toEqual([
      'No.',
      'Finding',
      'Description',
      'Rectification',
      'State',
      'Responsible department',
      'Supporting departments',
      'Items',
      'Due on',
      'Overdue',
      'Rectification actions',
    ]);
    expect(english.rows[0]![0]).not.toMatch(CJK);
    for (const row of english.rows.slice(3))
      for (const column of [3, 4, 9]) expect(row[column]).not.toMatch(CJK);
    expect(english.rows[3]!.slice(3, 5)).toEqual(['Fix now', 'In progress']);
    expect(english.rows[3]![10]).toMatch(
      /^1\. 逐项验收民生项目，形成验收报告 \(工会, \d{4}-\d{2}-\d{2}\)$/,
    );

    const filtered = await coordinator.get(
      `/api/v1/plans/${planId}/findings/export?kind=carried_over`,
    );
    const only = new ExcelJS.Workbook();
    await only.xlsx.load(filtered.rawPayload as unknown as ArrayBuffer);
    expect(only.getWorksheet('问题清单')!.rowCount).toBe(4);
    expect(only.getWorksheet('问题清单')!.getRow(4).getCell(2).value).toBe('教师座谈会覆盖面不足');
  });
});
