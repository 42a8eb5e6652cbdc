import { useQueryClient } from '@tanstack/react-query';
import { plansApi } from '../shared/api/plans';
import { ApiError } from './api/client';
import { keyOf, useOperation } from './api/query';
import type { PlanTree } from './api/types';
import { useI18n } from './i18n';

/** A plan's indicator tree with its departments and groups, reloadable after a change. */
export function usePlanTree(planId: string | null) {
  const { t } = useI18n();
  const client = useQueryClient();
  const input = planId ? { params: { id: planId } } : null;
  const query = useOperation(plansApi.tree, input);
  return {
    tree: query.data ?? null,
    /** Changes the cached tree in place (after a write that answered the changed part). */
    setTree: (change: (current: PlanTree | null) => PlanTree | null) =>
      client.setQueryData<PlanTree>(
        keyOf(plansApi.tree, input ?? undefined),
        (current) => change(current ?? null) ?? undefined,
      ),
    reload: async () => {
      await query.refetch();
    },
    error: query.isError ? errorText(query.error, t('error.network')) : null,
  };
}

/** A refusal's message in the user's language, or the network one. */
export function errorText(caught: unknown, networkMessage: string): string {
  return caught instanceof ApiError ? caught.message : networkMessage;
}
