import ExcelJS from 'exceljs';
import type { SignedInClient } from './test-app';

/** CJK ideographs and punctuation, kana, and full-width forms: what English text never holds. */
export const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;

/**
 * A download as a reader who chose English gets it: through the language cookie the web sets
 * (a download is a link, and the browser sends its own Accept-Language, here Chinese).
 */
export async function downloadInEnglish(client: SignedInClient, url: string) {
  return client.request({
    method: 'GET',
    url,
    headers: { cookie: `${client.cookie}; luoshi_locale=en`, 'accept-language': 'zh-CN,zh' },
  });
}

/** The first sheet of an .xlsx download, and the text of each of its rows' cells. */
export async function sheetOfDownload(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows = Array.from({ length: sheet.rowCount }, (_, index) =>
    (sheet.getRow(index + 1).values as unknown[]).slice(1).map((value) => {
      if (value === undefined || value === null) return '';
      if (typeof value === 'object' && 'formula' in value) return '';
      return String(value);
    }),
  );
  return { sheet, rows };
}
