import type { UseQueryResult } from '@tanstack/react-query';
import { Alert, Button, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { errorText } from '../usePlanTree';

/** A read that failed: its message in the user's language (or the network one) and a retry. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      title={errorText(error, t('error.network'))}
      data-testid="load-error"
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('load.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/**
 * The one load / spinner / error pattern: a spinner until the first answer, the error with a
 * retry when it fails, else the children with the data (kept while a newer answer loads).
 */
export function QueryView<T>({
  query,
  children,
}: {
  query: UseQueryResult<T, Error>;
  children: (data: T) => ReactNode;
}) {
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.isError) return <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  return <Spin style={{ display: 'block', margin: '48px auto' }} />;
}
