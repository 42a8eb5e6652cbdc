import {
  compactVerify,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
} from 'jose';
import { sha256 } from '../../io/sha256';
import { AppError } from '../../../shared/errors';
import {
  idTokenProblem,
  idTokenProblemDetail,
  type IdTokenExpectation,
} from '../../../shared/sso/id-token';
import { jsonFromProvider } from './provider-http';

/**
 * OpenID Connect authorization code flow with PKCE (OpenID Connect Core 1.0 §3.1, RFC 7636):
 * discovery, the authorization request, the code exchange and the id_token's signature (jose)
 * checked against the provider's JWKS. Only node:crypto and fetch.
 */
export interface OidcEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  userinfoEndpoint: string | null;
}

export interface OidcClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
  tokenAuth: 'client_secret_post' | 'client_secret_basic';
  redirectUri: string;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Discovery documents, kept for an hour per issuer (a failed discovery is not kept). */
const discovered = new Map<string, { endpoints: OidcEndpoints; until: number }>();
const DISCOVERY_TTL_MS = 60 * 60_000;

export async function discover(issuer: string): Promise<OidcEndpoints> {
  const cached = discovered.get(issuer);
  if (cached && cached.until > Date.now()) return cached.endpoints;
  const endpoints = await discoverNow(issuer);
  discovered.set(issuer, { endpoints, until: Date.now() + DISCOVERY_TTL_MS });
  return endpoints;
}

async function discoverNow(issuer: string): Promise<OidcEndpoints> {
  const document = await jsonFromProvider(`${issuer}/.well-known/openid-configuration`);
  const endpoints = {
    issuer: text(document.issuer),
    authorizationEndpoint: text(document.authorization_endpoint),
    tokenEndpoint: text(document.token_endpoint),
    jwksUri: text(document.jwks_uri),
    userinfoEndpoint: text(document.userinfo_endpoint),
  };
  // The discovered issuer must be the configured one, or tokens could be checked against the wrong keys.
  const named = endpoints.issuer?.replace(/\/+$/, '');
  if (named && named !== issuer) {
    throw Object.assign(new AppError('sso.provider_unreachable'), {
      reason: 'discovery_issuer',
      detail: `iss mismatch: expected ${issuer} got ${endpoints.issuer} (the discovery document names another issuer)`,
      reasonParams: { expected: issuer, got: endpoints.issuer ?? '' },
      cause: new Error(`discovery of ${issuer} names another issuer (${endpoints.issuer})`),
    });
  }
  if (
    endpoints.issuer?.replace(/\/+$/, '') !== issuer ||
    !endpoints.authorizationEndpoint ||
    !endpoints.tokenEndpoint ||
    !endpoints.jwksUri
  ) {
    throw Object.assign(new AppError('sso.provider_unreachable'), {
      cause: new Error(
        `discovery of ${issuer} is incomplete or names another issuer (${endpoints.issuer})`,
      ),
    });
  }
  return {
    ...endpoints,
    issuer: endpoints.issuer,
    authorizationEndpoint: endpoints.authorizationEndpoint,
    tokenEndpoint: endpoints.tokenEndpoint,
    jwksUri: endpoints.jwksUri,
  };
}

export function pkceChallenge(verifier: string): string {
  return sha256(verifier, 'base64url');
}

export function authorizationUrl(
  endpoints: OidcEndpoints,
  client: Pick<OidcClient, 'clientId' | 'redirectUri'>,
  request: { scopes: string; state: string; nonce: string; codeVerifier: string },
): string {
  const url = new URL(endpoints.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', client.redirectUri);
  url.searchParams.set('scope', request.scopes);
  url.searchParams.set('state', request.state);
  url.searchParams.set('nonce', request.nonce);
  url.searchParams.set('code_challenge', pkceChallenge(request.codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** The token endpoint's answer to the code; an error answer means the code is not good. */
export async function exchangeCode(
  endpoints: OidcEndpoints,
  client: OidcClient,
  code: string,
  codeVerifier: string,
): Promise<{ idToken: string; accessToken: string | null }> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: codeVerifier,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (client.tokenAuth === 'client_secret_basic') {
    // RFC 6749 §2.3.1: both parts form-urlencoded before base64.
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  let answer: Record<string, unknown>;
  try {
    answer = await jsonFromProvider(endpoints.tokenEndpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
    });
  } catch (error) {
    // A refused code (invalid_grant) and an unreachable endpoint look alike from here; the log has which.
    throw Object.assign(new AppError('sso.token_invalid'), { cause: error });
  }
  const idToken = text(answer.id_token);
  if (!idToken)
    throw Object.assign(new AppError('sso.token_invalid'), {
      cause: new Error('the token endpoint gave no id_token'),
    });
  return { idToken, accessToken: text(answer.access_token) };
}

function _decodeSegment(segment: string | undefined): Record<string, unknown> {
  if (!segment) throw new Error('missing segment');
  const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('not an object');
  return parsed as Record<string, unknown>;
}

/** The algorithms providers sign id_tokens with; `none` and HMAC (a shared secret) never. */
export const ID_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/**
 * Each provider's JWKS, fetched once and kept (jose's remote key set: cached for 10 minutes, and
 * fetched again at once, at most every 30 s, when a token names a key it does not hold: rotation).
 */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySetOf(jwksUri: string) {
  let keySet = keySets.get(jwksUri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUri), {
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: 30_000,
      timeoutDuration: 10_000,
    });
    keySets.set(jwksUri, keySet);
  }
  return keySet;
}

/** Why jose refused a signature, as the audit log and the security admin read it. */
function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown_key';
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return 'unknown_key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof joseErrors.JWSInvalid) return 'malformed';
  if (error instanceof joseErrors.JOSENotSupported) return 'algorithm';
  return 'unusable_key';
}

