import { describe, expect, it } from 'vitest';
import {
  deadlineDateLabel,
  measureDeadlineContext,
  resolveMeasureDeadline,
} from '../../src/shared/measure-deadline';

const plan = measureDeadlineContext(2024, [null, '2024-05-01', '2024-04-01']);

describe("a measure's deadline by one rule", () => {
  it('takes the plan start from its earliest phase, or 1 January of its year', () => {
    expect(plan).toEqual({ year: 2024, startsOn: '2024-04-01' });
    expect(measureDeadlineContext(2025, [null])).toEqual({ year: 2025, startsOn: '2025-01-01' });
  });

  it('needs the date of a date and of a semester, gives one to the others from the plan', () => {
    expect(resolveMeasureDeadline({ kind: 'date' }, plan)).toEqual({
      ok: false,
      problem: 'date_required',
    });
    expect(resolveMeasureDeadline({ kind: 'semester', dueOn: '' }, plan)).toEqual({
      ok: false,
      problem: 'date_required',
    });
    expect(resolveMeasureDeadline({ kind: 'ongoing' }, plan)).toEqual({
      ok: true,
      deadline: { kind: 'ongoing', dueOn: '2024-04-01' },
      dateGiven: false,
    });
    expect(resolveMeasureDeadline({ kind: 'monthly', dueOn: null }, plan)).toMatchObject({
      deadline: { kind: 'monthly', dueOn: '2024-04-30' },
    });
    expect(resolveMeasureDeadline({ kind: 'yearly' }, plan)).toMatchObject({
      deadline: { kind: 'yearly', dueOn: '2024-12-31' },
    });
  });

  it('keeps a date given, when the calendar has it', () => {
    expect(resolveMeasureDeadline({ kind: 'ongoing', dueOn: '2024-05-01' }, plan)).toEqual({
      ok: true,
      deadline: { kind: 'ongoing', dueOn: '2024-05-01' },
      dateGiven: true,
    });
    expect(resolveMeasureDeadline({ kind: 'date', dueOn: '2024-02-30' }, plan)).toEqual({
      ok: false,
      problem: 'no_such_date',
    });
    expect(resolveMeasureDeadline({ kind: 'date', dueOn: '2024-02-29' }, plan).ok).toBe(true);
  });

  it('labels the date box as people say it, and asks none for 长期坚持', () => {
    expect(deadlineDateLabel('date')).toBe('dueOn');
    expect(deadlineDateLabel('semester')).toBe('firstDue');
    expect(deadlineDateLabel('ongoing')).toBeNull();
  });
});
