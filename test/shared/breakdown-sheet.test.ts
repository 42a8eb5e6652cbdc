import { describe, expect, it } from 'vitest';
import {
  planSheetChanges,
  readBreakdownSheet,
  type SheetRow,
} from '../../src/shared/breakdown-sheet';
import type { DocumentBlocks } from '../../src/shared/plan-import/document-blocks';

const HEADER = ['一级指标', '二级指标', '指标内容', '观测重点', '责任部门', '落实措施', '完成时限'];
const ids = {
  8: '00000000-0000-4000-8000-000000000008',
  9: '00000000-0000-4000-8000-000000000009',
  39: '00000000-0000-4000-8000-000000000039',
} as const;
const items = [
  { id: ids[8], no: 8, content: '各部门职责清晰，年度工作有计划。' },
  { id: ids[9], no: 9, content: '院系党组织履行主体责任。' },
  { id: ids[39], no: 39, content: '建立民生项目年度工作清单。' },
];
const measure = (
  id: string,
  itemId: string,
  text: string,
  kind: 'date' | 'yearly',
  dueOn: string,
) => ({ id, itemId, text, deadline: { kind, dueOn } });
const current = [
  measure('a', ids[8], '工会年度计划纳入教师思政内容', 'yearly', '2024-07-01'),
  measure('b', ids[8], '=1+1 召开座谈会', 'date', '2024-06-30'),
  measure('c', ids[39], '建立民生项目年度清单', 'date', '2024-06-30'),
];
const row = (
  rowNumber: number,
  no: number | null,
  content: string,
  measures: string[],
  deadlines: string[],
): SheetRow => ({ row: rowNumber, no, content, measures, deadlines });
const plan = (rows: SheetRow[]) =>
  planSheetChanges({
    rows,
    department: { name: '工会' },
    items,
    duties: new Set([ids[8], ids[39]]),
    measures: current,
    context: { year: 2024, startsOn: '2024-04-01' },
  });

describe('reading a filled-in 任务分解表', () => {
  const document = (title: string, header = HEADER, rows: string[][] = []): DocumentBlocks => ({
    format: 'xlsx',
    blocks: [
      {
        kind: 'table',
        rows: [[title], header, ...rows].map((cells, index) => ({ cells, sourceRow: index + 1 })),
      },
    ],
  });

  it('takes the item number from the text or a 序号 column, and the cells one line per measure', () => {
    expect(
      readBreakdownSheet(
        document('落实《标准》任务分解表（工会）', HEADER, [
          [
            '一、党的领导',
            '2.明晰部门权责',
            '8.各部门职责清晰',
            '',
            '工会',
            '甲\n\n乙 ',
            '2024年6月30日\n每年',
          ],
        ]),
        '工会',
      ),
    ).toEqual([
      {
        row: 3,
        no: 8,
        content: '各部门职责清晰',
        measures: ['甲', '乙'],
        deadlines: ['2024年6月30日', '每年'],
      },
    ]);
    expect(
      readBreakdownSheet(
        document(
          '',
          ['序号', ...HEADER],
          [['39', '三、精准供给', '3.强化关心关爱', '建立清单', '', '工会', '', '']],
        ),
        '工会',
      )[0],
    ).toMatchObject({ no: 39, content: '建立清单' });
  });

  it('refuses a sheet of another department, without the columns to fill, or with no table', () => {
    expect(() => readBreakdownSheet(document('落实《标准》任务分解表（教务处）'), '工会')).toThrow(
      expect.objectContaining({
        code: 'sheet.wrong_department',
        params: { found: '教务处', department: '工会' },
      }),
    );
    expect(() => readBreakdownSheet(document('', HEADER.slice(0, 5)), '工会')).toThrow(
      expect.objectContaining({ code: 'sheet.columns_missing' }),
    );
    expect(() =>
      readBreakdownSheet({ format: 'docx', blocks: [{ kind: 'paragraph', text: '通知' }] }, '工会'),
    ).toThrow(expect.objectContaining({ code: 'import.header_not_found' }));
    expect(() => readBreakdownSheet(document('任务分解表'), '工会')).toThrow(
      expect.objectContaining({ code: 'import.no_items' }),
    );
  });
});

