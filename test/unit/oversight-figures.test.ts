import { describe, expect, it } from 'vitest';
import type { InstitutionRow } from '../../src/shared/api/oversight';
import {
  computeInstitutionFigures,
  institutionRates,
  sortInstitutionRows,
} from '../../src/shared/oversight/institution-figures';
import { roleFitsOrganization } from '../../src/shared/oversight/organization-roles';
import { buildQualityReport } from '../../src/shared/report/build-quality-report';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [office, union] = [id(11), id(12)];
const [item1, item2, item3] = [id(21), id(22), id(23)];
const items = [
  { id: item1, no: 1, level1Code: '一', level1Title: '党的领导' },
  { id: item2, no: 2, level1Code: '一', level1Title: '党的领导' },
  { id: item3, no: 3, level1Code: '二', level1Title: '立德树人' },
];
const periodReports = [
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
    submittedOn: '2024-06-09',
  },
  { measureId: id(33), departmentId: union, itemId: item3, dueOn: '2024-06-05', submittedOn: null },
];
const report = buildQualityReport({
  title: '质量报告',
  organizationName: '某某大学',
  plan: { id: id(1), title: '方案', cycleYear: 2024 },
  asOf: '2024-07-01',
  generatedAt: '2024-07-01T00:00:00.000Z',
  items,
  departments: [
    { id: office, name: '党政办公室' },
    { id: union, name: '工会' },
  ],
  measures: [
    { id: id(31), itemId: item1, departmentId: office, latestStatus: 'done' },
    { id: id(32), itemId: item2, departmentId: office, latestStatus: 'on_track' },
    { id: id(33), itemId: item3, departmentId: union, latestStatus: null },
  ],
  periodReports,
  evidenceCount: 0,
  obligations: [],
  scale: [
    { key: '达标', label: '达标', score: 100 },
    { key: '未达标', label: '未达标', score: 0 },
  ],
  ratings: [{ itemId: item1, rating: '达标' }],
  findings: [
    {
      id: id(41),
      title: '逾期',
      kind: 'immediate',
      state: 'open',
      ownerDepartmentId: union,
      dueOn: '2024-06-30',
      open: true,
    },
    {
      id: id(42),
      title: '已核验',
      kind: 'immediate',
      state: 'verified',
      ownerDepartmentId: office,
      dueOn: '2024-06-30',
      open: false,
    },
    {
      id: id(43),
      title: '下年度',
      kind: 'carried_over',
      state: 'carried_over',
      ownerDepartmentId: office,
      dueOn: null,
      open: false,
    },
  ],
  summaries: [],
});

describe("an institution's figures", () => {
  const figures = computeInstitutionFigures({
    report,
    items,
    periodReports,
    approvedMeasures: [{ itemId: item1 }, { itemId: item1 }, { itemId: item3 }],
    board: [
      { status: 'approved', late: false },
      { status: 'draft', late: true },
      { status: 'submitted', late: false },
    ],
    late: [
      {
        kind: 'breakdown',
        departmentName: '工会',
        itemNo: null,
        what: '任务分解表',
        dueOn: '2024-04-30',
      },
      { kind: 'measure', departmentName: '工会', itemNo: 3, what: '措施', dueOn: '2024-06-01' },
      {
        kind: 'period_report',
        departmentName: '工会',
        itemNo: 3,
        what: '6月进度',
        dueOn: '2024-06-05',
      },
      {
        kind: 'period_report',
        departmentName: '党政办公室',
        itemNo: 1,
        what: '6月进度',
        dueOn: '2024-06-05',
      },
    ],
    selfAssessments: [
      { itemCount: 2, rated: 2 },
      { itemCount: 3, rated: 0 },
    ],
  });

  it('counts what the readers said, plan-wide', () => {
    expect(figures).toMatchObject({
      items: 3,
      itemsWithApprovedMeasure: 2,
      measures: 3,
      measuresDone: 1,
      lateMeasures: 1,
      missingReports: 2,
      lateReports: 1,
      lateBreakdowns: 1,
      lateTotal: 4,
      departmentsSubmitted: 2,
      departmentsTotal: 3,
      selfAssessmentsRated: 2,
      selfAssessmentsExpected: 5,
      ratings: [
        { label: '达标', count: 1 },
        { label: '未达标', count: 0 },
      ],
      unrated: 2,
      findingsTotal: 3,
      findingsOpen: 1,
      findingsOverdue: 1,
      findingsVerified: 1,
      findingsCarriedOver: 1,
    });
    expect(institutionRates(figures)).toEqual({
      submissionRate: 66.7,
      measuresDoneRate: 33.3,
      selfAssessmentRate: 40,
    });
  });

  it('breaks the counts down by level-1 indicator, and they add up', () => {
    expect(figures.byLevel1).toEqual([
      {
        code: '一',
        title: '党的领导',
        items: 2,
        itemsWithApprovedMeasure: 1,
        measures: 2,
        measuresDone: 1,
        lateMeasures: 0,
        missingReports: 1,
        lateReports: 1,
        rated: 1,
      },
      {
        code: '二',
        title: '立德树人',
        items: 1,
        itemsWithApprovedMeasure: 1,
        measures: 1,
        measuresDone: 0,
        lateMeasures: 1,
        missingReports: 1,
        lateReports: 0,
        rated: 0,
      },
    ]);
  });
});

describe('sorting institutions', () => {
  const row = (name: string, measuresDoneRate: number | null): InstitutionRow => ({
    id: id(name.length),
    name,
    plan: null,
    computedAt: null,
    doneByLevel1: [],
    figures: null,
    rates:
      measuresDoneRate === null
        ? null
        : { submissionRate: null, measuresDoneRate, selfAssessmentRate: null },
  });
  const rows = [row('乙大学', 50), row('甲大学', null), row('丙大学', 80), row('丁大学', 50)];

  it('orders by a rate either way, ties by name, institutions without figures last', () => {
    expect(
      sortInstitutionRows(rows, 'measuresDoneRate', 'desc').map((entry) => entry.name),
    ).toEqual(['丙大学', '丁大学', '乙大学', '甲大学']);
    expect(sortInstitutionRows(rows, 'measuresDoneRate', 'asc').map((entry) => entry.name)).toEqual(
      ['丁大学', '乙大学', '丙大学', '甲大学'],
    );
  });
});

describe('who belongs where', () => {
  it('keeps overseers in supervising organizations and everyone else in institutions', () => {
    expect(roleFitsOrganization('overseer', 'supervisor')).toBe(true);
    expect(roleFitsOrganization('coordinator', 'supervisor')).toBe(false);
    expect(roleFitsOrganization('overseer', 'institution')).toBe(false);
    expect(roleFitsOrganization('liaison', 'institution')).toBe(true);
  });
});
