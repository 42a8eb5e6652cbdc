import { useEffect, useState } from 'react';
import { api } from './api/client';
import type { PlanSummary } from './api/types';

/** The plans of the organization and the one chosen (?plan=…, else the newest). */
export function usePlan(): {
  plans: PlanSummary[] | null;
  planId: string | null;
  choose(planId: string): void;
  error: string | null;
} {
  const [plans, setPlans] = useState<PlanSummary[] | null>(null);
  const [planId, setPlanId] = useState<string | null>(() =>
    new URLSearchParams(location.search).get('plan'),
  );
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<PlanSummary[]>('GET', '/api/v1/plans').then(
      (list) => {
        setPlans(list);
        setPlanId((chosen) =>
          chosen && list.some((candidate) => candidate.id === chosen)
            ? chosen
            : (list[0]?.id ?? null),
        );
      },
      (caught: Error) => setError(caught.message),
    );
  }, []);
  const choose = (next: string) => {
    history.replaceState(null, '', `${location.pathname}?plan=${next}`);
    setPlanId(next);
  };
  return { plans, planId, choose, error };
}
