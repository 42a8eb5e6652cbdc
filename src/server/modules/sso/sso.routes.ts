import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sessionResponseSchema } from '../../../shared/api/contracts';
import {
  casCallbackQuerySchema,
  createIdentityProviderBodySchema,
  identityLinkViewSchema,
  linkIdentityBodySchema,
  identityProviderViewSchema,
  oidcCallbackQuerySchema,
  providerParamsSchema,
  signInProviderSchema,
  ssoSecondFactorBodySchema,
  updateIdentityProviderBodySchema,
} from '../../../shared/api/sso';
import { AppError } from '../../../shared/errors';
import {
  SESSION_COOKIE,
  actorOf,
  hashSessionToken,
  newSessionToken,
  requestOrigin,
} from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { AuthService } from '../auth/auth.service';
import { sessionCookieOptions, sessionReplyOf } from '../auth/auth.routes';
import type { SsoOutcome, SsoService } from './sso.service';

/** Binds a sign-in under way to this browser: only the browser that started it can finish it. */
export const SSO_COOKIE = 'luoshi_sso';

export function registerSsoRoutes(
  app: ApiInstance,
  sso: SsoService,
  auth: AuthService,
  options: { secureCookies: boolean; idleTimeoutMinutes: number },
) {
  const sessionCookie = sessionCookieOptions(options.secureCookies);
  // SameSite=Lax: sent on the top-level GET back from the campus login page, not on cross-site posts.
  const attemptCookie = {
    path: '/api/v1/sso',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.secureCookies,
    maxAge: 10 * 60,
  };

  /** A browser navigation that failed: back to the sign-in page, which shows the message for the code. */
  function failed(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    const code = error instanceof AppError ? error.code : 'internal';
    const cause = (error as { cause?: unknown }).cause;
    const reason = (error as { reason?: unknown }).reason;
    // The exact reason goes to the server log too (the audit log has it for the auditor).
    if (!(error instanceof AppError) || cause)
      request.log.warn({ err: cause ?? error, code, reason }, 'campus sign-on failed');
    else request.log.info({ code, reason }, 'campus sign-on refused');
    reply.clearCookie(SSO_COOKIE, attemptCookie);
    return reply.redirect(`/?ssoError=${encodeURIComponent(code)}`, 302);
  }

  function finish(reply: FastifyReply, outcome: SsoOutcome, sessionToken: string) {
    if (outcome.kind === 'totp-required') {
      reply.setCookie(SSO_COOKIE, outcome.attemptToken, attemptCookie);
      return reply.redirect('/?ssoStep=totp', 302);
    }
    reply.clearCookie(SSO_COOKIE, attemptCookie);
    reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookie);
    return reply.redirect('/', 302);
  }

  /** The provider sends the browser back: sign in (or ask for the TOTP code), else back to the sign-in page with the error. */
  async function comeBack(
    request: FastifyRequest,
    reply: FastifyReply,
    signOn: (sessionTokenHash: string) => Promise<SsoOutcome>,
  ) {
    const sessionToken = newSessionToken();
    try {
      return finish(reply, await signOn(hashSessionToken(sessionToken)), sessionToken);
    } catch (error) {
      return failed(request, reply, error);
    }
  }

  app.get(
    '/api/v1/sso/providers',
    {
      schema: {
        operationId: 'sso.providers',
        tags: ['sso'],
        description: 'The campus sign-on buttons of the sign-in page.',
        response: { 200: z.array(signInProviderSchema) },
      },
    },
    async () => sso.signInProviders(),
  );

  app.get(
    '/api/v1/sso/:providerId/start',
    {
      schema: {
        operationId: 'sso.start',
        tags: ['sso'],
        description:
          'Redirects the browser to the campus login (CAS) or the authorization endpoint (OIDC).',
        params: providerParamsSchema,
      },
    },
    async (request, reply) => {
      try {
        const { location, attemptToken } = await sso.start(
          request.params.providerId,
          requestOrigin(request),
        );
        reply.setCookie(SSO_COOKIE, attemptToken, attemptCookie);
        return reply.redirect(location, 302);
      } catch (error) {
        return failed(request, reply, error);
      }
    },
  );

  app.get(
    '/api/v1/sso/:providerId/cas/callback',
    {
      schema: {
        operationId: 'sso.casCallback',
        tags: ['sso'],
        description: 'The CAS service URL: validates the ticket, signs in, redirects to the app.',
        params: providerParamsSchema,
        querystring: casCallbackQuerySchema,
      },
    },
    async (request, reply) =>
      comeBack(request, reply, (sessionTokenHash) =>
        sso.casCallback(
          request.params.providerId,
          request.cookies[SSO_COOKIE],
          request.query,
          sessionTokenHash,
          requestOrigin(request),
        ),
      ),
  );

  app.get(
    '/api/v1/sso/:providerId/oidc/callback',
    {
      schema: {
        operationId: 'sso.oidcCallback',
        tags: ['sso'],
        description:
          'The OIDC redirect URI: exchanges the code, verifies the id_token, signs in, redirects to the app.',
        params: providerParamsSchema,
        querystring: oidcCallbackQuerySchema,
      },
    },
    async (request, reply) =>
      comeBack(request, reply, (sessionTokenHash) =>
        sso.oidcCallback(
          request.params.providerId,
          request.cookies[SSO_COOKIE],
          request.query,
          sessionTokenHash,
          requestOrigin(request),
        ),
      ),
  );

  app.post(
    '/api/v1/sso/second-factor',
    {
      schema: {
        operationId: 'sso.secondFactor',
        tags: ['sso'],
        description: 'The TOTP code owed after a campus sign-on.',
        body: ssoSecondFactorBodySchema,
        response: { 200: sessionResponseSchema },
      },
    },
    async (request, reply) => {
      const sessionToken = newSessionToken();
      const signedIn = await sso.secondFactor(
        request.cookies[SSO_COOKIE],
        request.body.totpCode,
        hashSessionToken(sessionToken),
        requestOrigin(request),
      );
      reply.clearCookie(SSO_COOKIE, attemptCookie);
      reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookie);
      return sessionReplyOf(auth, signedIn, options.idleTimeoutMinutes);
    },
  );

  app.get(
    '/api/v1/sso/config',
    {
      schema: {
        operationId: 'sso.config',
        tags: ['sso'],
        response: { 200: z.array(identityProviderViewSchema) },
      },
    },
    async (request) => sso.listConfig(actorOf(request)),
  );

  app.post(
    '/api/v1/sso/config',
    {
      schema: {
        operationId: 'sso.createProvider',
        tags: ['sso'],
        body: createIdentityProviderBodySchema,
        response: { 201: identityProviderViewSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await sso.createProvider(actorOf(request), request.body)),
  );

  app.patch(
    '/api/v1/sso/config/:providerId',
    {
      schema: {
        operationId: 'sso.updateProvider',
        tags: ['sso'],
        params: providerParamsSchema,
        body: updateIdentityProviderBodySchema,
        response: { 200: identityProviderViewSchema },
      },
    },
    async (request) =>
      sso.updateProvider(actorOf(request), request.params.providerId, request.body),
  );

  app.post(
    '/api/v1/sso/config/:providerId/links',
    {
      schema: {
        operationId: 'sso.linkIdentity',
        tags: ['sso'],
        description:
          'The security admin links a campus id to an account (the only way to an administrative or two-step-verified one).',
        params: providerParamsSchema,
        body: linkIdentityBodySchema,
        response: { 201: identityLinkViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await sso.linkIdentity(actorOf(request), request.params.providerId, request.body)),
  );
}
