import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';

/**
 * The certified OpenID provider (`oidc-provider`, OpenID Foundation certified) listening on
 * loopback inside the test process, with one client per signing algorithm. Its interactions
 * approve the person the test chose (login, then consent) at once, as a campus login page would
 * after the password. Nothing of it is ours: the app must sign in as any certified provider signs.
 */
export interface CertifiedClient {
  clientId: string;
  clientSecret: string;
  alg: 'RS256' | 'PS256' | 'ES256';
  redirectUri: string;
  /** Seconds the id_token is good for (the provider's default is an hour). */
  idTokenSeconds?: number;
}

export interface CertifiedPerson {
  sub: string;
  claims: Record<string, unknown>;
}

export interface CertifiedProvider {
  issuer: string;
  person: CertifiedPerson;
  close(): Promise<void>;
}

/** Listens first (the issuer names its port), then builds the provider with the clients. */
export async function startCertifiedProvider(
  clients: (issuer: string) => Promise<CertifiedClient[]>,
  person: CertifiedPerson,
): Promise<CertifiedProvider> {
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_, response) => {
    response.writeHead(503);
    response.end();
  };
  const server = createServer((request, response) => handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: CertifiedProvider = {
    issuer,
    person,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  const registered = await clients(issuer);
  const provider = new Provider(issuer, {
    clients: registered.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: client.alg,
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: {
      keys: [
        { ...rsa, kid: 'rsa-1', use: 'sig' },
        { ...ec, kid: 'ec-1', use: 'sig' },
      ],
    },
    cookies: { keys: ['certified-provider-cookie-key'] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
    // The claims ride in the id_token itself, as many campus providers do.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, ...state.person.claims }),
    }),
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: (_ctx: unknown, _token: unknown, client: { clientId: string }) =>
        registered.find((entry) => entry.clientId === client.clientId)?.idTokenSeconds ?? 3600,
    },
  });
  // Plain HTTP on loopback: the provider is told it is not behind a proxy.
  provider.proxy = false;
  const callback = provider.callback();

  async function interaction(request: IncomingMessage, response: ServerResponse) {
    const details = await provider.interactionDetails(request, response);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: state.person.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = new provider.Grant({
      accountId: details.session!.accountId,
      clientId: details.params.client_id as string,
    });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  handle = (request, response) => {
    if (request.url?.startsWith('/interaction/')) {
      interaction(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
      return;
    }
    callback(request, response);
  };
  return state;
}

export interface BrowserRun {
  /** Where the browser ended on the app (the path), or the last address when it stopped elsewhere. */
  landing: string;
  appCookies: Map<string, string>;
  visited: string[];
}

function keep(jar: Map<string, string>, setCookies: string[]) {
  for (const line of setCookies) {
    const [pair, ...attributes] = line.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at).trim();
    const value = pair!.slice(at + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key, date] = attribute.split('=');
      return (
        (key?.trim().toLowerCase() === 'expires' && new Date(date!).getTime() < Date.now()) ||
        (key?.trim().toLowerCase() === 'max-age' && Number(date) <= 0)
      );
    });
    if (value === '' || expired) jar.delete(name);
    else jar.set(name, value);
  }
}

const cookieHeader = (jar: Map<string, string>) =>
  [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/**
 * A browser: requests to the app go through app.inject (addressed by its public URL), others
 * through fetch, each origin with its own cookies, redirects followed by hand; `beforeApp` runs
 * before each request that comes back to the app from elsewhere (the test's chance to move the
 * app's clock between the provider's answer and the callback).
 */
export async function browse(
  app: FastifyInstance,
  publicUrl: string,
  start: string,
  options: { appCookies?: Map<string, string>; beforeApp?: (url: string) => void } = {},
): Promise<BrowserRun> {
  const appCookies = options.appCookies ?? new Map<string, string>();
  const otherCookies = new Map<string, string>();
  const visited: string[] = [];
  let url = start;
  for (let hop = 0; hop < 20; hop += 1) {
    visited.push(url);
    const ours = url.startsWith('/') || url.startsWith(publicUrl);
    let status: number;
    let location: string | undefined;
    if (ours) {
      const path = url.startsWith(publicUrl) ? url.slice(publicUrl.length) : url;
      if (!path.startsWith('/api/')) return { landing: path, appCookies, visited };
      if (hop > 0) options.beforeApp?.(path);
      const response = await app.inject({
        method: 'GET',
        url: path,
        headers: { cookie: cookieHeader(appCookies) },
      });
      const setCookie = response.headers['set-cookie'];
      keep(appCookies, setCookie === undefined ? [] : [setCookie].flat());
      status = response.statusCode;
      location = response.headers.location as string | undefined;
    } else {
      const response = await fetch(url, {
        redirect: 'manual',
        headers: { cookie: cookieHeader(otherCookies) },
      });
      keep(otherCookies, response.headers.getSetCookie());
      status = response.status;
      location = response.headers.get('location') ?? undefined;
      if (location) location = new URL(location, url).toString();
    }
    if (status < 300 || status >= 400 || !location)
      throw new Error(`${url} answered ${status}, not a redirect`);
    url = location;
  }
  throw new Error(`too many redirects: ${visited.join(' → ')}`);
}
