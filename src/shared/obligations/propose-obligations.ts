import {
  isIncomplete,
  type CoverageObligation,
  type FrequencyObligation,
  type Obligation,
  type ObligationPeriod,
  type ObligationSource,
} from './obligation.contract';

/**
 * Reads the countable promises out of an item's text. Deterministic and deliberately narrow: a
 * missed obligation costs the coordinator one click to add, a made-up one costs every department
 * a record nobody asked for. So the parser reads only what the text spells out:
 *
 *   每<period>…<N>次     at least N per period (每学期至少专题研究1次, 每年召开…不少于2次)
 *   每<period><verb>…    every period, so at least once (每年开展…测评)
 *   每名<X>每<period>…   the same, for each person of X on their own
 *   至少/不少于<N>次      a count whose period the text leaves out (聘期内至少参加1次)
 *   定期…                at regular intervals: neither period nor count (both left null)
 *   N% / 百分之N / 全覆盖  a target share
 *
 * What it leaves alone, on purpose:
 * - 年度 before a noun (年度工作要点, 年度考核, 年度述职报告): it names an annual document or
 *   review far more often than a count of work, and "listen to the annual report" would become
 *   a second obligation beside the review that already covers it.
 * - 经常性, 常态化, 及时: no interval at all, weaker than 定期; they describe a manner.
 * - 定期…制度/机制: setting up a system of regular work is a one-off; the recurring work itself
 *   is stated in its own words when the text asks for it (item 52).
 * - Counts of people (明确1名校领导, 200人以上): staffing, not occurrences.
 * - 每学年, 每半年, 每两年, 每周: periods the obligation model does not have. Turning 每学年 into
 *   a calendar year would change the rule, so they are not read as periods: a count under them
 *   (每学年至少1次) is proposed without a period for the coordinator to choose, and without a
 *   count nothing is proposed.
 */
export function proposeObligations(item: {
  no: number;
  content: string;
  focus: string;
}): Obligation[] {
  const fromContent = readField('content', item.content);
  const fromFocus = readField('focus', item.focus);
  return mergeRepeatedInFocus(fromContent, fromFocus).sort(
    (a, b) =>
      fieldOrder(a.source.field) - fieldOrder(b.source.field) || a.source.start - b.source.start,
  );
}

type Field = ObligationSource['field'];

const fieldOrder = (field: Field) => (field === 'content' ? 0 : 1);

/** A clause ends at these; 、 does not end one, it joins the parts of a list that share a verb. */
const CLAUSE_END = /[，,；;。：:！!？?\n]/;

const PERIOD_PATTERN = /每(?:个|一)?(月|季度|学期|年度|年)(?![级龄])/g;
const PERIOD_BY_WORD: Record<string, ObligationPeriod> = {
  月: 'month',
  季度: 'quarter',
  学期: 'semester',
  年度: 'year',
  年: 'year',
};

/** A count of occurrences. Not preceded by another numeral (so 十一次 is read whole), not 一次性 (one-off). */
const COUNT_PATTERN =
  /(?<![\d一二两三四五六七八九十百千])(\d+|[一二两三四五六七八九十]+)次(?![性数])/g;
const FLOOR_WORDS = /至少|不少于|不低于|最少/g;

/** 每名青年教师 / 每位教师 / 每个教学单位, ending right where the period begins. */
const EACH_OF_BEFORE = /每(?:名|位|个)([^每，,；;。]{1,12}?)$/;

const PERCENT_PATTERN = /(\d+(?:\.\d+)?)\s*%|百分之(百|[一二三四五六七八九十]+)|全(?:部)?覆盖/g;
/** The words after 全体/所有/每名 through the first run of words naming people or units (教师党员, not 教师). */
const POPULATION_PATTERN =
  /(?:全体|所有|每名|每位)([^，,；;。、]{0,8}?(?:教师|老师|党员|学生|研究生|干部|职工|员工|人员|书记|辅导员|班主任|导师|成员|人才|单位|学院|支部)+)/;
const PERIOD_BEFORE_TARGET = /每(?:个|一)?(月|季度|学期|年度|年)(?![级龄])|年度/g;

