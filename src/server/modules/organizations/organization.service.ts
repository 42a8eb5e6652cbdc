import { eq } from 'drizzle-orm';
import { AppError } from '../../../shared/errors';
import { isTimeZone } from '../../../shared/time-format';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { findOrganization } from './organization.repository';
import { organizations } from './organization.table';

export async function currentOrganization(db: Database, actor: Actor) {
  const organization = await findOrganization(db, actor.organizationId);
  if (!organization) throw new AppError('organization.not_found');
  return {
    id: organization.id,
    name: organization.name,
    kind: organization.kind,
    timeZone: organization.timeZone,
  };
}

/** The institution's time zone (an IANA name Intl knows); audited. */
export async function setOrganizationTimeZone(
  db: Database,
  clock: Clock,
  actor: Actor,
  timeZone: string,
) {
  if (!isTimeZone(timeZone)) throw new AppError('organization.invalid_time_zone', { timeZone });
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organizations)
      .where(eq(organizations.id, actor.organizationId))
      .for('update');
    if (!before) throw new AppError('organization.not_found');
    await tx
      .update(organizations)
      .set({ timeZone, updatedAt: clock.now() })
      .where(eq(organizations.id, before.id));
    await recordAudit(tx, clock, actor, {
      action: 'organization.time_zone',
      entityType: 'organization',
      entityId: before.id,
      before: { timeZone: before.timeZone },
      after: { timeZone },
    });
    return { id: before.id, name: before.name, kind: before.kind, timeZone };
  });
}
