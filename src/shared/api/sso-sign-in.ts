import { z } from 'zod';
import { sessionResponseSchema, totpCodeSchema } from './auth';
import { defineOperation, redirectResponse } from './operation';

/**
 * Campus single sign-on (统一身份认证) as the sign-in page meets it: the buttons, the protocol
 * steps and the second factor. Apart from the security admin's operations (sso.ts), so that the
 * first page loads only these.
 */

export const providerKinds = ['cas', 'oidc'] as const;

/** A button of the sign-in page: enabled providers only, with their organization for a shared deployment. */
export const signInProviderSchema = z.object({
  id: z.uuid(),
  kind: z.enum(providerKinds),
  displayName: z.string(),
  organizationName: z.string(),
  startUrl: z.string(),
});

export const providerParamsSchema = z.object({ providerId: z.uuid() });
export const casCallbackQuerySchema = z.object({
  ticket: z.string().max(2000).optional(),
  /** The attempt's state, part of the service URL: a ticket is only good for the browser that started it. */
  state: z.string().max(200).optional(),
});
export const oidcCallbackQuerySchema = z.object({
  code: z.string().max(4000).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});
export const ssoSecondFactorBodySchema = z.object({ totpCode: totpCodeSchema });

export type SignInProvider = z.infer<typeof signInProviderSchema>;

/** The sign-in page's sso operations (ssoApi holds them too). */
export const ssoSignInApi = {
  providers: defineOperation({
    id: 'sso.providers',
    method: 'GET',
    path: '/api/v1/sso/providers',
    tags: ['sso'],
    description: 'The campus sign-on buttons of the sign-in page.',
    response: z.array(signInProviderSchema),
    // campus single sign-on: the sign-in page's buttons and the protocol steps are public; the security admin configures it
    access: 'public',
  }),
  start: defineOperation({
    id: 'sso.start',
    method: 'GET',
    path: '/api/v1/sso/:providerId/start',
    tags: ['sso'],
    description:
      'Redirects the browser to the campus login (CAS) or the authorization endpoint (OIDC).',
    params: providerParamsSchema,
    response: redirectResponse,
    access: 'public',
  }),
  casCallback: defineOperation({
    id: 'sso.casCallback',
    method: 'GET',
    path: '/api/v1/sso/:providerId/cas/callback',
    tags: ['sso'],
    description: 'The CAS service URL: validates the ticket, signs in, redirects to the app.',
    params: providerParamsSchema,
    query: casCallbackQuerySchema,
    response: redirectResponse,
    access: 'public',
  }),
  oidcCallback: defineOperation({
    id: 'sso.oidcCallback',
    method: 'GET',
    path: '/api/v1/sso/:providerId/oidc/callback',
    tags: ['sso'],
    description:
      'The OIDC redirect URI: exchanges the code, verifies the id_token, signs in, redirects to the app.',
    params: providerParamsSchema,
    query: oidcCallbackQuerySchema,
    response: redirectResponse,
    access: 'public',
  }),
  secondFactor: defineOperation({
    id: 'sso.secondFactor',
    method: 'POST',
    path: '/api/v1/sso/second-factor',
    tags: ['sso'],
    description: 'The TOTP code owed after a campus sign-on.',
    body: ssoSecondFactorBodySchema,
    response: sessionResponseSchema,
    access: 'public',
  }),
};
