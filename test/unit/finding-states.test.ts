import { describe, expect, it } from 'vitest';
import {
  availableTransitions,
  findingStates,
  findingTransition,
  findingTransitions,
  isFindingOverdue,
  type FindingActor,
  type FindingState,
  type FindingTransition,
} from '../../src/shared/findings/finding-states';
import { planCarryOver, shiftIsoDate } from '../../src/shared/findings/next-year';

const actors: FindingActor[] = ['office', 'owner', 'other'];

/** Every allowed (state, transition, actor) → next state; everything not listed is refused. */
const allowed: [FindingState, FindingTransition, FindingActor, FindingState][] = [
  ['open', 'update', 'office', 'open'],
  ['in_progress', 'update', 'office', 'in_progress'],
  ['awaiting_verification', 'update', 'office', 'awaiting_verification'],
  ['open', 'record_action', 'owner', 'in_progress'],
  ['in_progress', 'record_action', 'owner', 'in_progress'],
  ['in_progress', 'request_verification', 'owner', 'awaiting_verification'],
  ['in_progress', 'verify', 'office', 'verified'],
  ['awaiting_verification', 'verify', 'office', 'verified'],
  ['awaiting_verification', 'reopen', 'office', 'in_progress'],
  ['verified', 'reopen', 'office', 'in_progress'],
  ['open', 'carry_over', 'office', 'carried_over'],
  ['in_progress', 'carry_over', 'office', 'carried_over'],
  ['awaiting_verification', 'carry_over', 'office', 'carried_over'],
];

describe('the closed loop of a finding', () => {
  it('allows exactly the listed transitions, by exactly the listed actors', () => {
    for (const state of findingStates) {
      for (const transition of findingTransitions) {
        for (const actor of actors) {
          const rule = allowed.find(
            ([from, step, by]) => from === state && step === transition && by === actor,
          );
          const outcome = findingTransition(state, transition, actor);
          expect({ state, transition, actor, outcome }).toEqual({
            state,
            transition,
            actor,
            outcome: rule
              ? { allowed: true, to: rule[3] }
              : expect.objectContaining({ allowed: false }),
          });
        }
      }
    }
  });

  it('lets only the office close a finding, and only the owner record actions', () => {
    expect(findingTransition('awaiting_verification', 'verify', 'owner')).toEqual({
      allowed: false,
      reason: 'actor',
    });
    expect(findingTransition('awaiting_verification', 'verify', 'other')).toEqual({
      allowed: false,
      reason: 'actor',
    });
    expect(findingTransition('open', 'record_action', 'office')).toEqual({
      allowed: false,
      reason: 'actor',
    });
    expect(findingTransition('verified', 'record_action', 'owner')).toEqual({
      allowed: false,
      reason: 'state',
    });
  });

  it('makes a carried-over finding read-only', () => {
    for (const actor of actors) expect(availableTransitions('carried_over', actor)).toEqual([]);
  });

  it('shows each actor the buttons it may press', () => {
    expect(availableTransitions('open', 'owner')).toEqual(['record_action']);
    expect(availableTransitions('in_progress', 'owner')).toEqual([
      'record_action',
      'request_verification',
    ]);
    expect(availableTransitions('awaiting_verification', 'office')).toEqual([
      'update',
      'verify',
      'reopen',
      'carry_over',
    ]);
    expect(availableTransitions('verified', 'office')).toEqual(['reopen']);
    expect(availableTransitions('in_progress', 'other')).toEqual([]);
  });

  it('is overdue from the day after the due date, and only while open', () => {
    expect(isFindingOverdue({ state: 'open', dueOn: '2024-12-31' }, '2024-12-31')).toBe(false);
    expect(isFindingOverdue({ state: 'open', dueOn: '2024-12-31' }, '2025-01-01')).toBe(true);
    expect(
      isFindingOverdue({ state: 'awaiting_verification', dueOn: '2024-12-31' }, '2025-01-01'),
    ).toBe(true);
    expect(isFindingOverdue({ state: 'verified', dueOn: '2024-12-31' }, '2025-01-01')).toBe(false);
    expect(isFindingOverdue({ state: 'carried_over', dueOn: '2024-12-31' }, '2025-01-01')).toBe(
      false,
    );
  });
});

describe("next year's plan and the findings", () => {
  const findings = [
    { id: 'a', kind: 'carried_over', state: 'open' },
    { id: 'b', kind: 'carried_over', state: 'awaiting_verification' },
    { id: 'c', kind: 'carried_over', state: 'verified' },
    { id: 'd', kind: 'immediate', state: 'in_progress' },
    { id: 'e', kind: 'immediate', state: 'verified' },
    { id: 'f', kind: 'immediate', state: 'open' },
    { id: 'g', kind: 'carried_over', state: 'carried_over' },
  ] as const;

  it('carries every open carried-over finding and blocks on open immediate ones', () => {
    expect(planCarryOver(findings, [])).toEqual({
      carried: ['a', 'b'],
      blocking: ['d', 'f'],
      unknown: [],
    });
  });

  it('carries an immediate finding only when named, and names what it cannot carry', () => {
    expect(planCarryOver(findings, ['d', 'f'])).toEqual({
      carried: ['a', 'b', 'd', 'f'],
      blocking: [],
      unknown: [],
    });
    expect(planCarryOver(findings, ['d', 'e', 'zzz'])).toEqual({
      carried: ['a', 'b', 'd'],
      blocking: ['f'],
      unknown: ['e', 'zzz'],
    });
  });

  it('never leaves an open finding out of both lists', () => {
    for (const named of [[], ['d'], ['f'], ['d', 'f'], ['a']]) {
      const { carried, blocking } = planCarryOver(findings, named);
      const open = findings
        .filter((finding) =>
          ['open', 'in_progress', 'awaiting_verification'].includes(finding.state),
        )
        .map((finding) => finding.id);
      expect([...carried, ...blocking].sort()).toEqual(open.sort());
    }
  });

  it('shifts dates by a year, 29 February to 28 February', () => {
    expect(shiftIsoDate('2024-04-30', 1)).toBe('2025-04-30');
    expect(shiftIsoDate('2024-02-29', 1)).toBe('2025-02-28');
    expect(shiftIsoDate('2023-02-28', 1)).toBe('2024-02-28');
    expect(shiftIsoDate('2024-12-31', 1)).toBe('2025-12-31');
  });
});
