import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import type { DocumentBlocks } from '../../src/shared/plan-import/document-blocks';
import { parsePlanDocument } from '../../src/shared/plan-import/parse-plan';

/** Plans of the shapes institutions really write, built here from scratch (no file of one). */
function table(header: string[], ...rows: string[][]): DocumentBlocks {
  return {
    format: 'docx',
    blocks: [
      { kind: 'paragraph', text: '某大学2027年工作要点任务分解表' },
      {
        kind: 'table',
        rows: [header, ...rows].map((cells, index) => ({ cells, sourceRow: index + 1 })),
      },
    ],
  };
}

function refused(document: DocumentBlocks): string {
  try {
    parsePlanDocument(document);
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('plans of other shapes', () => {
  it('a flat 年度工作要点任务分解表: 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限', () => {
    const plan = parsePlanDocument(
      table(
        ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'],
        ['1', '召开全校教师工作会议', '党委教师工作部', '人事处、教务处', '2027年3月31日'],
        ['2', '修订教师考核办法', '人事处', '', '2027年6月底'],
        ['3', '开展师德专题教育', '党委教师工作部', '各教学单位', '每学期'],
      ),
    );
    expect(plan.depth).toBe(0);
    expect(plan.items.map((item) => [item.no, item.path, item.level1, item.level2])).toEqual([
      [1, [], '', ''],
      [2, [], '', ''],
      [3, [], '', ''],
    ]);
    expect(plan.items[0]!.departmentRefs.map((ref) => [ref.name, ref.role])).toEqual([
      ['党委教师工作部', 'lead'],
      ['人事处', 'support'],
      ['教务处', 'support'],
    ]);
    expect(plan.items[1]!.deadlineRaw).toBe('2027年6月底');
    expect(plan.columns.map((column) => column.meaning)).toEqual([
      'number',
      'content',
      'lead',
      'support',
      'deadline',
    ]);
  });

  it('two levels: 一级任务 | 具体任务 | 责任单位 | 完成时间, the level carried down merged cells', () => {
    const plan = parsePlanDocument(
      table(
        ['一级任务', '具体任务', '责任单位', '完成时间'],
        ['一、加强思想政治引领', '1.组织教师理论学习', '党委宣传部', '每月'],
        ['一、加强思想政治引领', '2.开展国情研修', '党委教师工作部', '2027年8月'],
        ['二、健全师德建设机制', '3.完善师德考核', '人事处', '2027年12月'],
      ),
    );
    expect(plan.depth).toBe(1);
    expect(plan.items.map((item) => [item.no, item.code, item.path, item.content])).toEqual([
      [1, '1', ['加强思想政治引领'], '组织教师理论学习'],
      [2, '2', ['加强思想政治引领'], '开展国情研修'],
      [3, '3', ['健全师德建设机制'], '完善师德考核'],
    ]);
    expect(plan.items[2]!.pathCodes).toEqual(['二']);
    expect(plan.items[2]!.level1).toBe('健全师德建设机制');
    expect(plan.items[2]!.level2).toBe('');
  });

  it('three levels in other words: 工作任务 | 具体任务 | 观测要点 | 牵头单位 | 时间节点', () => {
    const plan = parsePlanDocument(
      table(
        ['工作任务', '重点任务', '具体任务', '观测要点', '牵头单位', '时间节点'],
        [
          '一、党的领导',
          '（一）强化组织领导',
          '1.成立工作领导小组',
          '有文件',
          '党委办公室',
          '2027年3月',
        ],
        ['', '', '2.定期研究教师工作', '会议纪要', '党委教师工作部', '每学期'],
      ),
    );
    expect(plan.depth).toBe(2);
    expect(plan.items[1]!.path).toEqual(['党的领导', '强化组织领导']);
    expect(plan.items[1]!.focus).toBe('会议纪要');
    expect(plan.items[0]!.pathCodes).toEqual(['一', '一']);
  });

  it('a 整改任务清单: the responsible leader is a person, extra columns are kept', () => {
    const plan = parsePlanDocument(
      table(
        ['序号', '问题表现', '整改措施', '责任校领导', '责任单位', '完成时限', '备注'],
        [
          '1',
          '师德考核流于形式',
          '修订考核细则；开展专项检查',
          '张三',
          '人事处、党委教师工作部',
          '2027年6月30日',
          '巡视反馈',
        ],
        ['2', '青年教师国情研修覆盖不足', '制定研修计划', '李四', '党委教师工作部', '长期坚持', ''],
      ),
    );
    expect(plan.items[0]!.leader).toBe('张三');
    expect(plan.items[0]!.departments).toEqual(['人事处', '党委教师工作部']);
    expect(plan.items[0]!.departments).not.toContain('张三');
    expect(plan.items[0]!.measuresRaw).toBe('修订考核细则；开展专项检查');
    expect(plan.items[0]!.extra).toEqual({ 备注: '巡视反馈' });
    expect(plan.items[1]!.extra).toEqual({});
    expect(plan.departments.map((department) => department.name)).not.toContain('李四');
  });

  it('four levels from numbering inside one column, items numbered anew under each heading', () => {
    const plan = parsePlanDocument(
      table(
        ['工作内容', '责任部门', '完成时限'],
        ['一、思想政治建设', '', ''],
        ['（一）理论武装', '', ''],
        ['1.学习制度', '', ''],
        ['（1）每月集中学习一次', '党委宣传部', '每月'],
        ['（2）建立学习台账', '党委宣传部', '2027年3月'],
        ['2.研修制度', '', ''],
        ['（1）组织国情研修', '党委教师工作部', '2027年8月'],
        ['（二）师德建设', '', ''],
        ['1.考核', '', ''],
        ['（1）完善师德考核办法', '人事处', '2027年12月'],
      ),
    );
    expect(plan.depth).toBe(3);
    expect(plan.items.map((item) => [item.no, item.code, item.path])).toEqual([
      [1, '1', ['思想政治建设', '理论武装', '学习制度']],
      [2, '2', ['思想政治建设', '理论武装', '学习制度']],
      [3, '1', ['思想政治建设', '理论武装', '研修制度']],
      [4, '1', ['思想政治建设', '师德建设', '考核']],
    ]);
  });

  it('four level columns above the items', () => {
    const plan = parsePlanDocument(
      table(
        ['一级指标', '二级指标', '三级任务', '四级任务', '具体任务', '责任单位'],
        ['一、甲', '（一）乙', '1.丙', '（1）丁', '第一项工作', '党委办公室'],
        ['', '', '', '（2）戊', '第二项工作', '人事处'],
      ),
    );
    expect(plan.depth).toBe(4);
    expect(plan.items[1]!.path).toEqual(['甲', '乙', '丙', '戊']);
    expect(plan.items.map((item) => item.no)).toEqual([1, 2]);
  });

  it('numbers items by position when the plan numbers none', () => {
    const plan = parsePlanDocument(
      table(
        ['任务内容', '责任部门'],
        ['建立教师发展中心', '人事处'],
        ['开展教师培训', '教师发展中心'],
      ),
    );
    expect(plan.items.map((item) => [item.no, item.code])).toEqual([
      [1, ''],
      [2, ''],
    ]);
  });

  it('a header with a note in brackets and spaces is still read', () => {
    const plan = parsePlanDocument(
      table(
        ['序 号', '主要任务', '责任单位（牵头）', '完成期限'],
        ['1', '甲', '人事处', '2027年5月'],
      ),
    );
    expect(plan.items[0]!.departments).toEqual(['人事处']);
    expect(plan.items[0]!.deadlineRaw).toBe('2027年5月');
  });

  it('still refuses what is wrong, changing nothing', () => {
    expect(refused(table(['甲', '乙'], ['1', '2']))).toBe('import.header_not_found');
    expect(
      refused(
        table(['序号', '重点任务', '牵头单位'], ['1', '甲', '人事处'], ['3', '乙', '人事处']),
      ),
    ).toBe('import.item_number_gap');
    expect(
      refused(
        table(['序号', '重点任务', '牵头单位'], ['1', '甲', '人事处'], ['1', '乙', '人事处']),
      ),
    ).toBe('import.item_number_repeated');
    expect(
      refused(table(['序号', '重点任务', '牵头单位'], ['1', '甲', '人事处'], ['', '乙', '人事处'])),
    ).toBe('import.item_number_missing');
    expect(refused(table(['序号', '重点任务', '牵头单位'], ['1', '甲', '']))).toBe(
      'import.departments_missing',
    );
  });

  it('takes the office’s mapping where detection guessed wrong', () => {
    const document = table(['A', 'B', 'C'], ['1', '甲工作', '人事处']);
    expect(refused(document)).toBe('import.header_not_found');
    const plan = parsePlanDocument(document, {
      mapping: { headerRow: 1, columns: { number: 0, content: 1, departments: 2 } },
    });
    expect(plan.items[0]!.content).toBe('甲工作');
    expect(plan.columns.map((column) => column.meaning)).toEqual([
      'number',
      'content',
      'departments',
    ]);
  });

  it('one table split over several Word tables with the header repeated is one table', () => {
    const header = ['序号', '重点任务', '牵头单位'];
    const document: DocumentBlocks = {
      format: 'docx',
      blocks: [
        {
          kind: 'table',
          rows: [header, ['1', '甲', '人事处']].map((cells, i) => ({ cells, sourceRow: i + 1 })),
        },
        { kind: 'paragraph', text: '' },
        {
          kind: 'table',
          rows: [header, ['2', '乙', '教务处']].map((cells, i) => ({ cells, sourceRow: i + 1 })),
        },
      ],
    };
    expect(parsePlanDocument(document).items.map((item) => item.content)).toEqual(['甲', '乙']);
  });
});
