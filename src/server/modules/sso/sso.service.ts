import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  createIdentityProviderBodySchema,
  IdentityProviderView,
  SignInProvider,
  UpdateIdentityProviderBody,
} from '../../../shared/api/sso';
import { AppError } from '../../../shared/errors';
import { missingProviderSettings } from '../../../shared/sso/provider-settings';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database } from '../../db/client';
import { hashSessionToken } from '../../http/access-control';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { AuthService, RequestOrigin, SignedInSession, SignInVia } from '../auth/auth.service';
import { findUserInOrganization, lockAccountsOf } from '../users/user.repository';
import {
  deleteAttempt,
  findAttempt,
  findEnabledProvider,
  findLinkedUser,
  findProviderInOrganization,
  insertAttempt,
  insertProvider,
  linkIdentity,
  listEnabledProviders,
  listProvidersOfOrganization,
  updateProviderAtVersion,
} from './sso.repository';
import type { IdentityProvider } from './sso.table';
import { createSsoAccounts } from './sso-accounts';
import { createSsoProtocols } from './sso-protocols';
import { createSsoTestSignInService } from './sso-test-sign-in.service';
import {
  type SsoOutcome,
  type Vouched,
  SECOND_FACTOR_MINUTES,
  auditedByAuth,
  newToken,
  identityOf,
  mappingOf,
  auditedProvider,
} from './sso-common';

type CreateProviderInput = z.output<typeof createIdentityProviderBodySchema>;

export interface SsoServiceDependencies {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'publicUrl' | 'secretKey' | 'dataDir'>;
  auth: AuthService;
}

export function createSsoService({ db, clock, config, auth }: SsoServiceDependencies) {
  const protocols = createSsoProtocols({ db, clock, config });
  const { secrets, callbackUrl, openAttempt, verifyCas, verifyOidc } = protocols;
  const accounts = createSsoAccounts({ db, clock });
  const { auditStep, accountFor } = accounts;
  const testSignIn = createSsoTestSignInService({ db, clock, protocols, accounts });
  const { testAttemptOf, testCallback } = testSignIn;

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

  async function enabledProvider(
    providerId: string,
    kind?: IdentityProvider['kind'],
  ): Promise<IdentityProvider> {
    const provider = await findEnabledProvider(db, providerId);
    if (!provider || (kind && provider.kind !== kind)) throw new AppError('sso.provider_not_found');
    return provider;
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

    // ---- 测试登录 (the security admin's test sign-in: sso-test-sign-in.service.ts)

    startTest: testSignIn.startTest,
    testResults: testSignIn.testResults,

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
