import { route } from '../../http/route';
import { authApi } from '../../../shared/api/auth';
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

  route(app, authApi.signIn, async (request, reply) => {
    const token = newSessionToken();
    const signedIn = await auth.signIn(
      request.body,
      hashSessionToken(token),
      requestOrigin(request),
    );
    reply.setCookie(SESSION_COOKIE, token, cookieOptions);
    return sessionReply(signedIn);
  });

  route(app, authApi.session, async (request) => {
    if (!request.signedIn) throw new AppError('auth.required');
    return sessionReply(request.signedIn);
  });

  route(app, authApi.signOut, async (request, reply) => {
    actorOf(request);
    await auth.signOut(request.signedIn!);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send(null);
  });

  route(app, authApi.changePassword, async (request) => {
    actorOf(request);
    const user = await auth.changePassword(
      request.signedIn!,
      request.body.currentPassword,
      request.body.newPassword,
    );
    return toUserView(user);
  });

  route(app, authApi.signOutEverywhere, async (request, reply) => {
    actorOf(request);
    await auth.signOutEverywhere(request.signedIn!);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send(null);
  });

  route(app, authApi.totpStart, async (request) => {
    actorOf(request);
    return auth.startTotpEnrolment(request.signedIn!, request.body.currentPassword);
  });

  route(app, authApi.totpConfirm, async (request) => {
    actorOf(request);
    return toUserView(await auth.confirmTotp(request.signedIn!, request.body.code));
  });

  route(app, authApi.totpDisable, async (request) => {
    actorOf(request);
    return toUserView(await auth.disableTotp(request.signedIn!, request.body.code));
  });
}
