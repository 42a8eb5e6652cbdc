import { isPrivilegedRole } from '../../../shared/powers';
import {
  findDepartmentByName,
  usableAsUsername,
  type CampusIdentity,
} from '../../../shared/sso/identity-mapping';
import type { Executor } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { insertAuditEntry } from '../audit/audit.repository';
import type { RequestOrigin } from '../auth/auth.service';
import { listDepartments } from '../departments/department.repository';
import { hashPassword } from '../users/password';
import { findUserByUsername, insertUser, lockAccountsOf } from '../users/user.repository';
import type { User } from '../users/user.table';
import { auditedUser } from '../users/user.service';
import {
  findLinkedUser,
  findUserOfOrganizationByUsername,
  linkIdentity,
  touchIdentity,
} from './sso.repository';
import type { IdentityProvider } from './sso.table';
import type { SsoServiceDependencies } from './sso.service';
import { type AccountDecision, refusal, newToken, campusIdAttributeOf } from './sso-common';

/** Account linking: which account a campus identity reaches, and (for a sign-in) linking or creating it. */
export function createSsoAccounts({ db, clock }: Pick<SsoServiceDependencies, 'db' | 'clock'>) {
  /** An audit entry of the sign-in steps, before anyone is signed in: the provider's organization, the campus id if known. */
  async function auditStep(
    executor: Executor,
    provider: IdentityProvider | null,
    origin: RequestOrigin,
    action: string,
    after: Record<string, unknown>,
    campusId?: string,
  ) {
    await insertAuditEntry(executor, {
      organizationId: provider?.organizationId ?? null,
      actorName: campusId ? campusId.slice(0, 100) : null,
      action,
      entityType: 'identity_provider',
      entityId: provider?.id ?? null,
      ip: origin.ip,
      userAgent: origin.userAgent,
      after,
      at: clock.now(),
    });
  }

  /**
   * The account a campus identity signs in as: the one linked to it, else the organization's user
   * of that name (then linked), else one created when the provider allows it. Otherwise
   * sso.no_account, and nothing is created.
   */
  async function accountFor(
    provider: IdentityProvider,
    identity: CampusIdentity,
    origin: RequestOrigin,
  ): Promise<User> {
    try {
      return await findOrMakeAccount(provider, identity, origin);
    } catch (error) {
      // The same person signing in twice at once: the other sign-in made the account or the link; use it.
      if (!isUniqueViolation(error)) throw error;
      return findOrMakeAccount(provider, identity, origin);
    }
  }

  /**
   * Which account a campus identity reaches, by the rules of a sign-in, changing nothing: the one
   * linked to it; else the organization's user of that name (an administrative or two-step one
   * only by a link); else a new one when the provider allows it. Otherwise the refusal, with why.
   */
  async function decideAccount(
    executor: Executor,
    provider: IdentityProvider,
    identity: CampusIdentity,
  ): Promise<AccountDecision> {
    const attribute = campusIdAttributeOf(provider);
    const linked = await findLinkedUser(executor, provider.id, identity.campusId);
    if (linked && linked.organizationId === provider.organizationId)
      return { how: 'linked', user: linked };
    const existing = await findUserOfOrganizationByUsername(
      executor,
      provider.organizationId,
      identity.campusId,
    );
    if (existing) {
      // An administrative account, or one that chose two-step verification, is never reached by a
      // name: a campus id that happens to read `admin` is not the admin. The security admin links them.
      if (isPrivilegedRole(existing.role) || existing.totpEnabledAt !== null)
        throw refusal(
          'sso.link_required',
          `name_matches_protected_account:${existing.role}`,
          `${attribute} ${identity.campusId} names the ${existing.role} account ${existing.username}${existing.totpEnabledAt ? ' (two-step verification on)' : ''}, reached only by a link the security admin makes`,
          {
            attribute,
            campusId: identity.campusId,
            role: existing.role,
            username: existing.username,
          },
        );
      return { how: 'username', user: existing };
    }
    const params = { attribute, campusId: identity.campusId };
    if (!provider.allowAccountCreation)
      throw refusal(
        'sso.no_account',
        'no_matching_user',
        `no account matches ${attribute} ${identity.campusId}, and creating accounts at first sign-in is off`,
        params,
      );
    if (!usableAsUsername(identity.campusId))
      throw refusal(
        'sso.no_account',
        'campus_id_not_a_username',
        `${attribute} ${identity.campusId} cannot be a user name (2–64 letters, digits, . _ @ -)`,
        params,
      );
    if (await findUserByUsername(executor, identity.campusId))
      throw refusal(
        'sso.no_account',
        'username_taken_elsewhere',
        `the user name ${identity.campusId} belongs to an account of another organization`,
        params,
      );
    const department = identity.departmentName
      ? findDepartmentByName(
          await listDepartments(executor, provider.organizationId),
          identity.departmentName,
        )
      : null;
    if (provider.defaultRole === 'liaison' && !department)
      throw identity.departmentName
        ? refusal(
            'sso.no_account',
            'department_unknown',
            `department ${identity.departmentName} (attribute ${provider.departmentAttribute}) is no department or alias here; a new liaison needs one`,
            {
              ...params,
              department: identity.departmentName,
              departmentAttribute: provider.departmentAttribute,
            },
          )
        : refusal(
            'sso.no_account',
            'department_missing',
            `the answer has no department (attribute ${provider.departmentAttribute || '(none)'}); a new liaison needs one`,
            { ...params, departmentAttribute: provider.departmentAttribute },
          );
    return { how: 'created', department };
  }

  async function findOrMakeAccount(
    provider: IdentityProvider,
    identity: CampusIdentity,
    origin: RequestOrigin,
  ): Promise<User> {
    return db.transaction(async (tx) => {
      const now = clock.now();
      const linked = await findLinkedUser(tx, provider.id, identity.campusId);
      if (linked && linked.organizationId === provider.organizationId) {
        await touchIdentity(tx, provider.id, identity.campusId, now);
        return linked;
      }
      // Linking or creating changes the organization's accounts: one at a time (as 用户管理 does), so a
      // second first sign-in of the same person waits for the first and then finds its link.
      await lockAccountsOf(tx, provider.organizationId);
      const decision = await decideAccount(tx, provider, identity);
      if (decision.how === 'linked') {
        await touchIdentity(tx, provider.id, identity.campusId, now);
        return decision.user;
      }
      const link = {
        organizationId: provider.organizationId,
        providerId: provider.id,
        subject: identity.campusId,
        createdAt: now,
        lastSignInAt: now,
      };
      if (decision.how === 'username') {
        const existing = decision.user;
        await linkIdentity(tx, { ...link, userId: existing.id });
        await auditStep(
          tx,
          provider,
          origin,
          'sso.identity_linked',
          { userId: existing.id, campusId: identity.campusId, how: 'username' },
          identity.campusId,
        );
        return existing;
      }
      const { department } = decision;
      // The password is random and never told: this account signs in through the campus system.
      const user = await insertUser(tx, {
        organizationId: provider.organizationId,
        username: identity.campusId,
        displayName: identity.displayName ?? identity.campusId,
        email: identity.email,
        role: provider.defaultRole,
        departmentId: department?.id ?? null,
        passwordHash: await hashPassword(newToken()),
        mustChangePassword: false,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      });
      await linkIdentity(tx, { ...link, userId: user.id });
      await auditStep(
        tx,
        provider,
        origin,
        'user.create',
        { ...auditedUser(user), via: provider.kind, departmentName: identity.departmentName },
        identity.campusId,
      );
      await auditStep(
        tx,
        provider,
        origin,
        'sso.identity_linked',
        { userId: user.id, campusId: identity.campusId, how: 'created' },
        identity.campusId,
      );
      return user;
    });
  }

  return { auditStep, accountFor, decideAccount };
}

export type SsoAccounts = ReturnType<typeof createSsoAccounts>;
