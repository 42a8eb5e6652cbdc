import { describe, expect, it } from 'vitest';
import {
  addDays,
  attemptKey,
  clipUtf8,
  composeDepartmentReminder,
  composeDigest,
  composeGroupReminder,
  daysBetween,
  daysLate,
  describeSubject,
  levelsDue,
  maskSecret,
  planDeliveries,
  uniqueRecipients,
  weekStart,
  type OverdueSubject,
  type Recipient,
} from '../../src/shared/supervision/rules';

const subject = (overrides: Partial<OverdueSubject> = {}): OverdueSubject => ({
  key: 'breakdown:plan:union',
  kind: 'breakdown',
  departmentId: 'union',
  departmentName: '工会',
  planId: 'plan',
  itemNo: null,
  itemText: null,
  what: '任务分解表（2 项指标）应于 2024-04-30 前报送，目前尚未填写',
  whatEn: 'Task breakdown (2 items) due by 2024-04-30; now not started',
  dueOn: '2024-04-30',
  link: '/breakdown',
  ...overrides,
});

describe('supervision dates', () => {
  it('counts calendar days across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-04-30', '2024-05-03')).toBe(3);
    expect(daysLate('2024-04-30', '2024-04-30')).toBe(0);
    expect(daysLate('2024-04-30', '2024-04-20')).toBe(0);
    expect(daysLate('2024-04-30', '2024-05-01')).toBe(1);
  });

  it('starts weeks on Monday', () => {
    expect(weekStart('2024-04-29')).toBe('2024-04-29');
    expect(weekStart('2024-05-05')).toBe('2024-04-29');
    expect(weekStart('2024-05-06')).toBe('2024-05-06');
    expect(weekStart('2025-01-01')).toBe('2024-12-30');
  });
});

describe('who is reminded when', () => {
  it('reminds the liaison from the first late day and the head after N more days', () => {
    expect(levelsDue('2024-04-30', '2024-04-30', 3)).toEqual([]);
    expect(levelsDue('2024-04-30', '2024-05-01', 3)).toEqual(['liaison']);
    expect(levelsDue('2024-04-30', '2024-05-03', 3)).toEqual(['liaison']);
    expect(levelsDue('2024-04-30', '2024-05-04', 3)).toEqual(['liaison', 'head']);
    expect(levelsDue('2024-04-30', '2024-05-02', 1)).toEqual(['liaison', 'head']);
  });

  it('plans one message per department and recipient, one group post per level, and skips what was sent', () => {
    const union = subject();
    const unionMeasure = subject({
      key: 'measure:m1',
      kind: 'measure',
      itemNo: 12,
      itemText: '建立教师思政工作联席会议制度',
      what: '落实措施“召开联席会议”应于 2024-04-28 完成',
      dueOn: '2024-04-28',
    });
    const office = subject({
      key: 'breakdown:plan:office',
      departmentId: 'office',
      departmentName: '党委办公室',
    });
    const liaisonOf: Record<string, Recipient[]> = {
      union: [
        { channel: 'in_app', address: 'union-liaison', userId: 'u1' },
        { channel: 'email', address: 'Wang@Test.edu.cn' },
      ],
      office: [{ channel: 'email', address: 'office@test.edu.cn' }],
    };
    const group: Recipient = { channel: 'wecom', address: 'group' };
    const deliveries = planDeliveries({
      subjects: [union, unionMeasure, office],
      today: '2024-05-02',
      escalationDays: 3,
      recipientsOf: (departmentId, level) =>
        level === 'liaison'
          ? (liaisonOf[departmentId] ?? [])
          : [{ channel: 'email', address: `${departmentId}-head@test.edu.cn` }],
      groupRecipients: [group],
      alreadySent: new Set([
        attemptKey(union.key, 'liaison', { channel: 'email', address: 'wang@test.edu.cn' }),
      ]),
    });
    const summary = deliveries
      .map(
        (delivery) =>
          `${delivery.level}|${delivery.recipient.channel}|${delivery.recipient.address}|${delivery.subjects.map((entry) => entry.key).join(',')}`,
      )
      .sort();
    expect(summary).toEqual([
      'head|email|union-head@test.edu.cn|measure:m1',
      'head|wecom|group|measure:m1',
      'liaison|email|Wang@Test.edu.cn|measure:m1',
      'liaison|email|office@test.edu.cn|breakdown:plan:office',
      'liaison|in_app|union-liaison|breakdown:plan:union,measure:m1',
      'liaison|wecom|group|breakdown:plan:union,measure:m1,breakdown:plan:office',
    ]);
  });

  it('keeps one recipient per address, ignoring case and blanks', () => {
    expect(
      uniqueRecipients([
        { channel: 'email', address: 'A@x.cn' },
        { channel: 'email', address: 'a@x.cn ' },
        { channel: 'in_app', address: 'a@x.cn' },
        { channel: 'email', address: ' ' },
      ]),
    ).toEqual([
      { channel: 'email', address: 'A@x.cn' },
      { channel: 'in_app', address: 'a@x.cn' },
    ]);
  });
});

