import { LogoutOutlined, MenuOutlined } from '@ant-design/icons';
import { Button, Drawer, Grid, Menu, Tag, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import type { MessageKey } from '../../shared/i18n/messages';
import { securityRoles } from '../../shared/powers';
import type { Role } from '../../shared/roles';
import { api } from '../api/client';
import type { SessionResponse } from '../api/types';
import { useI18n } from '../i18n';
import { navigate, usePath } from '../router';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';

interface NavEntry {
  key: string;
  label: MessageKey;
  roles: readonly Role[];
}

const office: readonly Role[] = ['admin', 'coordinator'];
const readers: readonly Role[] = ['admin', 'coordinator', 'leader'];
const liaison: readonly Role[] = ['liaison'];

/**
 * The pages, in the order of the plan's three phases (动员部署 → 深化推进 → 成果总结), so that
 * everyone finds the work of the phase the plan is in. Each role sees only its own pages.
 */
const navigation: { group: MessageKey | null; entries: NavEntry[] }[] = [
  {
    group: null,
    entries: [
      { key: '/', label: 'nav.todo', roles: ['admin', 'coordinator', 'liaison'] },
      {
        key: '/plan',
        label: 'nav.plan',
        roles: ['admin', 'coordinator', 'leader', 'liaison', 'reviewer'],
      },
      { key: '/dashboard', label: 'nav.dashboard', roles: readers },
      { key: '/oversight', label: 'nav.oversight', roles: ['overseer'] },
    ],
  },
  {
    group: 'nav.group.mobilize',
    entries: [
      { key: '/breakdown', label: 'nav.myBreakdown', roles: liaison },
      { key: '/board', label: 'nav.board', roles: readers },
      { key: '/assignments', label: 'nav.assignments', roles: office },
      { key: '/departments', label: 'nav.departments', roles: office },
    ],
  },
  {
    group: 'nav.group.execute',
    entries: [
      { key: '/progress', label: 'nav.progress', roles: liaison },
      { key: '/progress/bulk', label: 'nav.bulkProgress', roles: liaison },
      { key: '/duties', label: 'nav.duties', roles: liaison },
      { key: '/ledger', label: 'nav.ledger', roles: readers },
      { key: '/obligations', label: 'nav.obligations', roles: office },
      { key: '/supervision', label: 'nav.supervision', roles: office },
    ],
  },
  {
    group: 'nav.group.conclude',
    entries: [
      { key: '/conclusion', label: 'nav.conclusion', roles: liaison },
      { key: '/rectification', label: 'nav.rectification', roles: liaison },
      { key: '/moderation', label: 'nav.moderation', roles: readers },
      { key: '/findings', label: 'nav.findings', roles: readers },
      {
        key: '/report',
        label: 'nav.report',
        roles: ['admin', 'coordinator', 'leader', 'reviewer'],
      },
    ],
  },
  {
    group: 'nav.group.teachers',
    entries: [
      { key: '/teachers', label: 'nav.teachers', roles: [...readers, 'liaison'] },
      { key: '/activities', label: 'nav.activities', roles: [...readers, 'liaison'] },
      { key: '/surveys', label: 'nav.surveys', roles: readers },
    ],
  },
  {
    group: 'nav.group.system',
    entries: [
      { key: '/users', label: 'nav.users', roles: ['admin', 'security_admin'] },
      { key: '/audit', label: 'nav.audit', roles: ['auditor'] },
      { key: '/sign-on', label: 'nav.signOn', roles: ['security_admin', 'admin'] },
    ],
  },
];

export function AppShell({
  session,
  onSignOut,
  children,
}: {
  session: SessionResponse;
  onSignOut(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const path = usePath();
  const screens = Grid.useBreakpoint();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const role = session.user.role;
  const items: MenuProps['items'] = navigation.flatMap(({ group, entries }) => {
    const mine = entries
      .filter((entry) => entry.roles.includes(role))
      .map((entry) => ({ key: entry.key, label: t(entry.label) }));
    if (mine.length === 0) return [];
    return group ? [{ type: 'group' as const, key: group, label: t(group), children: mine }] : mine;
  });
  const keys = navigation.flatMap(({ entries }) => entries.map((entry) => entry.key));
  const selected =
    keys.filter((key) => key !== '/' && path.startsWith(key)).at(-1) ?? (path === '/' ? '/' : '');
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
    await api('POST', '/api/v1/auth/sign-out').catch(() => undefined);
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
