import { LogoutOutlined } from '@ant-design/icons';
import { Button, Tag } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../api/client';
import type { SessionResponse } from '../api/types';
import { useI18n } from '../i18n';
import { LanguageSwitch } from './LanguageSwitch';

export function AppShell({ session, onSignOut, children }: { session: SessionResponse; onSignOut(): void; children: ReactNode }) {
  const { t } = useI18n();
  async function signOut() {
    await api('POST', '/api/v1/auth/sign-out').catch(() => undefined);
    onSignOut();
  }
  return (
    <>
      <header className="app-header">
        <span className="brand">{t('app.name')}</span>
        <span className="organization">{session.organization.name}</span>
        <span className="spacer" />
        <span className="user">
          {session.user.displayName} <Tag className="role" color="red" bordered={false}>{t(`role.${session.user.role}`)}</Tag>
        </span>
        <LanguageSwitch />
        <Button type="text" icon={<LogoutOutlined />} onClick={signOut} aria-label={t('signOut')}><span className="label">{t('signOut')}</span></Button>
      </header>
      <main className="app-main">{children}</main>
    </>
  );
}
