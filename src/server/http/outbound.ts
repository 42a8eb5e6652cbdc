import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where the server may call out to on a user's configuration (the WeCom / DingTalk robots):
 * only public unicast addresses. Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * link-local (169.254/16 — cloud metadata — and fe80::/10), carrier-grade NAT, unspecified,
 * multicast and reserved ranges are refused unless allow-listed: by the security admin for their
 * organization (外呼地址, `modules/outbound`), or for the whole deployment (LUOSHI_OUTBOUND_ALLOW).
 * Entries are host names or CIDR ranges. The check is made on every address the name resolves to,
 * and the connection goes to the address that was checked (the name is resolved once: no DNS
 * rebinding between the check and the call); redirects are never followed.
 */
export class OutboundRefused extends Error {
  constructor(
    message: string,
    /** Why: not http(s), the name does not resolve, or an address is internal. */
    readonly reason: 'protocol' | 'unresolvable' | 'internal',
    readonly host: string,
    /** The internal address it resolved to (for 'internal'). */
    readonly address: string | null = null,
  ) {
    super(message);
  }
}

/** One resolved address of a host name. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Resolves a host name to its addresses (the system's resolver; tests inject their own). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

export function parseAllowList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * Whether an allow-list entry is well formed: a CIDR range (10.20.0.0/16, fd00::/8) or a host
 * name (robot-gw.campus.edu.cn, localhost). Returns the entry as it is kept, or null.
 */
export function normalizeAllowEntry(text: string): string | null {
  const entry = text.trim().toLowerCase();
  if (entry.includes('/')) {
    try {
      const [range, bits] = ipaddr.parseCIDR(entry);
      return `${range.toString()}/${bits}`;
    } catch {
      return null;
    }
  }
  if (ipaddr.isValid(entry)) {
    const address = ipaddr.parse(entry);
    return `${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
  }
  return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
    entry,
  )
    ? entry
    : null;
}

function allowedByList(host: string, address: ipaddr.IPv4 | ipaddr.IPv6, allow: readonly string[]) {
  return allow.some((entry) => {
    if (!entry.includes('/')) return entry.toLowerCase() === host.toLowerCase();
    try {
      const [range, bits] = ipaddr.parseCIDR(entry);
      const candidate =
        address.kind() === range.kind()
          ? address
          : address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
            ? (address as ipaddr.IPv6).toIPv4Address()
            : null;
      return candidate ? candidate.match(range, bits) : false;
    } catch {
      return false;
    }
  });
}

/** A destination that passed the check: the URL, its host name, and the address to connect to. */
export interface CheckedDestination {
  target: URL;
  host: string;
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host once and checks every address it resolves to; answers the address the
 * connection must go to (the first one), so that nothing resolves the name again.
 */
export async function checkDestination(
  url: string,
  allow: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<CheckedDestination> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    throw new OutboundRefused(
      `only http(s) addresses may be called, not ${target.protocol}`,
      'protocol',
      host,
    );
  let resolved: ResolvedAddress[];
  if (ipaddr.isValid(host)) {
    resolved = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      resolved = await resolve(host);
    } catch (error) {
      throw new OutboundRefused(
        `${host} does not resolve (${error instanceof Error ? error.message : String(error)})`,
        'unresolvable',
        host,
      );
    }
  }
  if (resolved.length === 0)
    throw new OutboundRefused(`${host} does not resolve`, 'unresolvable', host);
  for (const { address: text } of resolved) {
    let address = ipaddr.parse(text);
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress())
      address = (address as ipaddr.IPv6).toIPv4Address();
    if (address.range() === 'unicast') continue;
    if (allowedByList(host, address, allow)) continue;
    throw new OutboundRefused(
      `${host} is a ${address.range()} address (${address.toString()}); only the security admin can allow it (外呼地址)`,
      'internal',
      host,
      address.toString(),
    );
  }
  const first = resolved[0]!;
  return { target, host, address: first.address, family: first.family };
}

export async function assertPublicDestination(
  url: string,
  allow: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<void> {
  await checkDestination(url, allow, resolve);
}

export interface OutboundAnswer {
  status: number;
  text: string;
}

/** At most this much of an answer is read (a robot answers a line of JSON). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One HTTP request. With `allow`, the destination is checked first (`checkDestination`) and the
 * connection is pinned to the checked address: the socket's lookup answers that address and
 * nothing else, while the Host header and TLS server name stay the host name (certificates are
 * verified against it). Without `allow` (the operator's own configuration) the system resolves
 * as usual. Redirects are not followed: a 3xx is an answer like any other.
 */
export async function outboundRequest(
  url: string,
  options: {
    method: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    allow?: readonly string[];
    resolve?: Resolver;
    timeoutMs: number;
  },
): Promise<OutboundAnswer> {
  let target: URL;
  let pinned: LookupFunction | undefined;
  if (options.allow) {
    const checked = await checkDestination(url, options.allow, options.resolve);
    target = checked.target;
    pinned = (_hostname, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all)
        (callback as (error: null, addresses: { address: string; family: number }[]) => void)(
          null,
          [{ address: checked.address, family: checked.family }],
        );
      else callback(null, checked.address, checked.family);
    };
  } else {
    target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:')
      throw new OutboundRefused(
        `only http(s) addresses may be called, not ${target.protocol}`,
        'protocol',
        target.hostname,
      );
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundAnswer>((resolvePromise, reject) => {
    const request = send(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: options.method,
        headers: {
          ...(options.headers ?? {}),
          ...(options.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(options.body)) }),
        },
        ...(pinned ? { lookup: pinned } : {}),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        response.on('end', () =>
          resolvePromise({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
