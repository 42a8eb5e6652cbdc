import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  casVersions,
  providerKinds,
  ssoCreatableRoles,
  ssoTestOutcomes,
  tokenAuthMethods,
  type SsoTestClaims,
  type SsoTestMatch,
} from '../../../shared/api/sso';
import { organizations } from '../organizations/organization.table';
import { users } from '../users/user.table';

/**
 * A campus identity provider (统一身份认证) of one organization, configured by its security
 * admin: a CAS server or an OpenID Connect issuer, how its attributes map to a user, and whether
 * a first sign-in may create an account.
 */
export const identityProviders = pgTable(
  'identity_providers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    kind: text('kind', { enum: providerKinds }).notNull(),
    /** Shown on the sign-in button: 使用 {displayName} 登录. */
    displayName: text('display_name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    casBaseUrl: text('cas_base_url'),
    casVersion: text('cas_version', { enum: casVersions }),
    oidcIssuer: text('oidc_issuer'),
    oidcClientId: text('oidc_client_id'),
    /** Sealed with the server's key (auth/secret-box.ts), bound to the provider's id; never answered. */
    oidcClientSecret: text('oidc_client_secret'),
    oidcTokenAuth: text('oidc_token_auth', { enum: tokenAuthMethods })
      .notNull()
      .default('client_secret_post'),
    oidcScopes: text('oidc_scopes').notNull().default('openid profile email'),
    campusIdAttribute: text('campus_id_attribute').notNull().default(''),
    displayNameAttribute: text('display_name_attribute').notNull().default('name'),
    emailAttribute: text('email_attribute').notNull().default('email'),
    departmentAttribute: text('department_attribute').notNull().default('department'),
    allowAccountCreation: boolean('allow_account_creation').notNull().default(false),
    defaultRole: text('default_role', { enum: ssoCreatableRoles }).notNull().default('liaison'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('identity_providers_organization_idx').on(table.organizationId)],
);

/** A campus id (工号/学号) of one provider, linked to the user it signs in as. */
export const externalIdentities = pgTable(
  'external_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => identityProviders.id),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('external_identities_provider_subject_unique').on(table.providerId, table.subject),
    index('external_identities_user_idx').on(table.userId),
  ],
);

export const ssoAttemptPurposes = ['sign_in', 'second_factor', 'test'] as const;

/**
 * A sign-in under way, bound to the browser by a cookie holding the token whose sha256 is the key:
 * the OIDC state, nonce and PKCE verifier, or (second_factor) the user who still owes a TOTP code.
 * A `test` attempt is the security admin's 测试登录 (user: who started it): verified exactly as a
 * sign_in, but it signs nobody in. Short-lived; a sign_in or test attempt is used once.
 */
export const ssoAttempts = pgTable(
  'sso_attempts',
  {
    tokenHash: text('token_hash').primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => identityProviders.id),
    purpose: text('purpose', { enum: ssoAttemptPurposes }).notNull(),
    nonce: text('nonce'),
    codeVerifier: text('code_verifier'),
    userId: uuid('user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('sso_attempts_expires_idx').on(table.expiresAt)],
);

/**
 * The outcome of a security admin's test sign-in (测试登录) through a provider: what the provider
 * said (the claims used, never a token, code, state or ticket), and the account it would sign in
 * as, or the exact reason it was refused.
 */
export const ssoTestSignIns = pgTable(
  'sso_test_sign_ins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => identityProviders.id),
    startedBy: uuid('started_by')
      .notNull()
      .references(() => users.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
    outcome: text('outcome', { enum: ssoTestOutcomes }).notNull(),
    /** The catalogue code a real sign-in would have shown (sso.token_invalid …); null when ok. */
    errorCode: text('error_code'),
    /** The refusal's kind (issuer, algorithm, no_matching_user …), its exact words and their values. */
    reason: text('reason'),
    reasonText: text('reason_text'),
    reasonParams: jsonb('reason_params').$type<Record<string, string>>(),
    claims: jsonb('claims').$type<SsoTestClaims>(),
    /** The account it would sign in as (or create); null when refused before that. */
    wouldMatch: jsonb('would_match').$type<SsoTestMatch>(),
    wouldMatchUserId: uuid('would_match_user_id').references(() => users.id),
  },
  (table) => [
    index('sso_test_sign_ins_provider_idx').on(
      table.organizationId,
      table.providerId,
      table.finishedAt,
    ),
  ],
);

export type IdentityProvider = typeof identityProviders.$inferSelect;
export type ExternalIdentity = typeof externalIdentities.$inferSelect;
export type SsoAttempt = typeof ssoAttempts.$inferSelect;
export type SsoTestSignIn = typeof ssoTestSignIns.$inferSelect;
