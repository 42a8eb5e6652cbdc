import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { workbookFiles } from '../../src/server/io/sheet-layout';
import { spliceSheetBody } from '../../src/server/io/sheet-rows-xml';
import {
  readZipEntries,
  type StreamedContent,
  zipEntries,
  zipStream,
} from '../../src/server/io/zip-entries';

const columns = 4;
const heading = ['部门', '序号', '措施 & "说明"', '状态'];
// Escapes, spaces kept, characters XML forbids, repeats, values the headings already hold, and
// the empty string (a shared string of its own, as exceljs files it).
const body: (string | number)[][] = [
  ['学院<一>', 1, "措施 'a' & b", '状态'],
  ['学院<一>', 2, ' 前导空格', ''],
  ['部门', 3, '两行\n第二行', '尾随空格 '],
  ['控制\u0007字符\u007f', 40, '制表\t符', '部门'],
  ['学院<一>', 5, '=SUM(A1)', ''],
];
const heights = [18, 32, 46, 18, 25];

function styles() {
  const thin = { style: 'thin' as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };
  return {
    heading: { font: { name: '黑体', bold: true }, border } as Partial<ExcelJS.Style>,
    body: {
      font: { name: '仿宋_GB2312', size: 10.5 },
      alignment: { vertical: 'top', wrapText: true },
      border,
    } as Partial<ExcelJS.Style>,
  };
}

/** A sheet with its title, headings and filter, and the body either written by exceljs or not. */
function workbook(withBody: boolean) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 2 }] });
  const style = styles();
  sheet.addRow(['标题']);
  sheet.mergeCells(1, 1, 1, columns);
  sheet.addRow(heading).eachCell((cell) => {
    cell.style = style.heading;
  });
  if (withBody)
    body.forEach((values, index) => {
      const row = sheet.addRow(values);
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.style = style.body;
      });
      row.height = heights[index]!;
    });
  else {
    const row = sheet.getRow(3);
    for (let column = 1; column <= columns; column += 1) row.getCell(column).style = style.body;
  }
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + body.length, column: columns } };
  return book;
}

const text = (files: Map<string, Uint8Array | string>, name: string) => {
  const content = files.get(name)!;
  return typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
};

describe('a sheet body spliced as text', () => {
  it('is byte for byte the sheet and shared strings exceljs writes for the same rows', async () => {
    const written = await workbookFiles(workbook(true));
    const spliced = await workbookFiles(workbook(false));
    spliceSheetBody(spliced, {
      at: 3,
      count: body.length,
      columns,
      value: (row, column) => body[row]![column]!,
      height: (row) => heights[row]!,
    });
    expect(text(spliced, 'xl/worksheets/sheet1.xml')).toBe(
      text(written, 'xl/worksheets/sheet1.xml'),
    );
    expect(text(spliced, 'xl/sharedStrings.xml')).toBe(text(written, 'xl/sharedStrings.xml'));
  });

  it('with no rows leaves the headings and an exact dimension', async () => {
    const files = await workbookFiles(workbook(false));
    spliceSheetBody(files, { at: 3, count: 0, columns, value: () => '', height: () => 18 });
    const sheet = text(files, 'xl/worksheets/sheet1.xml');
    expect(sheet).toContain('<dimension ref="A1:D2"/>');
    expect(sheet).not.toContain('<row r="3"');
  });

  it('packs into an .xlsx that exceljs reads back, value for value', async () => {
    const files = await workbookFiles(workbook(false));
    spliceSheetBody(files, {
      at: 3,
      count: body.length,
      columns,
      value: (row, column) => body[row]![column]!,
      height: (row) => heights[row]!,
    });
    const bytes = await zipEntries(files);
    expect([...readZipEntries(bytes).keys()]).toEqual([...files.keys()]);
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = read.worksheets[0]!;
    expect(sheet.getRow(5).values).toEqual([undefined, '部门', 3, '两行\n第二行', '尾随空格 ']);
    expect(sheet.getRow(6).getCell(1).value).toBe('控制字符');
    expect(sheet.getRow(4).height).toBe(32);
    expect(sheet.rowCount).toBe(2 + body.length);
  });
});

describe('a zip streamed file by file', () => {
  it('holds each file whole, made of pieces or asked for when its turn comes, in order', async () => {
    const order: string[] = [];
    function* pieces() {
      for (let n = 0; n < 2000; n += 1) yield `<r n="${n}">第${n}行</r>`;
      order.push('pieces done');
    }
    const files = new Map<string, StreamedContent>([
      ['a.xml', '<a/>'],
      ['b.xml', pieces()],
      [
        'c.xml',
        () => {
          order.push('c asked');
          return new Uint8Array([1, 2, 3]);
        },
      ],
    ]);
    const chunks: Uint8Array[] = [];
    for await (const chunk of zipStream(files)) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(order).toEqual(['pieces done', 'c asked']);
    const read = readZipEntries(Buffer.concat(chunks));
    expect([...read.keys()]).toEqual(['a.xml', 'b.xml', 'c.xml']);
    expect(Buffer.from(read.get('b.xml')!).toString()).toBe(
      Array.from({ length: 2000 }, (_, n) => `<r n="${n}">第${n}行</r>`).join(''),
    );
    expect([...read.get('c.xml')!]).toEqual([1, 2, 3]);
  });
});
