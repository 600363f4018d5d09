import { isIPv4 } from 'node:net';
import { parseArgs } from 'node:util';

/** The four task writes the load tool drives. */
export const OPS = ['create', 'update', 'move', 'delete'] as const;
export type Op = (typeof OPS)[number];

/** Relative weight of each op (any non-negative numbers with a positive sum; not necessarily 100). */
export type OpMix = Record<Op, number>;

/**
 * A validated command line. Durations are seconds; `rate` is writes per second over the whole run
 * (open loop) or `'max'` (closed loop with `concurrency` workers).
 */
export interface LoadTestOptions {
  /** Base URLs without a trailing slash (replicas and/or the load balancer), loopback only. */
  targets: string[];
  users: number;
  boards: number;
  /** Socket.IO clients, spread round-robin over boards and, within each board, over targets. */
  sockets: number;
  rate: number | 'max';
  /** Closed-loop workers (only with `rate: 'max'`; otherwise unused). */
  concurrency: number;
  durationS: number;
  warmupS: number;
  mix: OpMix;
  /** Local addresses (127.0.0.0/8) to spread sockets and REST connections over; empty: the OS picks. */
  sourceIps: string[];
  /** File to write the JSON report to. */
  json?: string;
  quiet: boolean;
}

/** A command-line mistake: main.ts prints the message and the usage and exits with status 2. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

export const DEFAULTS = {
  users: 10,
  boards: 10,
  sockets: 100,
  rate: 50,
  concurrency: 16,
  durationS: 10,
  warmupS: 2,
  mix: { create: 40, update: 30, move: 20, delete: 10 } satisfies OpMix,
} as const;

/** Upper bounds that keep a run bounded and a typo from asking for a million users. */
export const LIMITS = { users: 10_000, boards: 10_000, sockets: 100_000, rate: 100_000, concurrency: 10_000, seconds: 3600, sourceIps: 65_536 } as const;

export const USAGE = `usage: npm run loadtest -- --target URL [--target URL ...] [options]

  --target URL        replica or load balancer base URL (repeatable); loopback hosts only
                      (127.0.0.0/8, localhost, [::1])
  --users N           users to register; every one is a member of every board   (default ${DEFAULTS.users})
                      (invited and accepted; at most the server's MEMBERS_PER_BOARD_MAX, 500 by default)
  --boards N          boards to create                                         (default ${DEFAULTS.boards})
  --sockets N         Socket.IO clients, round-robin over boards and targets   (default ${DEFAULTS.sockets})
  --rate N|max        writes/s, open loop (scheduled by the clock; latency from the intended send
                      time), or max: closed loop with --concurrency workers    (default ${DEFAULTS.rate})
  --concurrency N     closed-loop workers, only with --rate max                (default ${DEFAULTS.concurrency})
  --duration S        measured seconds after the warmup                        (default ${DEFAULTS.durationS})
  --warmup S          seconds of load before measuring                         (default ${DEFAULTS.warmupS})
  --mix SPEC          op weights, e.g. create=40,update=30,move=20,delete=10 (the default)
  --source-ips LIST   local addresses to spread sockets and HTTP connections over, e.g.
                      127.0.0.2-127.0.0.20 or 127.0.0.2,127.0.0.3 (IPv4 loopback only)
  --json FILE         write the full report (summaries + encoded histograms) to FILE
  --quiet             no progress line
  -h, --help          this text

Stops by itself after warmup + duration and a drain of at most 30 s. Exit status: 0 ok,
1 consistency error, 2 bad options, 3 setup or run failure.`;

/**
 * True when `hostname` (as `URL.hostname` gives it: IPv4 normalised, IPv6 in brackets) is a
 * loopback host: 127.0.0.0/8, `localhost` or `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/**
 * Parses one `--target`: an http(s) URL whose host is loopback, with no path, query or fragment.
 * @returns the origin, e.g. `http://127.0.0.1:8080`.
 * @throws OptionsError otherwise.
 */
export function parseTarget(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionsError(`--target ${JSON.stringify(raw)} is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OptionsError(`--target ${raw}: only http:// and https:// URLs are supported`);
  if (!isLoopbackHost(url.hostname)) {
    throw new OptionsError(`--target ${raw}: refusing a non-loopback host ${JSON.stringify(url.hostname)}; only 127.0.0.0/8, localhost and [::1] may be load-tested`);
  }
  if (url.username || url.password) throw new OptionsError(`--target ${raw}: credentials in the URL are not supported`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new OptionsError(`--target ${raw}: give the server's base URL without a path (the tool adds /api/v1 and /socket.io)`);
  }
  return url.origin;
}

/**
 * Parses `create=40,update=30,move=20,delete=10`. Missing ops get weight 0.
 * @throws OptionsError for unknown or repeated ops, non-numeric or negative weights, or a zero sum.
 */
export function parseMix(raw: string): OpMix {
  const mix: OpMix = { create: 0, update: 0, move: 0, delete: 0 };
  const seen = new Set<string>();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new OptionsError(`--mix: ${JSON.stringify(part)} is not op=weight (e.g. create=40)`);
    const [, op, weight] = m;
    if (!(OPS as readonly string[]).includes(op)) throw new OptionsError(`--mix: unknown op ${JSON.stringify(op)}; ops are ${OPS.join(', ')}`);
    if (seen.has(op)) throw new OptionsError(`--mix: ${op} given twice`);
    seen.add(op);
    mix[op as Op] = Number(weight);
  }
  if (OPS.every((op) => mix[op] === 0)) throw new OptionsError('--mix: at least one op needs a positive weight');
  return mix;
}

