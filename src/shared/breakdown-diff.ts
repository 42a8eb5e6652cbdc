import { z } from 'zod';
import { describeDeadline, type Deadline } from './deadlines';

/**
 * What a department changed in its measures between the breakdown the office returned and the
 * one it submitted again (pure): per item, the measures added, removed and changed (text or
 * deadline), matched by the measure's id, and those left as they were.
 */
export interface DiffMeasure {
  id: string;
  itemId: string;
  text: string;
  deadline: Deadline;
}

export const measureChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('added'), text: z.string(), deadline: z.string() }),
  z.object({ kind: z.literal('removed'), text: z.string(), deadline: z.string() }),
  z.object({
    kind: z.literal('changed'),
    text: z.string(),
    deadline: z.string(),
    before: z.object({ text: z.string(), deadline: z.string() }),
  }),
]);
export type MeasureChange = z.infer<typeof measureChangeSchema>;

export const itemDiffSchema = z.object({
  changes: z.array(measureChangeSchema),
  unchanged: z.number().int(),
});
export type ItemDiff = z.infer<typeof itemDiffSchema>;

const sameDeadline = (a: Deadline, b: Deadline) => a.kind === b.kind && a.dueOn === b.dueOn;

/** itemId → what changed for it; every item of either side is present. */
export function diffMeasures(
  before: readonly DiffMeasure[],
  after: readonly DiffMeasure[],
): Map<string, ItemDiff> {
  const result = new Map<string, ItemDiff>();
  const entry = (itemId: string) => {
    let found = result.get(itemId);
    if (!found) {
      found = { changes: [], unchanged: 0 };
      result.set(itemId, found);
    }
    return found;
  };
  const earlier = new Map(before.map((measure) => [measure.id, measure]));
  const later = new Set(after.map((measure) => measure.id));
  for (const measure of after) {
    const old = earlier.get(measure.id);
    const deadline = describeDeadline(measure.deadline);
    if (!old || old.itemId !== measure.itemId) {
      entry(measure.itemId).changes.push({ kind: 'added', text: measure.text, deadline });
      if (old)
        entry(old.itemId).changes.push({
          kind: 'removed',
          text: old.text,
          deadline: describeDeadline(old.deadline),
        });
    } else if (old.text !== measure.text || !sameDeadline(old.deadline, measure.deadline)) {
      entry(measure.itemId).changes.push({
        kind: 'changed',
        text: measure.text,
        deadline,
        before: { text: old.text, deadline: describeDeadline(old.deadline) },
      });
    } else entry(measure.itemId).unchanged += 1;
  }
  for (const old of before)
    if (!later.has(old.id))
      entry(old.itemId).changes.push({
        kind: 'removed',
        text: old.text,
        deadline: describeDeadline(old.deadline),
      });
  return result;
}
