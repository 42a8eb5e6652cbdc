import type { OperationDefinition } from './operation';
import { assignmentsApi } from './assignments';
import { auditApi } from './audit';
import { authApi } from './auth';
import { breakdownsApi } from './breakdowns';
import { conclusionApi } from './conclusion';
import { departmentsApi } from './departments';
import { evidenceApi } from './evidence';
import { findingsApi } from './findings';
import { importsApi } from './imports';
import { jobsApi } from './jobs';
import { ledgerApi } from './ledger';
import { obligationsApi } from './obligations';
import { organizationsApi } from './organizations';
import { outboundApi } from './outbound';
import { oversightApi } from './oversight';
import { plansApi } from './plans';
import { reportsApi } from './reports';
import { ssoApi } from './sso';
import { standardsApi } from './standards';
import { supervisionApi } from './supervision';
import { systemApi } from './system';
import { usersApi } from './users';
import { conductReportsApi } from './conduct-reports';
import { activitiesApi } from './activities';
import { extensionsApi } from './extensions';
import { notificationsApi } from './notifications';
import { satisfactionApi } from './satisfaction';
import { surveysApi } from './surveys';
import { teachersApi } from './teachers';
import { todoApi } from './todo';
import { dashboardApi } from './dashboard';

/** Every operation the API serves, by feature. */
export const apis = {
  system: systemApi,
  auth: authApi,
  sso: ssoApi,
  outbound: outboundApi,
  users: usersApi,
  organizations: organizationsApi,
  departments: departmentsApi,
  standards: standardsApi,
  plans: plansApi,
  imports: importsApi,
  breakdowns: breakdownsApi,
  assignments: assignmentsApi,
  obligations: obligationsApi,
  evidence: evidenceApi,
  ledger: ledgerApi,
  conclusion: conclusionApi,
  findings: findingsApi,
  audit: auditApi,
  jobs: jobsApi,
  reports: reportsApi,
  supervision: supervisionApi,
  oversight: oversightApi,
  activities: activitiesApi,
  extensions: extensionsApi,
  notifications: notificationsApi,
  satisfaction: satisfactionApi,
  surveys: surveysApi,
  teachers: teachersApi,
  todo: todoApi,
  conductReports: conductReportsApi,
  dashboard: dashboardApi,
} as const;

type Apis = typeof apis;
/** Every operation's definition, one type. */
export type AnyOperation = { [F in keyof Apis]: Apis[F][keyof Apis[F]] }[keyof Apis];
export type OperationId = AnyOperation['id'];

/** Every operation, by its id. */
export const operations = Object.fromEntries(
  Object.values(apis).flatMap((api) =>
    Object.values(api as Record<string, OperationDefinition>).map((operation) => [
      operation.id,
      operation,
    ]),
  ),
) as { readonly [K in OperationId]: Extract<AnyOperation, { id: K }> };
