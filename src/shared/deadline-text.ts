import type { Deadline } from './deadlines';
import { resolveMeasureDeadline, type MeasureDeadlineContext } from './measure-deadline';

/**
 * 完成时限 as people write it in a sheet, read back into a Deadline: the inverse of
 * describeDeadline, and lenient with what offices actually type (2024-06-30, 6月底,
 * 二〇二四年六月三十日前完成, 每年, 长期坚持…). Pure: no clock, no locale; what it needs of
 * "now" comes in the context.
 */

/**
 * The plan: its year is the year of a date written without one (6月底, 年底); a recurrence
 * written without a date (长期坚持, 每月, 每年) takes its first date from the plan by the one rule
 * of `measure-deadline.ts`, never from the day the sheet is read.
 */
export type DeadlineTextContext = MeasureDeadlineContext;

export type DeadlineTextProblem =
  /** Nothing written. */
  | 'empty'
  /** Not a date or a recurrence we know how to read. */
  | 'unreadable'
  /** Looks like a date but the calendar has no such day (2024年2月30日). */
  | 'no_such_date'
  /** A recurrence whose first due date cannot be guessed (每学期 without a date). */
  | 'needs_first_date'
  /** A recurrence Luoshi does not keep (每季度, 每周). */
  | 'unsupported_recurrence';

export type DeadlineTextReading =
  | {
      ok: true;
      deadline: Deadline;
      /** False when the text named no date (每年, 长期坚持): dueOn came from the context, and a caller may keep a date it already has. */
      dateGiven: boolean;
    }
  | { ok: false; problem: DeadlineTextProblem };

const DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 二〇二四 → 2024 (digit by digit); 十二 → 12, 三十一 → 31, 十 → 10 (as a number). */
function chineseNumber(text: string, digitByDigit: boolean): string {
  if (digitByDigit && !text.includes('十')) return [...text].map((char) => DIGITS[char]).join('');
  const [tensText, unitsText] = text.includes('十')
    ? (text.split('十') as [string, string])
    : ['', text];
  const tens = text.includes('十') ? (tensText === '' ? 1 : (DIGITS[tensText] ?? Number.NaN)) : 0;
  const units = unitsText === '' ? 0 : (DIGITS[unitsText] ?? Number.NaN);
  return String(tens * 10 + units);
}

/** Full-width forms folded (２０２４, （）), white space and a closing full stop removed. */
function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[。.]$/, '');
}

/** Chinese numerals of a date turned into digits: 二〇二四年六月三十日 → 2024年6月30日. */
function digits(text: string): string {
  return text.replace(
    /[〇零一二两三四五六七八九十]+(?=[年月日号])/g,
    (numeral, offset: number, whole: string) =>
      chineseNumber(numeral, whole[offset + numeral.length] === '年'),
  );
}

const pad = (value: number) => String(value).padStart(2, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

type DateReading =
  | { ok: true; dueOn: string }
  | { ok: false; problem: 'unreadable' | 'no_such_date' };

function calendarDay(year: number, month: number, day: number | 'last'): DateReading {
  if (year < 2000 || year > 2099 || month < 1 || month > 12)
    return { ok: false, problem: 'no_such_date' };
  const last = daysInMonth(year, month);
  const resolved = day === 'last' ? last : day;
  if (resolved < 1 || resolved > last) return { ok: false, problem: 'no_such_date' };
  return { ok: true, dueOn: `${year}-${pad(month)}-${pad(resolved)}` };
}

const LEADING = /^(截止到|截止于|截至到|截至|截止|预计于|预计|计划于|计划|须于|需于|应于|于|在|到)/;
const TRAILING = /(之前|以前|前|完成|为止|止|以内|内|结束)$/;

function stripFillers(text: string): string {
  let current = text;
  for (let previous = ''; previous !== current; ) {
    previous = current;
    current = current.replace(LEADING, '').replace(TRAILING, '');
  }
  return current;
}

/** One date as written, after normalise: full, month-only (its last day), or without a year (the context's). */
function readDate(raw: string, year: number): DateReading {
  const text = stripFillers(digits(raw));
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})[日号]?$/.exec(text)))
    return calendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
  if ((match = /^(\d{4})(\d{2})(\d{2})$/.exec(text)))
    return calendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
  if ((match = /^(\d{4})(?:年(\d{1,2})月(?:底|末|份)?|[-/.](\d{1,2}))$/.exec(text)))
    return calendarDay(Number(match[1]), Number(match[2] ?? match[3]), 'last');
  if ((match = /^(\d{1,2})月(\d{1,2})[日号]$/.exec(text)))
    return calendarDay(year, Number(match[1]), Number(match[2]));
  if ((match = /^(\d{1,2})月(?:底|末|份)?$/.exec(text)))
    return calendarDay(year, Number(match[1]), 'last');
  if ((match = /^(?:(\d{4})年)?(年底|年末|年终|底|末|下半年|上半年)$/.exec(text))) {
    return calendarDay(match[1] ? Number(match[1]) : year, match[2] === '上半年' ? 6 : 12, 'last');
  }
  if ((match = /^(\d{4})年(?:度)?$/.exec(text))) return calendarDay(Number(match[1]), 12, 'last');
  // A span (2024年5月至6月底): due at its end, which takes the start's year when it has none.
  const span = /^(.+?)(?:至|到|—|–|~|～|-)(.+)$/.exec(text);
  if (span) {
    const start = readDate(span[1]!, year);
    if (!start.ok) return start;
    return readDate(span[2]!, Number(start.dueOn.slice(0, 4)));
  }
  return { ok: false, problem: 'unreadable' };
}

