import type { Locale } from '../errors';
import { translate } from '../i18n/messages';
/**
 * The per-department score for the annual performance review (item 58, 三个挂钩). The weights
 * and the rule are written on the sheet, and the sheet carries the formula itself, so that a
 * department can check its own score from the components:
 * - a line with nothing to count because the department submitted nothing (no measures, no
 *   reports due and made, no self-assessment) scores 0;
 * - a line that does not apply to the department (no finding to verify this year; a
 *   self-assessment the office has not moderated yet) is 不适用: it is left out and its weight is
 *   shared among the other lines in proportion;
 * - 自评得分 is the office's moderated rating of the department's items, not its own.
 */
export const defaultPerformanceWeights = {
  completion: 0.4,
  onTime: 0.3,
  selfAssessment: 0.2,
  rectification: 0.1,
} as const;
export type PerformanceWeights = { [key in keyof typeof defaultPerformanceWeights]: number };

/** A line's value (0–100), null when the department submitted nothing for it, or not applicable. */
export type PerformanceLine = number | 'not_applicable';

export interface PerformanceComponents {
  /** Percent of the department's measures done. */
  completion: PerformanceLine | null;
  /** Percent of its period reports made on time. */
  onTime: PerformanceLine | null;
  /** Mean score of the office's moderated ratings of its items (scale scores, 0–100). */
  selfAssessment: PerformanceLine | null;
  /** Percent of the findings it owns that are due to be verified and are verified. */
  rectification: PerformanceLine | null;
}

/**
 * Σ weight × value over the lines that apply, divided by the sum of their weights; a line with
 * nothing submitted counts 0, with its weight. Rounded to one decimal, as the sheet's ROUND does.
 */
export function performanceScore(
  components: PerformanceComponents,
  weights: PerformanceWeights = defaultPerformanceWeights,
): number {
  let total = 0;
  let weight = 0;
  for (const key of Object.keys(weights) as (keyof PerformanceWeights)[]) {
    const value = components[key];
    if (value === 'not_applicable') continue;
    total += weights[key] * (value ?? 0);
    weight += weights[key];
  }
  if (weight === 0) return 0;
  return Math.round((total / weight) * 10) / 10;
}

/** The formula and its rule as the sheet shows them. */
export function describePerformanceFormula(
  weights: PerformanceWeights = defaultPerformanceWeights,
  locale: Locale = 'zh-CN',
): string {
  return translate(locale, 'export.performance.formula', { ...weights });
}