/** The header's alg and kid as the token names them (unverified: only to say what was refused). */
function headerOf(idToken: string): { alg: string; kid: string } {
  try {
    const header = decodeProtectedHeader(idToken);
    return { alg: String(header.alg ?? '(none)'), kid: String(header.kid ?? '(none)') };
  } catch {
    return { alg: '(unreadable)', kid: '(unreadable)' };
  }
}

/** A refused signature in the exact words and values the security admin's test sign-in shows. */
function signatureDetail(
  reason: string,
  idToken: string,
  jwksUri: string,
): { detail: string; reasonParams: Record<string, string> } {
  const { alg, kid } = headerOf(idToken);
  switch (reason) {
    case 'algorithm':
      return {
        detail: `id_token alg ${alg} not allowed (allowed: ${ID_TOKEN_ALGORITHMS.join(', ')})`,
        reasonParams: { alg, allowed: ID_TOKEN_ALGORITHMS.join(', ') },
      };
    case 'unknown_key':
      return {
        detail: `id_token key ${kid} (${alg}) is not in the provider's JWKS ${jwksUri}`,
        reasonParams: { alg, kid, jwksUri },
      };
    case 'signature':
      return {
        detail: `id_token signature (${alg}, key ${kid}) does not verify`,
        reasonParams: { alg, kid },
      };
    case 'malformed':
      return { detail: 'id_token is not a well-formed JWS', reasonParams: {} };
    default:
      return {
        detail: `the JWKS key ${kid} cannot verify ${alg}`,
        reasonParams: { alg, kid },
      };
  }
}

/**
 * The id_token's claims once its signature (RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA,
 * by a key of the provider's JWKS, verified by jose) and its claims (issuer, audience, expiry,
 * nonce, by the injected clock) are good; otherwise sso.token_invalid with why (`reason`), in
 * exact words with the values (`detail`, `reasonParams`).
 */
export async function verifyIdToken(
  idToken: string,
  jwksUri: string,
  expected: IdTokenExpectation,
): Promise<Record<string, unknown>> {
  const refuse = (
    reason: string,
    detail: { detail: string; reasonParams: Record<string, string> },
  ) => Object.assign(new AppError('sso.token_invalid'), { reason, ...detail });
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(idToken, keySetOf(jwksUri), {
      algorithms: ID_TOKEN_ALGORITHMS,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid)
      throw Object.assign(new AppError('sso.provider_unreachable'), { cause: error });
    if (!(error instanceof joseErrors.JOSEError))
      throw Object.assign(new AppError('sso.provider_unreachable'), { cause: error });
    const reason = reasonOf(error);
    throw refuse(reason, signatureDetail(reason, idToken, jwksUri));
  }
  let claims: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('claims');
    claims = parsed as Record<string, unknown>;
  } catch {
    throw refuse('malformed', {
      detail: 'id_token claims are not a JSON object',
      reasonParams: {},
    });
  }
  const problem = idTokenProblem(claims, expected);
  if (problem) {
    const { text, params } = idTokenProblemDetail(problem, claims, expected);
    throw refuse(problem, { detail: text, reasonParams: params });
  }
  return claims;
}

/** The userinfo claims, when the provider has the endpoint; they must be about the same subject. */
export async function fetchUserinfo(
  endpoints: OidcEndpoints,
  accessToken: string | null,
  subject: string,
): Promise<Record<string, unknown>> {
  if (!endpoints.userinfoEndpoint || !accessToken) return {};
  const claims = await jsonFromProvider(endpoints.userinfoEndpoint, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  return claims.sub === subject ? claims : {};
}
