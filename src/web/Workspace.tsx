import { QueryClientProvider } from '@tanstack/react-query';
import { Spin } from 'antd';
import { Suspense, useState } from 'react';
import { roleMayCall } from '../shared/access';
import type { OperationDefinition } from '../shared/api/operation';
import { createQueryClient } from './api/query';
import type { SessionResponse } from './api/types';
import { AppShell } from './components/AppShell';
import { ErrorBoundary } from './components/ErrorBoundary';
import NotFoundPage from './components/NotFoundPage';
import { usePath } from './router';
import { homeRoute, matchRoute } from './routes';

/** The signed-in part of the app: the shell and the page the path names (`routes.tsx`). */
export default function Workspace({
  session,
  onSignOut,
}: {
  session: SessionResponse;
  onSignOut(): void;
}) {
  const [queryClient] = useState(createQueryClient);
  const path = usePath();
  // The home address shows the user's first page: the plan, or for those who read none
  // (三权分立: the auditor, the security admin; an overseer) their first menu entry.
  // A page this user may not open shows their home too; an address that names no page, the 404 page.
  const matched = path === '/' ? 'known' : matchRoute(path, session);
  const home = matched === 'known' ? homeRoute(session) : null;
  const found = home ? { route: home, params: {} } : matched === 'known' ? null : matched;
  const mayCall = (operation: OperationDefinition) =>
    roleMayCall(operation.access, session.user.role);
  return (
    <QueryClientProvider client={queryClient}>
      <AppShell session={session} onSignOut={onSignOut} current={found?.route.path ?? null}>
        <ErrorBoundary key={path}>
          <Suspense fallback={<Spin style={{ display: 'block', margin: '20vh auto' }} />}>
            {found ? (
              found.route.render({
                session,
                params: found.params,
                departmentId: session.user.departmentId ?? '',
                mayCall,
                onSignOut,
              })
            ) : (
              <NotFoundPage path={path} />
            )}
          </Suspense>
        </ErrorBoundary>
      </AppShell>
    </QueryClientProvider>
  );
}
