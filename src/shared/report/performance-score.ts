/**
 * The per-department score for the annual performance review (item 58, 三个挂钩). The weights
 * are shown with the sheet, and the sheet carries the formula itself, so that a department can
 * check its own score from the components.
 */
export const defaultPerformanceWeights = {
  completion: 0.4,
  onTime: 0.3,
  selfAssessment: 0.2,
  rectification: 0.1,
} as const;
export type PerformanceWeights = { [key in keyof typeof defaultPerformanceWeights]: number };

export interface PerformanceComponents {
  /** Percent of the department's measures done. */
  completion: number | null;
  /** Percent of its period reports made on time. */
  onTime: number | null;
  /** Mean score of its own self-assessment ratings (scale scores, 0–100). */
  selfAssessment: number | null;
  /** Percent of the findings it owns that are verified; 100 when it owns none. */
  rectification: number | null;
}

/** A component with nothing to count scores 0: a department that reported nothing earns nothing for it. */
export function performanceScore(
  components: PerformanceComponents,
  weights: PerformanceWeights = defaultPerformanceWeights,
): number {
  const total = (Object.keys(weights) as (keyof PerformanceWeights)[]).reduce(
    (sum, key) => sum + weights[key] * (components[key] ?? 0),
    0,
  );
  return Math.round(total * 10) / 10;
}

/** The formula as the sheet shows it: 得分 = 0.4×完成率 + 0.3×按时率 + 0.2×自评得分 + 0.1×整改完成率. */
export function describePerformanceFormula(
  weights: PerformanceWeights = defaultPerformanceWeights,
): string {
  return `得分 = ${weights.completion}×措施完成率 + ${weights.onTime}×按时报送率 + ${weights.selfAssessment}×自评平均得分 + ${weights.rectification}×整改核验完成率（各项为百分制，缺项按 0 计）`;
}
