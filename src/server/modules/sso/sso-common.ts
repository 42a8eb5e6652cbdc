/** What the SSO module's parts share: the outcome of a sign-in, refusals with their reasons, the identity mapping. */
import { randomBytes } from 'node:crypto';
import { AppError, type ErrorCode } from '../../../shared/errors';
import {
  mapIdentity,
  type AttributeMapping,
  type CampusIdentity,
  type IdentityAttributes,
} from '../../../shared/sso/identity-mapping';
import type { SignedInSession } from '../auth/auth.service';
import type { Department } from '../departments/department.table';
import type { User } from '../users/user.table';
import type { IdentityProvider } from './sso.table';

/**
 * Where a sign-in goes next: signed in, or a TOTP code still owed (the attempt's cookie token);
 * or, for the security admin's test sign-in, nobody signed in and the result recorded.
 */
export type SsoOutcome =
  | { kind: 'signed-in'; session: SignedInSession }
  | { kind: 'totp-required'; attemptToken: string }
  | { kind: 'tested'; testId: string };

/** What a provider vouched for, once the protocol's checks passed. */
export interface Vouched {
  subject: string;
  attributes: IdentityAttributes;
}

/** The account a campus identity reaches, decided by the same rules for a sign-in and a test. */
export type AccountDecision =
  | { how: 'linked'; user: User }
  | { how: 'username'; user: User }
  | { how: 'created'; department: Department | null };

/** A refusal with its kind (`reason`), its exact words with their values (`detail`) and those values. */
export function refusal(
  code: ErrorCode,
  reason: string,
  detail?: string,
  reasonParams?: Record<string, string>,
): AppError {
  return Object.assign(new AppError(code), {
    reason,
    ...(detail ? { detail } : {}),
    ...(reasonParams ? { reasonParams } : {}),
  });
}

/** The test sign-ins listed on the page. */
export const TEST_RESULTS_SHOWN = 20;

/** How long a browser may take at the campus login page, and to type a TOTP code after it. */
export const SIGN_IN_MINUTES = 10;
export const SECOND_FACTOR_MINUTES = 5;

/** Codes whose failure the auth service has audited already (disabled, locked, TOTP). */
export const auditedByAuth = (code: string) => code.startsWith('auth.');

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The attribute the campus id is read from, as the security admin configured it or the protocol's own. */
export function campusIdAttributeOf(provider: IdentityProvider): string {
  return provider.campusIdAttribute || (provider.kind === 'cas' ? 'cas:user' : 'sub');
}

/** The campus identity a provider vouched for, by the mapping; a missing campus-id attribute is sso.no_account. */
export function identityOf(provider: IdentityProvider, vouched: Vouched): CampusIdentity {
  const identity = mapIdentity(vouched.subject, vouched.attributes, mappingOf(provider));
  if (!identity) {
    const attribute = campusIdAttributeOf(provider);
    const given = Object.keys(vouched.attributes).sort().join(', ') || '(none)';
    throw refusal(
      'sso.no_account',
      `attribute_missing:${provider.campusIdAttribute}`,
      `attribute ${attribute} missing from the provider's answer (it gave: ${given})`,
      { attribute, given },
    );
  }
  return identity;
}

/** Replaces each of the callback's secrets (code, state, ticket, cookie token) in a text. */
export function redacted(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets)
    if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out.slice(0, 500);
}

export function mappingOf(provider: IdentityProvider): AttributeMapping {
  return {
    campusId: provider.campusIdAttribute,
    displayName: provider.displayNameAttribute,
    email: provider.emailAttribute,
    department: provider.departmentAttribute,
  };
}

/** What the audit log keeps of a provider: every setting, never the sealed secret. */
export function auditedProvider(provider: IdentityProvider) {
  const { oidcClientSecret, ...rest } = provider;
  return { ...rest, oidcClientSecretSet: oidcClientSecret !== null };
}
