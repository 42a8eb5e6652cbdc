import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTextDocument } from '../../src/server/io/text-reader';
import {
  assessFrequency,
  assessPopulation,
  defaultSemestersCovering,
  defaultSemestersOfYear,
  periodsOf,
  shareOf,
  type PlanCalendar,
} from '../../src/shared/obligations/compliance';
import {
  confirmedObligationSchema,
  obligationSchema,
  type ConfirmedCoverageObligation,
  type ConfirmedFrequencyObligation,
  type Obligation,
} from '../../src/shared/obligations/obligation.contract';
import { proposeObligations, readCount } from '../../src/shared/obligations/propose-obligations';
import type { ParsedItem } from '../../src/shared/plan-import/contract';
import { parsePlanDocument } from '../../src/shared/plan-import/parse-plan';

const seedPlanFile = path.resolve(
  import.meta.dirname,
  '../../seeds/ciir-2024-teacher-quality-standard-plan.txt',
);

/**
 * One proposal, in the order of the table below:
 * frequency: ['frequency', period, minimumCount, eachOf, field, phrase]
 * coverage:  ['coverage', period, targetPercent, population, field, phrase]
 */
type Row = [
  Obligation['kind'],
  Obligation['period'],
  number | null,
  string | null,
  'content' | 'focus',
  string,
];

function row(proposal: Obligation): Row {
  const { kind, period, source } = proposal;
  return proposal.kind === 'frequency'
    ? [kind, period, proposal.minimumCount, proposal.eachOf, source.field, source.phrase]
    : [kind, period, proposal.targetPercent, proposal.population, source.field, source.phrase];
}

/**
 * The specification: every item of the seed, read by hand. An item that states no frequency or
 * target has an empty list; that is as much part of the specification as the proposals.
 * Items left empty on purpose, for the reader's sake:
 *   1 (年度工作要点, 年度考核 name annual documents), 2's 听取年度…汇报, 5's 1名校领导 (staffing),
 *   8 (年度工作有计划), 21's 经常性 and 26's 常态化 (no interval), 31 (年度内: a time window),
 *   45 (1名, 200人以上, 年度述职报告), 50 (年度预算), 52's 定期调研制度 (setting up a system).
 */
const expectedProposals: Record<number, Row[]> = {
  1: [],
  2: [['frequency', 'semester', 1, null, 'content', '每学期至少专题研究1次']],
  3: [
    ['frequency', null, null, null, 'content', '定期编制教师思想政治工作和师德师风建设规划'],
    ['frequency', 'semester', 1, null, 'content', '每学期至少召开1次'],
  ],
  4: [],
  5: [['frequency', 'year', 1, null, 'content', '每年至少向党委常委会汇报1次']],
  6: [],
  7: [],
  8: [],
  9: [],
  10: [['frequency', null, null, null, 'content', '定期研究教师党支部建设工作']],
  11: [],
  12: [],
  13: [],
  14: [],
  15: [['coverage', 'year', 100, null, 'content', '年度教师党员发展计划100%完成']],
  16: [['coverage', null, 100, null, 'content', '教师党支部书记“双带头人”按要求配备达100%']],
  17: [],
  18: [],
  19: [],
  20: [],
  21: [
    [
      'coverage',
      null,
      100,
      null,
      'focus',
      '校领导联系教师及院（系）班子成员与教师全覆盖开展务实管用的交心谈心情况',
    ],
  ],
  22: [],
  23: [],
  24: [
    [
      'frequency',
      null,
      null,
      null,
      'content',
      '定期开展教书育人楷模、师德标兵等各类师德典型评选活动',
    ],
  ],
  25: [],
  26: [],
  27: [],
  28: [],
  29: [],
  30: [],
  31: [],
  32: [],
  33: [],
  34: [],
  35: [],
  36: [
    // The focus's 推进国情研修全覆盖 restates this one and is merged into it.
    ['coverage', null, 100, '教师', 'content', '实现聘期内全体教师国情研修全覆盖'],
    ['frequency', 'year', 1, null, 'focus', '每年分层分类组织国情研修活动'],
    ['frequency', 'year', 1, '青年教师', 'focus', '每名青年教师每年至少参加1次'],
  ],
  37: [],
  38: [],
  39: [],
  40: [],
  41: [],
  42: [],
  43: [['frequency', 'year', 1, null, 'focus', '每年开展教师思想政治工作感受度和满意度测评结果']],
  44: [],
  45: [],
  46: [['frequency', null, null, null, 'content', '定期开展教育培训、实践锻炼等']],
  47: [],
  48: [],
  49: [['frequency', 'month', 1, null, 'content', '每月开展1次']],
  50: [],
  51: [],
  52: [
    [
      'frequency',
      null,
      null,
      null,
      'content',
      '定期开展覆盖广泛、代表性强、科学合理的教师思想政治状况调查研究',
    ],
  ],
  53: [
    [
      'frequency',
      'year',
      1,
      null,
      'focus',
      '每年开展教师群体的敏感性因素和苗头性倾向性问题筛查情况及问题处置情况',
    ],
  ],
  54: [['frequency', null, null, null, 'content', '定期编制科学、客观的教师思想政治状况调研报告']],
  55: [],
  56: [],
  57: [],
  58: [],
  59: [],
  60: [],
};

