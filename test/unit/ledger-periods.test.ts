import { describe, expect, it } from 'vitest';
import {
  currentPeriod,
  dayOf,
  derivePeriods,
  isPastDue,
  measureStates,
  periodLabel,
  worstState,
} from '../../src/shared/ledger/periods';

describe('reporting periods', () => {
  it('are months due on a day of the following month, across a year end', () => {
    const periods = derivePeriods({
      frequency: 'monthly',
      dueDay: 5,
      firstPeriod: '2024-05',
      lastPeriod: '2025-01',
    });
    expect(periods.map((period) => period.key)).toEqual([
      '2024-05',
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
    ]);
    expect(periods[0]).toEqual({
      key: '2024-05',
      label: '2024年5月',
      startsOn: '2024-05-01',
      endsOn: '2024-05-31',
      dueOn: '2024-06-05',
    });
    expect(periods.find((period) => period.key === '2024-12')!.dueOn).toBe('2025-01-05');
    expect(
      derivePeriods({
        frequency: 'monthly',
        dueDay: 28,
        firstPeriod: '2024-02',
        lastPeriod: '2024-02',
      })[0],
    ).toMatchObject({ endsOn: '2024-02-29', dueOn: '2024-03-28' });
  });

  it('are quarters and semesters containing the first and last months', () => {
    expect(
      derivePeriods({
        frequency: 'quarterly',
        dueDay: 10,
        firstPeriod: '2024-05',
        lastPeriod: '2024-11',
      }),
    ).toEqual([
      {
        key: '2024-Q2',
        label: '2024年第二季度',
        startsOn: '2024-04-01',
        endsOn: '2024-06-30',
        dueOn: '2024-07-10',
      },
      {
        key: '2024-Q3',
        label: '2024年第三季度',
        startsOn: '2024-07-01',
        endsOn: '2024-09-30',
        dueOn: '2024-10-10',
      },
      {
        key: '2024-Q4',
        label: '2024年第四季度',
        startsOn: '2024-10-01',
        endsOn: '2024-12-31',
        dueOn: '2025-01-10',
      },
    ]);
    expect(
      derivePeriods({
        frequency: 'semester',
        dueDay: 15,
        firstPeriod: '2024-01',
        lastPeriod: '2024-09',
      }),
    ).toEqual([
      {
        key: '2023-autumn',
        label: '2023-2024学年第一学期（秋季）',
        startsOn: '2023-08-01',
        endsOn: '2024-01-31',
        dueOn: '2024-02-15',
      },
      {
        key: '2024-spring',
        label: '2023-2024学年第二学期（春季）',
        startsOn: '2024-02-01',
        endsOn: '2024-07-31',
        dueOn: '2024-08-15',
      },
      {
        key: '2024-autumn',
        label: '2024-2025学年第一学期（秋季）',
        startsOn: '2024-08-01',
        endsOn: '2025-01-31',
        dueOn: '2025-02-15',
      },
    ]);
  });

  it('refuses impossible settings', () => {
    expect(() =>
      derivePeriods({
        frequency: 'monthly',
        dueDay: 5,
        firstPeriod: '2024-05',
        lastPeriod: '2024-04',
      }),
    ).toThrow(RangeError);
    expect(() =>
      derivePeriods({
        frequency: 'monthly',
        dueDay: 31,
        firstPeriod: '2024-05',
        lastPeriod: '2024-06',
      }),
    ).toThrow(RangeError);
    expect(() =>
      derivePeriods({
        frequency: 'monthly',
        dueDay: 5,
        firstPeriod: '2024-01',
        lastPeriod: '2040-01',
      }),
    ).toThrow(RangeError);
  });

  it('turn instants into the Beijing calendar day: a report at 23:59 on the due day is on time, at 00:00 the next day late', () => {
    const [may] = derivePeriods({
      frequency: 'monthly',
      dueDay: 5,
      firstPeriod: '2024-05',
      lastPeriod: '2024-05',
    });
    // 2024-06-05 23:59 in Beijing is 15:59 UTC the same day; midnight is 16:00 UTC.
    expect(isPastDue(may!, dayOf(new Date('2024-06-05T15:59:00Z')))).toBe(false);
    expect(isPastDue(may!, dayOf(new Date('2024-06-05T16:00:00Z')))).toBe(true);
    // In UTC the day has not turned yet: the institution's calendar decides, not the server's.
    expect(isPastDue(may!, dayOf(new Date('2024-06-05T16:00:00Z'), 'UTC'))).toBe(false);
    expect(dayOf(new Date('2024-04-30T16:00:00Z'))).toBe('2024-05-01');
    expect(dayOf('2024-05-01')).toBe('2024-05-01');
  });

  it('name the current period, the state of each period of a measure, and the worst of a department', () => {
    const periods = derivePeriods({
      frequency: 'monthly',
      dueDay: 5,
      firstPeriod: '2024-05',
      lastPeriod: '2024-09',
    });
    expect(currentPeriod(periods, '2024-06-03')!.key).toBe('2024-06');
    expect(currentPeriod(periods, '2024-01-01')!.key).toBe('2024-05');
    expect(currentPeriod(periods, '2025-01-01')!.key).toBe('2024-09');
    expect(currentPeriod([], '2025-01-01')).toBeNull();
    // On 6 August: May reported on time, June late, July not reported (due 5 August: missing), August open, September upcoming.
    const states = measureStates(
      periods,
      [
        { periodKey: '2024-05', late: false, status: 'on_track' },
        { periodKey: '2024-06', late: true, status: 'at_risk' },
      ],
      '2024-08-06',
    );
    expect(states).toEqual(['reported', 'late', 'missing', 'open', 'upcoming']);
    // Reported done in June: nothing is expected after.
    expect(
      measureStates(periods, [{ periodKey: '2024-06', late: false, status: 'done' }], '2024-10-06'),
    ).toEqual(['missing', 'reported', 'closed', 'closed', 'closed']);
    expect(worstState(['reported', 'open', 'late'])).toBe('late');
    expect(worstState(['upcoming', 'closed'])).toBe('closed');
    expect(worstState([])).toBeNull();
  });
});

describe('a period named in each language', () => {
  it('says the same period as the stored label in Chinese, and in English without Chinese', () => {
    for (const frequency of ['monthly', 'quarterly', 'semester'] as const) {
      const periods = derivePeriods({
        frequency,
        dueDay: 5,
        firstPeriod: '2024-01',
        lastPeriod: '2024-12',
      });
      for (const period of periods) {
        expect(periodLabel(period.key, 'zh-CN')).toBe(period.label);
        expect(periodLabel(period.key, 'en')).not.toMatch(
          /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/,
        );
      }
    }
    expect(periodLabel('2024-05', 'en')).toBe('May 2024');
    expect(periodLabel('2024-Q3', 'en')).toBe('Q3 2024');
    expect(periodLabel('2024-spring', 'en')).toBe('Spring semester 2023–2024');
    expect(periodLabel('2024-autumn', 'en')).toBe('Autumn semester 2024–2025');
    expect(periodLabel('odd', 'en')).toBe('odd');
  });
});
