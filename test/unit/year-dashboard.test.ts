import { describe, expect, it } from 'vitest';
import {
  buildQualityReport,
  type QualityReportInput,
} from '../../src/shared/report/build-quality-report';
import { buildYearDashboard } from '../../src/shared/report/year-dashboard';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function input(): QualityReportInput {
  const departments = [
    { id: id(1), name: '甲部门' },
    { id: id(2), name: '乙部门' },
    { id: id(3), name: '丙部门' },
  ];
  const measure = (n: number, departmentId: string, latestStatus: string | null) => ({
    id: id(100 + n),
    itemId: id(50),
    departmentId,
    latestStatus,
  });
  return {
    title: '质量报告',
    organizationName: '学院',
    plan: { id: id(9), title: '方案', cycleYear: 2024 },
    asOf: '2024-08-10',
    generatedAt: '2024-08-10T02:00:00.000Z',
    items: [{ id: id(50), no: 1, level1Code: '一', level1Title: '党的领导' }],
    departments,
    // 甲 1 of 2 done, 乙 1 of 1 done, 丙 nothing to count.
    measures: [measure(1, id(1), 'done'), measure(2, id(1), 'on_track'), measure(3, id(2), 'done')],
    periodReports: [
      {
        measureId: id(101),
        departmentId: id(1),
        itemId: id(50),
        dueOn: '2024-06-05',
        submittedOn: null,
      },
    ],
    evidenceCount: 0,
    obligations: [],
    scale: [],
    ratings: [],
    findings: [
      {
        id: id(201),
        title: 'a',
        kind: 'immediate',
        state: 'open',
        ownerDepartmentId: id(1),
        dueOn: null,
        open: true,
      },
      {
        id: id(202),
        title: 'b',
        kind: 'immediate',
        state: 'awaiting_verification',
        ownerDepartmentId: id(1),
        dueOn: null,
        open: true,
      },
    ],
    summaries: [],
  };
}

describe('the year dashboard from the quality report', () => {
  it('ranks by completion rate, those with nothing to count last, and counts by phase', () => {
    const report = buildQualityReport(input());
    const dashboard = buildYearDashboard(report, {
      breakdownStatuses: [
        { departmentId: id(1), status: 'approved' },
        { departmentId: id(2), status: 'returned' },
      ],
      measureStatuses: ['done', 'on_track', 'done'],
      lateWork: [
        { departmentId: id(1), colour: 'red' },
        { departmentId: id(1), colour: null },
        { departmentId: id(3), colour: 'yellow' },
      ],
      summariesSubmitted: 0,
      selfAssessedDepartments: 0,
      report: null,
    });
    expect(
      dashboard.ranking.map((row) => [row.rank, row.name, row.completion.value, row.overdue]),
    ).toEqual([
      [1, '乙部门', 100, 0],
      [2, '甲部门', 50, 2],
      [3, '丙部门', null, 1],
    ]);
    expect(dashboard.breakdown).toEqual({
      departments: 3,
      approved: 1,
      submitted: 0,
      returned: 1,
      notSubmitted: 1,
    });
    expect(dashboard.execution).toMatchObject({
      measures: 3,
      done: 2,
      inProgress: 1,
      notStarted: 0,
    });
    expect(dashboard.execution).toMatchObject({
      periodReportsDue: 1,
      periodReportsIn: 0,
      periodReportsMissing: 1,
    });
    expect(dashboard.overdue).toEqual({ total: 3, yellow: 1, orange: 0, red: 1, none: 1 });
    expect(dashboard.findings).toMatchObject({ total: 2, open: 1, rectifying: 1, verified: 0 });
  });
});