describe("comparing a sheet with the department's measures", () => {
  it('keeps what is the same (formula apostrophe, own label and a dateless 每年 included), changes in order, adds and removes the rest', () => {
    const result = plan([
      row(
        3,
        8,
        '各部门职责清晰，年度工作有计划。',
        ['【工会】工会年度计划纳入教师思政内容', "'=1+1 召开座谈会", '新措施'],
        ['每年', '2024年6月30日', '6月底'],
      ),
      row(4, 39, '建立民生项目 年度工作清单。', [], []),
    ]);
    expect(result).toEqual({
      unchanged: 2,
      itemsRead: 2,
      problems: [],
      changes: [
        {
          kind: 'add',
          itemId: ids[8],
          itemNo: 8,
          row: 3,
          measureId: null,
          before: null,
          after: { text: '新措施', deadline: { kind: 'date', dueOn: '2024-06-30' } },
        },
        {
          kind: 'remove',
          itemId: ids[39],
          itemNo: 39,
          row: 4,
          measureId: 'c',
          before: { text: '建立民生项目年度清单', deadline: { kind: 'date', dueOn: '2024-06-30' } },
          after: null,
        },
      ],
    });
    const reordered = plan([
      row(
        3,
        8,
        items[0]!.content,
        ['=1+1 召开座谈会', '改写的第一条'],
        ['2024-06-30', '每年（自2025年1月1日起）'],
      ),
    ]);
    expect(reordered.unchanged).toBe(1);
    expect(reordered.changes).toEqual([
      {
        kind: 'change',
        itemId: ids[8],
        itemNo: 8,
        row: 3,
        measureId: 'a',
        before: {
          text: '工会年度计划纳入教师思政内容',
          deadline: { kind: 'yearly', dueOn: '2024-07-01' },
        },
        after: { text: '改写的第一条', deadline: { kind: 'yearly', dueOn: '2025-01-01' } },
      },
    ]);
  });

  it('joins rows of one item merged down, and reports every row it cannot take', () => {
    const merged = plan([
      row(3, 8, items[0]!.content, ['工会年度计划纳入教师思政内容'], ['每年']),
      row(4, 8, items[0]!.content, ['=1+1 召开座谈会'], ['2024-06-30']),
    ]);
    expect(merged).toMatchObject({ changes: [], unchanged: 2, problems: [] });

    const { problems, changes } = plan([
      row(3, 8, items[0]!.content, ['甲', '乙', '丙'], ['2024-06-30', '每年']),
      row(4, 9, items[1]!.content, ['替别的部门写'], ['2024-06-30']),
      row(5, 77, '不存在的指标', ['x'], ['2024-06-30']),
      row(6, 39, '被改过的指标内容', ['x'], ['2024-06-30']),
      row(7, null, '没有编号的指标', ['x'], ['2024-06-30']),
      row(8, null, '', ['孤立的措施'], []),
      row(9, 39, items[2]!.content, ['【教务处】别人的措施', '没有时限的措施'], []),
      row(10, 8, items[0]!.content, ['x'], ['2024-06-30']),
      row(11, 39, items[2]!.content, [], ['2024-06-30']),
    ]);
    expect(changes).toEqual([]);
    expect(problems.map(({ row: at, code, params }) => [at, code, params])).toEqual([
      [3, 'sheet.deadline_count', { no: 8, measures: 3, deadlines: 2 }],
      [4, 'sheet.not_assigned', { no: 9, department: '工会' }],
      [5, 'sheet.unknown_item', { no: 77 }],
      [6, 'sheet.content_mismatch', { no: 39, found: '被改过的指标内容' }],
      [7, 'sheet.item_number_missing', {}],
      [8, 'sheet.measure_without_item', {}],
      [9, 'sheet.other_department', { name: '教务处' }],
      [9, 'sheet.deadline_missing', { no: 39 }],
      [10, 'sheet.item_repeated', { no: 8, first: 3 }],
      [11, 'sheet.item_repeated', { no: 39, first: 9 }],
    ]);
  });
});
