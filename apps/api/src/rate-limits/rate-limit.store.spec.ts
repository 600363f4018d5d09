import { describe, expect, it, jest } from '@jest/globals';
import type { RedisConnections } from '../redis/redis-connections.service.js';
import { RateLimitStore } from './rate-limit.store.js';

/** A RedisConnections stand-in: `scripts` null = no REDIS_URL; otherwise every script runs `run`. */
function redis(options: { configured: boolean; ready?: boolean; run?: (keys: string[], args: (string | number)[]) => Promise<unknown> }) {
  const run = jest.fn(options.run ?? (async () => [1, 1000]));
  const connections = {
    script: () => (options.configured ? run : null),
    get commandsReady() {
      return options.ready ?? true;
    },
  } as unknown as RedisConnections;
  return { connections, run };
}

describe('RateLimitStore', () => {
  it('counts in memory without REDIS_URL (one replica)', async () => {
    const store = new RateLimitStore(redis({ configured: false }).connections, 'p:');
    expect(await store.increment('k', 60_000, 2)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await store.increment('k', 60_000, 2)).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await store.increment('k', 60_000, 2)).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 60 });
    store.onApplicationShutdown();
  });

  it('runs the Redis script with the prefixed key when Redis is connected', async () => {
    const { connections, run } = redis({ configured: true, run: async () => [4, 1500] });
    const store = new RateLimitStore(connections, 'p:');
    expect(await store.increment('reads:u1', 1_000, 3)).toEqual({ totalHits: 4, timeToExpire: 2, isBlocked: true, timeToBlockExpire: 2 });
    expect(run).toHaveBeenCalledWith(['p:reads:u1'], [1_000]);
  });

  it('falls back to this replica’s memory while Redis is down or does not answer', async () => {
    const down = redis({ configured: true, ready: false });
    const store = new RateLimitStore(down.connections, 'p:');
    expect(await store.hit('k', 1_000)).toMatchObject({ count: 1 });
    expect(down.run).not.toHaveBeenCalled();
    const failing = redis({ configured: true, run: async () => Promise.reject(new Error('redis script timed out')) });
    const other = new RateLimitStore(failing.connections, 'p:');
    expect(await other.take('w', 50, 2)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await other.take('w', 50, 2)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await other.take('w', 50, 2)).toMatchObject({ allowed: false });
    store.onApplicationShutdown();
    other.onApplicationShutdown();
  });
});
