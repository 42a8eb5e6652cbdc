/**
 * The closed loop (闭环管理) of a finding (查摆问题) as a state machine: which transitions there are,
 * and who may make each. A finding ends verified by the coordinating office or carried over
 * into next year's plan, never dropped.
 */
export const findingStates = [
  'open',
  'in_progress',
  'awaiting_verification',
  'verified',
  'carried_over',
] as const;
export type FindingState = (typeof findingStates)[number];

export const findingKinds = ['immediate', 'carried_over'] as const;
export type FindingKind = (typeof findingKinds)[number];

export const findingTransitions = [
  'update',
  'record_action',
  'request_verification',
  'verify',
  'reopen',
  'carry_over',
] as const;
export type FindingTransition = (typeof findingTransitions)[number];

/** Who is acting on a finding: the coordinating office, the owner department, or anyone else. */
export type FindingActor = 'office' | 'owner' | 'other';

const rules: Record<
  FindingTransition,
  { from: readonly FindingState[]; by: readonly FindingActor[]; to: FindingState | 'same' }
> = {
  /** The office corrects what the finding says, its due date or owner. */
  update: { from: ['open', 'in_progress', 'awaiting_verification'], by: ['office'], to: 'same' },
  /** The owner department records a rectification action (整改措施) with evidence. */
  record_action: { from: ['open', 'in_progress'], by: ['owner'], to: 'in_progress' },
  /** The owner department says the rectification is done and asks the office to verify it. */
  request_verification: { from: ['in_progress'], by: ['owner'], to: 'awaiting_verification' },
  /** Only the office closes a finding, by verifying (核验) the rectification. */
  verify: { from: ['in_progress', 'awaiting_verification'], by: ['office'], to: 'verified' },
  /** The office sends a finding back: not yet fixed, or found again after verification. */
  reopen: { from: ['awaiting_verification', 'verified'], by: ['office'], to: 'in_progress' },
  /** Starting next year's plan brings the finding into it; this one is then read-only. */
  carry_over: {
    from: ['open', 'in_progress', 'awaiting_verification'],
    by: ['office'],
    to: 'carried_over',
  },
};

export type TransitionOutcome =
  | { allowed: true; to: FindingState }
  | { allowed: false; reason: 'state' | 'actor' };

export function findingTransition(
  state: FindingState,
  transition: FindingTransition,
  actor: FindingActor,
): TransitionOutcome {
  const rule = rules[transition];
  if (!rule.from.includes(state)) return { allowed: false, reason: 'state' };
  if (!rule.by.includes(actor)) return { allowed: false, reason: 'actor' };
  return { allowed: true, to: rule.to === 'same' ? state : rule.to };
}

/** The transitions an actor may make on a finding in this state, for the buttons a page shows. */
export function availableTransitions(
  state: FindingState,
  actor: FindingActor,
): FindingTransition[] {
  return findingTransitions.filter(
    (transition) => findingTransition(state, transition, actor).allowed,
  );
}

export const openFindingStates: readonly FindingState[] = [
  'open',
  'in_progress',
  'awaiting_verification',
];

export function isFindingOpen(state: FindingState): boolean {
  return openFindingStates.includes(state);
}

/** Late: still open after its due date has passed by the institution's calendar day (yyyy-mm-dd). */
export function isFindingOverdue(
  finding: { state: FindingState; dueOn: string },
  today: string,
): boolean {
  return isFindingOpen(finding.state) && today > finding.dueOn;
}
