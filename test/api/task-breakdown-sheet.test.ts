import { eq } from 'drizzle-orm';
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView, SheetPreview } from '../../src/shared/api/breakdowns';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import {
  createTestApp,
  multipartFile,
  type SignedInClient,
  type TestApp,
  institutionWithSeedPlan,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

/** The seed plan, a coordinator, and the 工会 (items 8 and 39) with three measures written online by its liaison. */
async function unionWithMeasures() {
  const { organization, coordinator, planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
  const liaison = await liaisonOf('工会');
  const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
  const items = itemsOf((await liaison.get(base)).json());
  const itemId = (no: number) => items.find((item) => item.no === no)!.id;
  for (const [no, text, deadline] of [
    [8, '工会年度工作计划纳入教师思政内容', { kind: 'yearly', dueOn: '2024-12-31' }],
    [8, '每学期召开一次教职工座谈会', { kind: 'date', dueOn: '2024-06-30' }],
    [39, '建立民生项目年度清单', { kind: 'date', dueOn: '2024-06-30' }],
  ] as const) {
    expect(
      (await liaison.post(`${base}/measures`, { itemId: itemId(no), text, deadline })).statusCode,
    ).toBe(201);
  }
  const download = async (
    client: SignedInClient,
    format: 'xlsx' | 'docx' = 'xlsx',
    department = '工会',
  ) => {
    const response = await client.get(
      `/api/v1/plans/${planId}/task-breakdown?format=${format}&departmentId=${idOf(department)}`,
    );
    expect(response.statusCode).toBe(200);
    return response.rawPayload;
  };
  const measures = async () =>
    itemsOf((await coordinator.get(base)).json()).flatMap((item) =>
      item.measures.map((measure) => ({ no: item.no, ...measure })),
    );
  return { organization, coordinator, liaison, liaisonOf, planId, idOf, base, download, measures };
}

function upload(
  client: SignedInClient,
  base: string,
  fileName: string,
  bytes: Buffer,
  query: string,
) {
  const { payload, headers } = multipartFile(fileName, bytes);
  return client.request({ method: 'POST', url: `${base}/sheet?${query}`, payload, headers });
}

/** Opens a downloaded sheet, lets the test write into it as a person would in Excel, and saves it. */
async function editXlsx(
  bytes: Buffer,
  edit: (sheet: ExcelJS.Worksheet, rowOf: (no: number) => ExcelJS.Row) => void,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const rowOf = (no: number) => {
    for (let index = 3; index <= sheet.rowCount; index++)
      if (String(sheet.getRow(index).getCell(3).value).startsWith(`${no}.`))
        return sheet.getRow(index);
    throw new Error(`no row for item ${no}`);
  };
  edit(sheet, rowOf);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe("uploading a department's 任务分解表 filled in offline", () => {
  it('previews then applies what was added, changed and removed; unchanged measures keep their id and version', async () => {
    const { liaison, base, download, measures, organization } = await unionWithMeasures();
    const before = await measures();
    const edited = await editXlsx(await download(liaison), (sheet, rowOf) => {
      // Item 8's two measures are rows 3 and 4: all three written in the first, the second emptied.
      rowOf(8).getCell(6).value =
        '工会年度工作计划纳入教师思政内容\n每学期召开一次教职工座谈会，听取教师意见\n设立教师心理关爱热线';
      rowOf(8).getCell(7).value = '每年（自2024年12月31日起）\n6月底\n长期坚持';
      sheet.getRow(rowOf(8).number + 1).getCell(6).value = null;
      sheet.getRow(rowOf(8).number + 1).getCell(7).value = null;
      rowOf(39).getCell(6).value = null;
      rowOf(39).getCell(7).value = null;
    });

    const previewResponse = await upload(
      liaison,
      base,
      '工会任务分解表（已填）.xlsx',
      edited,
      'dryRun=true',
    );
    expect(previewResponse.statusCode, previewResponse.body).toBe(200);
    const preview: SheetPreview = previewResponse.json();
    expect(preview).toMatchObject({ applied: false, itemsRead: 2, unchanged: 1, problems: [] });
    const [kept, changed, removed] = [
      before.find((m) => m.text.startsWith('工会年度'))!,
      before.find((m) => m.text.startsWith('每学期'))!,
      before.find((m) => m.no === 39)!,
    ];
    expect(preview.changes).toEqual([
      {
        kind: 'change',
        itemId: changed.itemId,
        itemNo: 8,
        row: 3,
        measureId: changed.id,
        before: {
          text: '每学期召开一次教职工座谈会',
          deadline: { kind: 'date', dueOn: '2024-06-30' },
        },
        after: {
          text: '每学期召开一次教职工座谈会，听取教师意见',
          deadline: { kind: 'date', dueOn: '2024-06-30' },
        },
      },
      {
        kind: 'add',
        itemId: changed.itemId,
        itemNo: 8,
        row: 3,
        measureId: null,
        before: null,
        // 长期坚持 without a date runs from the plan's start (its first phase, April 2024), not from the upload's day.
        after: { text: '设立教师心理关爱热线', deadline: { kind: 'ongoing', dueOn: '2024-04-01' } },
      },
      {
        kind: 'remove',
        itemId: removed.itemId,
        itemNo: 39,
        row: 5,
        measureId: removed.id,
        before: { text: '建立民生项目年度清单', deadline: { kind: 'date', dueOn: '2024-06-30' } },
        after: null,
      },
    ]);
    expect(await measures()).toEqual(before);

    const applied = await upload(
      liaison,
      base,
      '工会任务分解表（已填）.xlsx',
      edited,
      `basedOn=${preview.token}`,
    );
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({ applied: true, changes: preview.changes, problems: [] });
    const after = await measures();
    expect(after.map((m) => [m.no, m.text, m.deadline.kind, m.deadline.dueOn])).toEqual([
      [8, '工会年度工作计划纳入教师思政内容', 'yearly', '2024-12-31'],
      [8, '每学期召开一次教职工座谈会，听取教师意见', 'date', '2024-06-30'],
      [8, '设立教师心理关爱热线', 'ongoing', '2024-04-01'],
    ]);
    expect(after[0]).toEqual(kept);
    expect(after[1]).toMatchObject({ id: changed.id, version: changed.version + 1 });
    const actions = (
      await t.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.organizationId, organization.id))
        .orderBy(auditLog.id)
    ).map((row) => row.action);
    expect(actions.slice(-4)).toEqual([
      'measure.update',
      'measure.create',
      'measure.delete',
      'submission.upload_sheet',
    ]);

    // Downloaded again and uploaded untouched, in either format, the sheet changes nothing.
    for (const format of ['xlsx', 'docx'] as const) {
      const again: SheetPreview = (
        await upload(
          liaison,
          base,
          `again.${format}`,
          await download(liaison, format),
          'dryRun=true',
        )
      ).json();
      expect(again, format).toMatchObject({
        changes: [],
        problems: [],
        unchanged: 3,
        itemsRead: 2,
      });
    }
  });

  it("refuses rows of another department's item and unreadable deadlines, row by row, and applies nothing", async () => {
    const { coordinator, base, download, measures } = await unionWithMeasures();
    const before = await measures();
    const edited = await editXlsx(await download(coordinator), (sheet, rowOf) => {
      rowOf(8).getCell(6).value = '工会年度工作计划纳入教师思政内容\n新增一条措施';
      rowOf(8).getCell(7).value = '每年（自2024年12月31日起）\n每季度';
      rowOf(39).getCell(7).value = '尽快';
      sheet.addRow([
        '',
        '',
        '18.完善学生评教机制',
        '',
        '教务处',
        '替教务处填的措施',
        '2024年6月30日',
      ]);
    });
    const response = await upload(coordinator, base, 'union.xlsx', edited, 'dryRun=true');
    expect(response.statusCode, response.body).toBe(200);
    const preview: SheetPreview = response.json();
    expect(
      preview.problems.map(({ row, itemNo, code, params }) => ({ row, itemNo, code, params })),
    ).toEqual([
      { row: 3, itemNo: 8, code: 'sheet.deadline_unsupported', params: { text: '每季度' } },
      { row: 5, itemNo: 39, code: 'sheet.deadline_unreadable', params: { text: '尽快' } },
      { row: 6, itemNo: 18, code: 'sheet.not_assigned', params: { no: 18, department: '工会' } },
    ]);
    expect(preview.problems[2]!.message).toBe(
      '指标 18 不由工会负责，此行不会导入。请只在本部门负责的指标行填写。',
    );
    expect(preview.problems[1]!.message).toContain('看不懂完成时限“尽快”');
    expect(preview.changes).toEqual([]);

    const { payload, headers } = multipartFile('union.xlsx', edited);
    const inEnglish: SheetPreview = (
      await coordinator.request({
        method: 'POST',
        url: `${base}/sheet?dryRun=true`,
        payload,
        headers: { ...headers, 'accept-language': 'en' },
      })
    ).json();
    expect(inEnglish.problems[2]!.message).toBe(
      "Item 18 is not one 工会 answers for; this row will not be imported. Fill in only your department's items.",
    );

    const refused = await upload(
      coordinator,
      base,
      'union.xlsx',
      edited,
      `basedOn=${preview.token}`,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'sheet.has_problems',
      params: { count: 3, rows: '3、5、6' },
    });
    expect(await measures()).toEqual(before);
  });

  it('refuses a breakdown already submitted, before and at apply', async () => {
    const { liaison, base, download, measures } = await unionWithMeasures();
    const sheet = await download(liaison);
    const preview: SheetPreview = (
      await upload(liaison, base, 'union.xlsx', sheet, 'dryRun=true')
    ).json();
    expect(
      (
        await liaison.request({
          method: 'PUT',
          url: `${base}/liaison`,
          payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await liaison.post(`${base}/submit`)).statusCode).toBe(200);
    const before = await measures();
    for (const query of ['dryRun=true', `basedOn=${preview.token}`]) {
      const response = await upload(liaison, base, 'union.xlsx', sheet, query);
      expect(response.statusCode, query).toBe(409);
      expect(response.json().error).toMatchObject({
        code: 'breakdown.locked',
        params: { status: 'submitted' },
      });
    }
    expect(await measures()).toEqual(before);
  });

  it('refuses a wrong file with a clear code and changes nothing', async () => {
    const { liaison, coordinator, base, download, measures } = await unionWithMeasures();
    const before = await measures();
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001',
      'hex',
    );
    const memo = await Packer.toBuffer(
      new Document({
        sections: [
          {
            children: [
              new Paragraph('关于召开教师思政工作会议的通知'),
              new Paragraph('请各部门准时参加。'),
            ],
          },
        ],
      }),
    );
    const noColumns = await Packer.toBuffer(
      new Document({
        sections: [
          {
            children: [
              new Table({
                rows: [
                  new TableRow({
                    children: ['一级指标', '二级指标', '指标内容', '责任部门'].map(
                      (text) => new TableCell({ children: [new Paragraph(text)] }),
                    ),
                  }),
                  new TableRow({
                    children: ['一、党的领导', '2.明晰部门权责', '8.各部门职责清晰', '工会'].map(
                      (text) => new TableCell({ children: [new Paragraph(text)] }),
                    ),
                  }),
                ],
              }),
            ],
          },
        ],
      }),
    );
    const cases: [string, Buffer, number, string][] = [
      ['截图.xlsx', png, 415, 'import.type_mismatch'],
      ['empty.xlsx', Buffer.alloc(0), 400, 'import.empty_file'],
      ['会议通知.docx', memo, 422, 'import.header_not_found'],
      ['旧表.docx', noColumns, 422, 'sheet.columns_missing'],
      ['notes.txt', Buffer.from('一级指标\t二级指标\n'), 415, 'sheet.unsupported_type'],
      ['教务处.xlsx', await download(coordinator, 'xlsx', '教务处'), 422, 'sheet.wrong_department'],
      ['../union.xlsx', await download(liaison), 400, 'import.bad_file_name'],
    ];
    for (const [fileName, bytes, status, code] of cases) {
      for (const query of ['dryRun=true', `basedOn=${'0'.repeat(64)}.${'0'.repeat(64)}`]) {
        const response = await upload(liaison, base, fileName, bytes, query);
        expect(response.statusCode, `${fileName} ${query}: ${response.body}`).toBe(status);
        expect(response.json().error.code, fileName).toBe(code);
      }
    }
    const wrongType = await upload(liaison, base, '截图.xlsx', png, 'dryRun=true');
    expect(wrongType.json().error.message).toBe(
      '文件名是 .xlsx，但内容是 PNG 图片。请检查是否选错了文件。',
    );
    expect(
      (await upload(liaison, base, 'union.xlsx', await download(liaison), '')).json().error,
    ).toMatchObject({ code: 'request.invalid', issues: [{ path: 'querystring.basedOn' }] });
    expect(await measures()).toEqual(before);
  });

  it('refuses a liaison of another department', async () => {
    const { liaisonOf, liaison, base, download, measures } = await unionWithMeasures();
    const before = await measures();
    const sheet = await download(liaison);
    const academic = await liaisonOf('教务处');
    const preview = await upload(academic, base, 'union.xlsx', sheet, 'dryRun=true');
    expect(preview.statusCode).toBe(403);
    expect(preview.json().error.code).toBe('auth.forbidden');
    const token: string = (await upload(liaison, base, 'union.xlsx', sheet, 'dryRun=true')).json()
      .token;
    expect((await upload(academic, base, 'union.xlsx', sheet, `basedOn=${token}`)).statusCode).toBe(
      403,
    );
    expect(await measures()).toEqual(before);
  });

  it('refuses a stale preview: the measures changed online since, or another file', async () => {
    const { liaison, base, download, measures } = await unionWithMeasures();
    const edited = await editXlsx(await download(liaison), (_sheet, rowOf) => {
      rowOf(39).getCell(6).value = '建立民生项目年度清单\n每年为教职工办好十件实事';
      rowOf(39).getCell(7).value = '2024年6月30日\n每年';
    });
    const preview: SheetPreview = (
      await upload(liaison, base, 'union.xlsx', edited, 'dryRun=true')
    ).json();
    expect(
      preview.changes.map((change) => [change.kind, change.after?.text, change.after?.deadline]),
    ).toEqual([['add', '每年为教职工办好十件实事', { kind: 'yearly', dueOn: '2024-12-31' }]]);

    const other = await editXlsx(edited, (_sheet, rowOf) => {
      rowOf(39).getCell(6).value = '建立民生项目年度清单\n另一条';
    });
    const notPreviewed = await upload(
      liaison,
      base,
      'union.xlsx',
      other,
      `basedOn=${preview.token}`,
    );
    expect(notPreviewed.statusCode).toBe(409);
    expect(notPreviewed.json().error.code).toBe('sheet.not_previewed');

    const online = (await measures()).find((measure) => measure.no === 8)!;
    expect(
      (
        await liaison.patch(`${base}/measures/${online.id}`, {
          version: online.version,
          text: '网页上改过的措施',
        })
      ).statusCode,
    ).toBe(200);
    const before = await measures();
    const stale = await upload(liaison, base, 'union.xlsx', edited, `basedOn=${preview.token}`);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'sheet.stale' });
    expect(stale.json().error.message).toContain('请重新上传');
    expect(await measures()).toEqual(before);

    // Previewed again, the sheet shows it would undo the online edit; confirmed, it applies.
    const fresh: SheetPreview = (
      await upload(liaison, base, 'union.xlsx', edited, 'dryRun=true')
    ).json();
    expect(
      fresh.changes.map((change) => [
        change.kind,
        change.before?.text ?? null,
        change.after?.text ?? null,
      ]),
    ).toEqual([
      ['change', '网页上改过的措施', '工会年度工作计划纳入教师思政内容'],
      ['add', null, '每年为教职工办好十件实事'],
    ]);
    expect(
      (await upload(liaison, base, 'union.xlsx', edited, `basedOn=${fresh.token}`)).statusCode,
    ).toBe(200);
  });
});
