import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  createIdentityProviderBodySchema,
  IdentityProviderView,
  SignInProvider,
  SsoTestClaims,
  SsoTestMatch,
  SsoTestSignInView,
  UpdateIdentityProviderBody,
} from '../../../shared/api/sso';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { isPrivilegedRole } from '../../../shared/powers';
import { casLoginUrl } from '../../../shared/sso/cas-response';
import {
  findDepartmentByName,
  mapIdentity,
  usableAsUsername,
  type AttributeMapping,
  type CampusIdentity,
  type IdentityAttributes,
} from '../../../shared/sso/identity-mapping';
import { missingProviderSettings } from '../../../shared/sso/provider-settings';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database, Executor } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { hashSessionToken } from '../../http/access-control';
import { secretsEqual } from '../../http/secrets-equal';
import { insertAuditEntry } from '../audit/audit.repository';
import { recordAudit } from '../audit/audit.service';
import { type Actor, actorOfUser } from '../auth/actor';
import type { AuthService, RequestOrigin, SignedInSession, SignInVia } from '../auth/auth.service';
import { createSecretBox } from '../auth/secret-box';
import { listDepartments } from '../departments/department.repository';
import type { Department } from '../departments/department.table';
import { hashPassword } from '../users/password';
import {
  findUserByUsername,
  findUserInOrganization,
  insertUser,
  lockAccountsOf,
} from '../users/user.repository';
import type { User } from '../users/user.table';
import { auditedUser } from '../users/user.service';
import { validateCasTicket } from './cas.protocol';
import {
  authorizationUrl,
  discover,
  exchangeCode,
  fetchUserinfo,
  verifyIdToken,
} from './oidc.protocol';
import {
  deleteAttempt,
  findAttempt,
  findEnabledProvider,
  findLinkedUser,
  findProviderInOrganization,
  findUserOfOrganizationByUsername,
  insertAttempt,
  insertProvider,
  insertTestSignIn,
  linkIdentity,
  listEnabledProviders,
  listProvidersOfOrganization,
  listTestSignIns,
  peekAttempt,
  takeAttempt,
  touchIdentity,
  updateProviderAtVersion,
} from './sso.repository';
import type { IdentityProvider, SsoAttempt, SsoTestSignIn } from './sso.table';

type CreateProviderInput = z.output<typeof createIdentityProviderBodySchema>;

export interface SsoServiceDependencies {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'publicUrl' | 'secretKey' | 'dataDir'>;
  auth: AuthService;
}

/**
 * Where a sign-in goes next: signed in, or a TOTP code still owed (the attempt's cookie token);
 * or, for the security admin's test sign-in, nobody signed in and the result recorded.
 */
export type SsoOutcome =
  | { kind: 'signed-in'; session: SignedInSession }
  | { kind: 'totp-required'; attemptToken: string }
  | { kind: 'tested'; testId: string };

/** What a provider vouched for, once the protocol's checks passed. */
interface Vouched {
  subject: string;
  attributes: IdentityAttributes;
}

/** The account a campus identity reaches, decided by the same rules for a sign-in and a test. */
type AccountDecision =
  | { how: 'linked'; user: User }
  | { how: 'username'; user: User }
  | { how: 'created'; department: Department | null };

/** A refusal with its kind (`reason`), its exact words with their values (`detail`) and those values. */
function refusal(
  code: ErrorCode,
  reason: string,
  detail?: string,
  reasonParams?: Record<string, string>,
): AppError {
  return Object.assign(new AppError(code), {
    reason,
    ...(detail ? { detail } : {}),
    ...(reasonParams ? { reasonParams } : {}),
  });
}

/** The test sign-ins listed on the page. */
const TEST_RESULTS_SHOWN = 20;

/** How long a browser may take at the campus login page, and to type a TOTP code after it. */
const SIGN_IN_MINUTES = 10;
const SECOND_FACTOR_MINUTES = 5;

