import * as XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { rosterSheet, teachersOf } from '../support/roster';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';
import { writeZip } from '../support/zip-writer';

/**
 * The sheets people upload besides plans — the HR roster, an activity's sign-in sheet, a third
 * party's results — go through the same guards as a plan document (issues 14.1 and 19.11): an
 * .xls as HR systems and WPS export it reads like the .xlsx, a zip bomb is refused before exceljs
 * inflates it, by a cap of the upload kind's own, and anything else is refused in the reader's
 * language with nothing changed.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: new ManualClock('2024-09-02T02:00:00Z') });
});
afterAll(async () => t.close());

/** The same sheet saved as Excel 97–2003 (.xls, BIFF8), as SheetJS writes it. */
async function asXls(xlsx: Buffer): Promise<Buffer> {
  const workbook = XLSX.read(xlsx, { type: 'buffer' });
  return Buffer.from(XLSX.write(workbook, { type: 'buffer', bookType: 'biff8' }));
}

async function sheet(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet('Sheet1');
  for (const row of rows) worksheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An .xlsx of a few KB that inflates to `megabytes` MB (its sizes declared small, as a bomb lies). */
function zipBomb(megabytes: number): Buffer {
  return writeZip([
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
    { name: 'xl/media/image1.bin', data: Buffer.alloc(megabytes * 1024 * 1024), declaredSize: 10 },
  ]);
}

async function upload(
  client: SignedInClient,
  url: string,
  fileName: string,
  bytes: Buffer,
  lang = 'zh-CN',
) {
  const { payload, headers } = multipartFile(fileName, bytes);
  return client.request({
    method: 'POST',
    url,
    payload,
    headers: { ...headers, 'accept-language': lang },
  });
}

describe('uploaded sheets other than plans', () => {
  let coordinator: SignedInClient;

  beforeAll(async () => {
    const { organization } = await createInstitution(t.db, [
      { name: '马克思主义学院', kind: 'teaching' },
    ]);
    coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
  });

  it('reads an .xls roster, sign-in sheet and results sheet like the .xlsx', async () => {
    const roster = await rosterSheet(teachersOf('马克思主义学院', 'M', 4));
    const xlsxPreview = await upload(
      coordinator,
      '/api/v1/teachers/import?dryRun=true',
      '名册.xlsx',
      roster,
    );
    expect(xlsxPreview.statusCode, xlsxPreview.body).toBe(200);
    const xlsPreview = await upload(
      coordinator,
      '/api/v1/teachers/import?dryRun=true',
      '名册.xls',
      await asXls(roster),
    );
    expect(xlsPreview.statusCode, xlsPreview.body).toBe(200);
    const { token: _xls, ...fromXls } = xlsPreview.json();
    const { token: _xlsx, ...fromXlsx } = xlsxPreview.json();
    expect(fromXls).toEqual(fromXlsx);
    expect(JSON.stringify(fromXls)).toContain('M004');
    // apply the .xls itself: the teachers are in the roster
    const applied = await upload(
      coordinator,
      `/api/v1/teachers/import?basedOn=${encodeURIComponent(xlsPreview.json().token)}`,
      '名册.xls',
      await asXls(roster),
    );
    expect(applied.statusCode, applied.body).toBe(200);

    const signInRows = [
      ['2024年青年教师国情研修签到表'],
      ['序号', '姓名', '工号', '签名'],
      ['1', '马老师1', 'M001', ''],
      ['2', '马老师3', '', ''],
    ];
    const signIns = await upload(
      coordinator,
      '/api/v1/activities/sign-in-sheet',
      '签到表.xls',
      await asXls(await sheet(signInRows)),
    );
    expect(signIns.statusCode, signIns.body).toBe(200);
    expect(signIns.json().matched.map((row: { workNo: string }) => row.workNo)).toEqual([
      'M001',
      'M003',
    ]);

    const results = await upload(
      coordinator,
      '/api/v1/satisfaction-results/import',
      '测评结果.xls',
      await asXls(
        await sheet([
          ['年度', '指标', '满意度', '样本量', '测评机构', '备注'],
          ['2024', '27', '92.5', '1200', '某评估机构', ''],
        ]),
      ),
    );
    expect(results.statusCode, results.body).toBe(201);
    expect(results.json()).toEqual({ imported: 1, updated: 0 });
  });

  it('refuses a zip bomb by the upload kind’s own cap, before anything inflates it whole', async () => {
    for (const [url, fileName, megabytes] of [
      ['/api/v1/satisfaction-results/import', '测评结果.xlsx', 8],
      ['/api/v1/activities/sign-in-sheet', '签到表.xlsx', 16],
      ['/api/v1/teachers/import?dryRun=true', '名册.xlsx', 60],
    ] as const) {
      const bomb = zipBomb(megabytes);
      expect(bomb.length).toBeLessThan(200 * 1024);
      const response = await upload(coordinator, url, fileName, bomb);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(413);
      expect(response.json().error.code, url).toBe('import.zip_bomb');
      // counted as it inflates, not as the zip declares: at least the cap, never the declared 19 B
      expect(response.json().error.params.size, url).toMatch(/MB$/);
    }
    expect((await coordinator.get('/api/v1/satisfaction-results')).json().results).toHaveLength(1);
  });

  it('refuses what is not a spreadsheet, in the reader’s language, and changes nothing', async () => {
    const text = Buffer.from('年度,指标,满意度\n2025,27,90\n', 'utf8');
    for (const lang of ['zh-CN', 'en']) {
      const response = await upload(
        coordinator,
        '/api/v1/satisfaction-results/import',
        '测评结果.csv',
        text,
        lang,
      );
      expect(response.statusCode, response.body).toBe(415);
      expect(response.json().error.code).toBe('upload.not_spreadsheet');
      expect(response.json().error.message).toBe(
        lang === 'en'
          ? 'Upload an Excel sheet (.xlsx or .xls). Nothing was changed.'
          : '请上传 Excel 表格（.xlsx 或 .xls）。未做任何更改。',
      );
    }
    const roster = await upload(
      coordinator,
      '/api/v1/teachers/import?dryRun=true',
      '名册.txt',
      Buffer.from('工号 姓名\nM009 某老师\n'),
    );
    expect(roster.json().error.code).toBe('upload.not_spreadsheet');
    expect((await coordinator.get('/api/v1/satisfaction-results')).json().results).toHaveLength(1);
  });
});
