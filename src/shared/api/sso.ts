import { z } from 'zod';
import { timestampSchema } from './common';
import { sessionResponseSchema, totpCodeSchema } from './auth';
import { defineOperation, redirectResponse } from './operation';
import { roles } from '../roles';
import { providerKinds, providerParamsSchema, ssoSignInApi } from './sso-sign-in';

// The sign-in page's operations live in sso-sign-in.ts, so the first page loads only them; every
// sso operation is still here, as ssoApi.
export {
  casCallbackQuerySchema,
  oidcCallbackQuerySchema,
  providerKinds,
  providerParamsSchema,
  type SignInProvider,
  signInProviderSchema,
  ssoSecondFactorBodySchema,
} from './sso-sign-in';

// ---- campus single sign-on (统一身份认证): CAS 2.0/3.0 and OpenID Connect

export const casVersions = ['2.0', '3.0'] as const;
export const tokenAuthMethods = ['client_secret_post', 'client_secret_basic'] as const;
/** The roles an account created at first campus sign-in may get: never an administrative one. */
export const ssoCreatableRoles = ['liaison', 'leader', 'reviewer'] as const;

const httpUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .transform((url) => url.replace(/\/+$/, ''));
const attributeNameSchema = z
  .string()
  .trim()
  .max(100)
  .regex(/^[\w:.\-/]*$/);

export const attributeMappingSchema = z.object({
  /** Which attribute (CAS) or claim (OIDC) is the campus id (工号/学号); empty: the CAS user / the OIDC sub. */
  campusId: attributeNameSchema.default(''),
  displayName: attributeNameSchema.default('name'),
  email: attributeNameSchema.default('email'),
  department: attributeNameSchema.default('department'),
});

/** An identity provider as the configuration page sees it; the client secret never leaves the server. */
export const identityProviderViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(providerKinds),
  displayName: z.string(),
  enabled: z.boolean(),
  casBaseUrl: z.string().nullable(),
  casVersion: z.enum(casVersions).nullable(),
  oidcIssuer: z.string().nullable(),
  oidcClientId: z.string().nullable(),
  /** Whether a client secret is kept (sealed); the secret itself is never answered. */
  oidcClientSecretSet: z.boolean(),
  oidcTokenAuth: z.enum(tokenAuthMethods),
  oidcScopes: z.string(),
  mapping: attributeMappingSchema,
  allowAccountCreation: z.boolean(),
  defaultRole: z.enum(ssoCreatableRoles),
  /** The address to register at the campus system: CAS service URL or OIDC redirect URI. */
  callbackUrl: z.string(),
  version: z.number().int(),
  updatedAt: timestampSchema,
});

const providerFields = {
  displayName: z.string().trim().min(1).max(50),
  enabled: z.boolean(),
  casBaseUrl: httpUrlSchema.nullable(),
  casVersion: z.enum(casVersions).nullable(),
  oidcIssuer: httpUrlSchema.nullable(),
  oidcClientId: z.string().trim().min(1).max(200).nullable(),
  /** Write-only: a new secret replaces the kept one; leave it out to keep it. */
  oidcClientSecret: z.string().min(1).max(500),
  oidcTokenAuth: z.enum(tokenAuthMethods),
  oidcScopes: z
    .string()
    .trim()
    .min(6)
    .max(200)
    .regex(/^[\w:./ -]+$/)
    .refine((scopes) => scopes.split(/\s+/).includes('openid'), 'must include openid'),
  mapping: attributeMappingSchema,
  allowAccountCreation: z.boolean(),
  defaultRole: z.enum(ssoCreatableRoles),
};

export const createIdentityProviderBodySchema = z.object({
  kind: z.enum(providerKinds),
  displayName: providerFields.displayName,
  enabled: providerFields.enabled.default(true),
  casBaseUrl: providerFields.casBaseUrl.default(null),
  casVersion: providerFields.casVersion.default(null),
  oidcIssuer: providerFields.oidcIssuer.default(null),
  oidcClientId: providerFields.oidcClientId.default(null),
  oidcClientSecret: providerFields.oidcClientSecret.optional(),
  oidcTokenAuth: providerFields.oidcTokenAuth.default('client_secret_post'),
  oidcScopes: providerFields.oidcScopes.default('openid profile email'),
  mapping: providerFields.mapping.default({
    campusId: '',
    displayName: 'name',
    email: 'email',
    department: 'department',
  }),
  allowAccountCreation: providerFields.allowAccountCreation.default(false),
  defaultRole: providerFields.defaultRole.default('liaison'),
});

export const updateIdentityProviderBodySchema = z.object({
  /** The version the page last saw: a stale one is refused (409), never overwritten. */
  version: z.number().int().positive(),
  displayName: providerFields.displayName.optional(),
  enabled: providerFields.enabled.optional(),
  casBaseUrl: providerFields.casBaseUrl.optional(),
  casVersion: providerFields.casVersion.optional(),
  oidcIssuer: providerFields.oidcIssuer.optional(),
  oidcClientId: providerFields.oidcClientId.optional(),
  oidcClientSecret: providerFields.oidcClientSecret.optional(),
  oidcTokenAuth: providerFields.oidcTokenAuth.optional(),
  oidcScopes: providerFields.oidcScopes.optional(),
  mapping: providerFields.mapping.optional(),
  allowAccountCreation: providerFields.allowAccountCreation.optional(),
  defaultRole: providerFields.defaultRole.optional(),
});