/** Codes whose failure the auth service has audited already (disabled, locked, TOTP). */
const auditedByAuth = (code: string) => code.startsWith('auth.');

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The attribute the campus id is read from, as the security admin configured it or the protocol's own. */
function campusIdAttributeOf(provider: IdentityProvider): string {
  return provider.campusIdAttribute || (provider.kind === 'cas' ? 'cas:user' : 'sub');
}

/** The campus identity a provider vouched for, by the mapping; a missing campus-id attribute is sso.no_account. */
function identityOf(provider: IdentityProvider, vouched: Vouched): CampusIdentity {
  const identity = mapIdentity(vouched.subject, vouched.attributes, mappingOf(provider));
  if (!identity) {
    const attribute = campusIdAttributeOf(provider);
    const given = Object.keys(vouched.attributes).sort().join(', ') || '(none)';
    throw refusal(
      'sso.no_account',
      `attribute_missing:${provider.campusIdAttribute}`,
      `attribute ${attribute} missing from the provider's answer (it gave: ${given})`,
      { attribute, given },
    );
  }
  return identity;
}

/** Replaces each of the callback's secrets (code, state, ticket, cookie token) in a text. */
function redacted(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets)
    if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out.slice(0, 500);
}

function mappingOf(provider: IdentityProvider): AttributeMapping {
  return {
    campusId: provider.campusIdAttribute,
    displayName: provider.displayNameAttribute,
    email: provider.emailAttribute,
    department: provider.departmentAttribute,
  };
}

/** What the audit log keeps of a provider: every setting, never the sealed secret. */
function auditedProvider(provider: IdentityProvider) {
  const { oidcClientSecret, ...rest } = provider;
  return { ...rest, oidcClientSecretSet: oidcClientSecret !== null };
}

