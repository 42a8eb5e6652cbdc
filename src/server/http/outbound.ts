import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Where the server may call out to on a user's configuration (the WeCom / DingTalk robots):
 * only public unicast addresses. Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * link-local (169.254/16 — cloud metadata — and fe80::/10), carrier-grade NAT, unspecified,
 * multicast and reserved ranges are refused unless the deployment allow-lists them
 * (LUOSHI_OUTBOUND_ALLOW: host names or CIDR ranges, comma-separated). The check is made on every
 * address the name resolves to; redirects are never followed.
 */
export class OutboundRefused extends Error {}

export function parseAllowList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
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

export async function assertPublicDestination(
  url: string,
  allow: readonly string[],
): Promise<void> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    throw new OutboundRefused(`only http(s) addresses may be called, not ${target.protocol}`);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [host]
    : (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  for (const text of addresses) {
    let address = ipaddr.parse(text);
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress())
      address = (address as ipaddr.IPv6).toIPv4Address();
    if (address.range() === 'unicast') continue;
    if (allowedByList(host, address, allow)) continue;
    throw new OutboundRefused(
      `${host} is a ${address.range()} address (${address.toString()}); ask the security admin to allow it (LUOSHI_OUTBOUND_ALLOW)`,
    );
  }
}
