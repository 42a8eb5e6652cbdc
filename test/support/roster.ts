import ExcelJS from 'exceljs';
import { multipartFile, type SignedInClient } from './test-app';

/** An HR export as 人事处 sends it: a title row, then the header in its own words. */
export async function rosterSheet(
  rows: (string | Date)[][],
  header = [
    '职工号',
    '教师姓名',
    '所在单位',
    '出生年月',
    '海外归国',
    '政治面貌',
    '岗位类别',
    '职称',
    '手机号码',
    '电子邮箱',
  ],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('教职工');
  sheet.addRow(['某大学教职工基本信息（人事处导出）']);
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function uploadRoster(client: SignedInClient, bytes: Buffer, query = '') {
  const { payload, headers } = multipartFile('教职工名册.xlsx', bytes);
  return client.request({
    method: 'POST',
    url: `/api/v1/teachers/import${query}`,
    payload,
    headers: { ...headers, 'accept-language': 'zh-CN' },
  });
}

/** Previews and applies a roster; returns the applied result. */
export async function importRoster(client: SignedInClient, bytes: Buffer) {
  const preview = await uploadRoster(client, bytes, '?dryRun=true');
  if (preview.statusCode !== 200) throw new Error(`roster preview: ${preview.body}`);
  const applied = await uploadRoster(
    client,
    bytes,
    `?basedOn=${encodeURIComponent(preview.json().token)}`,
  );
  if (applied.statusCode !== 200) throw new Error(`roster import: ${applied.body}`);
  return applied.json();
}

/** n teachers of one department, 工号 prefix + number, every other one young and a party member. */
export function teachersOf(department: string, prefix: string, count: number, bornYoung = 1992) {
  return Array.from({ length: count }, (_, index) => [
    `${prefix}${String(index + 1).padStart(3, '0')}`,
    `${department.slice(0, 1)}老师${index + 1}`,
    department,
    index % 2 === 0 ? `${bornYoung}-05` : '1970-03',
    index % 3 === 0 ? '是' : '否',
    index % 2 === 0 ? '中共党员' : '群众',
    index % 4 === 3 ? '管理岗' : '专任教师',
    '讲师',
    `1380000${String(index).padStart(4, '0')}`,
    `t${prefix}${index}@example.edu.cn`,
  ]);
}
