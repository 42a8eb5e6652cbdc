import { lazy, Suspense } from 'react';
import { Spin } from 'antd';
import type { SessionResponse } from '../api/types';
import { AppShell } from '../components/AppShell';
import { usePath } from '../router';
import PlanPage from './PlanPage';

const BreakdownPage = lazy(() => import('./BreakdownPage'));
const BoardPage = lazy(() => import('./BoardPage'));
const DashboardPage = lazy(() => import('./DashboardPage'));

/** The signed-in part of the app: the shell and the page the path names. */
export default function Workspace({ session, onSignOut }: { session: SessionResponse; onSignOut(): void }) {
  const path = usePath();
  const reviewed = /^\/board\/([0-9a-f-]{36})$/.exec(path)?.[1];
  let page = <PlanPage />;
  if (path === '/breakdown' && session.user.departmentId) page = <BreakdownPage departmentId={session.user.departmentId} mode="edit" />;
  else if (reviewed) page = <BreakdownPage departmentId={reviewed} mode={session.user.role === 'leader' ? 'read' : 'review'} />;
  else if (path === '/board') page = <BoardPage />;
  else if (path === '/dashboard') page = <DashboardPage />;
  return (
    <AppShell session={session} onSignOut={onSignOut}>
      <Suspense fallback={<Spin style={{ display: 'block', margin: '20vh auto' }} />}>{page}</Suspense>
    </AppShell>
  );
}
