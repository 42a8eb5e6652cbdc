/**
 * The order a plan's dates must keep (pure): each phase starts no later than it ends, phases
 * follow one another in their order (neither starts nor ends before the one before it), and a
 * deliverable of a phase falls inside that phase.
 */
export interface DatedPhase {
  id: string;
  position: number;
  name: string;
  startsOn: string | null;
  endsOn: string | null;
}
export interface DatedDeliverable {
  id: string;
  phaseId: string | null;
  title: string;
  dueOn: string;
}

export type PlanDateProblem =
  | { kind: 'phase_ends_before_start'; phaseId: string; phase: string }
  | { kind: 'phase_before_previous'; phaseId: string; phase: string; previous: string }
  | {
      kind: 'deliverable_outside_phase';
      deliverableId: string;
      deliverable: string;
      phase: string;
    };

export function planDateProblems(
  phases: readonly DatedPhase[],
  deliverables: readonly DatedDeliverable[],
): PlanDateProblem[] {
  const problems: PlanDateProblem[] = [];
  const ordered = [...phases].sort((a, b) => a.position - b.position);
  let previous: DatedPhase | undefined;
  for (const phase of ordered) {
    if (phase.startsOn && phase.endsOn && phase.endsOn < phase.startsOn)
      problems.push({ kind: 'phase_ends_before_start', phaseId: phase.id, phase: phase.name });
    if (
      previous &&
      ((previous.startsOn && phase.startsOn && phase.startsOn < previous.startsOn) ||
        (previous.endsOn && phase.endsOn && phase.endsOn < previous.endsOn))
    )
      problems.push({
        kind: 'phase_before_previous',
        phaseId: phase.id,
        phase: phase.name,
        previous: previous.name,
      });
    previous = phase;
  }
  const byId = new Map(phases.map((phase) => [phase.id, phase]));
  for (const deliverable of deliverables) {
    const phase = deliverable.phaseId ? byId.get(deliverable.phaseId) : undefined;
    if (!phase) continue;
    if (
      (phase.startsOn && deliverable.dueOn < phase.startsOn) ||
      (phase.endsOn && deliverable.dueOn > phase.endsOn)
    )
      problems.push({
        kind: 'deliverable_outside_phase',
        deliverableId: deliverable.id,
        deliverable: deliverable.title,
        phase: phase.name,
      });
  }
  return problems;
}

/** Problems in `after` that `before` did not have: an edit is refused only for what it broke. */
export function newProblems(
  before: readonly PlanDateProblem[],
  after: readonly PlanDateProblem[],
): PlanDateProblem[] {
  const seen = new Set(before.map((problem) => JSON.stringify(problem)));
  return after.filter((problem) => !seen.has(JSON.stringify(problem)));
}

/**
 * The reporting periods a ledger starts with: the months of the execute phase (深化推进), when
 * departments carry out their measures; without a dated execute phase, today's month to December.
 */
export function defaultReportingMonths(
  phases: readonly { kind: string; startsOn: string | null; endsOn: string | null }[],
  today: string,
): { firstPeriod: string; lastPeriod: string } {
  const execute = phases.find((phase) => phase.kind === 'execute');
  if (execute?.startsOn && execute.endsOn)
    return { firstPeriod: execute.startsOn.slice(0, 7), lastPeriod: execute.endsOn.slice(0, 7) };
  return { firstPeriod: today.slice(0, 7), lastPeriod: `${today.slice(0, 4)}-12` };
}
