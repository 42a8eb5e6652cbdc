import { AppError } from '../../../shared/errors';
import type { Executor } from '../../db/client';
import { findPlanWithStandard } from './plan.repository';

/** The plan of the organization, with its standard's title; anything else is plan.not_found. */
export async function requirePlan(executor: Executor, organizationId: string, planId: string) {
  const found = await findPlanWithStandard(executor, organizationId, planId);
  if (!found) throw new AppError('plan.not_found');
  return found;
}
