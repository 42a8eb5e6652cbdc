import { describe, expect, it } from 'vitest';
import {
  caseStates,
  handledOnTime,
  nextStates,
  stageDeadline,
  transition,
} from '../../src/shared/conduct-reports/case-states';

const at = (iso: string) => new Date(iso);

describe('the conduct-report case states', () => {
  it('goes 受理 → 核查 → 认定 → 处理 → 通报 → 结案 for a founded case', () => {
    expect(transition('received', null, 'investigating')).toEqual({
      ok: true,
      state: 'investigating',
      outcome: null,
    });
    expect(transition('investigating', null, 'determined', 'founded')).toEqual({
      ok: true,
      state: 'determined',
      outcome: 'founded',
    });
    expect(transition('determined', 'founded', 'handling').ok).toBe(true);
    expect(transition('handling', 'founded', 'notified').ok).toBe(true);
    expect(transition('notified', 'founded', 'closed')).toEqual({
      ok: true,
      state: 'closed',
      outcome: 'founded',
    });
  });

  it('lets an unfounded case go from 认定 straight to 澄清, and a partly founded one to either 通报 or 澄清 after 处理', () => {
    expect(transition('determined', 'unfounded', 'clarified').ok).toBe(true);
    expect(transition('determined', 'partly', 'clarified')).toEqual({
      ok: false,
      refusal: 'outcome_mismatch',
    });
    expect(transition('handling', 'partly', 'notified').ok).toBe(true);
    expect(transition('handling', 'partly', 'clarified').ok).toBe(true);
    expect(nextStates('determined', 'unfounded')).toEqual(['handling', 'clarified']);
    expect(nextStates('determined', 'founded')).toEqual(['handling']);
  });

  it('refuses skipped steps, going back, leaving 结案, a missing or misplaced outcome and 通报/澄清 against the outcome', () => {
    expect(transition('received', null, 'closed')).toEqual({ ok: false, refusal: 'not_allowed' });
    expect(transition('investigating', null, 'received').ok).toBe(false);
    for (const to of caseStates) expect(transition('closed', 'founded', to).ok).toBe(false);
    expect(transition('investigating', null, 'determined')).toEqual({
      ok: false,
      refusal: 'outcome_required',
    });
    expect(transition('received', null, 'investigating', 'founded')).toEqual({
      ok: false,
      refusal: 'outcome_not_allowed',
    });
    expect(transition('handling', 'unfounded', 'notified')).toEqual({
      ok: false,
      refusal: 'outcome_mismatch',
    });
    expect(transition('handling', 'founded', 'clarified')).toEqual({
      ok: false,
      refusal: 'outcome_mismatch',
    });
  });

  it('gives each state its deadline and tells whether every stay kept it', () => {
    expect(stageDeadline('received', at('2024-04-01T00:00:00Z'))).toEqual(
      at('2024-04-04T00:00:00Z'),
    );
    expect(stageDeadline('investigating', at('2024-04-01T00:00:00Z'))).toEqual(
      at('2024-05-01T00:00:00Z'),
    );
    expect(stageDeadline('closed', at('2024-04-01T00:00:00Z'))).toBeNull();
    const stays = [
      {
        state: 'received' as const,
        enteredAt: at('2024-04-01T00:00:00Z'),
        leftAt: at('2024-04-04T00:00:00Z'),
      },
      { state: 'investigating' as const, enteredAt: at('2024-04-04T00:00:00Z'), leftAt: null },
    ];
    expect(handledOnTime(stays, at('2024-05-04T00:00:00Z'))).toBe(true);
    expect(handledOnTime(stays, at('2024-05-04T00:00:01Z'))).toBe(false);
    expect(
      handledOnTime(
        [
          {
            state: 'received',
            enteredAt: at('2024-04-01T00:00:00Z'),
            leftAt: at('2024-04-04T00:00:01Z'),
          },
        ],
        at('2024-04-05T00:00:00Z'),
      ),
    ).toBe(false);
  });
});
