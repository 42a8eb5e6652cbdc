import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';

/**
 * The certified `oidc-provider` (OpenID Foundation certified, from npm) listening on loopback inside
 * the test process, as a campus's OpenID provider would be. It holds an RSA and an EC P-256 signing
 * key; each client says which algorithm signs its id_tokens (RS256, PS256, ES256). The login and
 * consent steps are answered at once for `person` (as a campus login page would after the password).
 * Every request is counted by path, so a test can say how often the JWKS was fetched.
 */
export interface CertifiedPerson {
  sub: string;
  claims: Record<string, unknown>;
}

export interface CertifiedClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** HS256 (signed with the client secret) is one Luoshi refuses: its test sign-in says so. */
  idTokenAlg: 'RS256' | 'PS256' | 'ES256' | 'HS256';
  tokenAuth?: 'client_secret_post' | 'client_secret_basic';
}

export interface CertifiedOidcProvider {
  issuer: string;
  person: CertifiedPerson;
  /** Registers a client (before a sign-in through it). */
  addClient(client: CertifiedClient): void;
  /** How many requests each path received. */
  requests: Map<string, number>;
  /** The `alg` of every id_token the token endpoint answered, in order. */
  idTokenAlgs: string[];
  close(): Promise<void>;
}

/** An in-memory store for oidc-provider's models (clients registered by the test, codes, grants, sessions). */
function memoryAdapter(store: Map<string, AdapterPayload>) {
  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload) {
      store.set(this.key(id), payload);
      if (payload.grantId) store.set(`${this.model}:grant:${payload.grantId}:${id}`, { id });
      if (payload.uid) store.set(`${this.model}:uid:${payload.uid}`, { id });
      if (payload.userCode) store.set(`${this.model}:userCode:${payload.userCode}`, { id });
    }
    async find(id: string) {
      return store.get(this.key(id));
    }
    async findByUid(uid: string) {
      const ref = store.get(`${this.model}:uid:${uid}`);
      return ref?.id ? store.get(this.key(ref.id as string)) : undefined;
    }
    async findByUserCode(userCode: string) {
      const ref = store.get(`${this.model}:userCode:${userCode}`);
      return ref?.id ? store.get(this.key(ref.id as string)) : undefined;
    }
    async consume(id: string) {
      const payload = store.get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const key of [...store.keys()])
        if (key.startsWith(`${this.model}:grant:${grantId}:`)) {
          store.delete(this.key(key.split(':').pop()!));
          store.delete(key);
        }
    }
  };
}

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  return [
    { ...rsa, kid: `rsa-${randomBytes(4).toString('hex')}`, use: 'sig' },
    { ...ec, kid: `ec-${randomBytes(4).toString('hex')}`, use: 'sig' },
  ];
}

export async function startCertifiedOidcProvider(
  person: CertifiedPerson,
): Promise<CertifiedOidcProvider> {
  const store = new Map<string, AdapterPayload>();
  const requests = new Map<string, number>();
  let provider: Provider | null = null;
  const state: CertifiedOidcProvider = {
    issuer: '',
    person,
    requests,
    idTokenAlgs: [],
    addClient(client) {
      store.set(`Client:${client.clientId}`, {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: client.tokenAuth ?? 'client_secret_post',
        id_token_signed_response_alg: client.idTokenAlg,
      });
    },
    close: async () => undefined,
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://oidc.local');
    requests.set(url.pathname, (requests.get(url.pathname) ?? 0) + 1);
    if (!provider) {
      response.writeHead(503).end();
      return;
    }
    const current = provider;
    if (url.pathname.startsWith('/interaction/')) {
      void (async () => {
        try {
          const details = await current.interactionDetails(request, response);
          if (details.prompt.name === 'login') {
            await current.interactionFinished(
              request,
              response,
              { login: { accountId: state.person.sub } },
              { mergeWithLastSubmission: false },
            );
            return;
          }
          const clientId = String(details.params.client_id);
          const grant = details.grantId
            ? ((await current.Grant.find(details.grantId)) ??
              new current.Grant({ accountId: details.session!.accountId, clientId }))
            : new current.Grant({ accountId: details.session!.accountId, clientId });
          const missing = details.prompt.details.missingOIDCScope as string[] | undefined;
          if (missing) grant.addOIDCScope(missing.join(' '));
          const claims = details.prompt.details.missingOIDCClaims as string[] | undefined;
          if (claims) grant.addOIDCClaims(claims);
          const grantId = await grant.save();
          await current.interactionFinished(
            request,
            response,
            { consent: { grantId } },
            { mergeWithLastSubmission: true },
          );
        } catch (error) {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(String(error));
        }
      })();
      return;
    }
    if (url.pathname === '/token') {
      // Note which algorithm signed the id_token the provider answers.
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((...args: unknown[]) => {
        const [body] = args;
        try {
          const idToken = (JSON.parse(String(body)) as { id_token?: string }).id_token;
          if (idToken) {
            const header = JSON.parse(
              Buffer.from(idToken.split('.')[0]!, 'base64url').toString('utf8'),
            ) as { alg: string };
            state.idTokenAlgs.push(header.alg);
          }
        } catch {
          // not a token answer
        }
        return end(...args);
      }) as typeof response.end;
    }
    current.callback()(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  provider = new Provider(state.issuer, {
    adapter: memoryAdapter(store),
    jwks: { keys: signingKeys() },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256', 'HS256'] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'department'],
      email: ['email'],
    },
    async findAccount(_ctx: unknown, sub: string) {
      if (sub !== state.person.sub) return undefined;
      const who = state.person;
      return { accountId: who.sub, claims: async () => ({ ...who.claims, sub: who.sub }) };
    },
  });
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
