import type { RatingLevel } from './rating-scale';

/** The indicator tree as the roll-up needs it: level-1 → level-2 → the items' ids. */
export interface RollupTree {
  code: string;
  title: string;
  children: { code: string; title: string; items: { id: string }[] }[];
}

export interface Rollup {
  code: string;
  title: string;
  /** The level-1 indicator's code, for a level-2 roll-up; null for a level-1. */
  parentCode: string | null;
  items: number;
  rated: number;
  /** Items not yet rated. */
  unrated: number;
  /** Mean score of the rated items, to one decimal; null when none is rated. */
  meanScore: number | null;
  /** How many items have each level of the scale, in the scale's order. */
  distribution: { label: string; count: number }[];
}

function summarize(
  code: string,
  title: string,
  parentCode: string | null,
  itemIds: readonly string[],
  ratingOf: ReadonlyMap<string, string>,
  scale: readonly RatingLevel[],
): Rollup {
  const scores: number[] = [];
  const counts = new Map(scale.map((level) => [level.label, 0]));
  for (const itemId of itemIds) {
    const label = ratingOf.get(itemId);
    if (label === undefined) continue;
    const level = scale.find((candidate) => candidate.label === label);
    if (!level) continue;
    scores.push(level.score);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const mean =
    scores.length === 0
      ? null
      : Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 10) / 10;
  return {
    code,
    title,
    parentCode,
    items: itemIds.length,
    rated: scores.length,
    unrated: itemIds.length - scores.length,
    meanScore: mean,
    distribution: scale.map((level) => ({
      label: level.label,
      count: counts.get(level.label) ?? 0,
    })),
  };
}

/**
 * Ratings rolled up by level-2 and by level-1 indicator: mean score, distribution over the scale
 * and the items not yet rated. A rating whose label is not on the scale counts as not rated.
 */
export function rollUpRatings(
  tree: readonly RollupTree[],
  ratingOf: ReadonlyMap<string, string>,
  scale: readonly RatingLevel[],
): { level1: Rollup[]; level2: Rollup[] } {
  const level1: Rollup[] = [];
  const level2: Rollup[] = [];
  for (const top of tree) {
    const allIds: string[] = [];
    for (const child of top.children) {
      const ids = child.items.map((item) => item.id);
      allIds.push(...ids);
      level2.push(summarize(child.code, child.title, top.code, ids, ratingOf, scale));
    }
    level1.push(summarize(top.code, top.title, null, allIds, ratingOf, scale));
  }
  return { level1, level2 };
}
