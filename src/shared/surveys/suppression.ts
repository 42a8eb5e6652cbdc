/**
 * Small-group suppression for a survey's breakdown: a group is shown only with at least
 * `threshold` answers, and when the hidden groups together hold fewer than `threshold` (so that
 * the total minus the shown groups would reveal them), the smallest shown groups are hidden too
 * until the hidden ones hold at least `threshold` or every group is hidden. Pure.
 */
export function suppressGroups<T extends { key: string; responses: number }>(
  groups: readonly T[],
  threshold: number,
): Set<string> {
  const hidden = new Set(groups.filter((group) => group.responses < threshold).map((g) => g.key));
  const hiddenCount = () =>
    groups.filter((group) => hidden.has(group.key)).reduce((sum, g) => sum + g.responses, 0);
  const shown = groups
    .filter((group) => !hidden.has(group.key))
    .sort((a, b) => a.responses - b.responses);
  while (hiddenCount() > 0 && hiddenCount() < threshold && shown.length > 0)
    hidden.add(shown.shift()!.key);
  return hidden;
}
