import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * `Tasklane-Signature` of `body` sent at `timestamp` (unix seconds), Stripe's scheme:
 * `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>`.
 */
export function signature(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Whether `address` (IPv4 or IPv6 text) is somewhere a webhook must not reach: anything but a
 * public unicast address (loopback, private, link-local with the 169.254.169.254 metadata
 * service, unique-local, carrier-grade NAT, multicast, unspecified, reserved …), IPv4-mapped IPv6
 * judged as its IPv4. Unparseable text is refused too.
 */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() !== 'unicast';
}

/** Why a URL is refused (thrown by `checkUrl`/`resolvePublic`). */
export class RefusedUrl extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedUrl';
  }
}

/**
 * Checks a webhook URL's form: http or https, no credentials, a host; and, unless `allowPrivate`,
 * that its host (an IP literal, or a name resolved now) is no forbidden address (isForbiddenAddress).
 * @throws RefusedUrl with the reason
 */
export async function checkUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedUrl('url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedUrl('url must be http or https');
  if (url.username || url.password) throw new RefusedUrl('url must not contain credentials');
  if (!allowPrivate) await resolvePublic(url.hostname);
  return url;
}

/**
 * Resolves `hostname` (or takes the IP literal) and returns its first address, after checking
 * EVERY address it resolves to. The caller connects to that address, so a DNS answer that changes
 * between this check and the connection (DNS rebinding) cannot send it elsewhere.
 * @throws RefusedUrl when the name does not resolve or any address is forbidden
 */
export async function resolvePublic(hostname: string): Promise<{ address: string; family: number }> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new RefusedUrl(`url host ${host} does not resolve`);
    }
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  // The address is named only when the caller gave it: what an internal name resolves to stays unsaid.
  if (bad || addresses.length === 0) throw new RefusedUrl(`url resolves to a private, loopback, link-local or reserved address${ipaddr.isValid(host) ? ` (${host})` : ''}`);
  return addresses[0];
}

/** One POST of a delivery. */
export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** What one POST came to: a status (any) or a network-level error; `retryAfterMs` from a 429/503 `Retry-After`. */
export interface SendResult {
  status: number | null;
  error: string | null;
  durationMs: number;
  retryAfterMs: number | null;
}

/** `Retry-After` (delta seconds or an HTTP date) in ms from now, or null. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * POSTs `body` to `url` with node's http(s) client and a hard `timeoutMs` for the whole exchange.
 * Unless `allowPrivate`, the host is resolved and checked here (resolvePublic) and the socket
 * connects to exactly the checked address (a `lookup` that returns it); TLS still verifies the
 * URL's host name. Redirects are not followed (a 3xx is a failure). Never throws.
 */
export async function postOnce(req: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null, retryAfterMs: number | null = null): SendResult => ({
    status,
    error,
    retryAfterMs,
    durationMs: Math.round(performance.now() - started),
  });
  let url: URL;
  let pinned: LookupFunction | undefined;
  try {
    url = await checkUrl(req.url, true);
    if (!req.allowPrivate) {
      const target = await resolvePublic(url.hostname);
      pinned = (_host, options, callback) => {
        if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
        else callback(null, target.address, target.family);
      };
    }
  } catch (error) {
    return done(null, (error as Error).message);
  }
  return new Promise<SendResult>((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: 'POST', headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) }, lookup: pinned, timeout: req.timeoutMs },
      (response: IncomingMessage) => {
        response.resume(); // the body is not read: only the status matters
        response.on('end', () => resolve(done(response.statusCode ?? null, null, parseRetryAfter(response.headers['retry-after'] as string | undefined))));
        response.on('error', (e) => resolve(done(response.statusCode ?? null, e.message)));
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`timed out after ${req.timeoutMs} ms`)), req.timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`timed out after ${req.timeoutMs} ms`)));
    request.on('error', (e) => resolve(done(null, e.message)));
    request.on('close', () => clearTimeout(deadline));
    request.end(req.body);
  });
}

/**
 * Delay before attempt `attempts + 1` (ms): exponential from `baseMs` (doubling per attempt,
 * capped at `maxMs`) with full jitter in its upper half, i.e. uniform in [d/2, d] (AWS
 * "Exponential Backoff And Jitter"); a server's Retry-After wins when it asks for longer.
 */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, retryAfterMs: number | null, random = Math.random): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  const jittered = d / 2 + (d / 2) * random();
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
