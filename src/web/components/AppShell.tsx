import { LogoutOutlined, MenuOutlined } from '@ant-design/icons';
import { Button, Drawer, Grid, Menu, Tag, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import type { MessageKey } from '../../shared/i18n/messages';
import { securityRoles } from '../../shared/powers';
import { authApi } from '../../shared/api/auth';
import { call } from '../api/client';
import type { SessionResponse } from '../api/types';
import { useI18n } from '../i18n';
import { navigate, usePath } from '../router';
import { appRoutes, mayOpen } from '../routes';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';

export function AppShell({
  session,
  onSignOut,
  current,
  children,
}: {
  session: SessionResponse;
  onSignOut(): void;
  /** The route of the page shown (its menu entry is selected). */
  current: string | null;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const path = usePath();
  const screens = Grid.useBreakpoint();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const role = session.user.role;
  // The menu is the route table's entries this user may open, grouped by phase (routes.tsx).
  const groups: { group: MessageKey | null; entries: { key: string; label: string }[] }[] = [];
  for (const route of appRoutes) {
    if (!route.menu || !mayOpen(route, session)) continue;
    const entry = { key: route.path, label: t(route.menu.label) };
    const last = groups.at(-1);
    if (last && last.group === route.menu.group) last.entries.push(entry);
    else groups.push({ group: route.menu.group, entries: [entry] });
  }
  const items: MenuProps['items'] = groups.flatMap(({ group, entries }) =>
    group ? [{ type: 'group' as const, key: group, label: t(group), children: entries }] : entries,
  );
  // A page without an entry of its own (a department's breakdown from the board) selects its parent's.
  const selected =
    current && appRoutes.some((route) => route.menu && route.path === current)
      ? current
      : (appRoutes.find((route) => route.menu && route.path !== '/' && path.startsWith(route.path))
          ?.path ?? '');
  // The sider needs room beside the content; phones open the same menu from the header.
  const wide = screens.md !== false;
  const menu = (
    <Menu
      mode="inline"
      className="app-nav"
      selectedKeys={[selected]}
      items={items}
      onClick={({ key }) => {
        setDrawerOpen(false);
        navigate(key);
      }}
    />
  );
  async function signOut() {
    await call(authApi.signOut).catch(() => undefined);
    onSignOut();
  }
  return (
    <>
      <header className="app-header">
        {!wide && (
          <Button
            type="text"
            icon={<MenuOutlined />}
            onClick={() => setDrawerOpen(true)}
            aria-label={t('nav.menu')}
            data-testid="open-menu"
          />
        )}
        <span className="brand">{t('app.name')}</span>
        <span className="organization">{session.organization.name}</span>
        <span className="spacer" />
        <span className="user">
          <a
            href="/security"
            title={t('security.open')}
            data-testid="account-security"
            onClick={(event) => {
              event.preventDefault();
              navigate('/security');
            }}
          >
            {session.user.displayName}
          </a>{' '}
          <Tag className="role" color="red" bordered={false}>
            {t(`role.${session.user.role}`)}
          </Tag>
        </span>
        {!securityRoles.includes(role) && <NotificationBell />}
        <LanguageSwitch />
        <Button type="text" icon={<LogoutOutlined />} onClick={signOut} aria-label={t('signOut')}>
          <span className="label">{t('signOut')}</span>
        </Button>
      </header>
      <div className="app-body">
        {wide ? (
          <nav className="app-sider" aria-label={t('nav.menu')}>
            {menu}
          </nav>
        ) : (
          <Drawer
            placement="left"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            width={240}
            title={t('app.name')}
            styles={{ body: { padding: 0 } }}
          >
            {menu}
          </Drawer>
        )}
        <main className="app-main">{children}</main>
      </div>
    </>
  );
}
