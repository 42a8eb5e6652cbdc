import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './api/client';
import type { PlanTree } from './api/types';
import { useI18n } from './i18n';

/** A plan's indicator tree with its departments and groups, reloadable after a change. */
export function usePlanTree(planId: string | null) {
  const { t } = useI18n();
  const [tree, setTree] = useState<PlanTree | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    if (!planId) return;
    try {
      setTree(await api<PlanTree>('GET', `/api/v1/plans/${planId}/tree`));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('error.network'));
    }
  }, [planId, t]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { tree, setTree, reload, error };
}

/** A refusal's message in the user's language, or the network one. */
export function errorText(caught: unknown, networkMessage: string): string {
  return caught instanceof ApiError ? caught.message : networkMessage;
}
