/** Every table, for drizzle-kit and for the typed database handle. */
export * from '../modules/organizations/organization.table';
export * from '../modules/departments/department.table';
export * from '../modules/standards/standard.table';
export * from '../modules/plans/plan.table';
export * from '../modules/users/user.table';
export * from '../modules/auth/session.table';
export * from '../modules/audit/audit.table';
export * from '../modules/breakdowns/breakdown.table';
