import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readDocumentBlocks } from '../../src/server/io/plan-document-reader';
import {
  heightFor,
  MAX_ROW_HEIGHT,
  splitForRows,
  wrapLines,
} from '../../src/server/io/sheet-layout';
import { writeTaskBreakdownXlsx } from '../../src/server/io/task-breakdown-writer';
import { CONTINUED_MARK, readBreakdownSheet } from '../../src/shared/breakdown-sheet';

/** A measure of 1,800 characters: about 1,500 pt of text in the 落实措施 column, over Excel's 409 pt. */
const LONG = Array.from(
  { length: 60 },
  (_, n) => `第${n + 1}步：组织教师开展专题学习并形成台账，`,
).join('');

describe('row heights of the 任务分解表 sheet', () => {
  it('counts a CJK character as a full em and a Latin one as about half', () => {
    expect(wrapLines('教师'.repeat(20), 10.5 * 10, 10.5)).toHaveLength(4);
    expect(wrapLines('ab'.repeat(20), 10.5 * 10, 10.5)).toHaveLength(3);
    expect(wrapLines('一\n二', 200, 10.5)).toEqual(['一', '二']);
    expect(heightFor('教师'.repeat(400), 44, 10.5)).toBeGreaterThan(MAX_ROW_HEIGHT);
  });

  it('cuts a text too high for one row at line ends, and the pieces join back to it', () => {
    const pieces = splitForRows(LONG, 44, 10.5);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(LONG);
    for (const piece of pieces) expect(heightFor(piece, 44, 10.5)).toBeLessThanOrEqual(409);
  });

  it('writes one row per measure, a long one continued over rows no higher than 409 pt, read back whole', async () => {
    const bytes = await writeTaskBreakdownXlsx({
      title: '落实《标准》任务分解表（工会）',
      measureDepartments: false,
      levelHeaders: ['一级指标', '二级指标'],
      items: [
        {
          levels: ['一、党的领导', '1.强化组织领导'],
          content: '8.工会参与教师思想政治工作',
          focus: '工作机制',
          departments: '工会',
          measures: [
            { department: '工会', text: '短措施', deadline: '2024年6月30日' },
            { department: '工会', text: LONG, deadline: '长期坚持（自2024年4月22日起）' },
          ],
        },
      ],
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBeGreaterThan(4);
    for (let row = 3; row <= sheet.rowCount; row++) {
      expect(sheet.getRow(row).height).toBeLessThanOrEqual(MAX_ROW_HEIGHT);
      expect(sheet.getRow(row).getCell(3).value).toBe('8.工会参与教师思想政治工作');
    }
    expect(String(sheet.getRow(5).getCell(6).value)).toMatch(new RegExp(`^${CONTINUED_MARK}`));
    // Each piece is about a page high: the pieces print on pages of their own, each with its deadline.
    expect(sheet.getCell('G5').value).toBe('长期坚持（自2024年4月22日起）');
    const rows = readBreakdownSheet(
      await readDocumentBlocks({ bytes, fileName: 'sheet.xlsx' }),
      '工会',
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]!.measures).toEqual([LONG]);
    expect(rows[1]!.deadlines).toEqual(['长期坚持（自2024年4月22日起）']);
  });
});
