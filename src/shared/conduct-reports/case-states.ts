/**
 * 师德师风监督举报 (item 26): the states a conduct report's case goes through, and the rules of
 * moving between them. Pure: the server records each move (who, when) and the web shows them.
 *
 * 受理 received → 核查 investigating → 认定 determined (属实 founded / 部分属实 partly / 不属实 unfounded)
 * → 处理 handling → 通报 notified (founded or partly) / 澄清 clarified (unfounded or partly) → 结案 closed.
 * An unfounded case may go from 认定 straight to 澄清: there is nothing to handle.
 */
export const caseStates = [
  'received',
  'investigating',
  'determined',
  'handling',
  'notified',
  'clarified',
  'closed',
] as const;
export type CaseState = (typeof caseStates)[number];

export const caseOutcomes = ['founded', 'partly', 'unfounded'] as const;
export type CaseOutcome = (typeof caseOutcomes)[number];

/** Days a case may stay in each state before it is late (closed has no deadline). */
export const stageDays: Record<Exclude<CaseState, 'closed'>, number> = {
  received: 3,
  investigating: 30,
  determined: 7,
  handling: 15,
  notified: 7,
  clarified: 7,
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a case that entered `state` at `enteredAt` must have left it; null once closed. */
export function stageDeadline(state: CaseState, enteredAt: Date): Date | null {
  if (state === 'closed') return null;
  return new Date(enteredAt.getTime() + stageDays[state] * DAY_MS);
}

const moves: Record<CaseState, readonly CaseState[]> = {
  received: ['investigating'],
  investigating: ['determined'],
  determined: ['handling', 'clarified'],
  handling: ['notified', 'clarified'],
  notified: ['closed'],
  clarified: ['closed'],
  closed: [],
};

export type TransitionRefusal =
  | 'not_allowed'
  | 'outcome_required'
  | 'outcome_not_allowed'
  | 'outcome_mismatch';

export type TransitionResult =
  | { ok: true; state: CaseState; outcome: CaseOutcome | null }
  | { ok: false; refusal: TransitionRefusal };

/**
 * Whether a case in `from` (with the outcome already determined, if any) may move to `to`; the
 * outcome is named exactly when moving into 认定. 通报 needs a founded or partly founded case,
 * 澄清 an unfounded or partly founded one; only an unfounded case skips 处理.
 */
export function transition(
  from: CaseState,
  currentOutcome: CaseOutcome | null,
  to: CaseState,
  outcome?: CaseOutcome | null,
): TransitionResult {
  if (!moves[from].includes(to)) return { ok: false, refusal: 'not_allowed' };
  if (to === 'determined') {
    if (!outcome) return { ok: false, refusal: 'outcome_required' };
    return { ok: true, state: to, outcome };
  }
  if (outcome) return { ok: false, refusal: 'outcome_not_allowed' };
  if (to === 'notified' && currentOutcome === 'unfounded')
    return { ok: false, refusal: 'outcome_mismatch' };
  if (to === 'clarified' && currentOutcome === 'founded')
    return { ok: false, refusal: 'outcome_mismatch' };
  if (from === 'determined' && to === 'clarified' && currentOutcome !== 'unfounded')
    return { ok: false, refusal: 'outcome_mismatch' };
  return { ok: true, state: to, outcome: currentOutcome };
}

/** The states a case in `from` may move to next (for the handler's buttons). */
export function nextStates(from: CaseState, currentOutcome: CaseOutcome | null): CaseState[] {
  return moves[from].filter(
    (to) => transition(from, currentOutcome, to, to === 'determined' ? 'partly' : null).ok,
  );
}

/** One stay in a state: when it began and when it ended (null while the case is still in it). */
export interface StageStay {
  state: CaseState;
  enteredAt: Date;
  leftAt: Date | null;
}

/**
 * Whether a case was handled on time: every state it has left was left by its deadline. A case
 * still open is on time so far when its current state is not past its deadline at `now`.
 */
export function handledOnTime(stays: readonly StageStay[], now: Date): boolean {
  return stays.every((stay) => {
    const due = stageDeadline(stay.state, stay.enteredAt);
    if (!due) return true;
    return (stay.leftAt ?? now).getTime() <= due.getTime();
  });
}
