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
