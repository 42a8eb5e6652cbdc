import { compareChinese } from '../collections';
/**
 * What is late, who is reminded when, and what the reminders say (督办 / 催办). Pure: the
 * server's sweep feeds it the records and the day, and sends what it returns.
 */

export type ReminderLevel = 'liaison' | 'head' | 'digest' | 'manual' | 'test';
export type ReminderChannel = 'in_app' | 'email' | 'wecom' | 'dingtalk';

/** One piece of late work, whatever module it comes from. */
export interface OverdueSubject {
  /** Stable across sweeps: the log's idempotency key (e.g. breakdown:<plan>:<department>). */
  key: string;
  kind: 'breakdown' | 'measure' | 'period_report' | 'obligation';
  departmentId: string;
  departmentName: string;
  planId: string;
  /** The item (指标) it concerns, when it concerns one. */
  itemNo: number | null;
  itemText: string | null;
  /** What is late, in a phrase: 任务分解表应于 2024-04-30 前报送（目前：草稿）. */
  what: string;
  /** The same phrase in English, for a reader who asked for English (plan content stays as written). */
  whatEn: string;
  /** The last day it was due; it is late from the day after. */
  dueOn: string;
  /** Where the department does the work, inside the web app. */
  link: string;
}

export interface Recipient {
  channel: ReminderChannel;
  /** An e-mail address, a user id (in-app) or "group" (a robot posts to a group chat). */
  address: string;
  /** For in-app and e-mail to a user: whom it reaches. */
  userId?: string;
  name?: string;
}

/** One message to send: to one recipient on one channel, about these subjects. */
export interface Delivery {
  level: ReminderLevel;
  recipient: Recipient;
  /** The department it is addressed to; null for group robots and the digest, which cover many. */
  departmentId: string | null;
  subjects: OverdueSubject[];
}

const DAY_MS = 86_400_000;

/**
 * Days since the epoch of each date seen: a sweep asks it several times for each of thousands of
 * late subjects, which share a few hundred dates (splitting and Date.UTC were 25 ms of a sweep).
 */
const dayNumbers = new Map<string, number>();
const DAY_NUMBERS_KEPT = 10_000;

function dayNumber(date: string): number {
  let days = dayNumbers.get(date);
  if (days === undefined) {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    days = Date.UTC(year, month - 1, day) / DAY_MS;
    if (dayNumbers.size >= DAY_NUMBERS_KEPT) dayNumbers.clear();
    dayNumbers.set(date, days);
  }
  return days;
}

