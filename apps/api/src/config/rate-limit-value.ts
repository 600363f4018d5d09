import { isIP } from 'node:net';

/** A rate limit as configured: at most `count` per `windowMs`. */
export interface RateLimitValue {
  count: number;
  /** Window length in milliseconds. */
  windowMs: number;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };
const RATE = /^(\d{1,9})\/(\d{1,6})([smh])$/;

/** Longest window a rate limit may have (24 h): Redis keys and in-memory entries live that long at most. */
export const MAX_WINDOW_MS = 24 * 3_600_000;

/**
 * Parses `count/window`, e.g. `10/15m`, `20/1s`, `5/1h` (units s, m, h; count ≥ 1; window 1 s …
 * 24 h). Returns null for anything else.
 */
export function parseRateLimit(raw: string): RateLimitValue | null {
  const m = RATE.exec(raw.trim());
  if (!m) return null;
  const count = Number(m[1]);
  const windowMs = Number(m[2]) * UNIT_MS[m[3]];
  if (count < 1 || windowMs < 1_000 || windowMs > MAX_WINDOW_MS) return null;
  return { count, windowMs };
}

/** Fastify's `trustProxy` option: false, a hop count, or addresses/CIDRs/proxy-addr names. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Parses TRUST_PROXY: `off`/`false` (default), a hop count (`1` = trust the nearest proxy, whoever it
 * is), or a comma-separated list of addresses, CIDRs and the names `loopback`, `linklocal`,
 * `uniquelocal` (proxy-addr, which Fastify uses). `true` (trust every hop) is refused on purpose:
 * any client could then choose its own address. Returns undefined for anything invalid.
 */
export function parseTrustProxy(raw: string): TrustProxy | undefined {
  const value = raw.trim().toLowerCase();
  if (value === 'off' || value === 'false' || value === '0') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim());
  const valid = (e: string) => {
    if (PROXY_NAMES.has(e)) return true;
    const [address, bits, extra] = e.split('/');
    const family = isIP(address);
    if (!family || extra !== undefined) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  };
  return entries.length > 0 && entries.every(valid) ? entries : undefined;
}
