import { lazy, Suspense } from 'react';
import { Spin } from 'antd';
import { organizationWideRoles } from '../shared/roles';
import type { SessionResponse } from './api/types';
import { AppShell } from './components/AppShell';
import { usePath } from './router';
import PlanPage from './features/plans/PlanPage';

const BreakdownPage = lazy(() => import('./features/breakdowns/BreakdownPage'));
const BoardPage = lazy(() => import('./features/breakdowns/BoardPage'));
const DashboardPage = lazy(() => import('./features/dashboard/DashboardPage'));
const ImportWizardPage = lazy(() => import('./features/imports/ImportWizardPage'));
const SecurityPage = lazy(() => import('./features/auth/SecurityPage'));
const DepartmentsPage = lazy(() => import('./features/departments/DepartmentsPage'));
const AssignmentsPage = lazy(() => import('./features/assignments/AssignmentsPage'));
const ObligationsPage = lazy(() => import('./features/obligations/ObligationsPage'));
const DutiesPage = lazy(() => import('./features/obligations/DutiesPage'));
const ProgressPage = lazy(() => import('./features/ledger/ProgressPage'));
const BulkProgressPage = lazy(() => import('./features/ledger/BulkProgressPage'));
const LedgerPage = lazy(() => import('./features/ledger/LedgerPage'));
const SupervisionPage = lazy(() => import('./features/supervision/SupervisionPage'));
const ConclusionPage = lazy(() => import('./features/conclusion/ConclusionPage'));
const RectificationPage = lazy(() => import('./features/findings/RectificationPage'));
const ModerationPage = lazy(() => import('./features/conclusion/ModerationPage'));
const FindingsPage = lazy(() => import('./features/findings/FindingsPage'));
const QualityReportPage = lazy(() => import('./features/reports/QualityReportPage'));
const UsersPage = lazy(() => import('./features/users/UsersPage'));
const AuditPage = lazy(() => import('./features/audit/AuditPage'));
const SignOnPage = lazy(() => import('./features/sso/SignOnPage'));
const TodoPage = lazy(() => import('./features/todo/TodoPage'));
const MessagesPage = lazy(() => import('./features/messages/MessagesPage'));
const OversightPage = lazy(() => import('./features/oversight/OversightPage'));
const ActivitiesPage = lazy(() => import('./features/activities/ActivitiesPage'));
const SurveysPage = lazy(() => import('./features/surveys/SurveysPage'));
const RosterPage = lazy(() => import('./features/teachers/RosterPage'));
const OversightInstitutionPage = lazy(
  () => import('./features/oversight/OversightInstitutionPage'),
);

