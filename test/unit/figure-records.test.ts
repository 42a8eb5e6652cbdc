import { describe, expect, it } from 'vitest';
import {
  buildQualityReport,
  type QualityReportInput,
} from '../../src/shared/report/build-quality-report';
import {
  figuresOfReport,
  findFigure,
  refKey,
  selectFigureRecords,
} from '../../src/shared/report/figure-records';

const plan = {
  id: '00000000-0000-4000-8000-000000000001',
  title: '某某大学落实教师党建和思想政治工作质量标准工作方案',
  cycleYear: 2024,
};
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [office, union, college] = [id(11), id(12), id(13)];
const [item1, item2, item3] = [id(21), id(22), id(23)];

function input(overrides: Partial<QualityReportInput> = {}): QualityReportInput {
  return {
    title: '2024年度教师党建和思想政治工作质量报告',
    organizationName: '某某大学',
    plan,
    asOf: '2024-12-31',
    generatedAt: '2024-12-31T08:00:00.000Z',
    items: [
      { id: item1, no: 1, level1Code: '一', level1Title: '党的领导' },
      { id: item2, no: 2, level1Code: '一', level1Title: '党的领导' },
      { id: item3, no: 3, level1Code: '二', level1Title: '立德树人' },
    ],
    departments: [
      { id: office, name: '党政办公室' },
      { id: union, name: '工会' },
      { id: college, name: '文学院' },
    ],
    measures: [
      { id: id(31), itemId: item1, departmentId: office, latestStatus: 'done' },
      { id: id(32), itemId: item2, departmentId: office, latestStatus: 'on_track' },
      { id: id(33), itemId: item3, departmentId: union, latestStatus: null },
      { id: id(34), itemId: item3, departmentId: union, latestStatus: 'done' },
    ],
    periodReports: [
      {
        measureId: id(31),
        departmentId: office,
        itemId: item1,
        dueOn: '2024-06-05',
        submittedOn: '2024-06-05',
      },
      {
        measureId: id(32),
        departmentId: office,
        itemId: item2,
        dueOn: '2024-06-05',
        submittedOn: '2024-06-06',
      },
      {
        measureId: id(33),
        departmentId: union,
        itemId: item3,
        dueOn: '2024-06-05',
        submittedOn: null,
      },
      {
        measureId: id(34),
        departmentId: union,
        itemId: item3,
        dueOn: '2024-06-05',
        submittedOn: '2024-06-01',
      },
    ],
    evidenceCount: 7,
    obligations: [
      {
        id: id(41),
        itemNo: 2,
        description: '每学期至少专题研究1次',
        periods: [{ status: 'met' }, { status: 'late' }, { status: 'in-progress' }],
      },
    ],
    scale: [
      { key: 'met', label: '达标', score: 100 },
      { key: 'partly', label: '基本达标', score: 60 },
      { key: 'unmet', label: '未达标', score: 0 },
    ],
    ratings: [
      { itemId: item1, rating: 'met' },
      { itemId: item2, rating: 'partly' },
    ],
    findings: [
      {
        id: id(51),
        title: '教师党支部组织生活不规范',
        kind: 'immediate',
        state: 'verified',
        ownerDepartmentId: office,
        dueOn: '2024-10-31',
        open: false,
      },
      {
        id: id(52),
        title: '新进教师思政培训覆盖不全',
        kind: 'carried_over',
        state: 'open',
        ownerDepartmentId: union,
        dueOn: '2024-11-30',
        open: true,
      },
    ],
    summaries: [
      { departmentId: union, highlights: '建成教职工之家 12 个。' },
      { departmentId: college, highlights: '  ' },
    ],
    ...overrides,
  };
}

describe('the records behind a figure', () => {
  it('are exactly those the figure counts, for every figure of the plan', () => {
    const data = input();
    const report = buildQualityReport(data);
    const figures = figuresOfReport(report);
    expect(figures.length).toBeGreaterThan(10);
    // One figure per ref: a link names one list of records.
    expect(new Set(figures.map((figure) => refKey(figure.ref))).size).toBe(figures.length);
    for (const figure of figures) {
      const selected = selectFigureRecords(data, figure.selector);
      if (selected.page === 'teachers') continue;
      const counted = selected.rows.filter((row) => row.counted).length;
      expect(counted, figure.kind).toBe(figure.numerator);
      if (figure.denominator !== null && figure.kind !== 'rating')
        expect(selected.rows.length, figure.kind).toBe(figure.denominator);
    }
  });

  it('names the figure by its ref whatever the order of its filters, and nothing else', () => {
    const report = buildQualityReport(input());
    const union = report.completion.byDepartment.find((row) => row.name === '工会')!;
    const reversed = Object.fromEntries(Object.entries(union.completion.ref.filters).reverse());
    expect(findFigure(report, { page: 'ledger', filters: reversed })).toMatchObject({
      kind: 'completion',
      name: '工会',
      numerator: 1,
      denominator: 2,
    });
    expect(
      findFigure(report, { page: 'ledger', filters: { ...union.completion.ref.filters, x: '1' } }),
    ).toBeNull();
    expect(findFigure(report, { page: 'breakdowns', filters: { plan: plan.id } })).toBeNull();
  });
});
