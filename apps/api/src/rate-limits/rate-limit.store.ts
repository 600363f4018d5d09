import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisConnections } from '../redis/redis-connections.service.js';
import { MemoryLimits, type AttemptResult, type BucketDecision, type WindowLimit, type WindowState } from './rate-algorithms.js';

/** KEYS[1]: the window's counter. ARGV[1]: window ms. Returns {hits, ms left}. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  t = tonumber(ARGV[1])
end
return {n, t}`;

/**
 * KEYS: window counters; ARGV: limit_1, window_1, limit_2, window_2 … Counts one attempt in every
 * window unless one is at its limit. Returns {allowed (0/1), count_1, ms_left_1, count_2, …}.
 */
const ATTEMPT = `
local counts, ttls, blocked = {}, {}, false
for i = 1, #KEYS do
  counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  ttls[i] = redis.call('PTTL', KEYS[i])
  if ttls[i] < 0 then ttls[i] = tonumber(ARGV[2 * i]) end
  if counts[i] >= tonumber(ARGV[2 * i - 1]) then blocked = true end
end
if not blocked then
  for i = 1, #KEYS do
    counts[i] = redis.call('INCR', KEYS[i])
    if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i]) end
  end
end
local out = {blocked and 0 or 1}
for i = 1, #KEYS do
  out[#out + 1] = counts[i]
  out[#out + 1] = ttls[i]
end
return out`;

/** KEYS: window counters. Takes one attempt back from each (never below 0, never creating a key). */
const REFUND = `
for i = 1, #KEYS do
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  if v > 0 then redis.call('DECR', KEYS[i]) end
end
return 0`;

/**
 * GCRA (see rate-algorithms.ts gcra), on Redis' clock so that every replica agrees. KEYS[1]: the TAT.
 * ARGV: interval ms, burst. Returns {allowed (0/1), remaining, retry-after ms, reset ms}.
 */
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local tolerance = interval * burst
local nxt = tat + interval
if nxt - now > tolerance then
  return {0, 0, math.ceil(nxt - tolerance - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], nxt, 'PX', math.ceil(nxt - now))
return {1, math.floor((tolerance - (nxt - now)) / interval), 0, math.ceil(nxt - now)}`;

/** What ThrottlerStorage.increment resolves to (the record type is not exported by the package's index). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

type Script<T> = (keys: string[], args: (string | number)[]) => Promise<T>;

/**
 * The rate limits' counters, shared by every replica through Redis (`REDIS_URL`, on the replica's
 * existing command connection, Lua scripts so each decision is one atomic round trip), in memory
 * without it. While Redis is unreachable (not connected, or no answer within 500 ms) each replica
 * falls back to its own memory, so limits keep holding per replica rather than failing open or
 * failing every request. Keys start with RATE_LIMIT_KEY_PREFIX.
 *
 * Implements @nestjs/throttler's ThrottlerStorage (a fixed window per key; a key over its limit
 * stays blocked until its window ends) for the HTTP guard, plus `attempt`/`refund` (failed logins)
 * and `take` (GCRA, for writes with a burst).
 */
export class RateLimitStore implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly memory = new MemoryLimits();
  private readonly scripts: { hit: Script<[number, number]>; attempt: Script<number[]>; refund: Script<number>; take: Script<[number, number, number, number]> } | null;
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisConnections,
    private readonly prefix: string,
  ) {
    const hit = redis.script<[number, number]>(HIT, 1);
    const take = redis.script<[number, number, number, number]>(TAKE, 1);
    // ATTEMPT and REFUND take a variable number of keys: numberOfKeys is passed per call below.
    this.scripts = hit && take ? { hit, take, attempt: this.variadic<number[]>(ATTEMPT), refund: this.variadic<number>(REFUND) } : null;
  }

  /**
   * ThrottlerStorage: counts a hit in `key`'s fixed window of `ttl` ms. Blocked while the window's
   * hits exceed `limit`, until the window ends (`blockDuration` is not used: the block lasts the
   * rest of the window). Times are in seconds, as the interface has them.
   */
  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const { count, resetMs } = await this.hit(key, ttl);
    const seconds = Math.max(1, Math.ceil(resetMs / 1000));
    return { totalHits: count, timeToExpire: seconds, isBlocked: count > limit, timeToBlockExpire: count > limit ? seconds : 0 };
  }

  /** Counts a hit in `key`'s fixed window of `windowMs`. */
  async hit(key: string, windowMs: number): Promise<WindowState> {
    return this.run(
      async (s) => {
        const [count, resetMs] = await s.hit([this.prefix + key], [windowMs]);
        return { count, resetMs };
      },
      () => this.memory.hit(key, windowMs),
    );
  }

  /** Counts one attempt in every window unless one is already at its limit (atomically). */
  async attempt(limits: WindowLimit[]): Promise<AttemptResult> {
    return this.run(
      async (s) => {
        const out = await s.attempt(
          limits.map((l) => this.prefix + l.key),
          limits.flatMap((l) => [l.limit, l.windowMs]),
        );
        return { allowed: out[0] === 1, states: limits.map((_, i) => ({ count: out[1 + 2 * i], resetMs: out[2 + 2 * i] })) };
      },
      () => this.memory.attempt(limits),
    );
  }

  /** Takes one attempt back from each key (a login that succeeded does not count). */
  async refund(keys: string[]): Promise<void> {
    await this.run(
      async (s) => void (await s.refund(keys.map((k) => this.prefix + k), [])),
      () => this.memory.refund(keys),
    );
  }

  /** One GCRA step: `burst` at once, then one per `intervalMs`. */
  async take(key: string, intervalMs: number, burst: number): Promise<BucketDecision> {
    return this.run(
      async (s) => {
        const [allowed, remaining, retryAfterMs, resetMs] = await s.take([this.prefix + key], [intervalMs, burst]);
        return { allowed: allowed === 1, tat: 0, remaining, retryAfterMs, resetMs };
      },
      () => this.memory.take(key, intervalMs, burst),
    );
  }

  onApplicationShutdown(): void {
    this.memory.clear();
  }

  private async run<T>(viaRedis: (scripts: NonNullable<RateLimitStore['scripts']>) => Promise<T>, inMemory: () => T): Promise<T> {
    if (!this.scripts || !this.redis.commandsReady) return inMemory();
    try {
      return await viaRedis(this.scripts);
    } catch (error) {
      if (Date.now() - this.lastWarning > 5_000) this.logger.warn(`Redis unavailable, limiting in memory on this replica: ${(error as Error).message}`);
      this.lastWarning = Date.now();
      return inMemory();
    }
  }

  private variadic<T>(lua: string): Script<T> {
    const cache = new Map<number, Script<T>>();
    return (keys, args) => {
      let script = cache.get(keys.length);
      if (!script) {
        // One defined command per key count (ioredis fixes numberOfKeys per command); the text differs by a comment so each gets its own name.
        script = this.redis.script<T>(`${lua}\n-- keys: ${keys.length}`, keys.length)!;
        cache.set(keys.length, script);
      }
      return script(keys, args);
    };
  }
}
