import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  createIdentityProviderBodySchema,
  IdentityProviderView,
  SignInProvider,
  TestSignInResult,
  UpdateIdentityProviderBody,
} from '../../../shared/api/sso';
import { AppError } from '../../../shared/errors';
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
import type { Actor } from '../auth/actor';
import type { AuthService, RequestOrigin, SignedInSession, SignInVia } from '../auth/auth.service';
import { createSecretBox } from '../auth/secret-box';
import { listDepartments } from '../departments/department.repository';
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
  insertTestResult,
  listTestResults,
  findEnabledProvider,
  findLinkedUser,
  findProviderInOrganization,
  findUserOfOrganizationByUsername,
  insertAttempt,
  insertProvider,
  linkIdentity,
  listEnabledProviders,
  listProvidersOfOrganization,
  takeAttempt,
  touchIdentity,
  updateProviderAtVersion,
} from './sso.repository';
import type { IdentityProvider, SsoAttempt } from './sso.table';

type CreateProviderInput = z.output<typeof createIdentityProviderBodySchema>;

export interface SsoServiceDependencies {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'publicUrl' | 'secretKey' | 'dataDir'>;
  auth: AuthService;
}

/** Where a sign-in goes next: signed in, or a TOTP code still owed (the attempt's cookie token). */
export type SsoOutcome =
  | { kind: 'signed-in'; session: SignedInSession }
  | { kind: 'totp-required'; attemptToken: string }
  /** A security admin's test sign-in ended (vouched or refused, stored for them); nobody is signed in. */
  | { kind: 'tested'; providerId: string };

/** A campus identity a provider vouched for: its subject and the attributes (CAS) or claims (OIDC). */
interface VouchedIdentity {
  subject: string;
  attributes: IdentityAttributes;
}

type SsoTestIdentity = NonNullable<TestSignInResult['identity']>;

/** How many of their test sign-ins a security admin sees per provider. */
const TEST_RESULTS_SHOWN = 5;

