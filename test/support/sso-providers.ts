import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Two small but real campus identity providers, listening on loopback inside the test process:
 * a CAS server (CAS protocol 2.0/3.0: login, serviceValidate, p3/serviceValidate; tickets used
 * once and bound to their service URL) and an OpenID Connect provider (discovery, authorization
 * code with PKCE S256, token endpoint with client authentication, JWKS, RS256 id_tokens,
 * userinfo). The app under test talks to them over HTTP as it would to a campus's.
 */

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': type, ...headers });
  response.end(body);
}

function redirect(response: ServerResponse, location: string) {
  response.writeHead(302, { location });
  response.end();
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

// ---- CAS

export interface CasPerson {
  user: string;
  attributes: Record<string, string[]>;
}

export interface CasServer {
  /** The CAS base URL, as configured in the app (…/cas). */
  baseUrl: string;
  /** Who the login page signs in without asking (a fixed test user), until changed. */
  person: CasPerson;
  /** Every validation request received, for tests that check the service URL. */
  validations: { path: string; service: string | null; ticket: string | null }[];
  close(): Promise<void>;
}

export async function startCasServer(person: CasPerson): Promise<CasServer> {
  const tickets = new Map<string, { service: string; person: CasPerson }>();
  const state: CasServer = { baseUrl: '', person, validations: [], close: async () => undefined };

  function failure(code: string, message: string) {
    return `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">\n  <cas:authenticationFailure code="${code}">${escapeXml(message)}</cas:authenticationFailure>\n</cas:serviceResponse>\n`;
  }

  function success(who: CasPerson, withAttributes: boolean) {
    const attributes = withAttributes
      ? `\n    <cas:attributes>\n${Object.entries(who.attributes)
          .flatMap(([name, values]) =>
            values.map((value) => `      <cas:${name}>${escapeXml(value)}</cas:${name}>`),
          )
          .join('\n')}\n    </cas:attributes>`
      : '';
    return `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">\n  <cas:authenticationSuccess>\n    <cas:user>${escapeXml(who.user)}</cas:user>${attributes}\n  </cas:authenticationSuccess>\n</cas:serviceResponse>\n`;
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://cas.local');
    const service = url.searchParams.get('service');
    if (url.pathname === '/cas/login') {
      if (!service) return send(response, 400, 'text/plain; charset=utf-8', 'service required');
      // The test user is approved at once, as a campus login would after the password.
      const ticket = `ST-${randomBytes(16).toString('hex')}`;
      tickets.set(ticket, { service, person: state.person });
      return redirect(response, `${service}${service.includes('?') ? '&' : '?'}ticket=${ticket}`);
    }
    if (url.pathname === '/cas/serviceValidate' || url.pathname === '/cas/p3/serviceValidate') {
      const ticket = url.searchParams.get('ticket');
      state.validations.push({ path: url.pathname, service, ticket });
      const xml = (body: string) => send(response, 200, 'application/xml; charset=utf-8', body);
      if (!service || !ticket)
        return xml(
          failure('INVALID_REQUEST', "'service' and 'ticket' parameters are both required"),
        );
      const issued = tickets.get(ticket);
      // A ticket is good once, whatever the outcome.
      tickets.delete(ticket);
      if (!issued) return xml(failure('INVALID_TICKET', `Ticket ${ticket} not recognized`));
      if (issued.service !== service)
        return xml(failure('INVALID_SERVICE', `Ticket ${ticket} does not match supplied service`));
      return xml(success(issued.person, url.pathname === '/cas/p3/serviceValidate'));
    }
    send(response, 404, 'text/plain', 'not found');
  });
  const origin = await listen(server);
  state.baseUrl = `${origin}/cas`;
  state.close = () => close(server);
  return state;
}

// ---- OpenID Connect

export interface OidcPerson {
  sub: string;
  /** Claims put in the id_token and answered by userinfo. */
  claims: Record<string, unknown>;
}

/** What the provider does wrong on purpose, for the tests that must be refused. */
export interface IdTokenTampering {
  audience?: string;
  expiresInSeconds?: number;
  /** Sign with a key that is not in the JWKS (under the JWKS's kid). */
  foreignKey?: boolean;
  nonce?: string;
}

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  person: OidcPerson;
  tampering: IdTokenTampering;
  /** How the client authenticated at the token endpoint, per exchange. */
  tokenRequests: { clientAuth: 'client_secret_basic' | 'client_secret_post' | 'none' }[];
  close(): Promise<void>;
}

function rsaKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export async function startOidcProvider(options: {
  clientId: string;
  clientSecret: string;
  person: OidcPerson;
  now(): Date;
}): Promise<OidcProvider> {
  const key = rsaKey();
  const foreign = rsaKey();
  const kid = `key-${randomBytes(4).toString('hex')}`;
  const codes = new Map<
    string,
    { clientId: string; redirectUri: string; challenge: string; nonce: string; person: OidcPerson }
  >();
  const accessTokens = new Map<string, OidcPerson>();
  const state: OidcProvider = {
    issuer: '',
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    person: options.person,
    tampering: {},
    tokenRequests: [],
    close: async () => undefined,
  };
  const json = (response: ServerResponse, status: number, body: unknown) =>
    send(response, status, 'application/json', JSON.stringify(body), {
      'cache-control': 'no-store',
    });

  function idToken(person: OidcPerson, nonce: string): string {
    const now = Math.floor(options.now().getTime() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid };
    const claims = {
      ...person.claims,
      iss: state.issuer,
      sub: person.sub,
      aud: state.tampering.audience ?? options.clientId,
      iat: now,
      exp: now + (state.tampering.expiresInSeconds ?? 300),
      nonce: state.tampering.nonce ?? nonce,
    };
    const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = sign(
      'RSA-SHA256',
      Buffer.from(signingInput),
      state.tampering.foreignKey ? foreign.privateKey : key.privateKey,
    );
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  async function token(request: IncomingMessage, response: ServerResponse) {
    const form = new URLSearchParams(await bodyOf(request));
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    let clientAuth: OidcProvider['tokenRequests'][number]['clientAuth'] = secret
      ? 'client_secret_post'
      : 'none';
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, pass] = Buffer.from(basic, 'base64')
        .toString('utf8')
        .split(':')
        .map((part) => decodeURIComponent(part ?? ''));
      clientId = id ?? null;
      secret = pass ?? null;
      clientAuth = 'client_secret_basic';
    }
    state.tokenRequests.push({ clientAuth });
    if (clientId !== options.clientId || secret !== options.clientSecret)
      return json(response, 401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'authorization_code')
      return json(response, 400, { error: 'unsupported_grant_type' });
    const code = form.get('code') ?? '';
    const issued = codes.get(code);
    codes.delete(code);
    if (!issued || issued.clientId !== clientId)
      return json(response, 400, {
        error: 'invalid_grant',
        error_description: 'unknown or used code',
      });
    if (issued.redirectUri !== form.get('redirect_uri'))
      return json(response, 400, {
        error: 'invalid_grant',
        error_description: 'redirect_uri mismatch',
      });
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== issued.challenge)
      return json(response, 400, {
        error: 'invalid_grant',
        error_description: 'PKCE verification failed',
      });
    const accessToken = randomBytes(24).toString('base64url');
    accessTokens.set(accessToken, issued.person);
    return json(response, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken(issued.person, issued.nonce),
    });
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://oidc.local');
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer: state.issuer,
        authorization_endpoint: `${state.issuer}/authorize`,
        token_endpoint: `${state.issuer}/token`,
        jwks_uri: `${state.issuer}/jwks`,
        userinfo_endpoint: `${state.issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      });
    }
    if (url.pathname === '/authorize') {
      const query = url.searchParams;
      const redirectUri = query.get('redirect_uri');
      if (query.get('client_id') !== options.clientId || !redirectUri)
        return send(response, 400, 'text/plain', 'unknown client or no redirect_uri');
      const back = new URL(redirectUri);
      if (query.get('state')) back.searchParams.set('state', query.get('state')!);
      if (
        query.get('response_type') !== 'code' ||
        query.get('code_challenge_method') !== 'S256' ||
        !query.get('code_challenge') ||
        !query.get('scope')?.split(' ').includes('openid')
      ) {
        back.searchParams.set('error', 'invalid_request');
        return redirect(response, back.toString());
      }
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        clientId: options.clientId,
        redirectUri,
        challenge: query.get('code_challenge')!,
        nonce: query.get('nonce') ?? '',
        person: state.person,
      });
      back.searchParams.set('code', code);
      return redirect(response, back.toString());
    }
    if (url.pathname === '/token' && request.method === 'POST')
      return void token(request, response);
    if (url.pathname === '/jwks') {
      return json(response, 200, {
        keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }],
      });
    }
    if (url.pathname === '/userinfo') {
      const person = accessTokens.get(
        /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '',
      );
      if (!person) return json(response, 401, { error: 'invalid_token' });
      return json(response, 200, { ...person.claims, sub: person.sub });
    }
    send(response, 404, 'text/plain', 'not found');
  });
  state.issuer = await listen(server);
  state.close = () => close(server);
  return state;
}

// ---- following a sign-on through app.inject

export interface SignOnResult {
  /** Where the chain ended: the app's own page ('/', '/?ssoError=…', '/?ssoStep=totp'). */
  landing: string;
  cookies: Map<string, string>;
  /** Every address visited, in order. */
  visited: string[];
}

/**
 * Drives the browser's part of a sign-on: follows each Location, sending the app's cookies to
 * the app (through app.inject; `publicUrl` is how the providers address it) and plain requests
 * to the providers, until the app sends the browser to one of its pages.
 */
export async function followSignOn(
  app: FastifyInstance,
  publicUrl: string,
  start: string,
  cookies = new Map<string, string>(),
): Promise<SignOnResult> {
  const visited: string[] = [];
  // The provider's own cookies (a real provider keeps its login session and interaction in them).
  const providerCookies = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 12; hop += 1) {
    visited.push(url);
    const ours = url.startsWith('/') || url.startsWith(publicUrl);
    let status: number;
    let location: string | undefined;
    if (ours) {
      const path = url.startsWith(publicUrl) ? url.slice(publicUrl.length) : url;
      if (!path.startsWith('/api/')) return { landing: path, cookies, visited };
      const response = await app.inject({
        method: 'GET',
        url: path,
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      });
      for (const cookie of response.cookies) {
        if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() < Date.now()))
          cookies.delete(cookie.name);
        else cookies.set(cookie.name, cookie.value);
      }
      status = response.statusCode;
      location = response.headers.location as string | undefined;
    } else {
      const response = await fetch(url, {
        redirect: 'manual',
        headers: {
          cookie: [...providerCookies].map(([name, value]) => `${name}=${value}`).join('; '),
        },
      });
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(';');
        const at = pair!.indexOf('=');
        const name = pair!.slice(0, at).trim();
        const value = pair!.slice(at + 1).trim();
        if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(header))
          providerCookies.delete(name);
        else providerCookies.set(name, value);
      }
      status = response.status;
      location = response.headers.get('location') ?? undefined;
    }
    if ((status !== 302 && status !== 303) || !location)
      throw new Error(`${url} answered ${status}, not a redirect`);
    // A provider's relative Location is on the provider.
    url = ours ? location : new URL(location, url).toString();
  }
  throw new Error(`too many redirects: ${visited.join(' → ')}`);
}