const ipToInt = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * Expands `127.0.0.2-127.0.0.20,127.0.0.30` into the list of addresses, in order, without repeats.
 * Every address must be IPv4 loopback (127.0.0.0/8), since they are bound locally.
 * @throws OptionsError for malformed items, reversed ranges, non-loopback addresses or more than LIMITS.sourceIps.
 */
export function parseSourceIps(raw: string): string[] {
  const out = new Set<string>();
  for (const item of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to = from, extra] = item.split('-').map((s) => s.trim());
    if (extra !== undefined || !isIPv4(from) || !isIPv4(to)) throw new OptionsError(`--source-ips: ${JSON.stringify(item)} is not an IPv4 address or range a.b.c.d-a.b.c.e`);
    if (!from.startsWith('127.') || !to.startsWith('127.')) throw new OptionsError(`--source-ips: ${item} is outside 127.0.0.0/8 (only loopback source addresses can be bound here)`);
    const [lo, hi] = [ipToInt(from), ipToInt(to)];
    if (hi < lo) throw new OptionsError(`--source-ips: range ${item} ends before it starts`);
    if (hi - lo + 1 + out.size > LIMITS.sourceIps) throw new OptionsError(`--source-ips: more than ${LIMITS.sourceIps} addresses`);
    for (let n = lo; n <= hi; n++) out.add(intToIp(n));
  }
  if (out.size === 0) throw new OptionsError('--source-ips: no address given');
  return [...out];
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new OptionsError(`--${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new OptionsError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function seconds(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.trim().replace(/s$/, ''));
  if (raw.trim() === '' || !Number.isFinite(n)) throw new OptionsError(`--${name} must be a number of seconds, got ${JSON.stringify(raw)}`);
  if (n < min || n > LIMITS.seconds) throw new OptionsError(`--${name} must be between ${min} and ${LIMITS.seconds} seconds, got ${n}`);
  return n;
}

/**
 * Parses and validates the load tool's arguments (without `node main.js`).
 * @returns the options, or `'help'` for -h/--help.
 * @throws OptionsError with a message naming the offending option.
 */
export function parseOptions(argv: string[]): LoadTestOptions | 'help' {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string', multiple: true },
        users: { type: 'string' },
        boards: { type: 'string' },
        sockets: { type: 'string' },
        rate: { type: 'string' },
        concurrency: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        mix: { type: 'string' },
        'source-ips': { type: 'string' },
        json: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;

  const rawTargets = (values.target as string[] | undefined) ?? [];
  if (rawTargets.length === 0) throw new OptionsError('at least one --target is required (e.g. --target http://127.0.0.1:8080)');
  const targets = [...new Set(rawTargets.map(parseTarget))];

  const rawRate = str('rate')?.trim();
  let rate: number | 'max' = DEFAULTS.rate;
  if (rawRate === 'max') rate = 'max';
  else if (rawRate !== undefined) {
    rate = Number(rawRate);
    if (rawRate === '' || !Number.isFinite(rate) || rate <= 0 || rate > LIMITS.rate) {
      throw new OptionsError(`--rate must be writes per second (0 < N <= ${LIMITS.rate}) or "max", got ${JSON.stringify(rawRate)}`);
    }
  }
  if (str('concurrency') !== undefined && rate !== 'max') {
    throw new OptionsError('--concurrency applies only to the closed loop (--rate max); an open-loop --rate never waits for responses');
  }

  const sourceIps = str('source-ips') === undefined ? [] : parseSourceIps(str('source-ips') as string);
  if (sourceIps.length > 0 && targets.some((t) => new URL(t).hostname === '[::1]')) {
    throw new OptionsError('--source-ips are IPv4 addresses; they cannot reach an [::1] target');
  }
  const json = str('json');
  if (json !== undefined && json.trim() === '') throw new OptionsError('--json needs a file name');

  return {
    targets,
    users: integer('users', str('users'), DEFAULTS.users, 1, LIMITS.users),
    boards: integer('boards', str('boards'), DEFAULTS.boards, 1, LIMITS.boards),
    sockets: integer('sockets', str('sockets'), DEFAULTS.sockets, 0, LIMITS.sockets),
    rate,
    concurrency: integer('concurrency', str('concurrency'), DEFAULTS.concurrency, 1, LIMITS.concurrency),
    durationS: seconds('duration', str('duration'), DEFAULTS.durationS, 0.1),
    warmupS: seconds('warmup', str('warmup'), DEFAULTS.warmupS, 0),
    mix: str('mix') === undefined ? { ...DEFAULTS.mix } : parseMix(str('mix') as string),
    sourceIps,
    json,
    quiet: values.quiet === true,
  };
}
