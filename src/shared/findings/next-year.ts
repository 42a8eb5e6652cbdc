import { isFindingOpen, type FindingKind, type FindingState } from './finding-states';

/**
 * What starting next year's plan does with the plan's findings. Every open carried-over finding
 * goes along; an open immediate finding goes along only when the coordinating office names it,
 * and otherwise blocks the start. No open finding is left out of both lists.
 */
export function planCarryOver(
  findings: readonly { id: string; kind: FindingKind; state: FindingState }[],
  explicitlyCarried: readonly string[],
): { carried: string[]; blocking: string[]; unknown: string[] } {
  const open = findings.filter((finding) => isFindingOpen(finding.state));
  const named = new Set(explicitlyCarried);
  const carried = open
    .filter((finding) => finding.kind === 'carried_over' || named.has(finding.id))
    .map((finding) => finding.id);
  const blocking = open
    .filter((finding) => finding.kind === 'immediate' && !named.has(finding.id))
    .map((finding) => finding.id);
  const openIds = new Set(open.map((finding) => finding.id));
  const unknown = [...named].filter((id) => !openIds.has(id));
  return { carried, blocking, unknown };
}

/** The same calendar date `years` later; 29 February becomes 28 February in a common year. */
export function shiftIsoDate(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = year + years;
  const lastDay = new Date(Date.UTC(target, month, 0)).getUTCDate();
  return `${String(target).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}