/** The security admin links a campus id to an account by hand: the only way to reach a privileged or TOTP account. */
export const linkIdentityBodySchema = z.object({
  userId: z.uuid(),
  campusId: z.string().trim().min(1).max(200),
});
export const identityLinkViewSchema = z.object({
  providerId: z.uuid(),
  userId: z.uuid(),
  campusId: z.string(),
});

// ---- 测试登录: the security admin's test sign-in through a provider

export const ssoTestOutcomes = ['ok', 'refused'] as const;
export const ssoTestMatchKinds = ['linked', 'username', 'created'] as const;

/** What the provider said about the person, as used to match: never a token, code, state or ticket. */
export const ssoTestClaimsSchema = z.object({
  /** The protocol's own user: the OIDC sub, the CAS user. */
  subject: z.string(),
  /** The attribute the campus id was read from (the configured one, else sub / cas:user). */
  campusIdAttribute: z.string(),
  campusId: z.string().nullable(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  departmentName: z.string().nullable(),
  /** The names of every attribute or claim the provider gave (values not kept). */
  attributeNames: z.array(z.string()),
});

/** The account the test sign-in would have signed in as: linked already, found by name (then linked), or created. */
export const ssoTestMatchSchema = z.object({
  how: z.enum(ssoTestMatchKinds),
  userId: z.uuid().nullable(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  departmentName: z.string().nullable(),
  /** Two-step verification is on: a real sign-in would still ask for the TOTP code. */
  asksTotp: z.boolean(),
});

export const ssoTestSignInSchema = z.object({
  id: z.uuid(),
  providerId: z.uuid(),
  startedByName: z.string(),
  startedAt: timestampSchema,
  finishedAt: timestampSchema,
  outcome: z.enum(ssoTestOutcomes),
  errorCode: z.string().nullable(),
  reason: z.string().nullable(),
  /** The exact reason, with its values: "id_token alg HS256 not allowed", "iss mismatch: expected X got Y". */
  reasonText: z.string().nullable(),
  reasonParams: z.record(z.string(), z.string()).nullable(),
  claims: ssoTestClaimsSchema.nullable(),
  wouldMatch: ssoTestMatchSchema.nullable(),
});

/** Where the browser goes to test: the provider's login page; or the test already ended (refused before it). */
export const startTestResponseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('redirect'), location: z.string() }),
  z.object({ kind: z.literal('finished'), testId: z.uuid() }),
]);

export type SsoTestClaims = z.infer<typeof ssoTestClaimsSchema>;
export type SsoTestMatch = z.infer<typeof ssoTestMatchSchema>;
export type SsoTestSignInView = z.infer<typeof ssoTestSignInSchema>;

export type IdentityProviderView = z.infer<typeof identityProviderViewSchema>;
export type CreateIdentityProviderBody = z.input<typeof createIdentityProviderBodySchema>;
export type UpdateIdentityProviderBody = z.infer<typeof updateIdentityProviderBodySchema>;

/** The sso operations: what the server serves and the web calls. */
export const ssoApi = {
  ...ssoSignInApi,
  config: defineOperation({
    id: 'sso.config',
    method: 'GET',
    path: '/api/v1/sso/config',
    tags: ['sso'],
    response: z.array(identityProviderViewSchema),
    access: ['security_admin', 'admin'],
  }),
  createProvider: defineOperation({
    id: 'sso.createProvider',
    method: 'POST',
    path: '/api/v1/sso/config',
    tags: ['sso'],
    body: createIdentityProviderBodySchema,
    response: identityProviderViewSchema,
    status: 201,
    access: ['security_admin'],
  }),
  updateProvider: defineOperation({
    id: 'sso.updateProvider',
    method: 'PATCH',
    path: '/api/v1/sso/config/:providerId',
    tags: ['sso'],
    params: providerParamsSchema,
    body: updateIdentityProviderBodySchema,
    response: identityProviderViewSchema,
    access: ['security_admin'],
  }),
  linkIdentity: defineOperation({
    id: 'sso.linkIdentity',
    method: 'POST',
    path: '/api/v1/sso/config/:providerId/links',
    tags: ['sso'],
    description:
      'The security admin links a campus id to an account (the only way to an administrative or two-step-verified one).',
    params: providerParamsSchema,
    body: linkIdentityBodySchema,
    response: identityLinkViewSchema,
    status: 201,
    access: ['security_admin'],
  }),
  startTest: defineOperation({
    id: 'sso.startTest',
    method: 'POST',
    path: '/api/v1/sso/config/:providerId/test',
    tags: ['sso'],
    description:
      '测试登录: opens a test sign-in (bound to this browser like a real one) and answers where to send the browser; its callback verifies everything a sign-in would, signs nobody in and records the result.',
    params: providerParamsSchema,
    response: startTestResponseSchema,
    access: ['security_admin'],
  }),
  testResults: defineOperation({
    id: 'sso.testResults',
    method: 'GET',
    path: '/api/v1/sso/config/:providerId/tests',
    tags: ['sso'],
    description: "The provider's recent test sign-ins, newest first.",
    params: providerParamsSchema,
    response: z.array(ssoTestSignInSchema),
    access: ['security_admin'],
  }),
} as const;
