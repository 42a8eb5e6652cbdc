import { AppError } from '../../../shared/errors';
import type { Executor } from '../../db/client';
import type { Actor } from '../auth/actor';
import { findPlanWithDepartment } from '../plans/plan.repository';
import { findDepartmentInOrganization } from './department.repository';
import type { Department } from './department.table';

/** A department of the actor's organization that the actor may act for: a liaison only their own. */
export async function requireReachableDepartment(
  executor: Executor,
  actor: Actor,
  departmentId: string,
): Promise<Department> {
  const department = await findDepartmentInOrganization(
    executor,
    actor.organizationId,
    departmentId,
  );
  if (!department) throw new AppError('department.not_found');
  requireOwnDepartmentOfLiaison(actor, department.id);
  return department;
}

/** A liaison reaches their own department only; anyone else of the organization reaches any. */
export function requireOwnDepartmentOfLiaison(actor: Actor, departmentId: string): void {
  if (actor.role === 'liaison' && actor.departmentId !== departmentId)
    throw new AppError('auth.forbidden');
}

/**
 * The plan of the actor's organization and a department of it the actor may act for, read in one
 * statement: refused as `requirePlan` then `requireReachableDepartment` would refuse, in that order.
 */
export async function requirePlanAndReachableDepartment(
  executor: Executor,
  actor: Actor,
  planId: string,
  departmentId: string,
) {
  const found = await findPlanWithDepartment(executor, actor.organizationId, planId, departmentId);
  if (!found) throw new AppError('plan.not_found');
  const { department, ...plan } = found;
  if (!department) throw new AppError('department.not_found');
  requireOwnDepartmentOfLiaison(actor, department.id);
  return { ...plan, department };
}
