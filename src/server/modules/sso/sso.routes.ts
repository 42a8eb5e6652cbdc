import { route } from '../../http/route';
import { ssoApi } from '../../../shared/api/sso';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
import type { SsoOutcome } from './sso-common';
import type { SsoService } from './sso.service';

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
    const { providerId } = request.params as { providerId?: string };
    // The exact reason goes to the server log too (the audit log has it for the auditor), with the
    // provider it came from; never the callback's code, state or ticket, nor a token.
    if (!(error instanceof AppError) || cause)
      request.log.warn({ err: cause ?? error, code, reason, providerId }, 'campus sign-on failed');
    else request.log.info({ code, reason, providerId }, 'campus sign-on refused');
    reply.clearCookie(SSO_COOKIE, attemptCookie);
    return reply.redirect(`/?ssoError=${encodeURIComponent(code)}`, 302);
  }

  function finish(reply: FastifyReply, outcome: SsoOutcome, sessionToken: string) {
    if (outcome.kind === 'tested') {
      // A test sign-in signs nobody in: back to the settings page, which shows the result.
      reply.clearCookie(SSO_COOKIE, attemptCookie);
      return reply.redirect(`/sign-on?ssoTest=${encodeURIComponent(outcome.testId)}`, 302);
    }
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

  route(app, ssoApi.providers, async () => sso.signInProviders());

  route(app, ssoApi.start, async (request, reply) => {
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
  });

  route(app, ssoApi.casCallback, async (request, reply) =>
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

  route(app, ssoApi.oidcCallback, async (request, reply) =>
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

  route(app, ssoApi.secondFactor, async (request, reply) => {
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
  });

  route(app, ssoApi.config, async (request) => sso.listConfig(actorOf(request)));

  route(app, ssoApi.createProvider, async (request) =>
    sso.createProvider(actorOf(request), request.body),
  );

  route(app, ssoApi.updateProvider, async (request) =>
    sso.updateProvider(actorOf(request), request.params.providerId, request.body),
  );

  route(app, ssoApi.startTest, async (request, reply) => {
    const started = await sso.startTest(actorOf(request), request.params.providerId);
    if (started.kind === 'finished') return started;
    // The same binding as a sign-in: only this browser can bring the test back.
    reply.setCookie(SSO_COOKIE, started.attemptToken, attemptCookie);
    return { kind: 'redirect' as const, location: started.location };
  });

  route(app, ssoApi.testResults, async (request) =>
    sso.testResults(actorOf(request), request.params.providerId),
  );

  route(app, ssoApi.linkIdentity, async (request) =>
    sso.linkIdentity(actorOf(request), request.params.providerId, request.body),
  );
}
