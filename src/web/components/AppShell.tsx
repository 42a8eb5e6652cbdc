import { LogoutOutlined } from '@ant-design/icons';
import { Button, Menu, Tag } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../api/client';
import type { SessionResponse } from '../api/types';
import { useI18n } from '../i18n';
import { navigate, usePath } from '../router';
import { LanguageSwitch } from './LanguageSwitch';

export function AppShell({ session, onSignOut, children }: { session: SessionResponse; onSignOut(): void; children: ReactNode }) {
  const { t } = useI18n();
  const path = usePath();
  const role = session.user.role;
  const pages = [
    { key: '/', label: t('nav.plan') },
    ...(role === 'liaison' ? [{ key: '/breakdown', label: t('nav.myBreakdown') }] : []),
    ...(role === 'admin' || role === 'coordinator' || role === 'leader'
      ? [{ key: '/dashboard', label: t('nav.dashboard') }, { key: '/board', label: t('nav.board') }]
      : []),
  ];
  const selected = pages.filter((page) => page.key !== '/' && path.startsWith(page.key)).at(-1)?.key ?? '/';
  async function signOut() {
    await api('POST', '/api/v1/auth/sign-out').catch(() => undefined);
    onSignOut();
  }
  return (
    <>
      <header className="app-header">
        <span className="brand">{t('app.name')}</span>
        <span className="organization">{session.organization.name}</span>
        <Menu mode="horizontal" className="app-nav" selectedKeys={[selected]} items={pages} onClick={({ key }) => navigate(key)} disabledOverflow />
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
