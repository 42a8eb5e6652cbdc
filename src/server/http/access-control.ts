import { randomBytes } from 'node:crypto';
import { sha256 } from '../io/sha256';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { operations } from '../../shared/api/operations';
import { AppError } from '../../shared/errors';
import {
  isOperationId,
  permissions,
  roleMayCall,
  type Access,
  type OperationId,
} from '../../shared/permissions';
import { mustEnrolTotp, totpEnrolmentOperations } from '../../shared/powers';
import type { Actor } from '../modules/auth/actor';
import type { AuthService, SignedInSession } from '../modules/auth/auth.service';
import { secretsEqual } from './secrets-equal';

export const SESSION_COOKIE = 'luoshi_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF header against the session's token, in constant time. */
function csrfMatches(header: string | string[] | undefined, expected: string): boolean {
  return typeof header === 'string' && secretsEqual(header, expected);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every route that is not public; null before authentication. */
    signedIn: SignedInSession | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    operationId?: OperationId;
  }
}

export function hashSessionToken(token: string): string {
  return sha256(token);
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The actor of an authenticated request; routes that are not public always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.signedIn) throw new AppError('auth.required');
  return request.signedIn.actor;
}

/**
 * Every /api route must name an operationId from the permission table; the server refuses
 * to start otherwise. Each request is then checked against that table before its handler runs.
 */
export function installAccessControl(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('signedIn', null);

  const served = new Set<OperationId>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const operationId = (route.schema as { operationId?: unknown } | undefined)?.operationId;
    if (!isOperationId(operationId)) {
      throw new Error(
        `Route ${route.method} ${route.url} has no operationId in the permission table`,
      );
    }
    // HEAD routes Fastify adds for a GET share its operation.
    const definition = operations[operationId];
    if (
      route.method !== 'HEAD' &&
      (route.method !== definition.method || route.url !== definition.path)
    )
      throw new Error(
        `Route ${route.method} ${route.url} is not its definition ${definition.method} ${definition.path}`,
      );
    served.add(operationId);
    route.config = { ...(route.config ?? {}), access: permissions[operationId], operationId };
  });
  // Every defined operation is served: a definition without a handler refuses to start too.
  app.addHook('onReady', async () => {
    const missing = Object.keys(operations).filter((id) => !served.has(id as OperationId));
    if (missing.length > 0) throw new Error(`Operations without a route: ${missing.join(', ')}`);
  });

  // onRequest: refuse before the body is read or validated, so a forbidden caller learns nothing from validation errors.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;

    const token = request.cookies[SESSION_COOKIE];
    const signedIn = token
      ? await auth.resumeSession(hashSessionToken(token), requestOrigin(request))
      : null;
    if (!signedIn) throw new AppError('auth.required');
    request.signedIn = signedIn;

    if (
      !['GET', 'HEAD', 'OPTIONS'].includes(request.method) &&
      !csrfMatches(request.headers[CSRF_HEADER], signedIn.csrfToken)
    ) {
      throw new AppError('auth.csrf');
    }
    if (access === 'signed-in') return;
    if (signedIn.user.mustChangePassword) throw new AppError('auth.password_change_required');
    // A security admin without an authenticator may only enrol one (like a one-time password may only be changed).
    const operationId = request.routeOptions.config.operationId;
    if (
      mustEnrolTotp({
        role: signedIn.user.role,
        totpEnabled: signedIn.user.totpEnabledAt !== null,
      }) &&
      !(operationId && totpEnrolmentOperations.includes(operationId))
    ) {
      throw new AppError('auth.totp_enrolment_required');
    }
    if (!roleMayCall(access, signedIn.user.role)) throw new AppError('auth.forbidden');
  });
}

export function requestOrigin(request: FastifyRequest): {
  ip: string | null;
  userAgent: string | null;
} {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 500) : null,
  };
}
