import type { ParsedDeliverable, ParsedPhase, PhaseKind } from './contract';

/** What the text before the table says about the plan. */
export interface Preamble {
  noticeTitle: string | null;
  title: string | null;
  organizationName: string | null;
  issuer: string | null;
  issuedOn: string | null;
  printedOn: string | null;
  standardTitle: string | null;
  cycleYear: number | null;
  phases: ParsedPhase[];
  deliverables: ParsedDeliverable[];
}

const CHINESE_NUMERAL = '[一二三四五六七八九十]+';
const STANDALONE_DATE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;
const PRINTED_DATE = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发/;
const PHASE_HEADING = new RegExp(
  `^[（(]?(${CHINESE_NUMERAL}|\\d+)[)）、.．]?\\s*([^（(，。：:]{2,20}?阶段)\\s*[：:]?\\s*[（(]([^）)]+)[)）]`,
);
const ORDINAL_PHASE_HEADING = new RegExp(
  `^(第${CHINESE_NUMERAL}阶段)[：:\\s]*([^（(，。]{0,20})[（(]([^）)]+)[)）]`,
);

const DELIVERABLE_WORDS: { kind: ParsedDeliverable['kind']; pattern: RegExp }[] = [
  { kind: 'task_breakdown', pattern: /任务分解表/ },
  { kind: 'liaison_list', pattern: /联络员(名单|信息)?/ },
  { kind: 'summary', pattern: /(工作)?总结报告|工作总结/ },
  { kind: 'self_assessment', pattern: /自评(报告|自测|表)?/ },
];

export function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, '').trim();
}

/** Kind of a phase from its name; the caller falls back on its order. */
export function phaseKindOf(name: string): PhaseKind | null {
  if (/动员|部署|启动|准备/.test(name)) return 'mobilize';
  if (/总结|评估|验收|整改|巩固/.test(name)) return 'conclude';
  if (/推进|实施|落实|执行|深化/.test(name)) return 'execute';
  return null;
}

const DATE_PART = /(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?/;

/**
 * A date range as plans write it: 2024年4月, 2024年5月-9月, 5月至9月, 2024年5月6日—9月30日.
 * A missing year comes from the start of the range, else from `contextYear`.
 */
export function parseDateRange(
  text: string,
  contextYear: number | null,
): { startsOn: string | null; endsOn: string | null; year: number | null } {
  const [first, second] = text.split(/[-—–~～至到]/).map((part) => part.trim());
  const start = first ? DATE_PART.exec(first) : null;
  if (!start) return { startsOn: null, endsOn: null, year: null };
  const startYear = start[1] ? Number(start[1]) : contextYear;
  if (startYear === null) return { startsOn: null, endsOn: null, year: null };
  const startMonth = Number(start[2]);
  const startsOn = isoDate(startYear, startMonth, start[3] ? Number(start[3]) : 1);
  const end = second ? DATE_PART.exec(second) : null;
  if (!end) {
    const endsOn = isoDate(
      startYear,
      startMonth,
      start[3] ? Number(start[3]) : daysInMonth(startYear, startMonth),
    );
    return { startsOn, endsOn, year: startYear };
  }
  let endYear = end[1] ? Number(end[1]) : startYear;
  const endMonth = Number(end[2]);
  if (!end[1] && endMonth < startMonth) endYear += 1;
  const endsOn = isoDate(
    endYear,
    endMonth,
    end[3] ? Number(end[3]) : daysInMonth(endYear, endMonth),
  );
  return { startsOn, endsOn, year: startYear };
}

/** Joins up to `maxLines` consecutive lines starting at `start` until `done` holds. */
function gatherLines(
  lines: string[],
  start: number,
  done: (text: string) => boolean,
  maxLines = 3,
): { text: string; end: number } | null {
  let text = '';
  for (let index = start; index < Math.min(lines.length, start + maxLines); index++) {
    text += lines[index]!.trim();
    if (done(text)) return { text, end: index };
  }
  return null;
}

function findNoticeTitle(lines: string[]): { text: string; end: number } | null {
  const start = lines.findIndex((line) => /^\s*关于印发/.test(line));
  return start < 0 ? null : gatherLines(lines, start, (text) => /的通知$/.test(text));
}

function findPlanTitle(lines: string[], after: number): string | null {
  for (let index = after; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (!/关于/.test(line) || /通知$/.test(line) || /[。；]/.test(line)) continue;
    const gathered = gatherLines(lines, index, (text) => /(方案|计划|办法|实施意见)$/.test(text));
    if (gathered) return gathered.text;
  }
  return null;
}

function standardTitleOf(
  title: string | null,
  noticeTitle: string | null,
  lines: string[],
): string | null {
  for (const text of [title, noticeTitle, ...lines]) {
    if (!text) continue;
    // The innermost quoted title: the notice quotes the plan, which quotes the standard.
    const quoted = [...text.matchAll(/[《<]([^《》<>]+)[》>]/g)].map((match) => match[1]!);
    const standard =
      quoted.find((candidate) => /标准|规定|指标|办法|纲要/.test(candidate)) ?? quoted.at(-1);
    if (standard) return standard.trim();
  }
  return null;
}

function findIssuer(lines: string[]): { issuer: string | null; issuedOn: string | null } {
  for (let index = 0; index < lines.length; index++) {
    const match = STANDALONE_DATE.exec(lines[index]!.trim());
    if (!match) continue;
    const issuedOn = isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
    const previous =
      lines
        .slice(0, index)
        .map((line) => line.trim())
        .filter(Boolean)
        .at(-1) ?? null;
    const issuer =
      previous && previous.length <= 40 && !/[。：:，,；]/.test(previous) ? previous : null;
    return { issuer, issuedOn };
  }
  return { issuer: null, issuedOn: null };
}

function findPhases(
  lines: string[],
  contextYear: number | null,
): { phases: ParsedPhase[]; phaseLineIndexes: number[]; year: number | null } {
  const phases: ParsedPhase[] = [];
  const phaseLineIndexes: number[] = [];
  let year = contextYear;
  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    const heading = PHASE_HEADING.exec(line) ?? ORDINAL_PHASE_HEADING.exec(line);
    if (!heading) return;
    const name = squeeze(
      heading[2] && heading[1]!.startsWith('第') ? `${heading[1]}${heading[2]}` : heading[2]!,
    );
    const range = parseDateRange(heading[3]!, year);
    if (range.year !== null && phases.length === 0) year = range.year;
    phases.push({
      position: phases.length + 1,
      kind: phaseKindOf(name) ?? 'other',
      name,
      startsOn: range.startsOn,
      endsOn: range.endsOn,
      sourceText: line,
    });
    phaseLineIndexes.push(index);
  });
  // Three unnamed-kind phases in the usual order still mean mobilize, execute, conclude.
  const byOrder: PhaseKind[] = ['mobilize', 'execute', 'conclude'];
  if (phases.length === 3)
    phases.forEach(
      (phase, index) => (phase.kind = phase.kind === 'other' ? byOrder[index]! : phase.kind),
    );
  return { phases, phaseLineIndexes, year };
}

