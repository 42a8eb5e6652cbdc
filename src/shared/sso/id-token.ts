/**
 * The claims of an OpenID Connect id_token, checked after its signature (OpenID Connect Core
 * 3.1.3.7): who issued it, for whom, until when, and for which sign-in (the nonce). Pure.
 */
export interface IdTokenExpectation {
  issuer: string;
  clientId: string;
  nonce: string;
  now: Date;
  /** Clock difference tolerated between the provider and us. */
  skewSeconds?: number;
}

export type IdTokenProblem =
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not_yet_valid'
  | 'nonce'
  | 'subject';

export function idTokenProblem(
  claims: Record<string, unknown>,
  expected: IdTokenExpectation,
): IdTokenProblem | null {
  const skew = expected.skewSeconds ?? 60;
  const now = expected.now.getTime() / 1000;
  if (claims.iss !== expected.issuer) return 'issuer';
  const audiences =
    typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(expected.clientId)) return 'audience';
  // With several audiences, the authorized party must be us.
  if (audiences.length > 1 && claims.azp !== expected.clientId) return 'audience';
  if (typeof claims.exp !== 'number' || claims.exp + skew <= now) return 'expired';
  if (typeof claims.iat === 'number' && claims.iat - skew > now) return 'not_yet_valid';
  if (typeof claims.nbf === 'number' && claims.nbf - skew > now) return 'not_yet_valid';
  if (claims.nonce !== expected.nonce) return 'nonce';
  if (typeof claims.sub !== 'string' || claims.sub === '') return 'subject';
  return null;
}

const shown = (value: unknown): string =>
  value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * The problem in the words and values a security admin needs to fix it ("iss mismatch: expected X
 * got Y"), and those values by name. Never the nonce's values: only whether it matched.
 */
export function idTokenProblemDetail(
  problem: IdTokenProblem,
  claims: Record<string, unknown>,
  expected: IdTokenExpectation,
): { text: string; params: Record<string, string> } {
  const at = (seconds: unknown) =>
    typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : shown(seconds);
  switch (problem) {
    case 'issuer': {
      const params = { expected: expected.issuer, got: shown(claims.iss) };
      return { text: `iss mismatch: expected ${params.expected} got ${params.got}`, params };
    }
    case 'audience': {
      const params = { expected: expected.clientId, got: shown(claims.aud) };
      return { text: `aud mismatch: expected ${params.expected} got ${params.got}`, params };
    }
    case 'expired': {
      const params = { exp: at(claims.exp), now: expected.now.toISOString() };
      return { text: `id_token expired at ${params.exp} (now ${params.now})`, params };
    }
    case 'not_yet_valid': {
      const params = { iat: at(claims.nbf ?? claims.iat), now: expected.now.toISOString() };
      return { text: `id_token not valid before ${params.iat} (now ${params.now})`, params };
    }
    case 'nonce':
      return { text: 'nonce mismatch: the id_token is not for this sign-in', params: {} };
    case 'subject':
      return { text: 'id_token has no sub', params: {} };
  }
}