const CHINESE_DIGITS: Record<string, number> = {
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

/** 1, 12, 一, 两, 十, 十二, 二十, 二十五 → numbers; anything else (一一, 百) → null. */
export function readCount(numeral: string): number | null {
  if (/^\d+$/.test(numeral)) return Number(numeral);
  const match = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(numeral);
  if (!match || numeral === '') return null;
  const [, first, ten, unit] = match;
  if (!ten) return unit === undefined && first !== undefined ? CHINESE_DIGITS[first]! : null;
  return (
    (first === undefined ? 1 : CHINESE_DIGITS[first]!) * 10 +
    (unit === undefined ? 0 : CHINESE_DIGITS[unit]!)
  );
}

/**
 * Full-width digits and ％ become ASCII so one pattern reads both; each is one UTF-16 unit on
 * both sides, so offsets found in the normalised text are offsets in the original.
 */
function normalise(text: string): string {
  return text.replace(/[０-９％]/g, (char) =>
    char === '％' ? '%' : String.fromCharCode(char.charCodeAt(0) - 0xfee0),
  );
}

interface Clause {
  start: number;
  end: number;
}

function clausesOf(text: string): Clause[] {
  const clauses: Clause[] = [];
  let start = 0;
  for (let index = 0; index <= text.length; index += 1) {
    if (index === text.length || CLAUSE_END.test(text[index]!)) {
      if (index > start) clauses.push({ start, end: index });
      start = index + 1;
    }
  }
  return clauses;
}

type Draft =
  | Omit<FrequencyObligation, 'needsConfirmation'>
  | Omit<CoverageObligation, 'needsConfirmation'>;

interface Span {
  start: number;
  end: number;
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

function readField(field: Field, original: string): Obligation[] {
  const text = normalise(original);
  const proposals: Obligation[] = [];
  const taken: Span[] = [];

  const source = (start: number, end: number): ObligationSource => {
    // Leading spaces are layout, not words of the phrase.
    while (start < end && /\s/.test(original[start]!)) start += 1;
    return { field, phrase: original.slice(start, end), start, end };
  };
  const propose = (proposal: Draft) => {
    const complete: Obligation = { ...proposal, needsConfirmation: isIncomplete(proposal) };
    proposals.push(complete);
    taken.push({ start: complete.source.start, end: complete.source.end });
  };
  /** Where a phrase that runs to its clause's end must stop: before a phrase already taken. */
  const clauseEndFrom = (clause: Clause, from: number) =>
    Math.min(
      clause.end,
      ...taken
        .filter((span) => span.start >= from && span.start < clause.end)
        .map((span) => span.start),
    );

  for (const clause of clausesOf(text)) {
    const words = text.slice(clause.start, clause.end);
    const at = (index: number) => clause.start + index;

    // 1. Stated counts: each N次 is governed by the nearest 每<period> before it, or by a floor word.
    let consumedUpTo = 0;
    for (const count of words.matchAll(COUNT_PATTERN)) {
      const minimumCount = readCount(count[1]!);
      if (minimumCount === null || minimumCount === 0) continue;
      const countEnd = count.index + count[0].length;
      const before = words.slice(consumedUpTo, count.index);
      const period = [...before.matchAll(PERIOD_PATTERN)].at(-1);
      const floor = [...before.matchAll(FLOOR_WORDS)].at(0);
      const atLeastAfter = words.startsWith('以上', countEnd);
      if (!period && !floor && !atLeastAfter) continue;

      let start = consumedUpTo + (period?.index ?? floor?.index ?? count.index);
      const eachOf = EACH_OF_BEFORE.exec(words.slice(consumedUpTo, start));
      if (eachOf) start = consumedUpTo + eachOf.index;
      const end = countEnd + (atLeastAfter ? 2 : 0);
      propose({
        kind: 'frequency',
        period: period ? PERIOD_BY_WORD[period[1]!]! : null,
        minimumCount,
        eachOf: eachOf ? eachOf[1]! : null,
        source: source(at(start), at(end)),
      });
      consumedUpTo = end;
    }

    // 2. 每<period> with no count: every period has at least one occurrence, which is what 每 says.
    for (const period of words.matchAll(PERIOD_PATTERN)) {
      const periodStart = at(period.index);
      if (taken.some((span) => periodStart >= span.start && periodStart < span.end)) continue;
      const eachOf = EACH_OF_BEFORE.exec(words.slice(0, period.index));
      const start = eachOf ? at(eachOf.index) : periodStart;
      if (taken.some((span) => overlaps(span, { start, end: periodStart + 1 }))) continue;
      let end = clauseEndFrom(clause, periodStart);
      // 每学期实现…全覆盖: the period belongs to the share, which step 4 reads. Only a list part
      // of its own before the share (每年组织…活动、推进…全覆盖) is a recurring activity.
      const target = new RegExp(PERCENT_PATTERN.source).exec(text.slice(periodStart, end));
      if (target) {
        const listBreak = text.lastIndexOf('、', periodStart + target.index);
        if (listBreak < periodStart) continue;
        end = listBreak;
      }
      propose({
        kind: 'frequency',
        period: PERIOD_BY_WORD[period[1]!]!,
        minimumCount: 1,
        eachOf: eachOf ? eachOf[1]! : null,
        source: source(start, end),
      });
    }

    // 3. 定期: a recurrence the coordinator must put numbers on.
    for (const regularly of words.matchAll(/定期/g)) {
      const start = at(regularly.index);
      if (taken.some((span) => start >= span.start && start < span.end)) continue;
      const end = clauseEndFrom(clause, start);
      if (/(?:制度|机制)$/.test(text.slice(start, end))) continue;
      propose({
        kind: 'frequency',
        period: null,
        minimumCount: null,
        eachOf: null,
        source: source(start, end),
      });
    }

    // 4. Target shares. The phrase starts where the share's subject does: the clause's start, or
    //    the end of a frequency phrase or an earlier share before it in the clause.
    const targets = [...words.matchAll(PERCENT_PATTERN)];
    let targetFrom = 0;
    targets.forEach((target, index) => {
      const targetPercent =
        target[1] !== undefined
          ? Number(target[1])
          : target[2] !== undefined
            ? target[2] === '百'
              ? 100
              : readCount(target[2])
            : 100;
      const targetEnd = target.index + target[0].length;
      const phraseEnd = index === targets.length - 1 ? words.length : targetEnd;
      // After any frequency phrase of the clause that precedes it, and the 、 that ends that phrase.
      let phraseFrom = Math.max(
        targetFrom,
        ...taken
          .filter((span) => span.end <= at(target.index) && span.start >= clause.start)
          .map((span) => span.end - clause.start),
      );
      while (phraseFrom < target.index && /[、\s]/.test(words[phraseFrom]!)) phraseFrom += 1;
      targetFrom = targetEnd;
      if (targetPercent === null || !(targetPercent > 0 && targetPercent <= 100)) return;
      const lead = words.slice(phraseFrom, target.index);
      const period = [...lead.matchAll(PERIOD_BEFORE_TARGET)].at(-1);
      const population = POPULATION_PATTERN.exec(words.slice(phraseFrom, phraseEnd));
      const coverage: Draft = {
        kind: 'coverage',
        period: period ? PERIOD_BY_WORD[period[1] ?? '年度']! : null,
        targetPercent,
        population: population ? population[1]! : null,
        source: source(at(phraseFrom), at(phraseEnd)),
      };
      proposals.push({ ...coverage, needsConfirmation: isIncomplete(coverage) });
    });
  }
  return proposals;
}

/** How much of what compliance needs a proposal states: the more, the more specific it is. */
function specificity(proposal: Obligation): number {
  const stated =
    proposal.kind === 'frequency'
      ? [proposal.period, proposal.minimumCount, proposal.eachOf]
      : [proposal.period, proposal.population];
  return stated.filter((value) => value !== null).length;
}

const agree = <T>(a: T | null, b: T | null) => a === null || b === null || a === b;

/** Whether two proposals could be the same promise written twice: nothing stated contradicts. */
function couldBeTheSame(a: Obligation, b: Obligation): boolean {
  if (a.kind === 'frequency' && b.kind === 'frequency') {
    return (
      agree(a.period, b.period) &&
      agree(a.minimumCount, b.minimumCount) &&
      agree(a.eachOf, b.eachOf)
    );
  }
  if (a.kind === 'coverage' && b.kind === 'coverage') {
    return a.targetPercent === b.targetPercent && agree(a.population, b.population);
  }
  return false;
}

/**
 * The focus (观测重点) often restates the content's promise as what the assessor checks
 * (推进国情研修全覆盖情况 for 聘期内全体教师国情研修全覆盖). Each such pair is one obligation: the
 * more specific of the two stays, the content's on a tie, since the content is the requirement
 * and the focus only how it is observed. Within one field, two phrases are two promises
 * (item 3: 定期编制规划 and 每学期至少召开1次会议), so only pairs across fields are merged.
 */
function mergeRepeatedInFocus(fromContent: Obligation[], fromFocus: Obligation[]): Obligation[] {
  const kept = [...fromContent];
  const paired = new Set<number>();
  const unpaired: Obligation[] = [];
  for (const focusProposal of fromFocus) {
    const index = kept.findIndex(
      (contentProposal, position) =>
        !paired.has(position) && couldBeTheSame(contentProposal, focusProposal),
    );
    if (index === -1) {
      unpaired.push(focusProposal);
      continue;
    }
    paired.add(index);
    if (specificity(focusProposal) > specificity(kept[index]!)) kept[index] = focusProposal;
  }
  return [...kept, ...unpaired];
}
