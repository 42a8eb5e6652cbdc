import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WARNING_THRESHOLDS,
  noticeNumberText,
  thresholdProblem,
  warningColour,
  worseColour,
} from '../../src/shared/supervision/escalation';

describe('三色预警 colours', () => {
  const thresholds = { yellowDays: 1, orangeDays: 7, redDays: 15 };

  it('is yellow from the first threshold, orange from the second and red from the third', () => {
    expect(warningColour(0, thresholds)).toBeNull();
    expect(warningColour(1, thresholds)).toBe('yellow');
    expect(warningColour(6, thresholds)).toBe('yellow');
    expect(warningColour(7, thresholds)).toBe('orange');
    expect(warningColour(14, thresholds)).toBe('orange');
    expect(warningColour(15, thresholds)).toBe('red');
    expect(warningColour(400, thresholds)).toBe('red');
  });

  it('follows the office thresholds, not fixed ones', () => {
    const strict = { yellowDays: 3, orangeDays: 4, redDays: 5 };
    expect(warningColour(2, strict)).toBeNull();
    expect(warningColour(3, strict)).toBe('yellow');
    expect(warningColour(4, strict)).toBe('orange');
    expect(warningColour(5, strict)).toBe('red');
  });

  it('keeps the worse of two colours', () => {
    expect(worseColour(null, 'yellow')).toBe('yellow');
    expect(worseColour('red', 'orange')).toBe('red');
    expect(worseColour('orange', 'red')).toBe('red');
    expect(worseColour(null, null)).toBeNull();
  });
});

describe('thresholds', () => {
  it('accepts the defaults', () => {
    expect(thresholdProblem(DEFAULT_WARNING_THRESHOLDS)).toBeNull();
  });

  it('refuses fractions, zero and out-of-order thresholds', () => {
    expect(thresholdProblem({ yellowDays: 1.5, orangeDays: 7, redDays: 15 })).toBe('not_integer');
    expect(thresholdProblem({ yellowDays: 0, orangeDays: 7, redDays: 15 })).toBe('out_of_range');
    expect(thresholdProblem({ yellowDays: 1, orangeDays: 7, redDays: 400 })).toBe('out_of_range');
    expect(thresholdProblem({ yellowDays: 7, orangeDays: 7, redDays: 15 })).toBe('not_increasing');
    expect(thresholdProblem({ yellowDays: 1, orangeDays: 20, redDays: 15 })).toBe('not_increasing');
  });
});

describe('notice numbers', () => {
  it('print as 督办〔year〕N号', () => {
    expect(noticeNumberText(2026, 3)).toBe('督办〔2026〕3号');
  });
});
