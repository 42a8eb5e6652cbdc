import {
  isIncomplete,
  type ConfirmedObligation,
  type ObligationSource,
} from '../../../shared/obligations/obligation.contract';
import { confirmedObligationSchema } from '../../../shared/obligations/obligation.contract';
import type { AssignmentTarget } from '../breakdowns/breakdown.rules';
import type { ObligationRow } from './obligation.table';

type Terms = Pick<
  ObligationRow,
  'kind' | 'period' | 'minimumCount' | 'targetPercent' | 'population'
> & { source?: ObligationSource | null };

/**
 * Who must meet an obligation unless the coordinator says otherwise: when the item reaches
 * departments through a group (各教学单位), each of them, since the group is "every teaching
 * unit"; when it names departments, the institution once (党委常委会 meets for the whole school).
 */
export function defaultScope(
  itemId: string,
  targets: readonly AssignmentTarget[],
): ObligationRow['scope'] {
  return targets.some((target) => target.itemId === itemId && target.groupKind === 'group')
    ? 'each_department'
    : 'institution';
}

/** The period or the count (or the share) is still unknown. */
export function needsConfirmation(terms: Terms): boolean {
  return isIncomplete(terms) || (terms.kind === 'coverage' && terms.targetPercent === null);
}

/** The obligation as compliance reads it, or null while it is incomplete. */
export function confirmedTerms(terms: Terms): ConfirmedObligation | null {
  const candidate =
    terms.kind === 'frequency'
      ? {
          kind: 'frequency',
          period: terms.period,
          minimumCount: terms.minimumCount,
          eachOf: terms.population,
          source: terms.source ?? null,
        }
      : {
          kind: 'coverage',
          period: terms.period,
          targetPercent: terms.targetPercent,
          population: terms.population,
          source: terms.source ?? null,
        };
  const parsed = confirmedObligationSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** The key a proposal is recorded under: the same words of the same item propose the same obligation. */
export function proposalKey(itemId: string, kind: string, source: ObligationSource): string {
  return `${itemId}:${source.field}:${source.start}-${source.end}:${kind}`;
}
