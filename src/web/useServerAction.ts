import { App } from 'antd';
import { useCallback, useState } from 'react';
import { useI18n } from './i18n';
import { errorText } from './usePlanTree';

/**
 * Runs a write against the server: busy while it runs, the success message it returns shown,
 * and a refusal shown in the user's language. `run` resolves true when the write succeeded.
 */
export function useServerAction() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<string | null>): Promise<boolean> => {
      setBusy(true);
      try {
        const success = await action();
        if (success) message.success(success);
        return true;
      } catch (caught) {
        message.error(errorText(caught, t('error.network')), 8);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [message, t],
  );
  return { busy, run };
}
