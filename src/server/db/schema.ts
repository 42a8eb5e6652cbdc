/** Every table, for drizzle-kit and for the typed database handle. */
export * from '../modules/organizations/organization.table';
export * from '../modules/departments/department.table';
export * from '../modules/standards/standard.table';
export * from '../modules/plans/plan.table';
export * from '../modules/users/user.table';
export * from '../modules/auth/session.table';
export * from '../modules/auth/sign-in-failure.table';
export * from '../modules/audit/audit.table';
export * from '../modules/breakdowns/breakdown.table';
export * from '../modules/obligations/obligation.table';
export * from '../modules/conclusion/conclusion.table';
export * from '../modules/findings/finding.table';
export * from '../modules/evidence/evidence.table';
export * from '../modules/ledger/ledger.table';
export * from '../modules/reports/report.table';
export * from '../modules/jobs/job.table';
export * from '../modules/supervision/supervision.table';
