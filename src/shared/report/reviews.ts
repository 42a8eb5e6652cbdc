/**
 * How representatives evaluate the quality report (item 57): each scores a few criteria 1–5.
 * The aggregate keeps the groups apart, since teachers, students and leaders read it differently.
 */
export const reviewCriteria = ['overall', 'accuracy', 'problems', 'rectification'] as const;
export type ReviewCriterion = (typeof reviewCriteria)[number];

export interface ReviewScores {
  representing: string;
  scores: Partial<Record<ReviewCriterion, number>>;
}

export interface ReviewAggregate {
  reviewers: number;
  byGroup: { group: string; reviewers: number; means: Record<ReviewCriterion, number | null> }[];
  means: Record<ReviewCriterion, number | null>;
}

function means(reviews: readonly ReviewScores[]): Record<ReviewCriterion, number | null> {
  const result = {} as Record<ReviewCriterion, number | null>;
  for (const criterion of reviewCriteria) {
    const scores = reviews
      .map((review) => review.scores[criterion])
      .filter((score): score is number => typeof score === 'number');
    result[criterion] =
      scores.length === 0
        ? null
        : Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 100) / 100;
  }
  return result;
}

export function aggregateReviews(
  reviews: readonly ReviewScores[],
  groups: readonly string[],
): ReviewAggregate {
  return {
    reviewers: reviews.length,
    means: means(reviews),
    byGroup: groups.map((group) => {
      const mine = reviews.filter((review) => review.representing === group);
      return { group, reviewers: mine.length, means: means(mine) };
    }),
  };
}