const item = (content: string, focus = ''): { no: number; content: string; focus: string } => ({
  no: 1,
  content,
  focus,
});
const rows = (content: string, focus = '') => proposeObligations(item(content, focus)).map(row);

describe('obligations proposed for the seed plan', () => {
  let items: ParsedItem[];
  beforeAll(() => {
    items = parsePlanDocument(readTextDocument(readFileSync(seedPlanFile, 'utf8'))).items;
  });

  it('covers all 60 items in the table', () => {
    expect(items.map((parsed) => parsed.no)).toEqual(Object.keys(expectedProposals).map(Number));
  });

  it('proposes exactly the table, item by item', () => {
    const actual = Object.fromEntries(
      items.map((parsed) => [parsed.no, proposeObligations(parsed).map(row)]),
    );
    expect(actual).toEqual(expectedProposals);
  });

  it('points each phrase at its words in its field and passes the contract', () => {
    for (const parsed of items) {
      for (const proposal of proposeObligations(parsed)) {
        expect(obligationSchema.parse(proposal)).toEqual(proposal);
        const text = proposal.source.field === 'content' ? parsed.content : parsed.focus;
        expect(text.slice(proposal.source.start, proposal.source.end)).toBe(proposal.source.phrase);
      }
    }
  });

  it('flags exactly the proposals that lack a period or a count', () => {
    const flagged = items.flatMap((parsed) =>
      proposeObligations(parsed)
        .filter((proposal) => proposal.needsConfirmation)
        .map(() => parsed.no),
    );
    expect(flagged).toEqual([3, 10, 16, 21, 24, 36, 46, 52, 54]);
  });
});

