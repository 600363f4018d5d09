/**
 * The two rate-limit algorithms, as pure functions and an in-memory store. The Redis store
 * (rate-limit.store.ts) runs the same rules in Lua, so one replica without Redis and N replicas
 * with it limit alike.
 *
 * - Fixed window: a counter per key that starts at the first hit and expires `windowMs` later. Used
 *   where the limit is "N per window" and being over it should last until the window ends (logins,
 *   register, refresh, reads).
 * - GCRA (generic cell rate algorithm, ITU-T I.371; the token bucket written as one timestamp, the
 *   "theoretical arrival time" TAT): a steady rate of one request per `intervalMs` with up to
 *   `burst` at once. Used for writes and socket events ("20/s, burst 40": interval 50 ms, burst 40).
 */

/** A fixed window's state after a hit: hits so far in the window and ms until it ends. */
export interface WindowState {
  count: number;
  resetMs: number;
}

/** What GCRA decided for one request. */
export interface BucketDecision {
  allowed: boolean;
  /** The new TAT (epoch ms) to store. */
  tat: number;
  /** Requests that could still be made right now. */
  remaining: number;
  /** When refused: ms until one request is allowed again; 0 when allowed. */
  retryAfterMs: number;
  /** ms until the bucket is full again (no debt left). */
  resetMs: number;
}

/**
 * One GCRA step: may a request arriving at `now` pass, given the stored `tat` (undefined: never
 * seen)? Allows `burst` requests at once, then one per `intervalMs`.
 * @param intervalMs window / count of the configured rate, e.g. 1000 / 20 = 50
 */
export function gcra(tat: number | undefined, now: number, intervalMs: number, burst: number): BucketDecision {
  const base = Math.max(tat ?? now, now);
  const tolerance = intervalMs * burst;
  const next = base + intervalMs;
  if (next - now > tolerance) return { allowed: false, tat: base, remaining: 0, retryAfterMs: next - tolerance - now, resetMs: base - now };
  return { allowed: true, tat: next, remaining: Math.floor((tolerance - (next - now)) / intervalMs), retryAfterMs: 0, resetMs: next - now };
}

/** A fixed-window limit on one key. */
export interface WindowLimit {
  key: string;
  limit: number;
  windowMs: number;
}

/** Result of `attempt`: whether the attempt was counted, and each window's state. */
export interface AttemptResult {
  allowed: boolean;
  states: WindowState[];
}

/**
 * The in-memory store: fixed windows and GCRA timestamps in Maps, swept every minute. Used without
 * REDIS_URL (one replica) and, per replica, while Redis is unreachable.
 */
export class MemoryLimits {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private readonly buckets = new Map<string, number>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Counts a hit in the key's window (starting one if there is none) and returns the window's state. */
  hit(key: string, windowMs: number): WindowState {
    const window = this.window(key, windowMs, true);
    window.count += 1;
    return { count: window.count, resetMs: window.endsAt - this.clock() };
  }

  /**
   * Counts one attempt in every window, unless one of them is already at its limit (then nothing is
   * counted). Atomic by construction (single thread).
   */
  attempt(limits: WindowLimit[]): AttemptResult {
    const now = this.clock();
    const current = limits.map((l) => this.window(l.key, l.windowMs, false));
    const blocked = limits.some((l, i) => (current[i]?.count ?? 0) >= l.limit);
    if (blocked) return { allowed: false, states: limits.map((l, i) => ({ count: current[i]?.count ?? 0, resetMs: current[i] ? current[i].endsAt - now : l.windowMs })) };
    return { allowed: true, states: limits.map((l) => this.hit(l.key, l.windowMs)) };
  }

  /** Takes back one attempt from each key's current window (a login that succeeded). */
  refund(keys: string[]): void {
    for (const key of keys) {
      const window = this.windows.get(key);
      if (window && window.count > 0 && window.endsAt > this.clock()) window.count -= 1;
    }
  }

  /** One GCRA step on `key` (see gcra). */
  take(key: string, intervalMs: number, burst: number): BucketDecision {
    this.startSweeper();
    const decision = gcra(this.buckets.get(key), this.clock(), intervalMs, burst);
    if (decision.allowed) this.buckets.set(key, decision.tat);
    return decision;
  }

  /** Drops expired windows and full buckets (run every minute). */
  sweep(): void {
    const now = this.clock();
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
    for (const [key, tat] of this.buckets) if (tat <= now) this.buckets.delete(key);
  }

  /** Stops the sweep timer and forgets everything (shutdown). */
  clear(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.windows.clear();
    this.buckets.clear();
  }

  private window(key: string, windowMs: number, create: true): { count: number; endsAt: number };
  private window(key: string, windowMs: number, create: false): { count: number; endsAt: number } | undefined;
  private window(key: string, windowMs: number, create: boolean): { count: number; endsAt: number } | undefined {
    this.startSweeper();
    const now = this.clock();
    let window = this.windows.get(key);
    if (window && window.endsAt <= now) {
      this.windows.delete(key);
      window = undefined;
    }
    if (!window && create) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    return window;
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }
}
