import { casLoginUrl } from '../../../shared/sso/cas-response';
import { hashSessionToken } from '../../http/access-control';
import { secretsEqual } from '../../http/secrets-equal';
import { createSecretBox } from '../auth/secret-box';
import { validateCasTicket } from './cas.protocol';
import {
  authorizationUrl,
  discover,
  exchangeCode,
  fetchUserinfo,
  verifyIdToken,
} from './oidc.protocol';
import { insertAttempt, takeAttempt } from './sso.repository';
import type { IdentityProvider } from './sso.table';
import type { SsoServiceDependencies } from './sso.service';
import { type Vouched, refusal, SIGN_IN_MINUTES, newToken, redacted } from './sso-common';

/** The protocols' side of a sign-in or a test: opening an attempt, and checking what comes back (CAS ticket, OIDC code and id_token). */
export function createSsoProtocols({
  db,
  clock,
  config,
}: Pick<SsoServiceDependencies, 'db' | 'clock' | 'config'>) {
  const secrets = createSecretBox(config);
  const callbackUrl = (provider: Pick<IdentityProvider, 'id' | 'kind'>) =>
    `${config.publicUrl}/api/v1/sso/${provider.id}/${provider.kind}/callback`;
  const casServiceUrl = (provider: Pick<IdentityProvider, 'id' | 'kind'>, state: string) =>
    `${callbackUrl(provider)}?state=${encodeURIComponent(state)}`;

  /** The browser's attempt for this provider, used up; a missing, expired, foreign or replayed one is sso.state_invalid. */
  async function takeSignInAttempt(
    provider: IdentityProvider,
    attemptToken: string | undefined,
    purpose: 'sign_in' | 'test',
  ) {
    const attempt = attemptToken
      ? await takeAttempt(db, hashSessionToken(attemptToken), purpose, clock.now())
      : undefined;
    if (!attempt || attempt.providerId !== provider.id)
      throw attemptToken
        ? refusal(
            'sso.state_invalid',
            'unknown_or_used_attempt',
            `this browser's ${purpose === 'test' ? 'test ' : ''}sign-in attempt is unknown, already used or older than ${SIGN_IN_MINUTES} minutes`,
          )
        : refusal(
            'sso.state_invalid',
            'no_attempt_cookie',
            'the browser brought no sign-in attempt cookie back',
          );
    return attempt;
  }

  /** Opens an attempt bound to the browser (the cookie token) and says where to send it. */
  async function openAttempt(
    provider: IdentityProvider,
    purpose: 'sign_in' | 'test',
    userId: string | null,
  ): Promise<{ location: string; attemptToken: string }> {
    const attemptToken = newToken();
    const now = clock.now();
    const attempt = {
      tokenHash: hashSessionToken(attemptToken),
      organizationId: provider.organizationId,
      providerId: provider.id,
      purpose,
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SIGN_IN_MINUTES * 60_000),
    };
    if (provider.kind === 'cas') {
      // The state rides in the service URL, and CAS validates a ticket only for the exact service
      // URL it was issued to: a ticket started in another browser (another state) is good for nothing here.
      const state = newToken();
      await insertAttempt(db, { ...attempt, nonce: state }, now);
      return {
        location: casLoginUrl(provider.casBaseUrl!, casServiceUrl(provider, state)),
        attemptToken,
      };
    }
    const endpoints = await discover(provider.oidcIssuer!);
    const nonce = newToken();
    const codeVerifier = newToken();
    await insertAttempt(db, { ...attempt, nonce, codeVerifier }, now);
    // The state is the attempt's token: the callback must bring back the one this browser's cookie holds.
    const location = authorizationUrl(
      endpoints,
      { clientId: provider.oidcClientId!, redirectUri: callbackUrl(provider) },
      { scopes: provider.oidcScopes, state: attemptToken, nonce, codeVerifier },
    );
    return { location, attemptToken };
  }

  /** CAS: the ticket checked at the CAS server for this attempt's exact service URL. */
  async function verifyCas(
    provider: IdentityProvider,
    attemptToken: string | undefined,
    query: { ticket?: string | undefined; state?: string | undefined },
    purpose: 'sign_in' | 'test',
  ): Promise<Vouched> {
    const attempt = await takeSignInAttempt(provider, attemptToken, purpose);
    if (!query.state || !attempt.nonce || !secretsEqual(query.state, attempt.nonce))
      throw query.state
        ? refusal(
            'sso.state_invalid',
            'state_mismatch',
            "the service URL's state is not this browser's attempt",
          )
        : refusal('sso.state_invalid', 'no_state', 'the service URL came back without its state');
    if (!query.ticket)
      throw refusal(
        'sso.ticket_invalid',
        'no_ticket',
        'the CAS server sent the browser back without a ticket',
      );
    const service = casServiceUrl(provider, attempt.nonce);
    const validation = await validateCasTicket(
      provider.casBaseUrl!,
      provider.casVersion ?? '2.0',
      service,
      query.ticket,
    );
    if (!validation.ok) {
      // CAS servers often repeat the ticket in their message: it never leaves here.
      const said = redacted(`${validation.code}: ${validation.message}`, [
        query.ticket,
        query.state,
      ]);
      throw refusal(
        'sso.ticket_invalid',
        said.slice(0, 300),
        `the CAS server refused the ticket: ${said}`,
        {
          casCode: validation.code,
          casMessage: redacted(validation.message, [query.ticket, query.state]),
          casVersion: provider.casVersion ?? '2.0',
        },
      );
    }
    return { subject: validation.user, attributes: validation.attributes };
  }

  /** OIDC: the state, the code exchanged with PKCE, the id_token's signature and claims, the userinfo. */
  async function verifyOidc(
    provider: IdentityProvider,
    attemptToken: string | undefined,
    query: {
      code?: string | undefined;
      state?: string | undefined;
      error?: string | undefined;
      error_description?: string | undefined;
    },
    purpose: 'sign_in' | 'test',
  ): Promise<Vouched> {
    if (!query.state || !attemptToken || !secretsEqual(query.state, attemptToken)) {
      throw query.state
        ? refusal(
            'sso.state_invalid',
            'state_mismatch',
            "the state that came back is not this browser's attempt",
          )
        : refusal(
            'sso.state_invalid',
            'no_state',
            'the provider sent the browser back without a state',
          );
    }
    const attempt = await takeSignInAttempt(provider, attemptToken, purpose);
    if (query.error || !query.code)
      throw query.error
        ? refusal(
            'sso.denied',
            query.error,
            `the provider answered error=${query.error}${query.error_description ? `: ${query.error_description}` : ''}`,
            { error: query.error, description: query.error_description ?? '' },
          )
        : refusal('sso.denied', 'no_code', 'the provider sent the browser back without a code');
    const endpoints = await discover(provider.oidcIssuer!);
    const client = {
      issuer: provider.oidcIssuer!,
      clientId: provider.oidcClientId!,
      clientSecret: await secrets.open(provider.oidcClientSecret!, provider.id),
      tokenAuth: provider.oidcTokenAuth,
      redirectUri: callbackUrl(provider),
    };
    const tokens = await exchangeCode(endpoints, client, query.code, attempt.codeVerifier!);
    const claims = await verifyIdToken(tokens.idToken, endpoints.jwksUri, {
      issuer: endpoints.issuer,
      clientId: client.clientId,
      nonce: attempt.nonce!,
      now: clock.now(),
    });
    const subject = claims.sub as string;
    const userinfo = await fetchUserinfo(endpoints, tokens.accessToken, subject);
    return { subject, attributes: { ...claims, ...userinfo } };
  }

  return { secrets, callbackUrl, casServiceUrl, openAttempt, verifyCas, verifyOidc };
}

export type SsoProtocols = ReturnType<typeof createSsoProtocols>;