describe('reading counts and periods', () => {
  it('reads Arabic and Chinese numerals', () => {
    expect(
      ['1', '12', '一', '两', '二', '九', '十', '十一', '十二', '二十', '二十五', '九十九'].map(
        readCount,
      ),
    ).toEqual([1, 12, 1, 2, 2, 9, 10, 11, 12, 20, 25, 99]);
    expect(['一一', '百', '十十', ''].map(readCount)).toEqual([null, null, null, null]);
  });

  it('reads counts written in Chinese numerals and full-width digits', () => {
    expect(rows('党委常委会每学期至少一次专题研究师德师风建设工作')).toEqual([
      ['frequency', 'semester', 1, null, 'content', '每学期至少一次'],
    ]);
    expect(rows('每年召开全体会议不少于两次')).toEqual([
      ['frequency', 'year', 2, null, 'content', '每年召开全体会议不少于两次'],
    ]);
    expect(rows('每学期组织十一次听课')).toEqual([
      ['frequency', 'semester', 11, null, 'content', '每学期组织十一次'],
    ]);
    expect(rows('每学期至少１次')).toEqual([
      ['frequency', 'semester', 1, null, 'content', '每学期至少１次'],
    ]);
    expect(rows('每学期开展3次以上')).toEqual([
      ['frequency', 'semester', 3, null, 'content', '每学期开展3次以上'],
    ]);
  });

  it('knows each period word, and does not take 每学年 or 每年级 for a year', () => {
    expect(rows('每月1次').map((r) => r[1])).toEqual(['month']);
    expect(rows('每个月召开1次').map((r) => r[1])).toEqual(['month']);
    expect(rows('每季度至少通报1次').map((r) => r[1])).toEqual(['quarter']);
    expect(rows('每学期至少1次').map((r) => r[1])).toEqual(['semester']);
    expect(rows('每年度至少1次').map((r) => r[1])).toEqual(['year']);
    expect(rows('每学年至少开展1次')).toEqual([
      ['frequency', null, 1, null, 'content', '至少开展1次'],
    ]);
    expect(rows('每年级至少配备1名辅导员')).toEqual([]);
  });

  it('reads a count without a period as needing one', () => {
    const [proposal] = proposeObligations(item('聘期内至少参加1次国情研修'));
    expect(proposal).toMatchObject({
      kind: 'frequency',
      period: null,
      minimumCount: 1,
      needsConfirmation: true,
    });
    expect(rows('每名新入职教师至少参加2次岗前培训')).toEqual([
      ['frequency', null, 2, '新入职教师', 'content', '每名新入职教师至少参加2次'],
    ]);
  });

  it('binds each person of a population when the text says 每名', () => {
    expect(rows('每位教师每学期听课不少于4次')).toEqual([
      ['frequency', 'semester', 4, '教师', 'content', '每位教师每学期听课不少于4次'],
    ]);
    expect(rows('每名青年教师每年参加社会实践')).toEqual([
      ['frequency', 'year', 1, '青年教师', 'content', '每名青年教师每年参加社会实践'],
    ]);
  });

  it('does not invent a count for 定期', () => {
    const [proposal] = proposeObligations(item('定期召开座谈会'));
    expect(proposal).toMatchObject({
      kind: 'frequency',
      period: null,
      minimumCount: null,
      needsConfirmation: true,
    });
  });

  it('reads target shares: percentages, 百分之, 全覆盖, and the period and population around them', () => {
    expect(rows('新进教师岗前培训参训率达到９５％')).toEqual([
      ['coverage', null, 95, null, 'content', '新进教师岗前培训参训率达到９５％'],
    ]);
    expect(rows('满意度不低于百分之九十')).toEqual([
      ['coverage', null, 90, null, 'content', '满意度不低于百分之九十'],
    ]);
    // The period governs the share: not also an activity of its own.
    expect(rows('每学期实现全体辅导员培训全覆盖')).toEqual([
      ['coverage', 'semester', 100, '辅导员', 'content', '每学期实现全体辅导员培训全覆盖'],
    ]);
    // A list part of its own before the share is one.
    expect(rows('每年组织专题培训、推进所有教师党员轮训全覆盖')).toEqual([
      ['frequency', 'year', 1, null, 'content', '每年组织专题培训'],
      ['coverage', null, 100, '教师党员', 'content', '推进所有教师党员轮训全覆盖'],
    ]);
    expect(rows('专任教师参训率达60%，其中青年教师达90%')).toEqual([
      ['coverage', null, 60, null, 'content', '专任教师参训率达60%'],
      ['coverage', null, 90, null, 'content', '其中青年教师达90%'],
    ]);
  });
});

describe('no obligation where the text states none', () => {
  it.each([
    '明确1名校领导分管教师思想政治工作',
    '在教师人数200人以上的学院设置专职副书记',
    '高质量开展“三会一课”和组织生活会',
    '参与“一站式”学生社区建设，学习党的二十大精神',
    '开展覆盖广泛、代表性强的调查研究',
    '纳入学校年度党政工作要点，纳入学校年度考核',
    '全面加强示范创建，常态化地开展师德警示教育，经常性地深入教师群体',
    '学校建立教师思想政治状况定期调研制度',
    '召开第1次会议，给予一次性奖励',
    '科研经费增长120%',
    '年度内教师获得省级表彰的情况',
  ])('%s', (content) => {
    expect(proposeObligations(item(content))).toEqual([]);
  });
});

describe('the same promise in content and focus', () => {
  it('is proposed once, from the content, when both say the same', () => {
    expect(rows('每学期至少召开1次会议', '每学期至少召开1次会议情况')).toEqual([
      ['frequency', 'semester', 1, null, 'content', '每学期至少召开1次'],
    ]);
  });

  it('keeps the more specific wording when the focus is more specific', () => {
    expect(rows('定期召开工作例会', '每学期至少召开2次工作例会情况')).toEqual([
      ['frequency', 'semester', 2, null, 'focus', '每学期至少召开2次'],
    ]);
  });

  it('keeps a promise that only the focus states', () => {
    expect(rows('教师对工作满意度高', '每年开展满意度测评结果')).toEqual([
      ['frequency', 'year', 1, null, 'focus', '每年开展满意度测评结果'],
    ]);
  });

  it('keeps both when they contradict each other', () => {
    expect(rows('每学期至少召开1次', '每月至少召开1次情况')).toEqual([
      ['frequency', 'semester', 1, null, 'content', '每学期至少召开1次'],
      ['frequency', 'month', 1, null, 'focus', '每月至少召开1次'],
    ]);
  });

  it('keeps two promises of one field apart', () => {
    expect(rows('定期编制规划，每学期至少召开1次会议')).toHaveLength(2);
  });
});

