import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { sha256 } from '../../io/sha256';
import { AppError } from '../../../shared/errors';
import { idTokenProblem, type IdTokenExpectation } from '../../../shared/sso/id-token';
import { jsonFromProvider } from './provider-http';

/**
 * OpenID Connect authorization code flow with PKCE (OpenID Connect Core 1.0 §3.1, RFC 7636):
 * discovery, the authorization request, the code exchange and the id_token's RS256 signature
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

export async function discover(issuer: string): Promise<OidcEndpoints> {
  const document = await jsonFromProvider(`${issuer}/.well-known/openid-configuration`);
  const endpoints = {
    issuer: text(document.issuer),
    authorizationEndpoint: text(document.authorization_endpoint),
    tokenEndpoint: text(document.token_endpoint),
    jwksUri: text(document.jwks_uri),
    userinfoEndpoint: text(document.userinfo_endpoint),
  };
  // The discovered issuer must be the configured one, or tokens could be checked against the wrong keys.
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

function decodeSegment(segment: string | undefined): Record<string, unknown> {
  if (!segment) throw new Error('missing segment');
  const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('not an object');
  return parsed as Record<string, unknown>;
}

async function signingKey(jwksUri: string, kid: string | null): Promise<JsonWebKey | null> {
  const jwks = await jsonFromProvider(jwksUri);
  const keys = Array.isArray(jwks.keys) ? (jwks.keys as JsonWebKey[]) : [];
  const usable = keys.filter(
    (key) =>
      key.kty === 'RSA' &&
      (key.use === undefined || key.use === 'sig') &&
      (key.alg === undefined || key.alg === 'RS256'),
  );
  return (
    (kid ? usable.find((key) => key.kid === kid) : usable.length === 1 ? usable[0] : undefined) ??
    null
  );
}

/**
 * The id_token's claims once its RS256 signature (by a key of the provider's JWKS) and its
 * claims (issuer, audience, expiry, nonce) are good; otherwise sso.token_invalid with why.
 */
export async function verifyIdToken(
  idToken: string,
  jwksUri: string,
  expected: IdTokenExpectation,
): Promise<Record<string, unknown>> {
  const refuse = (reason: string) => Object.assign(new AppError('sso.token_invalid'), { reason });
  const [headerPart, payloadPart, signaturePart] = idToken.split('.');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeSegment(headerPart);
    claims = decodeSegment(payloadPart);
  } catch {
    throw refuse('malformed');
  }
  if (header.alg !== 'RS256' || !signaturePart) throw refuse('algorithm');
  const jwk = await signingKey(jwksUri, text(header.kid));
  if (!jwk) throw refuse('unknown_key');
  let good: boolean;
  try {
    good = verify(
      'RSA-SHA256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(signaturePart, 'base64url'),
    );
  } catch {
    throw refuse('unusable_key');
  }
  if (!good) throw refuse('signature');
  const problem = idTokenProblem(claims, expected);
  if (problem) throw refuse(problem);
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