function fromDayNumber(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The Monday of the week holding `date` (weeks run Monday to Sunday in China). */
export function weekStart(date: string): string {
  const days = dayNumber(date);
  const weekday = (new Date(days * DAY_MS).getUTCDay() + 6) % 7;
  return fromDayNumber(days - weekday);
}

/** Days late on `today` for work due on `dueOn`: 0 while it is not late. */
export function daysLate(dueOn: string, today: string): number {
  return Math.max(0, daysBetween(dueOn, today));
}

/**
 * Who is reminded of a subject: the liaison from its first late day, the department head once it
 * has been late more than `escalationDays` days (that many days after the liaison's reminder).
 */
export function levelsDue(
  dueOn: string,
  today: string,
  escalationDays: number,
): ('liaison' | 'head')[] {
  const late = daysLate(dueOn, today);
  if (late === 0) return [];
  return late > escalationDays ? ['liaison', 'head'] : ['liaison'];
}

export const attemptKey = (
  subjectKey: string,
  level: ReminderLevel,
  recipient: Pick<Recipient, 'channel' | 'address'>,
) => `${subjectKey}|${level}|${recipient.channel}|${recipient.address.toLowerCase()}`;

export const isGroupChannel = (channel: ReminderChannel) =>
  channel === 'wecom' || channel === 'dingtalk';

/**
 * The messages a sweep sends on `today`: for each late subject and each level due, to each
 * recipient not yet reached at that level. One message per department and recipient, and one
 * post per level to each group robot (robots accept about 20 messages a minute), never a
 * subject already sent to that recipient at that level.
 */
export function planDeliveries(input: {
  subjects: readonly OverdueSubject[];
  today: string;
  escalationDays: number;
  recipientsOf(departmentId: string, level: 'liaison' | 'head'): Recipient[];
  groupRecipients: readonly Recipient[];
  alreadySent: ReadonlySet<string>;
}): Delivery[] {
  const deliveries = new Map<string, Delivery>();
  const add = (
    level: ReminderLevel,
    recipient: Recipient,
    departmentId: string | null,
    subject: OverdueSubject,
  ) => {
    if (input.alreadySent.has(attemptKey(subject.key, level, recipient))) return;
    const key = `${level}|${recipient.channel}|${recipient.address.toLowerCase()}|${departmentId ?? ''}`;
    const delivery = deliveries.get(key) ?? { level, recipient, departmentId, subjects: [] };
    delivery.subjects.push(subject);
    deliveries.set(key, delivery);
  };
  for (const subject of input.subjects) {
    for (const level of levelsDue(subject.dueOn, input.today, input.escalationDays)) {
      for (const recipient of input.recipientsOf(subject.departmentId, level))
        add(level, recipient, subject.departmentId, subject);
      for (const recipient of input.groupRecipients) add(level, recipient, null, subject);
    }
  }
  return [...deliveries.values()];
}

/** Distinct recipients on a channel, e-mail addresses compared case-insensitively. */
export function uniqueRecipients(recipients: readonly Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return recipients.filter((recipient) => {
    const key = `${recipient.channel}|${recipient.address.trim().toLowerCase()}`;
    if (!recipient.address.trim() || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A secret shown after saving: its kind and last four characters, never the rest. */
export function maskSecret(value: string): string {
  if (/^https?:\/\//i.test(value)) {
    const url = new URL(value);
    const tail = value.slice(-4);
    return `${url.protocol}//${url.host}${url.pathname}?••••${tail}`;
  }
  return value.length <= 4 ? '••••' : `••••${value.slice(-4)}`;
}

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** One line about one late subject: item, what, since when. */
export function describeSubject(subject: OverdueSubject, today: string): string {
  const item =
    subject.itemNo === null
      ? ''
      : `指标 ${subject.itemNo}「${clip(subject.itemText ?? '', 40)}」：`;
  return `${item}${subject.what}，已逾期 ${daysLate(subject.dueOn, today)} 天（自 ${addDays(subject.dueOn, 1)} 起）`;
}

export interface Message {
  title: string;
  /** Plain text, for e-mail and in-app. */
  text: string;
  /** Markdown, for the group robots. */
  markdown: string;
}

const SIGNATURE = '—— 落实 · 党委教师工作部';

/** The reminder to one department's liaison, its head, or (manual) from the coordinating office. */
/** How many late things a reminder lists before it summarises the rest with a count and a link. */
export const LISTED_SUBJECTS = 10;

export function composeDepartmentReminder(input: {
  level: 'liaison' | 'head' | 'manual';
  departmentName: string;
  headName?: string | null;
  subjects: readonly OverdueSubject[];
  today: string;
  baseUrl: string;
  escalationDays: number;
}): Message {
  const { level, departmentName, subjects, today, baseUrl } = input;
  const title =
    level === 'head'
      ? `【督办】${departmentName}：${subjects.length} 项工作逾期超过 ${input.escalationDays} 天`
      : `【催办】${departmentName}：${subjects.length} 项工作已逾期`;
  const greeting =
    level === 'head'
      ? `${departmentName}负责人${input.headName ? ` ${input.headName}` : ''}：您好！`
      : `${departmentName}联络员：您好！`;
  const lead =
    level === 'head'
      ? `本部门以下工作已逾期超过 ${input.escalationDays} 天，已提醒联络员但尚未办理，请您督促落实：`
      : level === 'manual'
        ? '党委教师工作部提醒：以下工作已超过完成时限，请尽快办理：'
        : '以下工作已超过完成时限，请尽快办理：';
  const shown = subjects.slice(0, LISTED_SUBJECTS);
  const rest = subjects.length - shown.length;
  // A long list is summarised: the first few, then a count and the to-do page that lists them all.
  const more = rest > 0 ? `……另有 ${rest} 项，全部清单见“我的待办”：${baseUrl}/` : null;
  const lines = shown.map(
    (subject, index) =>
      `${index + 1}. ${describeSubject(subject, today)}\n   办理地址：${baseUrl}${subject.link}`,
  );
  const text = [
    greeting,
    lead,
    ...lines,
    ...(more ? [more] : []),
    '已经办理的，请在系统中报送；有困难请与党委教师工作部联系。',
    SIGNATURE,
  ].join('\n');
  const markdown = [
    `### ${title}`,
    ...shown.map(
      (subject) => `- ${describeSubject(subject, today)} [去办理](${baseUrl}${subject.link})`,
    ),
    ...(rest > 0 ? [`- ……另有 ${rest} 项 [查看全部](${baseUrl}/)`] : []),
    level === 'head'
      ? `> 请${departmentName}负责人${input.headName ? ` ${input.headName}` : ''}督促落实。`
      : `> 请${departmentName}联络员尽快办理。`,
  ].join('\n');
  return { title, text, markdown };
}

/** A group robot's post for one level: every department with new late work. */
export function composeGroupReminder(input: {
  level: 'liaison' | 'head' | 'manual';
  subjects: readonly OverdueSubject[];
  today: string;
  baseUrl: string;
  escalationDays: number;
  heads: ReadonlyMap<string, string>;
}): Message {
  const { level, subjects, today, baseUrl } = input;
  const title =
    level === 'head'
      ? `【督办】逾期超过 ${input.escalationDays} 天的工作（${today}）`
      : `【催办】逾期工作提醒（${today}）`;
  const byDepartment = groupByDepartment(subjects);
  const markdown = [
    `### ${title}`,
    ...byDepartment.map(({ departmentName, departmentId, subjects: own }) =>
      [
        `**${departmentName}**${level === 'head' && input.heads.get(departmentId) ? `（负责人：${input.heads.get(departmentId)}）` : ''}`,
        ...own
          .slice(0, LISTED_SUBJECTS)
          .map(
            (subject) => `- ${describeSubject(subject, today)} [去办理](${baseUrl}${subject.link})`,
          ),
        ...(own.length > LISTED_SUBJECTS
          ? [`- ……另有 ${own.length - LISTED_SUBJECTS} 项 [查看全部](${baseUrl}/supervision)`]
          : []),
      ].join('\n'),
    ),
    level === 'head'
      ? '> 以上工作已提醒联络员但仍未办理，请部门负责人督促落实。'
      : '> 请各部门联络员尽快办理；已办理的请在系统中报送。',
  ].join('\n\n');
  const text = markdown
    .replace(/^#+ /gm, '')
    .replace(/\*\*/g, '')
    .replace(/\[(?:去办理|查看全部)\]\(([^)]+)\)/g, '$1');
  return { title, text, markdown };
}

/** The weekly digest for the coordinating office: everything late now, by department, worst first. */
export function composeDigest(input: {
  subjects: readonly OverdueSubject[];
  today: string;
  week: string;
  baseUrl: string;
}): Message {
  const { subjects, today, baseUrl } = input;
  const byDepartment = groupByDepartment(subjects)
    .map((group) => ({
      ...group,
      worst: Math.max(...group.subjects.map((subject) => daysLate(subject.dueOn, today))),
    }))
    .sort((a, b) => b.worst - a.worst || compareChinese(a.departmentName, b.departmentName));
  const title = `【督办周报】${input.week} 起一周：${byDepartment.length} 个部门 ${subjects.length} 项工作逾期`;
  const headline =
    subjects.length === 0
      ? `截至 ${today}，没有逾期工作。`
      : `截至 ${today}，${byDepartment.length} 个部门共 ${subjects.length} 项工作逾期：`;
  const lines = byDepartment.map(
    ({ departmentName, subjects: own, worst }) =>
      `${departmentName}：${own.length} 项，最长逾期 ${worst} 天`,
  );
  const text = [
    '党委教师工作部：',
    headline,
    ...lines.map((line, index) => `${index + 1}. ${line}`),
    ...byDepartment.flatMap(({ departmentName, subjects: own }) => [
      '',
      `【${departmentName}】`,
      ...own.map((subject) => `- ${describeSubject(subject, today)}`),
    ]),
    '',
    `督办台账：${baseUrl}/supervision`,
    SIGNATURE,
  ].join('\n');
  const markdown = [
    `### ${title}`,
    headline,
    ...lines.map((line) => `- ${line}`),
    `[查看督办台账](${baseUrl}/supervision)`,
  ].join('\n');
  return { title, text, markdown };
}

function groupByDepartment(subjects: readonly OverdueSubject[]) {
  const groups = new Map<
    string,
    { departmentId: string; departmentName: string; subjects: OverdueSubject[] }
  >();
  for (const subject of subjects) {
    const group = groups.get(subject.departmentId) ?? {
      departmentId: subject.departmentId,
      departmentName: subject.departmentName,
      subjects: [],
    };
    group.subjects.push(subject);
    groups.set(subject.departmentId, group);
  }
  return [...groups.values()];
}

/** Cuts text to at most `maxBytes` of UTF-8 (WeCom takes 4096 bytes of markdown, DingTalk about 20000). */
export function clipUtf8(
  text: string,
  maxBytes: number,
  marker = '\n…（内容过长，请到系统中查看全部）',
): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  const budget = maxBytes - encoder.encode(marker).length;
  let used = 0;
  let end = 0;
  for (const character of text) {
    const size = encoder.encode(character).length;
    if (used + size > budget) break;
    used += size;
    end += character.length;
  }
  return text.slice(0, end) + marker;
}
