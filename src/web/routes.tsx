import { lazy, type ReactElement } from 'react';
import { roleMayCall } from '../shared/access';
import { assignmentsApi } from '../shared/api/assignments';
import { auditApi } from '../shared/api/audit';
import { authApi } from '../shared/api/auth';
import { breakdownsApi } from '../shared/api/breakdowns';
import { conclusionApi } from '../shared/api/conclusion';
import { conductReportsApi } from '../shared/api/conduct-reports';
import { departmentsApi } from '../shared/api/departments';
import { findingsApi } from '../shared/api/findings';
import { importsApi } from '../shared/api/imports';
import { ledgerApi } from '../shared/api/ledger';
import { obligationsApi } from '../shared/api/obligations';
import type { OperationDefinition } from '../shared/api/operation';
import { outboundApi } from '../shared/api/outbound';
import { oversightApi } from '../shared/api/oversight';
import { plansApi } from '../shared/api/plans';
import { reportsApi } from '../shared/api/reports';
import { ssoApi } from '../shared/api/sso';
import { supervisionApi } from '../shared/api/supervision';
import { usersApi } from '../shared/api/users';
import { activitiesApi } from '../shared/api/activities';
import { notificationsApi } from '../shared/api/notifications';
import { satisfactionApi } from '../shared/api/satisfaction';
import { surveysApi } from '../shared/api/surveys';
import { teachersApi } from '../shared/api/teachers';
import { todoApi } from '../shared/api/todo';
import type { MessageKey } from '../shared/i18n/messages';
import type { SessionResponse } from './api/types';

const PlanPage = lazy(() => import('./features/plans/PlanPage'));
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
const LedgerPage = lazy(() => import('./features/ledger/LedgerPage'));
const SupervisionPage = lazy(() => import('./features/supervision/SupervisionPage'));
const NoticesPage = lazy(() => import('./features/supervision/NoticesPage'));
const ConclusionPage = lazy(() => import('./features/conclusion/ConclusionPage'));
const RectificationPage = lazy(() => import('./features/findings/RectificationPage'));
const ModerationPage = lazy(() => import('./features/conclusion/ModerationPage'));
const FindingsPage = lazy(() => import('./features/findings/FindingsPage'));
const QualityReportPage = lazy(() => import('./features/reports/QualityReportPage'));
const FigureRecordsPage = lazy(() => import('./features/reports/FigureRecordsPage'));
const UsersPage = lazy(() => import('./features/users/UsersPage'));
const AuditPage = lazy(() => import('./features/audit/AuditPage'));
const SignOnPage = lazy(() => import('./features/sso/SignOnPage'));
const OutboundPage = lazy(() => import('./features/outbound/OutboundPage'));
const OversightPage = lazy(() => import('./features/oversight/OversightPage'));
const BulkProgressPage = lazy(() => import('./features/ledger/BulkProgressPage'));
const TodoPage = lazy(() => import('./features/todo/TodoPage'));
const MessagesPage = lazy(() => import('./features/messages/MessagesPage'));
const ActivitiesPage = lazy(() => import('./features/activities/ActivitiesPage'));
const SurveysPage = lazy(() => import('./features/surveys/SurveysPage'));
const ConductCasesPage = lazy(() => import('./features/conduct-reports/ConductCasesPage'));
const ConductCasePage = lazy(() => import('./features/conduct-reports/ConductCasePage'));
const SatisfactionPage = lazy(() => import('./features/satisfaction/SatisfactionPage'));
const RosterPage = lazy(() => import('./features/teachers/RosterPage'));
const OversightInstitutionPage = lazy(
  () => import('./features/oversight/OversightInstitutionPage'),
);

/** What a page is given: the session, the path's parameters, and who may call what. */
export interface PageContext {
  session: SessionResponse;
  params: Record<string, string>;
  departmentId: string;
  mayCall(operation: OperationDefinition): boolean;
  onSignOut(): void;
}

export interface AppRoute {
  /** `/board/:departmentId`: each `:name` is a parameter of the page. */
  path: string;
  /** Where it sits in the menu (the plan's three phases, then administration); absent: no entry. */
  menu?: { group: MessageKey | null; label: MessageKey };
  /** Who sees the page: whoever may call this operation (the permission is the definition's). */
  operation: OperationDefinition;
  /** true: only users of a department (liaisons, or office users with one); false: not liaisons. */
  department?: boolean;
  /** A further condition on who sees it. */
  when?(session: SessionResponse): boolean;
  render(context: PageContext): ReactElement;
}

/**
 * Every page of the signed-in app, in the menu's order (动员部署 → 深化推进 → 成果总结, then
 * administration): the menu (AppShell) and the page chooser (Workspace) both read this table.
 */
