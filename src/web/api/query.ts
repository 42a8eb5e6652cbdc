import { useCallback } from 'react';
import {
  keepPreviousData,
  QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';
import type { InputOf, OperationDefinition, ResponseOf } from '../../shared/api/operation';
import { ApiError, call, type CallArgs } from './client';

/**
 * The app's query cache. Reads (GET operations) are cached by operation and input, retried
 * twice on a network failure or a server error (never on a refusal), and cancelled when nobody
 * waits for them any more; writes are never retried.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) =>
          failures < 2 && !(error instanceof ApiError && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}

type Read = OperationDefinition & { method: 'GET' };

/** The cache key of a read: its operation id, then its input. */
export function keyOf(definition: OperationDefinition, input?: unknown): readonly unknown[] {
  return input === undefined ? [definition.id] : [definition.id, input];
}

/**
 * Reads one GET operation through the cache: the key is the operation and its input, so a
 * newer filter's answer never loses to an older one (the older request is cancelled by its
 * AbortSignal). Pass `null` as the input to wait (e.g. until a plan is chosen).
 */
export function useOperation<D extends Read>(
  definition: D,
  input: InputOf<D> | null,
  options: { keepPrevious?: boolean; refetchInterval?: number } = {},
): UseQueryResult<ResponseOf<D>, Error> {
  return useQuery<ResponseOf<D>, Error>({
    queryKey: keyOf(definition, input ?? undefined),
    queryFn: ({ signal }) =>
      call(definition, ...([input ?? {}, { signal }] as unknown as CallArgs<D>)),
    enabled: input !== null,
    ...(options.keepPrevious ? { placeholderData: keepPreviousData } : {}),
    ...(options.refetchInterval ? { refetchInterval: options.refetchInterval } : {}),
  });
}

/**
 * A write by its definition. After it succeeds the reads it names are refetched (by default
 * every read on the page: what a write changes is rarely one list).
 */
export function useWrite<D extends OperationDefinition>(
  definition: D,
  options: { invalidates?: readonly OperationDefinition[] } = {},
) {
  const client = useQueryClient();
  return useMutation<ResponseOf<D>, Error, InputOf<D>>({
    mutationFn: (input) => call(definition, ...([input] as unknown as CallArgs<D>)),
    onSuccess: async () => {
      if (!options.invalidates) await client.invalidateQueries();
      else
        await Promise.all(
          options.invalidates.map((read) => client.invalidateQueries({ queryKey: [read.id] })),
        );
    },
  });
}

/** Refetches the reads of these operations (after a write made with `call` or `upload`). */
export function useInvalidate() {
  const client = useQueryClient();
  return useCallback(
    (...reads: OperationDefinition[]) =>
      reads.length === 0
        ? client.invalidateQueries()
        : Promise.all(reads.map((read) => client.invalidateQueries({ queryKey: [read.id] }))),
    [client],
  );
}
