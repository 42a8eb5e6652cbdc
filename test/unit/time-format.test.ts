import { describe, expect, it } from 'vitest';
import {
  formatCalendarDate,
  formatDateTime,
  isTimeZone,
  zonedDate,
} from '../../src/shared/time-format';

describe('one time zone: times shown in the institution zone', () => {
  it('shows an instant in Asia/Shanghai by default, whatever the machine zone', () => {
    expect(formatDateTime('2024-04-30T16:01:00Z')).toBe('2024-05-01 00:01');
    expect(zonedDate('2024-04-30T16:01:00Z')).toBe('2024-05-01');
    expect(formatDateTime('2024-04-22T02:00:00.000Z')).toBe('2024-04-22 10:00');
  });
  it('follows the organization setting', () => {
    expect(formatDateTime('2024-04-30T16:01:00Z', 'Europe/London')).toBe('2024-04-30 17:01');
    expect(formatDateTime('2024-01-15T12:00:00Z', 'America/New_York')).toBe('2024-01-15 07:00');
    expect(formatDateTime(null)).toBe('');
  });
  it('writes calendar dates per language without full-width punctuation in English', () => {
    expect(formatCalendarDate('2024-04-30', 'zh-CN')).toBe('2024年4月30日');
    expect(formatCalendarDate('2024-04-30', 'en')).toBe('30 Apr 2024');
  });
  it('knows a zone name from nonsense', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