/** The exact reason of a refusal, for the security admin: the refusal's own, else what caused it. */
function refusalReason(error: unknown): string | null {
  const reason = (error as { reason?: unknown }).reason;
  if (typeof reason === 'string') return reason;
  const cause = (error as { cause?: unknown }).cause ?? (error instanceof AppError ? null : error);
  if (cause instanceof Error) {
    const deeper = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${deeper}`.slice(0, 500);
  }
  return null;
}

/** How long a browser may take at the campus login page, and to type a TOTP code after it. */
const SIGN_IN_MINUTES = 10;
const SECOND_FACTOR_MINUTES = 5;

/** Codes whose failure the auth service has audited already (disabled, locked, TOTP). */
const auditedByAuth = (code: string) => code.startsWith('auth.');

function newToken(): string {
  return randomBytes(32).toString('base64url');
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
  async function takeSignInAttempt(provider: IdentityProvider, attemptToken: string | undefined) {
    const attempt = attemptToken
      ? await takeAttempt(db, hashSessionToken(attemptToken), 'sign_in', clock.now())
      : undefined;
    if (!attempt || attempt.providerId !== provider.id)
      throw Object.assign(new AppError('sso.state_invalid'), {
        reason: attemptToken ? 'unknown_or_used_attempt' : 'no_attempt_cookie',
      });
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

  async function findOrMakeAccount(
    provider: IdentityProvider,
    identity: CampusIdentity,
    origin: RequestOrigin,
  ): Promise<User> {
    const refuse = (reason: string) => Object.assign(new AppError('sso.no_account'), { reason });
    return db.transaction(async (tx) => {
      const now = clock.now();
      const alreadyLinked = async () => {
        const linked = await findLinkedUser(tx, provider.id, identity.campusId);
        if (!linked || linked.organizationId !== provider.organizationId) return null;
        await touchIdentity(tx, provider.id, identity.campusId, now);
        return linked;
      };
      const linked = await alreadyLinked();
      if (linked) return linked;
      // Linking or creating changes the organization's accounts: one at a time (as 用户管理 does), so a
      // second first sign-in of the same person waits for the first and then finds its link.
      await lockAccountsOf(tx, provider.organizationId);
      const linkedMeanwhile = await alreadyLinked();
      if (linkedMeanwhile) return linkedMeanwhile;
      const link = {
        organizationId: provider.organizationId,
        providerId: provider.id,
        subject: identity.campusId,
        createdAt: now,
        lastSignInAt: now,
      };
      const existing = await findUserOfOrganizationByUsername(
        tx,
        provider.organizationId,
        identity.campusId,
      );
      if (existing) {
        // An administrative account, or one that chose two-step verification, is never reached by a
        // name: a campus id that happens to read `admin` is not the admin. The security admin links them.
        if (isPrivilegedRole(existing.role) || existing.totpEnabledAt !== null)
          throw Object.assign(new AppError('sso.link_required'), {
            reason: `name_matches_protected_account:${existing.role}`,
          });
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
      if (!provider.allowAccountCreation) throw refuse('no_matching_user');
      if (!usableAsUsername(identity.campusId)) throw refuse('campus_id_not_a_username');
      if (await findUserByUsername(tx, identity.campusId)) throw refuse('username_taken_elsewhere');
      const department = identity.departmentName
        ? findDepartmentByName(
            await listDepartments(tx, provider.organizationId),
            identity.departmentName,
          )
        : null;
      if (provider.defaultRole === 'liaison' && !department)
        throw refuse(identity.departmentName ? 'department_unknown' : 'department_missing');
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
    subject: string,
    attributes: IdentityAttributes,
    sessionTokenHash: string,
    origin: RequestOrigin,
  ): Promise<SsoOutcome> {
    const identity = mapIdentity(subject, attributes, mappingOf(provider));
    if (!identity)
      throw Object.assign(new AppError('sso.no_account'), {
        reason: `attribute_missing:${provider.campusIdAttribute}`,
      });
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
        const reason = (error as { reason?: unknown }).reason;
        await auditStep(db, provider, origin, 'sso.sign_in_failed', {
          code,
          ...(typeof reason === 'string' ? { reason } : {}),
          method: kind,
          providerId,
        });
      }
      throw error;
    }
  }

  /** A new attempt bound to the browser (the cookie token) and where to send the browser. */
  async function beginAttempt(
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

  /** Who the CAS server vouches for, once the attempt's state and the ticket hold. */
  async function casReturn(
    provider: IdentityProvider,
    attempt: SsoAttempt,
    query: { ticket?: string | undefined; state?: string | undefined },
  ): Promise<VouchedIdentity> {
    if (!query.state || !attempt.nonce || !secretsEqual(query.state, attempt.nonce))
      throw Object.assign(new AppError('sso.state_invalid'), {
        reason: query.state ? 'state_mismatch' : 'no_state',
      });
    if (!query.ticket)
      throw Object.assign(new AppError('sso.ticket_invalid'), { reason: 'no_ticket' });
    const validation = await validateCasTicket(
      provider.casBaseUrl!,
      provider.casVersion ?? '2.0',
      casServiceUrl(provider, attempt.nonce),
      query.ticket,
    );
    if (!validation.ok)
      throw Object.assign(new AppError('sso.ticket_invalid'), {
        reason: `${validation.code}: ${validation.message}`.slice(0, 300),
      });
    return { subject: validation.user, attributes: validation.attributes };
  }

  /** Who the OpenID provider vouches for: the code exchanged, the id_token verified, userinfo added. */
  async function oidcReturn(
    provider: IdentityProvider,
    attempt: SsoAttempt,
    query: { code?: string | undefined; error?: string | undefined },
  ): Promise<VouchedIdentity> {
    if (query.error || !query.code)
      throw Object.assign(new AppError('sso.denied'), { reason: query.error ?? 'no_code' });
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

  /** The browser's test attempt for this provider, used up; undefined when it holds none (a sign-in, then). */
  async function takeTestAttempt(providerId: string, attemptToken: string | undefined) {
    if (!attemptToken) return undefined;
    const attempt = await takeAttempt(db, hashSessionToken(attemptToken), 'test', clock.now());
    return attempt && attempt.providerId === providerId && attempt.userId ? attempt : undefined;
  }

  /**
   * A test sign-in's return: checked exactly as a sign-in, mapped as a sign-in would map it, and
   * stored (with the refusal's exact reason) for the security admin who ran it, and audited.
   */
  async function runTest(
    attempt: SsoAttempt,
    kind: IdentityProvider['kind'],
    origin: RequestOrigin,
    vouch: (provider: IdentityProvider) => Promise<VouchedIdentity>,
  ): Promise<SsoOutcome> {
    const provider = await findProviderInOrganization(
      db,
      attempt.organizationId,
      attempt.providerId,
    );
    if (!provider || provider.kind !== kind) throw new AppError('sso.provider_not_found');
    let identity: SsoTestIdentity | null = null;
    let code: string | null = null;
    let reason: string | null = null;
    try {
      const vouched = await vouch(provider);
      const mapped = mapIdentity(vouched.subject, vouched.attributes, mappingOf(provider));
      if (mapped)
        identity = {
          subject: vouched.subject,
          campusId: mapped.campusId,
          displayName: mapped.displayName,
          email: mapped.email,
          department: mapped.departmentName,
        };
      else {
        code = 'sso.no_account';
        reason = `attribute_missing:${provider.campusIdAttribute}`;
      }
    } catch (error) {
      code = error instanceof AppError ? error.code : 'internal';
      reason = refusalReason(error);
    }
    const securityAdmin = await findUserInOrganization(db, attempt.organizationId, attempt.userId!);
    await db.transaction(async (tx) => {
      const now = clock.now();
      const result = await insertTestResult(tx, {
        organizationId: provider.organizationId,
        providerId: provider.id,
        userId: attempt.userId!,
        outcome: identity ? 'vouched' : 'refused',
        code,
        reason,
        identity,
        createdAt: now,
      });
      await insertAuditEntry(tx, {
        organizationId: provider.organizationId,
        actorUserId: attempt.userId,
        actorName: securityAdmin?.username ?? null,
        action: 'sso.test_sign_in',
        entityType: 'identity_provider',
        entityId: provider.id,
        ip: origin.ip,
        userAgent: origin.userAgent,
        after: { resultId: result.id, outcome: result.outcome, code, reason },
        at: now,
      });
    });
    return { kind: 'tested', providerId: provider.id };
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
        return await beginAttempt(provider, 'sign_in', null);
      } catch (error) {
        await auditStep(db, provider, origin, 'sso.sign_in_failed', {
          code: error instanceof AppError ? error.code : 'internal',
          step: 'start',
          providerId,
        });
        throw error;
      }
    },

    /**
     * The security admin's test sign-in (enabled or not yet): an attempt bound to their browser
     * whose return is checked as a sign-in's would be and stored for them; nobody is signed in.
     */
    async startTest(
      actor: Actor,
      providerId: string,
    ): Promise<{ location: string; attemptToken: string }> {
      const provider = await findProviderInOrganization(db, actor.organizationId, providerId);
      if (!provider) throw new AppError('sso.provider_not_found');
      const begun = await beginAttempt(provider, 'test', actor.userId);
      await recordAudit(db, clock, actor, {
        action: 'sso.test_started',
        entityType: 'identity_provider',
        entityId: provider.id,
        after: { providerId: provider.id },
      });
      return begun;
    },

    async testResults(actor: Actor, providerId: string): Promise<TestSignInResult[]> {
      const provider = await findProviderInOrganization(db, actor.organizationId, providerId);
      if (!provider) throw new AppError('sso.provider_not_found');
      const rows = await listTestResults(
        db,
        { organizationId: actor.organizationId, providerId, userId: actor.userId },
        TEST_RESULTS_SHOWN,
      );
      return rows.map((row) => ({
        id: row.id,
        at: row.createdAt.toISOString(),
        outcome: row.outcome,
        code: row.code,
        reason: row.reason,
        identity: row.identity ?? null,
      }));
    },

    async casCallback(
      providerId: string,
      attemptToken: string | undefined,
      query: { ticket?: string | undefined; state?: string | undefined },
      sessionTokenHash: string,
      origin: RequestOrigin,
    ): Promise<SsoOutcome> {
      const test = await takeTestAttempt(providerId, attemptToken);
      if (test) return runTest(test, 'cas', origin, (provider) => casReturn(provider, test, query));
      return auditedCallback(providerId, 'cas', origin, async (provider) => {
        const attempt = await takeSignInAttempt(provider, attemptToken);
        const vouched = await casReturn(provider, attempt, query);
        return signInAs(provider, vouched.subject, vouched.attributes, sessionTokenHash, origin);
      });
    },

    async oidcCallback(
      providerId: string,
      attemptToken: string | undefined,
      query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
      sessionTokenHash: string,
      origin: RequestOrigin,
    ): Promise<SsoOutcome> {
      const stateProblem = () =>
        Object.assign(new AppError('sso.state_invalid'), {
          reason: query.state ? 'state_mismatch' : 'no_state',
        });
      const stateHolds = Boolean(
        query.state && attemptToken && secretsEqual(query.state, attemptToken),
      );
      const test = stateHolds ? await takeTestAttempt(providerId, attemptToken) : undefined;
      if (test)
        return runTest(test, 'oidc', origin, (provider) => oidcReturn(provider, test, query));
      return auditedCallback(providerId, 'oidc', origin, async (provider) => {
        if (!stateHolds) throw stateProblem();
        const attempt = await takeSignInAttempt(provider, attemptToken);
        const vouched = await oidcReturn(provider, attempt, query);
        return signInAs(provider, vouched.subject, vouched.attributes, sessionTokenHash, origin);
      });
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