describe('the obligation contract', () => {
  const proposal: Obligation = {
    kind: 'frequency',
    period: 'semester',
    minimumCount: 1,
    eachOf: null,
    source: { field: 'content', phrase: '每学期至少1次', start: 0, end: 7 },
    needsConfirmation: false,
  };

  it('refuses a flag that disagrees with the missing numbers', () => {
    expect(obligationSchema.safeParse(proposal).success).toBe(true);
    expect(obligationSchema.safeParse({ ...proposal, needsConfirmation: true }).success).toBe(
      false,
    );
    expect(obligationSchema.safeParse({ ...proposal, minimumCount: null }).success).toBe(false);
    expect(
      obligationSchema.safeParse({ ...proposal, minimumCount: null, needsConfirmation: true })
        .success,
    ).toBe(true);
  });

  it('refuses offsets that do not span the phrase, and shares above 100%', () => {
    expect(
      obligationSchema.safeParse({ ...proposal, source: { ...proposal.source, end: 9 } }).success,
    ).toBe(false);
    expect(
      obligationSchema.safeParse({
        kind: 'coverage',
        period: 'year',
        targetPercent: 120,
        population: null,
        source: proposal.source,
        needsConfirmation: false,
      }).success,
    ).toBe(false);
  });

  it('confirms only complete obligations', () => {
    expect(
      confirmedObligationSchema.safeParse({
        kind: 'frequency',
        period: 'semester',
        minimumCount: 1,
        eachOf: null,
        source: null,
      }).success,
    ).toBe(true);
    expect(
      confirmedObligationSchema.safeParse({
        kind: 'frequency',
        period: null,
        minimumCount: 1,
        eachOf: null,
        source: null,
      }).success,
    ).toBe(false);
    expect(
      confirmedObligationSchema.safeParse({
        kind: 'frequency',
        period: 'year',
        minimumCount: null,
        eachOf: null,
        source: null,
      }).success,
    ).toBe(false);
  });
});

const seedCycle = { startsOn: '2024-04-01', endsOn: '2024-11-30' };
const seedCalendar: PlanCalendar = {
  cycle: seedCycle,
  semesters: defaultSemestersCovering(seedCycle),
};
const oncePer = (
  period: ConfirmedFrequencyObligation['period'],
  minimumCount = 1,
): ConfirmedFrequencyObligation => ({
  kind: 'frequency',
  period,
  minimumCount,
  eachOf: null,
  source: null,
});
/** 08:00 in Shanghai on the given day. */
const morningOf = (day: string) => new Date(`${day}T00:00:00Z`);

