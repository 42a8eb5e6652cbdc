import { Button, Space } from 'antd';
import { authApi } from '../../shared/api/auth';
import { call } from '../api/client';
import { useI18n } from '../i18n';
import { LanguageSwitch } from './LanguageSwitch';

/** The language switch and a way out, on the pages shown before the workspace (a first password, a required authenticator). */
export function SignedInCorner({ onSignOut }: { onSignOut(): void }) {
  const { t } = useI18n();
  async function signOut() {
    await call(authApi.signOut).catch(() => undefined);
    onSignOut();
  }
  return (
    <div style={{ position: 'absolute', top: 12, right: 12 }}>
      <Space>
        <LanguageSwitch />
        <Button type="text" onClick={signOut}>
          {t('signOut')}
        </Button>
      </Space>
    </div>
  );
}
