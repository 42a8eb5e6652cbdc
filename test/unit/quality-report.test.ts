import { describe, expect, it } from 'vitest';
import { readDocumentBlocks } from '../../src/server/io/plan-document-reader';
import { writeQualityReportDocx } from '../../src/server/io/quality-report-writer';
import {
  buildQualityReport,
  percent,
  type QualityReportInput,
} from '../../src/shared/report/build-quality-report';
import { qualityReportSchema } from '../../src/shared/report/quality-report.contract';

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

describe('the quality report figures', () => {
  it('computes each rate from its counts and says where the records are', () => {
    const report = qualityReportSchema.parse(buildQualityReport(input()));
    expect(report.completion.overall.completion).toMatchObject({
      numerator: 2,
      denominator: 4,
      value: 50,
    });
    // on time: the 06-05 and the 06-01 reports; the 06-06 one is late and one is missing.
    expect(report.completion.overall.onTime).toMatchObject({
      numerator: 2,
      denominator: 4,
      value: 50,
      ref: { page: 'ledger', filters: { plan: plan.id } },
    });
    expect(
      report.completion.byLevel1.map((row) => [row.code, row.completion.value, row.onTime.value]),
    ).toEqual([
      ['一', 50, 50],
      ['二', 50, 50],
    ]);
    expect(report.completion.byLevel1[0]!.completion.ref).toEqual({
      page: 'ledger',
      filters: { plan: plan.id, itemFrom: '1', itemTo: '2', status: 'done' },
    });
    expect(report.completion.byDepartment.map((row) => [row.name, row.completion.value])).toEqual([
      ['党政办公室', 50],
      ['工会', 50],
      ['文学院', null],
    ]);
    expect(report.completion.byDepartment[1]!.completion.ref).toEqual({
      page: 'ledger',
      filters: { plan: plan.id, departmentId: union, status: 'done' },
    });
    expect(report.totals).toEqual({
      items: 3,
      departments: 3,
      measures: 4,
      periodReports: 3,
      evidence: 7,
    });
  });

  it('counts only finished periods of an obligation, and rates the self-assessment by indicator', () => {
    const report = buildQualityReport(input());
    expect(report.obligations.rows[0]).toMatchObject({
      itemNo: 2,
      late: 1,
      met: { numerator: 1, denominator: 2, value: 50 },
    });
    expect(report.selfAssessment.distribution.map((level) => [level.label, level.count])).toEqual([
      ['达标', 1],
      ['基本达标', 1],
      ['未达标', 0],
    ]);
    expect(report.selfAssessment.unrated).toBe(1);
    expect(report.selfAssessment.byLevel1).toEqual([
      expect.objectContaining({ code: '一', meanScore: 80, rated: 2, items: 2 }),
      expect.objectContaining({ code: '二', meanScore: null, rated: 0, items: 1 }),
    ]);
  });

  it('reports findings by state, overdue by the as-of day, and keeps only written highlights', () => {
    const report = buildQualityReport(input());
    expect(report.findings).toMatchObject({
      total: 2,
      overdue: 1,
      carriedOver: 1,
      closedRate: { value: 50 },
    });
    expect(report.findings.rows.map((row) => [row.owner, row.overdue])).toEqual([
      ['党政办公室', false],
      ['工会', true],
    ]);
    expect(buildQualityReport(input({ asOf: '2024-11-30' })).findings.overdue).toBe(0);
    expect(report.highlights.map((highlight) => highlight.department)).toEqual(['工会']);
  });

  it('says nothing rather than 0% when there is nothing to count', () => {
    const report = buildQualityReport(
      input({ measures: [], periodReports: [], obligations: [], findings: [] }),
    );
    expect(report.completion.overall.completion.value).toBeNull();
    expect(report.obligations.overall.value).toBeNull();
    expect(report.findings.closedRate.value).toBeNull();
    expect(percent(1, 3)).toBe(33.3);
  });
});

describe('the quality report as .docx', () => {
  it('lays out the title, the numbered sections and the tables with the figures', async () => {
    const report = buildQualityReport(input());
    const bytes = await writeQualityReportDocx(report, {
      findingStates: { verified: '已核验', open: '整改中' },
      findingKinds: {},
    });
    const { blocks } = await readDocumentBlocks({ bytes, fileName: 'report.docx' });
    const paragraphs = blocks.flatMap((block) => (block.kind === 'paragraph' ? [block.text] : []));
    expect(paragraphs[0]).toBe('2024年度教师党建和思想政治工作质量报告');
    expect(paragraphs.filter((text) => /^[一二三四五六]、/.test(text))).toEqual([
      '一、总体情况',
      '二、任务落实情况',
      '三、量化要求达成情况',
      '四、自评自测结果',
      '五、问题查摆与整改情况',
      '六、工作亮点',
    ]);
    expect(paragraphs.join('\n')).toContain('落实措施完成率50%（2/4）');
    expect(paragraphs.join('\n')).toContain('工会：建成教职工之家 12 个。');
    const tables = blocks.flatMap((block) =>
      block.kind === 'table' ? [block.rows.map((row) => row.cells)] : [],
    );
    expect(tables[1]).toContainEqual(['工会', '50%（1/2）', '50%（1/2）']);
  });
});
