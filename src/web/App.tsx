import { Spin } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { authApi } from '../shared/api/auth';
import { ApiError, call, onAuthProblem, setCsrfToken } from './api/client';
import { withCatalogue } from './catalogues';
import { setInstitutionTimeZone } from './time';
import type { SessionResponse } from './api/types';
import { SignedInCorner } from './components/SignedInCorner';
import { SignInPage } from './features/auth/SignInPage';
import { mustEnrolTotp } from '../shared/powers';

// Each page behind the first one arrives with the whole Chinese catalogue (the first page has only its own labels).
const ChangePasswordPage = lazy(() => withCatalogue(import('./features/auth/ChangePasswordPage')));
const Workspace = lazy(() => withCatalogue(import('./Workspace')));
const SecurityPage = lazy(() => withCatalogue(import('./features/auth/SecurityPage')));
const ConductReportPage = lazy(() =>
  withCatalogue(import('./features/conduct-reports/ConductReportPage')),
);

/** Public pages served without an account (and without asking who is signed in). */
const CONDUCT_REPORT_PATH = /^\/conduct-report\/?$/;

type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; session: SessionResponse };

function Loading() {
  return <Spin size="large" style={{ display: 'block', margin: '30vh auto' }} />;
}

/** Which page a person sees follows from their session: sign in, choose a password, enrol an authenticator when the role requires it, then the plan. */
export function App() {
  if (CONDUCT_REPORT_PATH.test(window.location.pathname))
    return (
      <Suspense fallback={<Loading />}>
        <ConductReportPage />
      </Suspense>
    );
  return <SessionApp />;
}

function SessionApp() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });

  const adopt = useCallback((session: SessionResponse | null) => {
    setCsrfToken(session?.csrfToken ?? null);
    setInstitutionTimeZone(session?.organization.timeZone);
    setState(session ? { kind: 'signed-in', session } : { kind: 'signed-out' });
  }, []);

  const reload = useCallback(async () => {
    try {
      adopt(await call(authApi.session));
    } catch (error) {
      if (error instanceof ApiError) adopt(null);
      else setState({ kind: 'signed-out' });
    }
  }, [adopt]);

  useEffect(() => {
    void reload();
    return onAuthProblem((error) => {
      if (error.code === 'auth.required') adopt(null);
      else void reload();
    });
  }, [reload, adopt]);

  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'signed-out') return <SignInPage onSignedIn={adopt} />;
  const { session } = state;
  return (
    <Suspense fallback={<Loading />}>
      {session.user.mustChangePassword ? (
        <ChangePasswordPage session={session} onChanged={reload} onSignOut={() => adopt(null)} />
      ) : mustEnrolTotp(session.user) ? (
        // A security admin enrols an authenticator before anything else (the server refuses the rest).
        <div className="forced-page">
          <SignedInCorner onSignOut={() => adopt(null)} />
          <SecurityPage session={session} onSignOut={() => adopt(null)} onChanged={reload} />
        </div>
      ) : (
        <Workspace session={session} onSignOut={() => adopt(null)} />
      )}
    </Suspense>
  );
}
