/** Institutions keep their calendars in China Standard Time unless told otherwise. */
export const defaultTimeZone = 'Asia/Shanghai';

const formatOptions = {
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
  minute: {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per shape and zone, made once: making an Intl.DateTimeFormat costs some 50 times
 * a format with it (about 0.1 ms), and the ledger and the report format a date per record.
 */
export function formatterOf(shape: keyof typeof formatOptions, timeZone: string) {
  const key = `${shape}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, ...formatOptions[shape] });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The last date made, with its instant and zone: the obligations' and the ledger's rules ask for today's again and again. */
let lastDate = { ms: Number.NaN, timeZone: '', date: '' };

/** The calendar date (yyyy-mm-dd) at `instant` in `timeZone`. */
export function calendarDate(instant: Date, timeZone = defaultTimeZone): string {
  const ms = instant.getTime();
  if (ms === lastDate.ms && timeZone === lastDate.timeZone) return lastDate.date;
  const date = formatterOf('date', timeZone).format(instant);
  lastDate = { ms, timeZone, date };
  return date;
}

/** A due date is missed once its whole day has passed where the institution is. */
export function isPastDue(dueOn: string, instant: Date, timeZone = defaultTimeZone): boolean {
  return calendarDate(instant, timeZone) > dueOn;
}

/** The wall-clock minute (yyyy-mm-dd hh:mm) at `instant` in `timeZone`, as messages show a time. */
export function localDateTime(instant: Date, timeZone = defaultTimeZone): string {
  const parts = Object.fromEntries(
    formatterOf('minute', timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
