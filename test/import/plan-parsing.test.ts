import { describe, expect, it } from 'vitest';
import {
  inferAliases,
  isGroupName,
  isPlaceholderName,
  splitDepartmentCell,
  splitRunTogether,
} from '../../src/shared/plan-import/departments';
import { parsePlanDocument } from '../../src/shared/plan-import/parse-plan';
import { parseDateRange, parsePreamble } from '../../src/shared/plan-import/preamble-parser';
import { readTextDocument } from '../../src/server/io/text-reader';

describe('department names', () => {
  it('splits cells by line, 、 and other separators', () => {
    expect(splitDepartmentCell('党政办公室\n党委组织部、 人事处，工会；团委')).toEqual([
      '党政办公室',
      '党委组织部',
      '人事处',
      '工会',
      '团委',
    ]);
  });

  it('splits run-together names only when known names cover them whole', () => {
    const known = new Set(['党委教师工作部', '党委宣传部', '教务处']);
    expect(splitRunTogether('党委教师工作部党委宣传部', known)).toEqual([
      '党委教师工作部',
      '党委宣传部',
    ]);
    expect(splitRunTogether('党委教师工作部宣传科', known)).toEqual(['党委教师工作部宣传科']);
    expect(splitRunTogether('教务处', known)).toEqual(['教务处']);
  });

  it('takes an abbreviation for its full name, but not two different offices', () => {
    const names = [
      '资产处',
      '资产管理处',
      '党委组织部',
      '党委教师工作部',
      '党委宣传部',
      '科研处',
      '教务处',
      '学生处',
      '研究生处',
    ];
    expect([...inferAliases(names, () => false)]).toEqual([['资产处', '资产管理处']]);
    expect([...inferAliases(['科研处', '科研管理处'], () => true)]).toEqual([]);
  });

  it('tells groups and placeholders from departments', () => {
    expect(['各教学单位', '各学院', '各二级单位'].every(isGroupName)).toBe(true);
    expect(
      ['相关职能部门', '涉及相关部门', '有关部门', '其他相关单位'].every(isPlaceholderName),
    ).toBe(true);
    expect(['教务处', '各教学单位'].some(isPlaceholderName)).toBe(false);
  });
});

describe('the text before the table', () => {
  it('reads date ranges the way plans write them', () => {
    expect(parseDateRange('2024年4月', null)).toMatchObject({
      startsOn: '2024-04-01',
      endsOn: '2024-04-30',
    });
    expect(parseDateRange('2024年5月-9月', null)).toMatchObject({
      startsOn: '2024-05-01',
      endsOn: '2024-09-30',
    });
    expect(parseDateRange('5月至9月', 2025)).toMatchObject({
      startsOn: '2025-05-01',
      endsOn: '2025-09-30',
    });
    expect(parseDateRange('2024年5月6日—9月15日', null)).toMatchObject({
      startsOn: '2024-05-06',
      endsOn: '2024-09-15',
    });
    expect(parseDateRange('2024年11月-2025年1月', null)).toMatchObject({
      startsOn: '2024-11-01',
      endsOn: '2025-01-31',
    });
    expect(parseDateRange('2024年12月-1月', null)).toMatchObject({
      startsOn: '2024-12-01',
      endsOn: '2025-01-31',
    });
    expect(parseDateRange('2024年2月', null).endsOn).toBe('2024-02-29');
  });

  it('works for another institution, another year and other phase names', () => {
    const preamble = parsePreamble([
      '关于印发《华东某某大学贯彻落实<高校思想政治工作质量提升标准>',
      '实施方案》的通知',
      '各学院、各部门：',
      '中共华东某某大学委员会',
      '2025年3月3日',
      '华东某某大学关于贯彻落实《高校思想政治工作质量提升标准》的实施方案',
      '一、工作安排',
      '第一阶段：启动部署（3月）',
      '请各单位于3月20日前将任务分解表报送党委宣传部。',
      '第二阶段：组织实施（4月至10月）',
      '第三阶段：总结评估（11月-12月）',
      '各单位于12月10日前提交工作总结报告。',
    ]);
    expect(preamble).toMatchObject({
      organizationName: '华东某某大学',
      issuer: '中共华东某某大学委员会',
      issuedOn: '2025-03-03',
      standardTitle: '高校思想政治工作质量提升标准',
      cycleYear: 2025,
    });
    expect(preamble.phases.map(({ kind, startsOn, endsOn }) => [kind, startsOn, endsOn])).toEqual([
      ['mobilize', '2025-03-01', '2025-03-31'],
      ['execute', '2025-04-01', '2025-10-31'],
      ['conclude', '2025-11-01', '2025-12-31'],
    ]);
    expect(
      preamble.deliverables.map(({ kind, dueOn, phasePosition, recipient }) => [
        kind,
        dueOn,
        phasePosition,
        recipient,
      ]),
    ).toEqual([
      ['task_breakdown', '2025-03-20', 1, '党委宣传部'],
      ['summary', '2025-12-10', 3, null],
    ]);
  });
});

describe('a small plan of another standard', () => {
  it('parses with a 序号 column, 、-separated departments and known aliases from the organization', () => {
    const text = [
      '某学院落实质量标准的工作方案',
      '\t序号\n\t一级指标\n\t二级指标\n\t指标内容\n\t考察重点\n\t责任单位',
      '',
      '\t1\n\t一、组织保障\n\t1.领导体制\n\t建立工作专班。\n\t专班运行情况\n\t校办、教务处',
      '',
      '\t2\n\t\n\t\n\t定期研究。\n\t研究次数\n\t各学院',
      '',
    ].join('\n');
    const parsed = parsePlanDocument(readTextDocument(text), {
      knownDepartments: ['学校办公室'],
      aliases: { 校办: '学校办公室' },
    });
    expect(
      parsed.items.map((item) => [
        item.no,
        item.level1,
        item.level2,
        item.content,
        item.departments,
      ]),
    ).toEqual([
      [1, '组织保障', '领导体制', '建立工作专班。', ['学校办公室', '教务处']],
      [2, '组织保障', '领导体制', '定期研究。', ['各学院']],
    ]);
    expect(parsed.groups).toEqual([{ name: '各学院', kind: 'group', selectsKind: 'teaching' }]);
    expect(
      parsed.departments.find((department) => department.name === '学校办公室')?.aliases,
    ).toEqual([]);
  });

  it('reads a flat task list pasted from Excel as tab-separated lines', () => {
    const text = [
      '序号\t工作任务\t牵头单位\t时间节点',
      '1\t完善教师思想政治工作制度\t党委教师工作部\t2025年6月',
      '2\t开展青年教师国情研修\t人事处、教务处\t2025年9月',
    ].join('\n');
    const blocks = readTextDocument(text).blocks;
    expect(blocks).toEqual([
      {
        kind: 'table',
        rows: [
          { cells: ['序号', '工作任务', '牵头单位', '时间节点'], sourceRow: 1 },
          { cells: ['1', '完善教师思想政治工作制度', '党委教师工作部', '2025年6月'], sourceRow: 2 },
          { cells: ['2', '开展青年教师国情研修', '人事处、教务处', '2025年9月'], sourceRow: 3 },
        ],
      },
    ]);
  });
});
