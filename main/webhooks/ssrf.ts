// SSRF guard for webhook targets (DESIGN.md §5, issue 5 item 5).
//
// checkWebhookTarget() parses the URL, resolves the host and refuses the target unless EVERY resolved address is
// a public unicast address, or the webhook explicitly allows local targets. Address classes come from
// ipaddr.js `range()`; IPv4 addresses embedded in IPv6 (IPv4-mapped ::ffff:a.b.c.d, RFC 6145 ::ffff:0:a.b.c.d,
// NAT64 64:ff9b::a.b.c.d) are judged by the embedded IPv4 address. Literal hosts in decimal/octal/hex/short form
// (http://2130706433/, http://0177.0.0.1/, http://0x7f.1/, http://127.1/) are normalised by the WHATWG URL
// parser to dotted quads before we look at them, so they cannot slip past as "names".
//
// Check-then-connect must use the SAME address, or DNS rebinding defeats the check: connect to the returned
// `address`, never to the hostname. With node:http / node:https pass `pinnedLookup(target)` as the request's
// `lookup` option (the hostname still goes into the Host header and TLS SNI / certificate check):
//
//   const target = await checkWebhookTarget(url, { allowLocal });
//   const req = (target.url.protocol === 'https:' ? https : http).request(target.url, {
//     method: 'POST', lookup: pinnedLookup(target), headers, timeout: 15_000,
//   });
//
// Redirects must not be followed (node:http never follows them; with fetch use `redirect: 'manual'`).
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../shared/errors';

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type WebhookLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface CheckTargetOptions {
  /** The webhook's "Allow local targets" opt-in. */
  allowLocal: boolean;
  /** DNS resolution; defaults to node:dns/promises `lookup(host, { all: true })`. Injectable for tests. */
  lookup?: WebhookLookup;
}

export interface CheckedTarget {
  url: URL;
  /** The address to connect to (checked); the first one the resolver returned. */
  address: string;
  family: 4 | 6;
}

/** Why a target was refused, in `AppError.details.reason`. */
export type TargetRefusal = 'invalid_url' | 'unsupported_scheme' | 'insecure_scheme' | 'unresolvable' | 'local_address';

const ALLOW_LOCAL_HINT = "Turn on 'Allow local targets' for this webhook if you mean it.";
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** IPv6 ranges whose last 32 bits are an IPv4 address that is what the packet really reaches. */
const EMBEDS_IPV4 = new Set(['ipv4Mapped', 'rfc6145']);

const defaultLookup: WebhookLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function refuse(reason: TargetRefusal, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('VALIDATION', message, { reason, ...extra });
}

/**
 * True when `address` (an IP literal) is a public unicast address a webhook may reach without the local opt-in.
 * Everything else is "local" here: loopback, RFC 1918 private, link-local, unique-local, unspecified, CGNAT,
 * multicast, broadcast, reserved/documentation/benchmarking, 6to4/Teredo/ORCHID and other special IPv6 ranges,
 * and IPv6 forms that embed one of those IPv4 addresses. Unparseable input is not public.
 */
export function isPublicAddress(address: string): boolean {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (ip.kind() === 'ipv4') return ip.range() === 'unicast';
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  if (EMBEDS_IPV4.has(range) || v6.match(NAT64_WELL_KNOWN)) {
    const p = v6.parts;
    const v4 = new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
    return v4.range() === 'unicast';
  }
  // Only real global unicast (2000::/3) that ipaddr.js does not put in a special range (which includes the
  // local-use NAT64 prefix 64:ff9b:1::/48, deprecated IPv4-compatible ::a.b.c.d, 2001:db8::/32, …).
  return range === 'unicast' && v6.match(GLOBAL_UNICAST_V6);
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Validates a webhook URL and resolves it to an address that is safe to connect to.
 * Throws AppError('VALIDATION') with `details.reason` (a TargetRefusal) when it is not.
 *
 * - https is required. http is accepted only with `allowLocal` AND when every resolved address is local
 *   (issue 5: "http to a local address only when the user explicitly allows local targets"), so secrets and
 *   custom headers such as Authorization never cross the internet in clear text.
 * - Every resolved address must be public unless `allowLocal`: one local address among public ones refuses the
 *   target (the resolver could hand out either on the next lookup).
 */
export async function checkWebhookTarget(url: string, opts: CheckTargetOptions): Promise<CheckedTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('invalid_url', 'The webhook URL is not a valid address. It should look like https://example.com/webhooks.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw refuse('unsupported_scheme', `Webhook URLs must start with https:// (not ${parsed.protocol}//).`);
  }
  if (parsed.protocol === 'http:' && !opts.allowLocal) {
    throw refuse(
      'insecure_scheme',
      `Webhook URLs must use https://. Plain http:// is only allowed to a local address, with 'Allow local targets' turned on for this webhook.`,
    );
  }

  const host = stripBrackets(parsed.hostname);
  let resolved: ResolvedAddress[];
  if (isIP(host) !== 0) {
    resolved = [{ address: host, family: isIP(host) }];
  } else {
    try {
      resolved = await (opts.lookup ?? defaultLookup)(host);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw refuse('unresolvable', `Junction could not find the address of ${host}. Check the webhook URL.`, {
        host,
        ...(typeof code === 'string' ? { code } : {}),
      });
    }
    if (resolved.length === 0) {
      throw refuse('unresolvable', `Junction could not find the address of ${host}. Check the webhook URL.`, { host });
    }
  }

  const local = resolved.filter((r) => !isPublicAddress(r.address));
  if (local.length > 0 && !opts.allowLocal) {
    const shown = local[0]!.address;
    throw refuse(
      'local_address',
      `Junction will not send webhooks to a private or local address (${shown}). ${ALLOW_LOCAL_HINT}`,
      { host, address: shown },
    );
  }
  if (parsed.protocol === 'http:' && local.length < resolved.length) {
    const pub = resolved.find((r) => isPublicAddress(r.address))!.address;
    throw refuse(
      'insecure_scheme',
      `Webhook URLs must use https:// to reach a public address (${pub}). Plain http:// is only allowed to a local address.`,
      { host, address: pub },
    );
  }

  const first = resolved[0]!;
  const family = isIP(first.address);
  if (family !== 4 && family !== 6) {
    throw refuse('unresolvable', `Junction could not find the address of ${host}. Check the webhook URL.`, { host });
  }
  return { url: parsed, address: first.address, family };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:net / node:http(s) / tls that always answers with the checked address, so the connection
 * goes exactly where checkWebhookTarget() looked. Handles both the single-address and the `all: true` forms
 * (Node uses the latter with autoSelectFamily).
 */
export function pinnedLookup(target: Pick<CheckedTarget, 'address' | 'family'>) {
  return (_hostname: string, options: LookupOptions | LookupCallback, callback?: LookupCallback): void => {
    const cb = typeof options === 'function' ? options : callback!;
    const all = typeof options === 'object' && options.all === true;
    if (all) cb(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
}
