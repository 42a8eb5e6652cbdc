import { describe, expect, it } from 'vitest';
import { readDeadlineText } from '../../src/shared/deadline-text';
import { deadlineKinds, describeDeadline, type Deadline } from '../../src/shared/deadlines';

// The plan's year, and its first day (its first phase starts in April 2024).
const context = { year: 2024, startsOn: '2024-04-01' };
const read = (text: string) => readDeadlineText(text, context);
const reads = (text: string, deadline: Deadline, dateGiven = true) =>
  expect(read(text), text).toEqual({ ok: true, deadline, dateGiven });
const refuses = (text: string, problem: string) =>
  expect(read(text), text).toEqual({ ok: false, problem });

describe('reading a 完成时限 back', () => {
  it('is the inverse of describeDeadline for every kind, on ordinary and edge days', () => {
    for (const kind of deadlineKinds) {
      for (const dueOn of ['2024-06-30', '2024-02-29', '2025-01-01', '2024-12-31', '2030-09-01']) {
        expect(read(describeDeadline({ kind, dueOn }))).toEqual({
          ok: true,
          deadline: { kind, dueOn },
          dateGiven: true,
        });
      }
    }
  });

  it('reads a date as offices write it', () => {
    for (const text of [
      '2024年6月30日',
      '2024-06-30',
      '2024-6-30',
      '2024/6/30',
      '2024.6.30',
      '20240630',
      '2024年6月30号',
      ' 2024 年 6 月 30 日 ',
      '２０２４年６月３０日',
      '二〇二四年六月三十日',
      '2024年6月30日前',
      '2024年6月30日之前完成',
      '截至2024年6月30日',
      '于2024年6月30日前完成。',
      '2024年6月底',
      '2024年6月',
      '2024.6',
      '6月底',
      '6月底前',
      '六月底',
      '6月30日',
      '2024年5月至6月底',
      '5月-6月',
    ]) {
      reads(text, { kind: 'date', dueOn: '2024-06-30' });
    }
    reads('年底', { kind: 'date', dueOn: '2024-12-31' });
    reads('2025年底前', { kind: 'date', dueOn: '2025-12-31' });
    reads('2024年上半年', { kind: 'date', dueOn: '2024-06-30' });
    reads('下半年', { kind: 'date', dueOn: '2024-12-31' });
    reads('2024年12月三十一日', { kind: 'date', dueOn: '2024-12-31' });
    reads('2024年2月底', { kind: 'date', dueOn: '2024-02-29' });
  });

  it('reads recurrences, with their first date or without one', () => {
    reads('每学期（自2024年9月1日起）', { kind: 'semester', dueOn: '2024-09-01' });
    reads('每学期(自2024年9月1日起)', { kind: 'semester', dueOn: '2024-09-01' });
    reads('每学期，首次2024年7月15日前', { kind: 'semester', dueOn: '2024-07-15' });
    reads('每年12月底前', { kind: 'yearly', dueOn: '2024-12-31' });
    reads('每年年底', { kind: 'yearly', dueOn: '2024-12-31' });
    reads('每学年（自2024年7月1日起）', { kind: 'yearly', dueOn: '2024-07-01' });
    reads('每月（自2024年5月31日起）', { kind: 'monthly', dueOn: '2024-05-31' });
    reads('长期坚持（自2024年5月1日起）', { kind: 'ongoing', dueOn: '2024-05-01' });
    reads('每年', { kind: 'yearly', dueOn: '2024-12-31' }, false);
    reads('每年度', { kind: 'yearly', dueOn: '2024-12-31' }, false);
    reads('每月', { kind: 'monthly', dueOn: '2024-04-30' }, false);
    reads('每月底', { kind: 'monthly', dueOn: '2024-04-30' }, false);
    reads('长期坚持', { kind: 'ongoing', dueOn: '2024-04-01' }, false);
    reads('长期', { kind: 'ongoing', dueOn: '2024-04-01' }, false);
    reads('持续推进', { kind: 'ongoing', dueOn: '2024-04-01' }, false);
    reads('常态化', { kind: 'ongoing', dueOn: '2024-04-01' }, false);
  });

  it('refuses clearly what it cannot read', () => {
    refuses('', 'empty');
    refuses('  ', 'empty');
    refuses('尽快', 'unreadable');
    refuses('已完成', 'unreadable');
    refuses('待定', 'unreadable');
    refuses('6/30', 'unreadable');
    refuses('30日', 'unreadable');
    refuses('每年（待定）', 'unreadable');
    refuses('2024年2月30日', 'no_such_date');
    refuses('2023年2月29日', 'no_such_date');
    refuses('2024年13月1日', 'no_such_date');
    refuses('1998年6月30日', 'no_such_date');
    refuses('每学期（自2024年9月31日起）', 'no_such_date');
    refuses('每学期', 'needs_first_date');
    refuses('每学期末', 'needs_first_date');
    refuses('每月10日前', 'needs_first_date');
    refuses('每季度', 'unsupported_recurrence');
    refuses('每周一次', 'unsupported_recurrence');
    refuses('每两年', 'unsupported_recurrence');
  });
});