export const appRoutes: readonly AppRoute[] = [
  {
    // 我的待办: the home of liaisons and the office (homeRoute).
    path: '/todo',
    menu: { group: null, label: 'nav.todo' },
    operation: todoApi.mine,
    when: (session) => ['admin', 'coordinator', 'liaison'].includes(session.user.role),
    render: ({ session }) => <TodoPage role={session.user.role} />,
  },
  {
    path: '/plan',
    menu: { group: null, label: 'nav.plan' },
    operation: plansApi.tree,
    // An overseer's organization has no plan of its own: their home is the institutions overview.
    when: (session) => session.user.role !== 'overseer',
    render: ({ session, mayCall }) => (
      <PlanPage
        canImport={mayCall(importsApi.importPlan)}
        departmentId={session.user.role === 'liaison' ? session.user.departmentId : null}
      />
    ),
  },
  {
    path: '/messages',
    operation: notificationsApi.messagesList,
    render: ({ mayCall }) => (
      <MessagesPage office={mayCall(notificationsApi.messagesUpdateSettings)} />
    ),
  },
  {
    path: '/dashboard',
    menu: { group: null, label: 'nav.dashboard' },
    operation: breakdownsApi.dashboard,
    render: () => <DashboardPage />,
  },
  {
    path: '/oversight',
    menu: { group: null, label: 'nav.oversight' },
    operation: oversightApi.overview,
    render: () => <OversightPage />,
  },
  {
    path: '/oversight/:institutionId',
    operation: oversightApi.institution,
    render: ({ params }) => <OversightInstitutionPage institutionId={params.institutionId!} />,
  },
  {
    path: '/breakdown',
    menu: { group: 'nav.group.mobilize', label: 'nav.myBreakdown' },
    operation: breakdownsApi.get,
    department: true,
    // Whoever fills it in: a liaison, or an office user of a department with duties of its own.
    when: (session) => roleMayCall(breakdownsApi.measuresCreate.access, session.user.role),
    render: ({ departmentId }) => <BreakdownPage departmentId={departmentId} mode="edit" />,
  },
  {
    path: '/board',
    menu: { group: 'nav.group.mobilize', label: 'nav.board' },
    operation: breakdownsApi.board,
    render: () => <BoardPage />,
  },
  {
    path: '/board/:departmentId',
    operation: breakdownsApi.board,
    render: ({ params, mayCall }) => (
      <BreakdownPage
        departmentId={params.departmentId!}
        mode={mayCall(breakdownsApi.review) ? 'review' : 'read'}
      />
    ),
  },
  {
    path: '/assignments',
    menu: { group: 'nav.group.mobilize', label: 'nav.assignments' },
    operation: assignmentsApi.set,
    render: () => <AssignmentsPage />,
  },
  {
    path: '/departments',
    menu: { group: 'nav.group.mobilize', label: 'nav.departments' },
    operation: departmentsApi.create,
    render: () => <DepartmentsPage />,
  },
  {
    path: '/import',
    operation: importsApi.importPlan,
    render: () => <ImportWizardPage />,
  },
  {
    path: '/progress',
    menu: { group: 'nav.group.execute', label: 'nav.progress' },
    operation: ledgerApi.report,
    department: true,
    render: ({ departmentId }) => <ProgressPage departmentId={departmentId} />,
  },
  {
    path: '/progress/bulk',
    menu: { group: 'nav.group.execute', label: 'nav.bulkProgress' },
    operation: ledgerApi.reportPeriod,
    department: true,
    render: ({ departmentId }) => <BulkProgressPage departmentId={departmentId} />,
  },
  {
    path: '/duties',
    menu: { group: 'nav.group.execute', label: 'nav.duties' },
    operation: obligationsApi.occurrencesRecord,
    department: true,
    render: ({ departmentId }) => <DutiesPage departmentId={departmentId} />,
  },
  {
    path: '/ledger',
    menu: { group: 'nav.group.execute', label: 'nav.ledger' },
    operation: ledgerApi.overview,
    render: ({ mayCall }) => <LedgerPage canConfigure={mayCall(ledgerApi.setSettings)} />,
  },
  {
    path: '/obligations',
    menu: { group: 'nav.group.execute', label: 'nav.obligations' },
    operation: obligationsApi.create,
    render: () => <ObligationsPage />,
  },
  {
    path: '/supervision',
    menu: { group: 'nav.group.execute', label: 'nav.supervision' },
    operation: supervisionApi.overdue,
    render: () => <SupervisionPage />,
  },
  {
    // 督办通知单 to a liaison's department (the office reads them on the supervision page).
    path: '/notices',
    menu: { group: 'nav.group.execute', label: 'nav.notices' },
    operation: supervisionApi.notices,
    when: (session) => session.user.role === 'liaison',
    render: () => <NoticesPage />,
  },
  {
    path: '/conclusion',
    menu: { group: 'nav.group.conclude', label: 'nav.conclusion' },
    operation: conclusionApi.summariesSave,
    department: true,
    render: ({ departmentId }) => <ConclusionPage departmentId={departmentId} />,
  },
  {
    path: '/rectification',
    menu: { group: 'nav.group.conclude', label: 'nav.rectification' },
    operation: findingsApi.recordAction,
    department: true,
    render: ({ departmentId }) => <RectificationPage departmentId={departmentId} />,
  },
  {
    path: '/moderation',
    menu: { group: 'nav.group.conclude', label: 'nav.moderation' },
    operation: conclusionApi.moderationGet,
    render: ({ session }) => <ModerationPage role={session.user.role} />,
  },
  {
    path: '/findings',
    menu: { group: 'nav.group.conclude', label: 'nav.findings' },
    operation: findingsApi.list,
    // A department's findings are its 问题整改 page.
    department: false,
    render: ({ session }) => <FindingsPage role={session.user.role} />,
  },
  {
    path: '/report',
    menu: { group: 'nav.group.conclude', label: 'nav.report' },
    operation: reportsApi.list,
    render: ({ session }) => <QualityReportPage session={session} />,
  },
  {
    // The records behind one figure of a report, read-only (no menu entry: the report's figures link here).
    path: '/report-records',
    operation: reportsApi.figureRecords,
    render: () => <FigureRecordsPage />,
  },
  {
    path: '/teachers',
    menu: { group: 'nav.group.teachers', label: 'nav.teachers' },
    operation: teachersApi.list,
    render: ({ mayCall }) => <RosterPage canImport={mayCall(teachersApi.import)} />,
  },
  {
    path: '/activities',
    menu: { group: 'nav.group.teachers', label: 'nav.activities' },
    operation: activitiesApi.list,
    render: ({ session, mayCall }) => (
      <ActivitiesPage
        office={mayCall(activitiesApi.createKind)}
        departmentId={session.user.departmentId}
      />
    ),
  },
  {
    path: '/surveys',
    menu: { group: 'nav.group.teachers', label: 'nav.surveys' },
    operation: surveysApi.list,
    render: ({ mayCall }) => <SurveysPage canEdit={mayCall(surveysApi.create)} />,
  },
  {
    path: '/satisfaction',
    menu: { group: 'nav.group.teachers', label: 'nav.satisfaction' },
    operation: satisfactionApi.record,
    render: () => <SatisfactionPage />,
  },
  {
    // 师德师风监督举报: only the case handler may call these, so only they see the pages.
    path: '/conduct-cases',
    menu: { group: 'nav.group.teachers', label: 'nav.conductCases' },
    operation: conductReportsApi.list,
    render: () => <ConductCasesPage />,
  },
  {
    path: '/conduct-cases/:id',
    operation: conductReportsApi.get,
    render: ({ params }) => <ConductCasePage id={params.id!} />,
  },
  {
    path: '/users',
    menu: { group: 'nav.group.system', label: 'nav.users' },
    operation: usersApi.create,
    render: ({ session }) => <UsersPage actorRole={session.user.role} actorId={session.user.id} />,
  },
  {
    path: '/audit',
    menu: { group: 'nav.group.system', label: 'nav.audit' },
    operation: auditApi.list,
    render: () => <AuditPage />,
  },
  {
    path: '/sign-on',
    menu: { group: 'nav.group.system', label: 'nav.signOn' },
    operation: ssoApi.config,
    render: ({ mayCall }) => (
      <SignOnPage canEdit={mayCall(ssoApi.createProvider)} canTest={mayCall(ssoApi.startTest)} />
    ),
  },
  {
    path: '/outbound',
    menu: { group: 'nav.group.system', label: 'nav.outbound' },
    operation: outboundApi.settings,
    render: () => <OutboundPage />,
  },
  {
    path: '/security',
    operation: authApi.session,
    render: ({ session, onSignOut }) => <SecurityPage session={session} onSignOut={onSignOut} />,
  },
];

