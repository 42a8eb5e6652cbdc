import { z } from 'zod';
import {
  changePasswordBodySchema,
  sessionResponseSchema,
  signInBodySchema,
  totpCodeBodySchema,
  totpEnrolmentSchema,
  totpStartBodySchema,
  userViewSchema,
} from '../../../shared/api/contracts';
import { AppError } from '../../../shared/errors';
import {
  SESSION_COOKIE,
  actorOf,
  hashSessionToken,
  newSessionToken,
  requestOrigin,
} from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { toUserView } from '../users/user.view';
import type { AuthService, SignedInSession } from './auth.service';

/** The session cookie's options; the campus sign-on sets the same cookie. */
export function sessionCookieOptions(secureCookies: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies };
}

/** What a sign-in answers (a password sign-in, or the TOTP step after a campus sign-on). */
export async function sessionReplyOf(
  auth: AuthService,
  signedIn: SignedInSession,
  idleTimeoutMinutes: number,
) {
  const organization = await auth.organizationOf(signedIn.user);
  return {
    user: toUserView(signedIn.user),
    organization: { id: organization.id, name: organization.name, timeZone: organization.timeZone },
    csrfToken: signedIn.csrfToken,
    idleTimeoutMinutes,
  };
}

export function registerAuthRoutes(
  app: ApiInstance,
  auth: AuthService,
  options: { secureCookies: boolean; idleTimeoutMinutes: number },
) {
  const cookieOptions = sessionCookieOptions(options.secureCookies);
  const sessionReply = (signedIn: SignedInSession) =>
    sessionReplyOf(auth, signedIn, options.idleTimeoutMinutes);

  app.post(
    '/api/v1/auth/sign-in',
    {
      schema: {
        operationId: 'auth.signIn',
        tags: ['auth'],
        body: signInBodySchema,
        response: { 200: sessionResponseSchema },
      },
    },
    async (request, reply) => {
      const token = newSessionToken();
      const signedIn = await auth.signIn(
        request.body,
        hashSessionToken(token),
        requestOrigin(request),
      );
      reply.setCookie(SESSION_COOKIE, token, cookieOptions);
      return sessionReply(signedIn);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      schema: {
        operationId: 'auth.session',
        tags: ['auth'],
        response: { 200: sessionResponseSchema },
      },
    },
    async (request) => {
      if (!request.signedIn) throw new AppError('auth.required');
      return sessionReply(request.signedIn);
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    {
      schema: { operationId: 'auth.signOut', tags: ['auth'], response: { 204: z.null() } },
    },
    async (request, reply) => {
      actorOf(request);
      await auth.signOut(request.signedIn!);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      schema: {
        operationId: 'auth.changePassword',
        tags: ['auth'],
        body: changePasswordBodySchema,
        response: { 200: userViewSchema },
      },
    },
    async (request) => {
      actorOf(request);
      const user = await auth.changePassword(
        request.signedIn!,
        request.body.currentPassword,
        request.body.newPassword,
      );
      return toUserView(user);
    },
  );

  app.post(
    '/api/v1/auth/sign-out-everywhere',
    {
      schema: {
        operationId: 'auth.signOutEverywhere',
        tags: ['auth'],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      actorOf(request);
      await auth.signOutEverywhere(request.signedIn!);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/totp/start',
    {
      schema: {
        operationId: 'auth.totpStart',
        tags: ['auth'],
        body: totpStartBodySchema,
        response: { 200: totpEnrolmentSchema },
      },
    },
    async (request) => {
      actorOf(request);
      return auth.startTotpEnrolment(request.signedIn!, request.body.currentPassword);
    },
  );

  app.post(
    '/api/v1/auth/totp/confirm',
    {
      schema: {
        operationId: 'auth.totpConfirm',
        tags: ['auth'],
        body: totpCodeBodySchema,
        response: { 200: userViewSchema },
      },
    },
    async (request) => {
      actorOf(request);
      return toUserView(await auth.confirmTotp(request.signedIn!, request.body.code));
    },
  );

  app.post(
    '/api/v1/auth/totp/disable',
    {
      schema: {
        operationId: 'auth.totpDisable',
        tags: ['auth'],
        body: totpCodeBodySchema,
        response: { 200: userViewSchema },
      },
    },
    async (request) => {
      actorOf(request);
      return toUserView(await auth.disableTotp(request.signedIn!, request.body.code));
    },
  );
}
