import type { SsoTestClaims, SsoTestMatch, SsoTestSignInView } from '../../../shared/api/sso';
import { AppError } from '../../../shared/errors';
import { mapIdentity, type CampusIdentity } from '../../../shared/sso/identity-mapping';
import { hashSessionToken } from '../../http/access-control';
import { recordAudit } from '../audit/audit.service';
import { type Actor, actorOfUser } from '../auth/actor';
import type { RequestOrigin } from '../auth/auth.service';
import { listDepartments } from '../departments/department.repository';
import { findUserInOrganization } from '../users/user.repository';
import {
  findProviderInOrganization,
  insertTestSignIn,
  listTestSignIns,
  peekAttempt,
} from './sso.repository';
import type { IdentityProvider, SsoAttempt, SsoTestSignIn } from './sso.table';
import type { SsoServiceDependencies } from './sso.service';
import type { SsoAccounts } from './sso-accounts';
import type { SsoProtocols } from './sso-protocols';
import {
  type SsoOutcome,
  type Vouched,
  refusal,
  TEST_RESULTS_SHOWN,
  campusIdAttributeOf,
  identityOf,
  redacted,
  mappingOf,
} from './sso-common';

/**
 * 测试登录: the security admin's test sign-in (src/shared/sso/test-sign-in.ts). The same
 * verification as a sign-in, then the account it would reach; recorded in sso_test_sign_ins and audited.
 */