export function createSsoService({ db, clock, config, auth }: SsoServiceDependencies) {
  const secrets = createSecretBox(config);
  const callbackUrl = (provider: Pick<IdentityProvider, 'id' | 'kind'>) =>
    `${config.publicUrl}/api/v1/sso/${provider.id}/${provider.kind}/callback`;
  const casServiceUrl = (provider: Pick<IdentityProvider, 'id' | 'kind'>, state: string) =>
    `${callbackUrl(provider)}?state=${encodeURIComponent(state)}`;

  function toView(provider: IdentityProvider): IdentityProviderView {
    return {
      id: provider.id,
      kind: provider.kind,
      displayName: provider.displayName,
      enabled: provider.enabled,
      casBaseUrl: provider.casBaseUrl,
      casVersion: provider.casVersion,
      oidcIssuer: provider.oidcIssuer,
      oidcClientId: provider.oidcClientId,
      oidcClientSecretSet: provider.oidcClientSecret !== null,
      oidcTokenAuth: provider.oidcTokenAuth,
      oidcScopes: provider.oidcScopes,
      mapping: mappingOf(provider),
      allowAccountCreation: provider.allowAccountCreation,
      defaultRole: provider.defaultRole,
      callbackUrl: callbackUrl(provider),
      version: provider.version,
      updatedAt: provider.updatedAt.toISOString(),
    };
  }

  function assertComplete(settings: Parameters<typeof missingProviderSettings>[0]) {
    const missing = missingProviderSettings(settings);
    if (missing.length > 0) {
      throw new AppError(
        'sso.settings_incomplete',
        { fields: missing.join(', ') },
        missing.map((path) => ({ path, message: 'required' })),
      );
    }
  }

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

  async function enabledProvider(
    providerId: string,
    kind?: IdentityProvider['kind'],
  ): Promise<IdentityProvider> {
    const provider = await findEnabledProvider(db, providerId);
    if (!provider || (kind && provider.kind !== kind)) throw new AppError('sso.provider_not_found');
    return provider;
  }

  /** The browser's attempt for this provider, used up; a missing, expired, foreign or replayed one is sso.state_invalid. */
  async function takeSignInAttempt(
    provider: IdentityProvider,
    attemptToken: string | undefined,
    purpose: 'sign_in' | 'test',
  ) {
    const attempt = attemptToken
      ? await takeAttempt(db, hashSessionToken(attemptToken), purpose, clock.now())
      : undefined;
    if (!attempt || attempt.providerId !== provider.id)
      throw attemptToken
        ? refusal(
            'sso.state_invalid',
            'unknown_or_used_attempt',
            `this browser's ${purpose === 'test' ? 'test ' : ''}sign-in attempt is unknown, already used or older than ${SIGN_IN_MINUTES} minutes`,
          )
        : refusal(
            'sso.state_invalid',
            'no_attempt_cookie',
            'the browser brought no sign-in attempt cookie back',
          );
    return attempt;
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

  /** From a vouched-for campus identity to a session (or to the TOTP step). */
  async function signInAs(
    provider: IdentityProvider,
    vouched: Vouched,
    sessionTokenHash: string,
    origin: RequestOrigin,
  ): Promise<SsoOutcome> {
    const identity = identityOf(provider, vouched);
    const user = await accountFor(provider, identity, origin);
    const via: SignInVia = { method: provider.kind, providerId: provider.id };
    try {
      return {
        kind: 'signed-in',
        session: await auth.signInVerified(user, sessionTokenHash, origin, { via }),
      };
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'auth.totp_required') throw error;
      const attemptToken = newToken();
      const now = clock.now();
      await insertAttempt(
        db,
        {
          tokenHash: hashSessionToken(attemptToken),
          organizationId: provider.organizationId,
          providerId: provider.id,
          purpose: 'second_factor',
          userId: user.id,
          createdAt: now,
          expiresAt: new Date(now.getTime() + SECOND_FACTOR_MINUTES * 60_000),
        },
        now,
      );
      return { kind: 'totp-required', attemptToken };
    }
  }

  /** Runs one callback; a refusal is audited (unless auth did) and passed on for the route to show. */
  async function auditedCallback(
    providerId: string,
    kind: IdentityProvider['kind'],
    origin: RequestOrigin,
    run: (provider: IdentityProvider) => Promise<SsoOutcome>,
  ): Promise<SsoOutcome> {
    let provider: IdentityProvider | null = null;
    try {
      provider = await enabledProvider(providerId, kind);
      return await run(provider);
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'internal';
      if (!auditedByAuth(code)) {
        const { reason, detail } = error as { reason?: unknown; detail?: unknown };
        await auditStep(db, provider, origin, 'sso.sign_in_failed', {
          code,
          ...(typeof reason === 'string' ? { reason } : {}),
          ...(typeof detail === 'string' ? { detail } : {}),
          method: kind,
          providerId,
        });
      }
      throw error;
    }
  }

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

  /** Opens an attempt bound to the browser (the cookie token) and says where to send it. */
  async function openAttempt(
    provider: IdentityProvider,
    purpose: 'sign_in' | 'test',
    userId: string | null,
  ): Promise<{ location: string; attemptToken: string }> {
    const attemptToken = newToken();
    const now = clock.now();
    const attempt = {
      tokenHash: hashSessionToken(attemptToken),
      organizationId: provider.organizationId,
      providerId: provider.id,
      purpose,
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SIGN_IN_MINUTES * 60_000),
    };
    if (provider.kind === 'cas') {
      // The state rides in the service URL, and CAS validates a ticket only for the exact service
      // URL it was issued to: a ticket started in another browser (another state) is good for nothing here.
      const state = newToken();
      await insertAttempt(db, { ...attempt, nonce: state }, now);
      return {
        location: casLoginUrl(provider.casBaseUrl!, casServiceUrl(provider, state)),
        attemptToken,
      };
    }
    const endpoints = await discover(provider.oidcIssuer!);
    const nonce = newToken();
    const codeVerifier = newToken();
    await insertAttempt(db, { ...attempt, nonce, codeVerifier }, now);
    // The state is the attempt's token: the callback must bring back the one this browser's cookie holds.
    const location = authorizationUrl(
      endpoints,
      { clientId: provider.oidcClientId!, redirectUri: callbackUrl(provider) },
      { scopes: provider.oidcScopes, state: attemptToken, nonce, codeVerifier },
    );
    return { location, attemptToken };
  }

  /** CAS: the ticket checked at the CAS server for this attempt's exact service URL. */
  async function verifyCas(
    provider: IdentityProvider,
    attemptToken: string | undefined,
    query: { ticket?: string | undefined; state?: string | undefined },
    purpose: 'sign_in' | 'test',
  ): Promise<Vouched> {
    const attempt = await takeSignInAttempt(provider, attemptToken, purpose);
    if (!query.state || !attempt.nonce || !secretsEqual(query.state, attempt.nonce))
      throw query.state
        ? refusal(
            'sso.state_invalid',
            'state_mismatch',
            "the service URL's state is not this browser's attempt",
          )
        : refusal('sso.state_invalid', 'no_state', 'the service URL came back without its state');
    if (!query.ticket)
      throw refusal(
        'sso.ticket_invalid',
        'no_ticket',
        'the CAS server sent the browser back without a ticket',
      );
    const service = casServiceUrl(provider, attempt.nonce);
    const validation = await validateCasTicket(
      provider.casBaseUrl!,
      provider.casVersion ?? '2.0',
      service,
      query.ticket,
    );
    if (!validation.ok) {
      // CAS servers often repeat the ticket in their message: it never leaves here.
      const said = redacted(`${validation.code}: ${validation.message}`, [
        query.ticket,
        query.state,
      ]);
      throw refusal(
        'sso.ticket_invalid',
        said.slice(0, 300),
        `the CAS server refused the ticket: ${said}`,
        {
          casCode: validation.code,
          casMessage: redacted(validation.message, [query.ticket, query.state]),
          casVersion: provider.casVersion ?? '2.0',
        },
      );
    }
    return { subject: validation.user, attributes: validation.attributes };
  }

  /** OIDC: the state, the code exchanged with PKCE, the id_token's signature and claims, the userinfo. */
  async function verifyOidc(
    provider: IdentityProvider,
    attemptToken: string | undefined,
    query: {
      code?: string | undefined;
      state?: string | undefined;
      error?: string | undefined;
      error_description?: string | undefined;
    },
    purpose: 'sign_in' | 'test',
  ): Promise<Vouched> {
    if (!query.state || !attemptToken || !secretsEqual(query.state, attemptToken)) {
      throw query.state
        ? refusal(
            'sso.state_invalid',
            'state_mismatch',
            "the state that came back is not this browser's attempt",
          )
        : refusal(
            'sso.state_invalid',
            'no_state',
            'the provider sent the browser back without a state',
          );
    }
    const attempt = await takeSignInAttempt(provider, attemptToken, purpose);
    if (query.error || !query.code)
      throw query.error
        ? refusal(
            'sso.denied',
            query.error,
            `the provider answered error=${query.error}${query.error_description ? `: ${query.error_description}` : ''}`,
            { error: query.error, description: query.error_description ?? '' },
          )
        : refusal('sso.denied', 'no_code', 'the provider sent the browser back without a code');
    const endpoints = await discover(provider.oidcIssuer!);
    const client = {
      issuer: provider.oidcIssuer!,
      clientId: provider.oidcClientId!,
      clientSecret: await secrets.open(provider.oidcClientSecret!, provider.id),
      tokenAuth: provider.oidcTokenAuth,
      redirectUri: callbackUrl(provider),
    };
    const tokens = await exchangeCode(endpoints, client, query.code, attempt.codeVerifier!);
    const claims = await verifyIdToken(tokens.idToken, endpoints.jwksUri, {
      issuer: endpoints.issuer,
      clientId: client.clientId,
      nonce: attempt.nonce!,
      now: clock.now(),
    });
    const subject = claims.sub as string;
    const userinfo = await fetchUserinfo(endpoints, tokens.accessToken, subject);
    return { subject, attributes: { ...claims, ...userinfo } };
  }

  return {
    callbackUrl,

    // ---- configuration (the security admin's page)

    async listConfig(actor: Actor): Promise<IdentityProviderView[]> {
      return (await listProvidersOfOrganization(db, actor.organizationId)).map(toView);
    },

    async createProvider(actor: Actor, input: CreateProviderInput): Promise<IdentityProviderView> {
      const { oidcClientSecret, mapping, ...settings } = input;
      assertComplete({ ...settings, oidcClientSecretSet: Boolean(oidcClientSecret) });
      const id = randomUUID();
      const sealed = oidcClientSecret ? await secrets.seal(oidcClientSecret, id) : null;
      return db.transaction(async (tx) => {
        const now = clock.now();
        const provider = await insertProvider(tx, {
          ...settings,
          id,
          organizationId: actor.organizationId,
          oidcClientSecret: sealed,
          campusIdAttribute: mapping.campusId,
          displayNameAttribute: mapping.displayName,
          emailAttribute: mapping.email,
          departmentAttribute: mapping.department,
          createdAt: now,
          updatedAt: now,
        });
        await recordAudit(tx, clock, actor, {
          action: 'sso.provider_create',
          entityType: 'identity_provider',
          entityId: provider.id,
          after: auditedProvider(provider),
        });
        return toView(provider);
      });
    },

    async updateProvider(
      actor: Actor,
      id: string,
      input: UpdateIdentityProviderBody,
    ): Promise<IdentityProviderView> {
      const before = await findProviderInOrganization(db, actor.organizationId, id);
      if (!before) throw new AppError('sso.provider_not_found');
      const { version, oidcClientSecret, mapping, ...changes } = input;
      const merged = { ...before, ...changes };
      assertComplete({
        ...merged,
        oidcClientSecretSet: Boolean(oidcClientSecret) || before.oidcClientSecret !== null,
      });
      const sealed = oidcClientSecret ? await secrets.seal(oidcClientSecret, id) : undefined;
      return db.transaction(async (tx) => {
        const updated = await updateProviderAtVersion(tx, id, version, {
          ...changes,
          ...(sealed ? { oidcClientSecret: sealed } : {}),
          ...(mapping
            ? {
                campusIdAttribute: mapping.campusId,
                displayNameAttribute: mapping.displayName,
                emailAttribute: mapping.email,
                departmentAttribute: mapping.department,
              }
            : {}),
          updatedAt: clock.now(),
        });
        if (!updated) {
          const current = await findProviderInOrganization(tx, actor.organizationId, id);
          throw new AppError(
            'sso.version_conflict',
            { version: current?.version ?? 0 },
            [],
            current ? toView(current) : undefined,
          );
        }
        await recordAudit(tx, clock, actor, {
          action: 'sso.provider_update',
          entityType: 'identity_provider',
          entityId: id,
          before: auditedProvider(before),
          after: { ...auditedProvider(updated), clientSecretReplaced: Boolean(sealed) },
        });
        return toView(updated);
      });
    },

    /**
     * The security admin links a campus id to an account of the organization by hand: the only way a
     * campus sign-on reaches an administrative account or one with two-step verification (which is
     * still asked at every sign-in).
     */
    async linkIdentity(
      actor: Actor,
      providerId: string,
      input: { userId: string; campusId: string },
    ): Promise<{ providerId: string; userId: string; campusId: string }> {
      const provider = await findProviderInOrganization(db, actor.organizationId, providerId);
      if (!provider) throw new AppError('sso.provider_not_found');
      return db.transaction(async (tx) => {
        await lockAccountsOf(tx, actor.organizationId);
        const user = await findUserInOrganization(tx, actor.organizationId, input.userId);
        if (!user) throw new AppError('user.not_found');
        const linked = await findLinkedUser(tx, provider.id, input.campusId);
        if (linked && linked.id !== user.id) throw new AppError('sso.link_taken');
        const now = clock.now();
        if (!linked)
          await linkIdentity(tx, {
            organizationId: actor.organizationId,
            providerId: provider.id,
            subject: input.campusId,
            userId: user.id,
            createdAt: now,
            lastSignInAt: null,
          });
        await recordAudit(tx, clock, actor, {
          action: 'sso.identity_linked',
          entityType: 'identity_provider',
          entityId: provider.id,
          after: { userId: user.id, campusId: input.campusId, how: 'security_admin' },
        });
        return { providerId: provider.id, userId: user.id, campusId: input.campusId };
      });
    },

    // ---- signing in

    async signInProviders(): Promise<SignInProvider[]> {
      return (await listEnabledProviders(db)).map((provider) => ({
        ...provider,
        startUrl: `/api/v1/sso/${provider.id}/start`,
      }));
    },

    /** Opens an attempt bound to the browser (the cookie token) and says where to send it. */
    async start(
      providerId: string,
      origin: RequestOrigin,
    ): Promise<{ location: string; attemptToken: string }> {
      let provider: IdentityProvider | null = null;
      try {
        provider = await enabledProvider(providerId);
        return await openAttempt(provider, 'sign_in', null);
      } catch (error) {
        await auditStep(db, provider, origin, 'sso.sign_in_failed', {
          code: error instanceof AppError ? error.code : 'internal',
          step: 'start',
          providerId,
        });
        throw error;
      }
    },

    async casCallback(
      providerId: string,
      attemptToken: string | undefined,
      query: { ticket?: string | undefined; state?: string | undefined },
      sessionTokenHash: string,
      origin: RequestOrigin,
    ): Promise<SsoOutcome> {
      const test = await testAttemptOf(providerId, attemptToken);
      if (test)
        return testCallback(
          test,
          providerId,
          'cas',
          origin,
          [attemptToken, query.ticket, query.state],
          (provider) => verifyCas(provider, attemptToken, query, 'test'),
        );
      return auditedCallback(providerId, 'cas', origin, async (provider) =>
        signInAs(
          provider,
          await verifyCas(provider, attemptToken, query, 'sign_in'),
          sessionTokenHash,
          origin,
        ),
      );
    },

    async oidcCallback(
      providerId: string,
      attemptToken: string | undefined,
      query: {
        code?: string | undefined;
        state?: string | undefined;
        error?: string | undefined;
        error_description?: string | undefined;
      },
      sessionTokenHash: string,
      origin: RequestOrigin,
    ): Promise<SsoOutcome> {
      const test = await testAttemptOf(providerId, attemptToken);
      if (test)
        return testCallback(
          test,
          providerId,
          'oidc',
          origin,
          [attemptToken, query.code, query.state],
          (provider) => verifyOidc(provider, attemptToken, query, 'test'),
        );
      return auditedCallback(providerId, 'oidc', origin, async (provider) =>
        signInAs(
          provider,
          await verifyOidc(provider, attemptToken, query, 'sign_in'),
          sessionTokenHash,
          origin,
        ),
      );
    },

    // ---- 测试登录 (the security admin's test sign-in)

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

    /** The TOTP code after a campus sign-in, for a user with two-step verification on. */
    async secondFactor(
      attemptToken: string | undefined,
      totpCode: string,
      sessionTokenHash: string,
      origin: RequestOrigin,
    ): Promise<SignedInSession> {
      const now = clock.now();
      const attempt = attemptToken
        ? await findAttempt(db, hashSessionToken(attemptToken), 'second_factor', now)
        : undefined;
      const user = attempt?.userId
        ? await findUserInOrganization(db, attempt.organizationId, attempt.userId)
        : undefined;
      if (!attempt || !user) throw new AppError('sso.state_invalid');
      const provider = await enabledProvider(attempt.providerId);
      try {
        const session = await auth.signInVerified(user, sessionTokenHash, origin, {
          totpCode,
          via: { method: provider.kind, providerId: provider.id },
        });
        await deleteAttempt(db, attempt.tokenHash);
        return session;
      } catch (error) {
        // A wrong code may be tried again (failures count towards the lock); a lock ends the attempt.
        if (error instanceof AppError && error.code === 'auth.account_locked')
          await deleteAttempt(db, attempt.tokenHash);
        throw error;
      }
    },
  };
}

export type SsoService = ReturnType<typeof createSsoService>;