function findDeliverables(
  lines: string[],
  phaseLineIndexes: number[],
  year: number | null,
): ParsedDeliverable[] {
  const deliverables: ParsedDeliverable[] = [];
  lines.forEach((line, lineIndex) => {
    for (const sentence of line.split(/(?<=[。；;])/)) {
      if (!/(报送|提交|上报|报至|交至)/.test(sentence)) continue;
      const date = /(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(sentence);
      const dateYear = date?.[1] ? Number(date[1]) : year;
      if (!date || dateYear === null) continue;
      const dueOn = isoDate(dateYear, Number(date[2]), Number(date[3]));
      if (!dueOn) continue;
      const named =
        /(?:报送|提交|上报|报至|交至)(?:至|给|到)?([^，。；;（(]{2,20}?)(?:[。；;，,（(]|$)/
          .exec(sentence.slice(date.index))?.[1]
          ?.trim() ?? null;
      // "提交工作总结报告" names what is sent, not to whom.
      const recipient =
        named && !DELIVERABLE_WORDS.some(({ pattern }) => pattern.test(named)) ? named : null;
      const phaseIndex = phaseLineIndexes.filter((phaseLine) => phaseLine <= lineIndex).length;
      for (const { kind, pattern } of DELIVERABLE_WORDS) {
        const found = pattern.exec(sentence);
        if (!found) continue;
        deliverables.push({
          kind,
          title: found[0],
          dueOn,
          phasePosition: phaseIndex > 0 ? phaseIndex : null,
          recipient,
          sourceText: sentence.trim(),
        });
      }
    }
  });
  return deliverables;
}

/** Reads title, issuer, dates, phases and deliverables from the lines before the table. */
export function parsePreamble(paragraphs: string[]): Preamble {
  const lines = paragraphs.flatMap((paragraph) => paragraph.split('\n'));
  const notice = findNoticeTitle(lines);
  const title =
    findPlanTitle(lines, notice ? notice.end + 1 : 0) ??
    (notice ? planTitleFromNotice(notice.text) : null);
  const { issuer, issuedOn } = findIssuer(lines);
  const printed = lines.map((line) => PRINTED_DATE.exec(line)).find(Boolean);
  const printedOn = printed
    ? isoDate(Number(printed[1]), Number(printed[2]), Number(printed[3]))
    : null;
  const issuedYear = issuedOn ? Number(issuedOn.slice(0, 4)) : null;
  const { phases, phaseLineIndexes, year } = findPhases(lines, issuedYear);
  const organizationName =
    title?.split('关于')[0]?.trim() ||
    issuer?.replace(/^中共/, '').replace(/(委员会|党委)$/, '') ||
    null;
  return {
    noticeTitle: notice?.text ?? null,
    title,
    organizationName,
    issuer,
    issuedOn,
    printedOn,
    standardTitle: standardTitleOf(title, notice?.text ?? null, lines),
    cycleYear: year ?? issuedYear,
    phases,
    deliverables: findDeliverables(lines, phaseLineIndexes, year ?? issuedYear),
  };
}

function planTitleFromNotice(noticeTitle: string): string | null {
  const inner = /^关于印发[《<](.+)[》>]的通知$/.exec(noticeTitle);
  return inner ? inner[1]!.replace(/</g, '《').replace(/>/g, '》') : null;
}
