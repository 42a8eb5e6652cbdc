import { AppError } from '../../../shared/errors';
import type { Database } from '../../db/client';
import type { Actor } from '../auth/actor';
import { findOrganization } from './organization.repository';

export async function currentOrganization(db: Database, actor: Actor) {
  const organization = await findOrganization(db, actor.organizationId);
  if (!organization) throw new AppError('organization.not_found');
  return { id: organization.id, name: organization.name, kind: organization.kind };
}