/** Whether this user sees the route (in the menu, and at its address). */
export function mayOpen(route: AppRoute, session: SessionResponse): boolean {
  if (!roleMayCall(route.operation.access, session.user.role)) return false;
  if (route.department === true && !session.user.departmentId) return false;
  // An office user who also belongs to a department keeps the organization-wide pages.
  if (route.department === false && session.user.role === 'liaison') return false;
  return route.when ? route.when(session) : true;
}

/**
 * The route an address names, with its parameters, among those this user may open; `known`
 * when the address names a page this user may not open.
 */
export function matchRoute(
  path: string,
  session: SessionResponse,
): { route: AppRoute; params: Record<string, string> } | 'known' | null {
  let known = false;
  for (const route of appRoutes) {
    const names: string[] = [];
    const pattern = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}/?$`).exec(path);
    if (!match) continue;
    known = true;
    if (!mayOpen(route, session)) continue;
    return {
      route,
      params: Object.fromEntries(
        names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]),
      ),
    };
  }
  return known ? 'known' : null;
}

/** Where a role lands, when it may open that page: leaders on the year's dashboard, reviewers on the report they judge. */
const homes: Partial<Record<SessionResponse['user']['role'], string>> = {
  leader: '/dashboard',
  reviewer: '/report',
};

/**
 * A user's first page: liaisons and the office land on 我的待办 (the table's first entry), leaders
 * on the dashboard, reviewers on the quality report; those who read no plan on their first menu entry.
 */
export function homeRoute(session: SessionResponse): AppRoute | null {
  const preferred = homes[session.user.role];
  const home = preferred
    ? appRoutes.find((route) => route.path === preferred && mayOpen(route, session))
    : undefined;
  return home ?? appRoutes.find((route) => route.menu && mayOpen(route, session)) ?? null;
}