describe('what reminders say', () => {
  it('names the department, the item, what is late and since when, and links to the page', () => {
    const measure = subject({
      itemNo: 12,
      itemText: '建立教师思政工作联席会议制度，每学期至少召开1次会议，研究部署教师思想政治工作',
      what: '落实措施“召开联席会议”应于 2024-04-28 完成',
      dueOn: '2024-04-28',
    });
    expect(describeSubject(measure, '2024-05-02')).toBe(
      '指标 12「建立教师思政工作联席会议制度，每学期至少召开1次会议，研究部署教师思想政治工作」：落实措施“召开联席会议”应于 2024-04-28 完成，已逾期 4 天（自 2024-04-29 起）',
    );
    const message = composeDepartmentReminder({
      level: 'liaison',
      departmentName: '工会',
      subjects: [measure],
      today: '2024-05-02',
      baseUrl: 'https://luoshi.example.edu.cn',
      escalationDays: 3,
    });
    expect(message.title).toBe('【催办】工会：1 项工作已逾期');
    expect(message.text).toContain('工会联络员：您好！');
    expect(message.text).toContain('办理地址：https://luoshi.example.edu.cn/breakdown');
    expect(message.markdown).toContain('[去办理](https://luoshi.example.edu.cn/breakdown)');
    const head = composeDepartmentReminder({
      level: 'head',
      departmentName: '工会',
      headName: '李主席',
      subjects: [measure],
      today: '2024-05-02',
      baseUrl: '',
      escalationDays: 3,
    });
    expect(head.title).toBe('【督办】工会：1 项工作逾期超过 3 天');
    expect(head.text).toContain('工会负责人 李主席：您好！');
  });

  it('puts the worst department first in the digest', () => {
    const digest = composeDigest({
      subjects: [
        subject(),
        subject({
          key: 'b2',
          departmentId: 'office',
          departmentName: '党委办公室',
          dueOn: '2024-04-20',
        }),
      ],
      today: '2024-05-06',
      week: '2024-05-06',
      baseUrl: 'https://x',
    });
    expect(digest.title).toBe('【督办周报】2024-05-06 起一周：2 个部门 2 项工作逾期');
    expect(digest.text.indexOf('党委办公室：1 项，最长逾期 16 天')).toBeLessThan(
      digest.text.indexOf('工会：1 项，最长逾期 6 天'),
    );
  });

  it('clips robot messages to their byte limit without splitting a character', () => {
    const long = '督'.repeat(2000);
    const clipped = clipUtf8(long, 4096);
    expect(new TextEncoder().encode(clipped).length).toBeLessThanOrEqual(4096);
    expect(clipped.endsWith('（内容过长，请到系统中查看全部）')).toBe(true);
    expect(clipUtf8('short', 4096)).toBe('short');
  });

  it('masks secrets and webhook tokens', () => {
    expect(maskSecret('SECabcdef123456')).toBe('••••3456');
    expect(maskSecret('abc')).toBe('••••');
    expect(
      maskSecret(
        'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
      ),
    ).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?••••5aaa');
  });
});

describe('a long list of late work', () => {
  it('lists the first ten, then a count and where to see them all, in the e-mail and the robots', () => {
    const many = Array.from({ length: 173 }, (_unused, index) =>
      subject({
        key: `measure:${index}`,
        kind: 'measure',
        itemNo: (index % 60) + 1,
        what: `落实措施 ${index + 1} 应于 2024-04-30 完成，尚未报送“已完成”`,
        link: '/progress',
      }),
    );
    const input = {
      level: 'manual' as const,
      departmentName: '工会',
      subjects: many,
      today: '2024-05-06',
      baseUrl: 'https://luoshi.test.edu.cn',
      escalationDays: 3,
    };
    const message = composeDepartmentReminder(input);
    expect(message.title).toBe('【催办】工会：173 项工作已逾期');
    expect(message.text.match(/办理地址/g)).toHaveLength(10);
    expect(message.text).toContain(
      '……另有 163 项，全部清单见“我的待办”：https://luoshi.test.edu.cn/',
    );
    expect(message.markdown).toContain('- ……另有 163 项 [查看全部](https://luoshi.test.edu.cn/)');
    const group = composeGroupReminder({ ...input, heads: new Map() });
    expect(group.markdown.match(/\[去办理\]/g)).toHaveLength(10);
    expect(group.text).toContain('……另有 163 项 https://luoshi.test.edu.cn/supervision');
  });
});
