/**
 * Every time the app shows, in one place: an instant in the institution's time zone (Asia/Shanghai
 * unless the organization says otherwise), never the browser's or the server's. Pure (Intl only).
 */
import { defaultTimeZone, formatterOf } from './dates';

export { defaultTimeZone };

type Locale = 'zh-CN' | 'en';

function parts(instant: string | Date, timeZone: string) {
  const formatter = formatterOf('minute', timeZone);
  const found = Object.fromEntries(
    formatter
      .formatToParts(typeof instant === 'string' ? new Date(instant) : instant)
      .map((part) => [part.type, part.value]),
  );
  return found as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

/** 2024-04-22 10:00 (the same digits in both languages: no 上午/下午, no AM/PM). */
export function formatDateTime(
  instant: string | Date | null | undefined,
  timeZone: string = defaultTimeZone,
): string {
  if (!instant) return '';
  const p = parts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The calendar date of an instant in the zone: 2024-04-22. */
export function zonedDate(instant: string | Date, timeZone: string = defaultTimeZone): string {
  const p = parts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** A calendar date (yyyy-mm-dd) as people read it: 2024年4月30日 / 30 Apr 2024. */
export function formatCalendarDate(date: string | null | undefined, locale: Locale): string {
  if (!date) return '';
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (locale === 'zh-CN') return `${year}年${month}月${day}日`;
  return `${day} ${ENGLISH_MONTHS[month - 1]} ${year}`;
}

/** Whether a zone name is one Intl knows (an organization setting is checked with it). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The months as English dates abbreviate them. */
export const ENGLISH_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