describe('periods', () => {
  it('names the default semesters as a 校历 does, with the breaks between them in none', () => {
    expect(defaultSemestersOfYear(2024)).toEqual([
      { label: '2023-2024学年第二学期', startsOn: '2024-02-15', endsOn: '2024-07-15' },
      { label: '2024-2025学年第一学期', startsOn: '2024-09-01', endsOn: '2025-01-15' },
    ]);
    expect(
      defaultSemestersCovering({ startsOn: '2024-01-10', endsOn: '2024-03-01' }).map(
        (semester) => semester.label,
      ),
    ).toEqual(['2023-2024学年第一学期', '2023-2024学年第二学期']);
  });

  it('cuts months, quarters and years along the calendar, whole, even past the cycle', () => {
    const calendar: PlanCalendar = {
      cycle: { startsOn: '2024-04-18', endsOn: '2025-02-10' },
      semesters: [],
    };
    expect(periodsOf('month', calendar).map((period) => period.label)).toEqual([
      '2024-04',
      '2024-05',
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
    ]);
    expect(periodsOf('month', calendar).at(-1)).toEqual({
      label: '2025-02',
      startsOn: '2025-02-01',
      endsOn: '2025-02-28',
    });
    expect(periodsOf('quarter', calendar)).toEqual([
      { label: '2024-Q2', startsOn: '2024-04-01', endsOn: '2024-06-30' },
      { label: '2024-Q3', startsOn: '2024-07-01', endsOn: '2024-09-30' },
      { label: '2024-Q4', startsOn: '2024-10-01', endsOn: '2024-12-31' },
      { label: '2025-Q1', startsOn: '2025-01-01', endsOn: '2025-03-31' },
    ]);
    expect(periodsOf('year', calendar).map((period) => period.label)).toEqual(['2024', '2025']);
    expect(periodsOf('cycle', calendar)).toEqual([
      { label: '2024-04-18/2025-02-10', startsOn: '2024-04-18', endsOn: '2025-02-10' },
    ]);
  });

  it('refuses overlapping semesters, a backwards cycle and dates that do not exist', () => {
    const overlapping: PlanCalendar = {
      cycle: seedCycle,
      semesters: [
        { label: 'A', startsOn: '2024-02-15', endsOn: '2024-07-15' },
        { label: 'B', startsOn: '2024-07-15', endsOn: '2025-01-15' },
      ],
    };
    expect(() => periodsOf('semester', overlapping)).toThrow(/overlap/);
    expect(() =>
      periodsOf('year', { cycle: { startsOn: '2024-12-01', endsOn: '2024-01-01' }, semesters: [] }),
    ).toThrow(RangeError);
    expect(() =>
      assessFrequency(oncePer('year'), seedCalendar, ['2024-02-30'], morningOf('2024-11-25')),
    ).toThrow(/calendar date/);
  });
});

describe('compliance of a frequency', () => {
  it('counts each semester whole, lists what counts for none, and tells met from in progress', () => {
    const report = assessFrequency(
      oncePer('semester'),
      seedCalendar,
      ['2024-03-10', '2024-08-10', '2024-12-01'],
      morningOf('2024-11-25'),
    );
    expect(report.periods).toEqual([
      {
        label: '2023-2024学年第二学期',
        startsOn: '2024-02-15',
        endsOn: '2024-07-15',
        extendsBeyondCycle: true,
        required: 1,
        recorded: 1,
        shortfall: 0,
        status: 'met',
      },
      {
        label: '2024-2025学年第一学期',
        startsOn: '2024-09-01',
        endsOn: '2025-01-15',
        extendsBeyondCycle: true,
        required: 1,
        recorded: 0,
        shortfall: 1,
        status: 'in-progress',
      },
    ]);
    expect(report.notCounted).toEqual([
      { on: '2024-08-10', reason: 'outside-periods' },
      { on: '2024-12-01', reason: 'after-today' },
    ]);
  });

  it('counts a period’s first and last days in it, and the next day out of it', () => {
    const counts = (dates: string[]) =>
      assessFrequency(
        oncePer('semester', 2),
        seedCalendar,
        dates,
        morningOf('2024-11-25'),
      ).periods.map((p) => p.recorded);
    expect(counts(['2024-02-15', '2024-07-15', '2024-09-01', '2025-01-15'])).toEqual([2, 1]);
    expect(counts(['2024-02-14', '2024-07-16', '2024-08-31'])).toEqual([0, 0]);
  });

  it('is late only once the period’s last day has ended in Shanghai, not in UTC', () => {
    const status = (now: Date) =>
      assessFrequency(oncePer('semester'), seedCalendar, [], now).periods[0]!.status;
    expect(status(new Date('2024-07-15T15:59:59Z'))).toBe('in-progress'); // 23:59:59 on 15 July in Shanghai
    expect(status(new Date('2024-07-15T16:00:00Z'))).toBe('late'); // 00:00 on 16 July in Shanghai, still 15 July in UTC
    const inUtc: PlanCalendar = { ...seedCalendar, timeZone: 'UTC' };
    expect(
      assessFrequency(oncePer('semester'), inUtc, [], new Date('2024-07-15T16:00:00Z')).periods[0]!
        .status,
    ).toBe('in-progress');
  });

  it('counts an occurrence dated today in Shanghai even while UTC is still on the day before', () => {
    const report = assessFrequency(
      oncePer('month'),
      seedCalendar,
      ['2024-05-01'],
      new Date('2024-04-30T16:30:00Z'),
    );
    expect(report.notCounted).toEqual([]);
    expect(report.periods.slice(0, 2).map((p) => [p.label, p.recorded, p.status])).toEqual([
      ['2024-04', 0, 'late'],
      ['2024-05', 1, 'met'],
    ]);
  });

  it('keeps periods not yet begun upcoming, not late, and a short period with time left in progress', () => {
    const report = assessFrequency(
      oncePer('month', 2),
      seedCalendar,
      ['2024-05-06', '2024-05-20', '2024-06-03'],
      morningOf('2024-06-10'),
    );
    expect(report.periods.map((p) => [p.label, p.recorded, p.shortfall, p.status])).toEqual([
      ['2024-04', 0, 2, 'late'],
      ['2024-05', 2, 0, 'met'],
      ['2024-06', 1, 1, 'in-progress'],
      ['2024-07', 0, 2, 'upcoming'],
      ['2024-08', 0, 2, 'upcoming'],
      ['2024-09', 0, 2, 'upcoming'],
      ['2024-10', 0, 2, 'upcoming'],
      ['2024-11', 0, 2, 'upcoming'],
    ]);
    expect(report.periods.every((p) => !p.extendsBeyondCycle)).toBe(true);
  });

  it('refuses an obligation that binds each person', () => {
    expect(() =>
      assessFrequency(
        { ...oncePer('year'), eachOf: '青年教师' },
        seedCalendar,
        [],
        morningOf('2024-11-25'),
      ),
    ).toThrow(/assessPopulation/);
  });
});