/** The signed-in part of the app: the shell and the page the path names. */
export default function Workspace({
  session,
  onSignOut,
}: {
  session: SessionResponse;
  onSignOut(): void;
}) {
  const path = usePath();
  const organizationStaff = organizationWideRoles.includes(session.user.role);
  const reviewed = /^\/board\/([0-9a-f-]{36})$/.exec(path)?.[1];
  let page = (
    <PlanPage
      canImport={organizationStaff}
      departmentId={session.user.role === 'liaison' ? session.user.departmentId : null}
    />
  );
  const overseenInstitution = /^\/oversight\/([0-9a-f-]{36})$/.exec(path)?.[1];
  // An overseer's organization has no plan of its own: their home is the institutions overview.
  // 三权分立: the auditor's home is the audit log, the security admin's 用户管理; neither reads the plan.
  if (session.user.role === 'auditor' && path !== '/security') page = <AuditPage />;
  else if (session.user.role === 'security_admin' && path !== '/security' && path !== '/sign-on')
    page = <UsersPage actorRole="security_admin" actorId={session.user.id} />;
  else if (session.user.role === 'overseer' && path !== '/security')
    page = overseenInstitution ? (
      <OversightInstitutionPage institutionId={overseenInstitution} />
    ) : (
      <OversightPage />
    );
  // Everyone lands on their own page: liaisons and the office on 我的待办, leaders on the year's
  // dashboard, reviewers on the quality report they are asked to judge.
  else if (path === '/' || path === '/todo')
    page =
      session.user.role === 'leader' ? (
        <DashboardPage />
      ) : session.user.role === 'reviewer' ? (
        <QualityReportPage session={session} />
      ) : (
        <TodoPage role={session.user.role} />
      );
  else if (path === '/plan')
    page = (
      <PlanPage
        canImport={organizationStaff}
        departmentId={session.user.role === 'liaison' ? session.user.departmentId : null}
      />
    );
  else if (path === '/messages') page = <MessagesPage office={organizationStaff} />;
  else if (path === '/breakdown' && session.user.departmentId)
    page = <BreakdownPage departmentId={session.user.departmentId} mode="edit" />;
  else if (reviewed)
    page = (
      <BreakdownPage
        departmentId={reviewed}
        mode={session.user.role === 'leader' ? 'read' : 'review'}
      />
    );
  else if (path === '/board') page = <BoardPage />;
  else if (path === '/dashboard') page = <DashboardPage />;
  else if (path === '/security') page = <SecurityPage session={session} onSignOut={onSignOut} />;
  else if (path === '/import' && organizationStaff) page = <ImportWizardPage />;
  else if (path === '/departments' && organizationStaff) page = <DepartmentsPage />;
  else if (path === '/assignments' && organizationStaff) page = <AssignmentsPage />;
  else if (path === '/obligations' && organizationStaff) page = <ObligationsPage />;
  else if (path === '/duties' && session.user.departmentId)
    page = <DutiesPage departmentId={session.user.departmentId} />;
  else if (path === '/progress' && session.user.departmentId)
    page = <ProgressPage departmentId={session.user.departmentId} />;
  else if (path === '/progress/bulk' && session.user.departmentId)
    page = <BulkProgressPage departmentId={session.user.departmentId} />;
  else if (path === '/supervision' && organizationStaff) page = <SupervisionPage />;
  else if (path === '/ledger' && (organizationStaff || session.user.role === 'leader'))
    page = <LedgerPage canConfigure={organizationStaff} />;
  else if (path === '/conclusion' && session.user.departmentId)
    page = <ConclusionPage departmentId={session.user.departmentId} />;
  else if (path === '/rectification' && session.user.departmentId)
    page = <RectificationPage departmentId={session.user.departmentId} />;
  else if (path === '/moderation' && (organizationStaff || session.user.role === 'leader'))
    page = <ModerationPage role={session.user.role} />;
  else if (path === '/findings' && (organizationStaff || session.user.role === 'leader'))
    page = <FindingsPage role={session.user.role} />;
  else if (path === '/report' && session.user.role !== 'liaison')
    page = <QualityReportPage session={session} />;
  else if (path === '/users' && session.user.role === 'admin')
    page = <UsersPage actorRole="admin" actorId={session.user.id} />;
  else if (
    path === '/sign-on' &&
    (session.user.role === 'security_admin' || session.user.role === 'admin')
  )
    page = <SignOnPage canEdit={session.user.role === 'security_admin'} />;
  else if (path === '/teachers' && session.user.role !== 'reviewer')
    page = <RosterPage canImport={organizationStaff} />;
  else if (path === '/activities' && session.user.role !== 'reviewer')
    page = <ActivitiesPage office={organizationStaff} departmentId={session.user.departmentId} />;
  else if (path === '/surveys' && (organizationStaff || session.user.role === 'leader'))
    page = <SurveysPage canEdit={organizationStaff} />;
  return (
    <AppShell session={session} onSignOut={onSignOut}>
      <Suspense fallback={<Spin style={{ display: 'block', margin: '20vh auto' }} />}>
        {page}
      </Suspense>
    </AppShell>
  );
}