const RECURRENCES: { pattern: RegExp; kind: Exclude<Deadline['kind'], 'date'> | null }[] = [
  { pattern: /^(每个?季度|按季度?|每周|每两周|每双周|每天|每日|每两年|每三年|每半月)/, kind: null },
  { pattern: /^(每个?月|按月)/, kind: 'monthly' },
  { pattern: /^(每个?学期|每半年|按学期)/, kind: 'semester' },
  { pattern: /^(每个?学年|每年度?|每一年|按年度?)/, kind: 'yearly' },
  {
    pattern: /^(长期坚持|长期有效|长期|持续推进|持续开展|持续|常态化推进|常态化)/,
    kind: 'ongoing',
  },
];

/** Punctuation around the first date of a recurrence: 每学期（自2024年9月1日起）, 每年，12月底前. */
const PUNCTUATION = /[()[\]【】《》,，、;；:：]/g;
const FIRST_DATE_WORDS = /^(自|从|首次|第一次|起始于|开始于|于)|(起|开始|起始)$/;
/** What may follow a recurrence without naming a date: 每学期末, 每月底, 长期坚持推进. */
const NO_DATE = /^(末|底|初|期末|期初|开学|开学初|坚持|推进|开展|执行)?$/;

/** Reads one 完成时限 line. */
export function readDeadlineText(raw: string, context: DeadlineTextContext): DeadlineTextReading {
  const text = normalise(raw);
  if (text === '') return { ok: false, problem: 'empty' };
  for (const { pattern, kind } of RECURRENCES) {
    const match = pattern.exec(text);
    if (!match) continue;
    if (kind === null) return { ok: false, problem: 'unsupported_recurrence' };
    let rest = digits(text.slice(match[0].length).replace(PUNCTUATION, ''));
    for (let previous = ''; previous !== rest; ) {
      previous = rest;
      rest = stripFillers(rest.replace(FIRST_DATE_WORDS, ''));
    }
    if (NO_DATE.test(rest)) return bareRecurrence(kind, context);
    if (/^\d{1,2}[日号]$/.test(rest)) return { ok: false, problem: 'needs_first_date' };
    const date = readDate(rest, context.year);
    return date.ok ? { ok: true, deadline: { kind, dueOn: date.dueOn }, dateGiven: true } : date;
  }
  const date = readDate(text, context.year);
  return date.ok
    ? { ok: true, deadline: { kind: 'date', dueOn: date.dueOn }, dateGiven: true }
    : date;
}

/** A recurrence written without a date: the first due date the plan gives it, or a refusal. */
function bareRecurrence(
  kind: Exclude<Deadline['kind'], 'date'>,
  context: DeadlineTextContext,
): DeadlineTextReading {
  const reading = resolveMeasureDeadline({ kind }, context);
  return reading.ok ? reading : { ok: false, problem: 'needs_first_date' };
}
