import { afterEach, describe, expect, it } from '@jest/globals';
import { gcra, MemoryLimits } from './rate-algorithms.js';

describe('gcra', () => {
  it('allows a burst at once, then one request per interval (20/s, burst 40)', () => {
    let tat: number | undefined;
    const allowed: boolean[] = [];
    for (let i = 0; i < 41; i++) {
      const d = gcra(tat, 1_000, 50, 40);
      if (d.allowed) tat = d.tat;
      allowed.push(d.allowed);
    }
    expect(allowed.filter(Boolean)).toHaveLength(40);
    expect(allowed[40]).toBe(false);
    const refused = gcra(tat, 1_000, 50, 40);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 50, resetMs: 2_000 });
    // 50 ms later exactly one more fits.
    const next = gcra(tat, 1_050, 50, 40);
    expect(next).toMatchObject({ allowed: true, remaining: 0 });
    expect(gcra(next.tat, 1_050, 50, 40).allowed).toBe(false);
  });

  it('reports what is left of the burst and when the bucket is full again', () => {
    const first = gcra(undefined, 0, 50, 40);
    expect(first).toEqual({ allowed: true, tat: 50, remaining: 39, retryAfterMs: 0, resetMs: 50 });
    // A client idle for longer than the refill time starts with a full bucket again.
    expect(gcra(first.tat, 10_000, 50, 40)).toMatchObject({ allowed: true, remaining: 39 });
  });

  it('sustains exactly the configured rate under constant pressure', () => {
    let tat: number | undefined;
    let allowed = 0;
    for (let now = 0; now <= 10_000; now += 5) {
      const d = gcra(tat, now, 50, 40);
      if (d.allowed) {
        tat = d.tat;
        allowed += 1;
      }
    }
    // The initial burst of 40, then 10 s at 20/s.
    expect(allowed).toBe(240);
  });
});

describe('MemoryLimits', () => {
  let now = 0;
  const limits = new MemoryLimits(() => now);
  afterEach(() => limits.clear());

  it('counts hits in a fixed window that ends windowMs after its first hit', () => {
    now = 1_000;
    expect(limits.hit('k', 1_000)).toEqual({ count: 1, resetMs: 1_000 });
    now = 1_900;
    expect(limits.hit('k', 1_000)).toEqual({ count: 2, resetMs: 100 });
    now = 2_000;
    expect(limits.hit('k', 1_000)).toEqual({ count: 1, resetMs: 1_000 });
  });

  it('counts an attempt in every window unless one is full, and refunds', () => {
    now = 0;
    const windows = [
      { key: 'ip+email', limit: 2, windowMs: 60_000 },
      { key: 'ip', limit: 3, windowMs: 60_000 },
    ];
    expect(limits.attempt(windows).allowed).toBe(true);
    expect(limits.attempt(windows).allowed).toBe(true);
    const refused = limits.attempt(windows);
    expect(refused).toEqual({ allowed: false, states: [{ count: 2, resetMs: 60_000 }, { count: 2, resetMs: 60_000 }] });
    // Refused attempts are not counted; a refund makes room again.
    limits.refund(['ip+email', 'ip']);
    expect(limits.attempt(windows)).toEqual({ allowed: true, states: [{ count: 2, resetMs: 60_000 }, { count: 2, resetMs: 60_000 }] });
    // Another email from the same address fills the per-address window, then it refuses any email.
    const other = [{ key: 'ip+other', limit: 2, windowMs: 60_000 }, windows[1]];
    expect(limits.attempt(other)).toEqual({ allowed: true, states: [{ count: 1, resetMs: 60_000 }, { count: 3, resetMs: 60_000 }] });
    expect(limits.attempt(other).allowed).toBe(false);
    now = 60_000;
    expect(limits.attempt(windows).allowed).toBe(true);
  });

  it('never refunds below zero or into a new window', () => {
    now = 0;
    limits.refund(['nothing']);
    expect(limits.attempt([{ key: 'nothing', limit: 1, windowMs: 1_000 }]).allowed).toBe(true);
    now = 1_000;
    limits.refund(['nothing']);
    expect(limits.hit('nothing', 1_000)).toEqual({ count: 1, resetMs: 1_000 });
  });

  it('takes from a token bucket per key, and forgets expired state when swept', () => {
    now = 0;
    for (let i = 0; i < 3; i++) expect(limits.take('b', 100, 3).allowed).toBe(true);
    expect(limits.take('b', 100, 3)).toMatchObject({ allowed: false, retryAfterMs: 100 });
    expect(limits.take('other', 100, 3).allowed).toBe(true);
    now = 10_000;
    limits.hit('w', 10);
    now = 20_000;
    limits.sweep();
    expect(limits.take('b', 100, 3).remaining).toBe(2);
    expect(limits.hit('w', 10).count).toBe(1);
  });
});
