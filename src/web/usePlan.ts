import { useState } from 'react';
import { plansApi } from '../shared/api/plans';
import type { PlanSummary } from './api/types';
import { useOperation } from './api/query';
import { useI18n } from './i18n';
import { errorText } from './usePlanTree';

/**
 * The plans of the organization and the one chosen (?plan=…, else the newest). The list is
 * read once through the query cache, whichever pages ask for it.
 */
export function usePlan(): {
  plans: PlanSummary[] | null;
  planId: string | null;
  choose(planId: string): void;
  error: string | null;
} {
  const { t } = useI18n();
  const list = useOperation(plansApi.list, {});
  const [chosen, setChosen] = useState<string | null>(() =>
    new URLSearchParams(location.search).get('plan'),
  );
  const plans = list.data ?? null;
  const planId = plans
    ? chosen && plans.some((candidate) => candidate.id === chosen)
      ? chosen
      : (plans[0]?.id ?? null)
    : null;
  const choose = (next: string) => {
    history.replaceState(null, '', `${location.pathname}?plan=${next}`);
    setChosen(next);
  };
  return {
    plans,
    planId,
    choose,
    error: list.isError ? errorText(list.error, t('error.network')) : null,
  };
}