export function createSsoTestSignInService({
  db,
  clock,
  protocols,
  accounts,
}: Pick<SsoServiceDependencies, 'db' | 'clock'> & {
  protocols: SsoProtocols;
  accounts: SsoAccounts;
}) {
  const { openAttempt } = protocols;
  const { decideAccount } = accounts;
  /**
   * The account a test sign-in would reach, changing nothing: the same decision as a sign-in, and
   * what signing in would then refuse (a disabled or locked account) or still ask (the TOTP code).
   */
  async function wouldSignInAs(
    provider: IdentityProvider,
    identity: CampusIdentity,
  ): Promise<SsoTestMatch> {
    const decision = await decideAccount(db, provider, identity);
    const departments = await listDepartments(db, provider.organizationId);
    if (decision.how === 'created')
      return {
        how: 'created',
        userId: null,
        username: identity.campusId,
        displayName: identity.displayName ?? identity.campusId,
        role: provider.defaultRole,
        departmentName: decision.department?.name ?? null,
        asksTotp: false,
      };
    const { user } = decision;
    if (user.disabled)
      throw refusal(
        'auth.account_disabled',
        'account_disabled',
        `the account ${user.username} is disabled`,
        {
          username: user.username,
        },
      );
    if (user.lockedUntil && user.lockedUntil > clock.now())
      throw refusal(
        'auth.account_locked',
        'account_locked',
        `the account ${user.username} is locked until ${user.lockedUntil.toISOString()}`,
        { username: user.username, until: user.lockedUntil.toISOString() },
      );
    return {
      how: decision.how,
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      departmentName: departments.find((d) => d.id === user.departmentId)?.name ?? null,
      asksTotp: user.totpEnabledAt !== null,
    };
  }

  function claimsOf(provider: IdentityProvider, vouched: Vouched): SsoTestClaims {
    const identity = mapIdentity(vouched.subject, vouched.attributes, mappingOf(provider));
    return {
      subject: vouched.subject.slice(0, 200),
      campusIdAttribute: campusIdAttributeOf(provider),
      campusId: identity?.campusId.slice(0, 200) ?? null,
      displayName: identity?.displayName ?? null,
      email: identity?.email ?? null,
      departmentName: identity?.departmentName?.slice(0, 200) ?? null,
      attributeNames: Object.keys(vouched.attributes).sort().slice(0, 60),
    };
  }

  /** Records a finished test sign-in and audits it (who, which provider, the outcome). */
  async function recordTest(
    provider: IdentityProvider,
    startedBy: Actor,
    startedAt: Date,
    result: { claims: SsoTestClaims | null; match: SsoTestMatch | null; failure: unknown },
    secrets: readonly (string | undefined)[],
  ): Promise<SsoTestSignIn> {
    const { claims, match, failure } = result;
    const outcome = failure === null ? ('ok' as const) : ('refused' as const);
    const errorCode =
      failure === null ? null : failure instanceof AppError ? failure.code : 'internal';
    const carried = (failure ?? {}) as {
      reason?: unknown;
      detail?: unknown;
      reasonParams?: unknown;
      cause?: unknown;
      message?: unknown;
    };
    const reason =
      failure === null ? null : typeof carried.reason === 'string' ? carried.reason : null;
    const cause = carried.cause instanceof Error ? carried.cause.message : null;
    const text =
      failure === null
        ? null
        : typeof carried.detail === 'string'
          ? carried.detail
          : (cause ??
            (typeof carried.reason === 'string' ? carried.reason : String(carried.message ?? '')));
    const params =
      carried.reasonParams && typeof carried.reasonParams === 'object'
        ? Object.fromEntries(
            Object.entries(carried.reasonParams as Record<string, unknown>).map(([key, value]) => [
              key,
              redacted(String(value), secrets),
            ]),
          )
        : null;
    return db.transaction(async (tx) => {
      const row = await insertTestSignIn(tx, {
        organizationId: provider.organizationId,
        providerId: provider.id,
        startedBy: startedBy.userId,
        startedAt,
        finishedAt: clock.now(),
        outcome,
        errorCode,
        reason: reason ? redacted(reason, secrets) : null,
        reasonText: text ? redacted(text, secrets) : null,
        reasonParams: failure === null ? null : params,
        claims,
        wouldMatch: failure === null ? match : null,
        wouldMatchUserId: failure === null ? (match?.userId ?? null) : null,
      });
      await recordAudit(tx, clock, startedBy, {
        action: 'sso.test_sign_in',
        entityType: 'identity_provider',
        entityId: provider.id,
        after: {
          testId: row.id,
          providerId: provider.id,
          outcome,
          ...(errorCode ? { code: errorCode } : {}),
          ...(row.reason ? { reason: row.reason } : {}),
          ...(match && failure === null ? { wouldSignInAs: match.username, how: match.how } : {}),
        },
      });
      return row;
    });
  }

  /**
   * A test attempt comes back: exactly the verification of a sign-in, then the account it would
   * reach, and nothing else: no session, no link, no account, no sign-in time touched.
   */
  async function testCallback(
    attempt: SsoAttempt,
    providerId: string,
    kind: IdentityProvider['kind'],
    origin: RequestOrigin,
    secrets: readonly (string | undefined)[],
    verify: (provider: IdentityProvider) => Promise<Vouched>,
  ): Promise<SsoOutcome> {
    const provider = await findProviderInOrganization(db, attempt.organizationId, providerId);
    const user = attempt.userId
      ? await findUserInOrganization(db, attempt.organizationId, attempt.userId)
      : undefined;
    if (!provider || provider.kind !== kind) throw new AppError('sso.provider_not_found');
    if (!user) throw new AppError('sso.state_invalid');
    const startedBy = actorOfUser(user, origin);
    let claims: SsoTestClaims | null = null;
    let match: SsoTestMatch | null = null;
    let failure: unknown = null;
    try {
      const vouched = await verify(provider);
      claims = claimsOf(provider, vouched);
      match = await wouldSignInAs(provider, identityOf(provider, vouched));
    } catch (error) {
      failure = error;
    }
    const row = await recordTest(
      provider,
      startedBy,
      attempt.createdAt,
      { claims, match, failure },
      secrets,
    );
    return { kind: 'tested', testId: row.id };
  }

  /** The test attempt this browser brings back for this provider, if it is one (even expired: the test then says so). */
  async function testAttemptOf(providerId: string, attemptToken: string | undefined) {
    if (!attemptToken) return null;
    const attempt = await peekAttempt(db, hashSessionToken(attemptToken));
    return attempt?.purpose === 'test' && attempt.providerId === providerId ? attempt : null;
  }

  return {
    testAttemptOf,
    testCallback,

    /**
     * Opens a test attempt for a provider of the actor's organization (enabled or not: a provider is
     * tested before it is turned on). A provider that fails already here (discovery) ends the test.
     */
    async startTest(
      actor: Actor,
      providerId: string,
    ): Promise<
      | { kind: 'redirect'; location: string; attemptToken: string }
      | { kind: 'finished'; testId: string }
    > {
      const provider = await findProviderInOrganization(db, actor.organizationId, providerId);
      if (!provider) throw new AppError('sso.provider_not_found');
      const startedAt = clock.now();
      try {
        return { kind: 'redirect', ...(await openAttempt(provider, 'test', actor.userId)) };
      } catch (failure) {
        const row = await recordTest(
          provider,
          actor,
          startedAt,
          { claims: null, match: null, failure },
          [],
        );
        return { kind: 'finished', testId: row.id };
      }
    },

    async testResults(actor: Actor, providerId: string): Promise<SsoTestSignInView[]> {
      const provider = await findProviderInOrganization(db, actor.organizationId, providerId);
      if (!provider) throw new AppError('sso.provider_not_found');
      const rows = await listTestSignIns(db, actor.organizationId, provider.id, TEST_RESULTS_SHOWN);
      return rows.map((row) => ({
        id: row.id,
        providerId: row.providerId,
        startedByName: row.startedByName,
        startedAt: row.startedAt.toISOString(),
        finishedAt: row.finishedAt.toISOString(),
        outcome: row.outcome,
        errorCode: row.errorCode,
        reason: row.reason,
        reasonText: row.reasonText,
        reasonParams: row.reasonParams,
        claims: row.claims,
        wouldMatch: row.wouldMatch,
      }));
    },
  };
}

export type SsoTestSignInService = ReturnType<typeof createSsoTestSignInService>;
