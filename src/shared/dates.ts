/** Institutions keep their calendars in China Standard Time unless told otherwise. */
export const defaultTimeZone = 'Asia/Shanghai';

/** The calendar date (yyyy-mm-dd) at `instant` in `timeZone`. */
export function calendarDate(instant: Date, timeZone = defaultTimeZone): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** A due date is missed once its whole day has passed where the institution is. */
export function isPastDue(dueOn: string, instant: Date, timeZone = defaultTimeZone): boolean {
  return calendarDate(instant, timeZone) > dueOn;
}

/** The wall-clock minute (yyyy-mm-dd hh:mm) at `instant` in `timeZone`, as messages show a time. */
export function localDateTime(instant: Date, timeZone = defaultTimeZone): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
