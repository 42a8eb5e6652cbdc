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

export const NOT_APPLICABLE = '不适用';

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
): string {
  return `得分 = ${weights.completion}×措施完成率 + ${weights.onTime}×按时报送率 + ${weights.selfAssessment}×自评得分 + ${weights.rectification}×整改核验完成率（各项为百分制）。自评得分取党委教师工作部审核认定的评价，不用部门自评。未报送的项（没有落实措施、没有按期报送、未提交自评）按 0 计；“不适用”的项（本年度没有需核验的整改问题，或自评尚未审核认定）不计入，其权重按比例分给其他各项：得分 = Σ(权重×得分) ÷ Σ(适用项的权重)。`;
}
