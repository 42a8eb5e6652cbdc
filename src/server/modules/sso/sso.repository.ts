import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { organizations } from '../organizations/organization.table';
import { users, type User } from '../users/user.table';
import {
  externalIdentities,
  identityProviders,
  ssoAttempts,
  ssoTestSignIns,
  type IdentityProvider,
  type SsoAttempt,
  type SsoTestSignIn,
} from './sso.table';

export type NewIdentityProvider = typeof identityProviders.$inferInsert;
export type NewSsoAttempt = typeof ssoAttempts.$inferInsert;
export type NewSsoTestSignIn = typeof ssoTestSignIns.$inferInsert;

export async function listProvidersOfOrganization(
  executor: Executor,
  organizationId: string,
): Promise<IdentityProvider[]> {
  return executor
    .select()
    .from(identityProviders)
    .where(eq(identityProviders.organizationId, organizationId))
    .orderBy(asc(identityProviders.createdAt));
}

export async function findProviderInOrganization(
  executor: Executor,
  organizationId: string,
  id: string,
): Promise<IdentityProvider | undefined> {
  const [row] = await executor
    .select()
    .from(identityProviders)
    .where(and(eq(identityProviders.organizationId, organizationId), eq(identityProviders.id, id)));
  return row;
}

/** A provider by id alone: the sign-in steps come before anyone is signed in, and the provider names its organization. */
export async function findEnabledProvider(
  executor: Executor,
  id: string,
): Promise<IdentityProvider | undefined> {
  const [row] = await executor
    .select()
    .from(identityProviders)
    .where(and(eq(identityProviders.id, id), eq(identityProviders.enabled, true)));
  return row;
}

/** Every enabled provider of the deployment, with its organization's name, for the sign-in page. */
export async function listEnabledProviders(executor: Executor) {
  return executor
    .select({
      id: identityProviders.id,
      kind: identityProviders.kind,
      displayName: identityProviders.displayName,
      organizationName: organizations.name,
    })
    .from(identityProviders)
    .innerJoin(organizations, eq(organizations.id, identityProviders.organizationId))
    .where(eq(identityProviders.enabled, true))
    .orderBy(asc(organizations.name), asc(identityProviders.createdAt));
}

export async function insertProvider(
  executor: Executor,
  provider: NewIdentityProvider,
): Promise<IdentityProvider> {
  const [row] = await executor.insert(identityProviders).values(provider).returning();
  if (!row) throw new Error('insert returned no provider');
  return row;
}

/** Writes the changes only if the provider is still at `version`; undefined when it is not. */
export async function updateProviderAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<NewIdentityProvider>,
): Promise<IdentityProvider | undefined> {
  const [row] = await executor
    .update(identityProviders)
    .set({ ...changes, version: sql`${identityProviders.version} + 1` })
    .where(and(eq(identityProviders.id, id), eq(identityProviders.version, version)))
    .returning();
  return row;
}

export async function findLinkedUser(
  executor: Executor,
  providerId: string,
  subject: string,
): Promise<User | undefined> {
  const [row] = await executor
    .select({ user: users })
    .from(externalIdentities)
    .innerJoin(users, eq(users.id, externalIdentities.userId))
    .where(
      and(eq(externalIdentities.providerId, providerId), eq(externalIdentities.subject, subject)),
    );
  return row?.user;
}

/** A user of this organization by user name, any case. */
export async function findUserOfOrganizationByUsername(
  executor: Executor,
  organizationId: string,
  username: string,
): Promise<User | undefined> {
  const [row] = await executor
    .select()
    .from(users)
    .where(
      and(
        eq(users.organizationId, organizationId),
        sql`lower(${users.username}) = lower(${username})`,
      ),
    );
  return row;
}

/** Links a campus id to a user; a link made meanwhile by another sign-in is kept. */
export async function linkIdentity(
  executor: Executor,
  link: typeof externalIdentities.$inferInsert,
): Promise<void> {
  await executor.insert(externalIdentities).values(link).onConflictDoNothing();
}

export async function touchIdentity(
  executor: Executor,
  providerId: string,
  subject: string,
  at: Date,
): Promise<void> {
  await executor
    .update(externalIdentities)
    .set({ lastSignInAt: at })
    .where(
      and(eq(externalIdentities.providerId, providerId), eq(externalIdentities.subject, subject)),
    );
}

export async function insertAttempt(
  executor: Executor,
  attempt: NewSsoAttempt,
  now: Date,
): Promise<void> {
  await executor.delete(ssoAttempts).where(lt(ssoAttempts.expiresAt, now));
  await executor.insert(ssoAttempts).values(attempt);
}

/** Takes an attempt out: it can be used once, and only before it expires. */
export async function takeAttempt(
  executor: Executor,
  tokenHash: string,
  purpose: SsoAttempt['purpose'],
  now: Date,
): Promise<SsoAttempt | undefined> {
  const [row] = await executor
    .delete(ssoAttempts)
    .where(and(eq(ssoAttempts.tokenHash, tokenHash), eq(ssoAttempts.purpose, purpose)))
    .returning();
  return row && row.expiresAt > now ? row : undefined;
}

export async function findAttempt(
  executor: Executor,
  tokenHash: string,
  purpose: SsoAttempt['purpose'],
  now: Date,
): Promise<SsoAttempt | undefined> {
  const [row] = await executor
    .select()
    .from(ssoAttempts)
    .where(and(eq(ssoAttempts.tokenHash, tokenHash), eq(ssoAttempts.purpose, purpose)));
  return row && row.expiresAt > now ? row : undefined;
}

export async function deleteAttempt(executor: Executor, tokenHash: string): Promise<void> {
  await executor.delete(ssoAttempts).where(eq(ssoAttempts.tokenHash, tokenHash));
}

/** An attempt by its token, whatever its purpose and even expired: only to know what the callback finishes. */
export async function peekAttempt(
  executor: Executor,
  tokenHash: string,
): Promise<SsoAttempt | undefined> {
  const [row] = await executor
    .select()
    .from(ssoAttempts)
    .where(eq(ssoAttempts.tokenHash, tokenHash));
  return row;
}

export async function insertTestSignIn(
  executor: Executor,
  test: NewSsoTestSignIn,
): Promise<SsoTestSignIn> {
  const [row] = await executor.insert(ssoTestSignIns).values(test).returning();
  if (!row) throw new Error('insert returned no test sign-in');
  return row;
}

/** A provider's recent test sign-ins, newest first, with who started each. */
export async function listTestSignIns(
  executor: Executor,
  organizationId: string,
  providerId: string,
  limit: number,
): Promise<(SsoTestSignIn & { startedByName: string })[]> {
  const rows = await executor
    .select({ test: ssoTestSignIns, startedByName: users.displayName })
    .from(ssoTestSignIns)
    .innerJoin(users, eq(users.id, ssoTestSignIns.startedBy))
    .where(
      and(
        eq(ssoTestSignIns.organizationId, organizationId),
        eq(ssoTestSignIns.providerId, providerId),
      ),
    )
    .orderBy(desc(ssoTestSignIns.finishedAt), desc(ssoTestSignIns.startedAt))
    .limit(limit);
  return rows.map((row) => ({ ...row.test, startedByName: row.startedByName }));
}
