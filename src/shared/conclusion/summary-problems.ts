import type { WordedParam } from '../errors';

/** What a department's summary has written, and the items it answers for still unrated (their numbers). */
export interface SummaryState {
  highlights: boolean;
  results: boolean;
  cases: boolean;
  unrated: readonly (string | number)[];
}

const SECTION_WORDS = {
  highlights: { 'zh-CN': '亮点', en: 'highlights' },
  results: { 'zh-CN': '成效', en: 'results' },
  cases: { 'zh-CN': '典型案例', en: 'typical cases' },
} as const;

/**
 * Why a summary cannot be submitted yet, in both languages (the error is worded in the reader's),
 * or null when it can: the sections left empty, then the items not yet rated. Pure.
 */
export function summaryProblems(state: SummaryState): WordedParam | null {
  const empty = (['highlights', 'results', 'cases'] as const).filter((section) => !state[section]);
  const zh: string[] = [];
  const en: string[] = [];
  if (empty.length > 0) {
    zh.push(
      `总结报告还没有填写${empty.map((section) => SECTION_WORDS[section]['zh-CN']).join('、')}`,
    );
    en.push(
      `the summary has no ${empty.map((section) => SECTION_WORDS[section].en).join(', ')} yet`,
    );
  }
  if (state.unrated.length > 0) {
    const count = state.unrated.length;
    zh.push(`还有 ${count} 项指标没有自评（${state.unrated.join('、')}）`);
    en.push(
      `${count} ${count === 1 ? 'item has' : 'items have'} no self-assessment yet (${state.unrated.join(', ')})`,
    );
  }
  return zh.length === 0 ? null : { 'zh-CN': zh.join('；'), en: en.join('; ') };
}
