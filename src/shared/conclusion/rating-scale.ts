/**
 * The scale a plan's self-assessment (自评自测) is rated on: ordered levels, each with a label and
 * a score. A plan without a scale of its own uses the default 达标 / 基本达标 / 未达标.
 */
export interface RatingLevel {
  label: string;
  score: number;
}

export const defaultRatingScale: readonly RatingLevel[] = [
  { label: '达标', score: 100 },
  { label: '基本达标', score: 60 },
  { label: '未达标', score: 0 },
];

/** The score of a rating on the scale; undefined when the scale has no such level. */
export function scoreOf(scale: readonly RatingLevel[], label: string): number | undefined {
  return scale.find((level) => level.label === label)?.score;
}

/** Why a proposed scale cannot be used, or null when it can: labels must be distinct. */
export function ratingScaleProblem(
  levels: readonly RatingLevel[],
): 'too_few' | 'duplicate_label' | null {
  if (levels.length < 2) return 'too_few';
  const labels = new Set(levels.map((level) => level.label.trim()));
  return labels.size === levels.length ? null : 'duplicate_label';
}