describe('compliance person by person', () => {
  const eachYoungTeacherOnceAYear: ConfirmedFrequencyObligation = {
    ...oncePer('year'),
    eachOf: '青年教师',
  };
  const youngTeachers = ['张', '王', '李'];
  const visits = [
    { on: '2024-05-10', subject: '张' },
    { on: '2024-06-01', subject: '王' },
    { on: '2024-06-02', subject: '王' },
    { on: '2024-06-03', subject: '赵' },
  ];

  it('needs every member to reach the minimum on their own', () => {
    const report = assessPopulation(
      eachYoungTeacherOnceAYear,
      seedCalendar,
      youngTeachers,
      visits,
      morningOf('2024-11-25'),
    );
    expect(report.periods).toEqual([
      {
        label: '2024',
        startsOn: '2024-01-01',
        endsOn: '2024-12-31',
        extendsBeyondCycle: true,
        required: 3,
        recorded: 2,
        shortfall: 1,
        status: 'in-progress',
        notReached: ['李'],
      },
    ]);
    expect(report.notCounted).toEqual([
      { on: '2024-06-03', subject: '赵', reason: 'not-in-population' },
    ]);
    expect(
      assessPopulation(
        eachYoungTeacherOnceAYear,
        seedCalendar,
        youngTeachers,
        visits,
        morningOf('2025-01-01'),
      ).periods[0]!.status,
    ).toBe('late');
  });

  it('needs the target share of the population for a coverage, counting a person once', () => {
    const ninetyPercent: ConfirmedCoverageObligation = {
      kind: 'coverage',
      period: 'cycle',
      targetPercent: 90,
      population: '教师',
      source: null,
    };
    const teachers = Array.from({ length: 15 }, (_, index) => `t${index}`);
    const visitsOf = (count: number) =>
      teachers.slice(0, count).flatMap((subject) => [
        { on: '2024-05-01', subject },
        { on: '2024-06-01', subject },
      ]);
    const period = (count: number) =>
      assessPopulation(
        ninetyPercent,
        seedCalendar,
        teachers,
        visitsOf(count),
        morningOf('2024-12-01'),
      ).periods[0]!;
    expect(period(13)).toMatchObject({
      required: 14,
      recorded: 13,
      shortfall: 1,
      status: 'late',
      notReached: ['t13', 't14'],
    });
    expect(period(14)).toMatchObject({ required: 14, recorded: 14, shortfall: 0, status: 'met' });
  });

  it('rounds a share up and never past the population', () => {
    expect([
      shareOf(15, 90),
      shareOf(3, 100),
      shareOf(10, 90),
      shareOf(3, 33.3),
      shareOf(0, 100),
    ]).toEqual([14, 3, 9, 1, 0]);
  });

  it('refuses a department-wide frequency and a population that names someone twice', () => {
    expect(() =>
      assessPopulation(oncePer('year'), seedCalendar, youngTeachers, [], morningOf('2024-11-25')),
    ).toThrow(/assessFrequency/);
    expect(() =>
      assessPopulation(
        eachYoungTeacherOnceAYear,
        seedCalendar,
        ['张', '张'],
        [],
        morningOf('2024-11-25'),
      ),
    ).toThrow(/twice/);
  });
});
