import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startThrowawayRedisCluster, type Cluster, type ThrowawayRedisCluster } from '@tasklane/cluster';
import { Redis } from 'ioredis';
import { checkFanOut, type Follower } from './support/fan-out.js';
import { startRunCluster } from './support/run-cluster.js';

/**
 * REDIS_CLUSTER_NODES: 3 replicas behind nginx on a real 3-master Redis Cluster (throwaway
 * `redis-server --cluster-enabled yes` processes on free ports, joined with
 * `redis-cli --cluster create`), so the Socket.IO adapter is the sharded one (SPUBLISH/SSUBSCRIBE).
 * The same delivery checks as the single-Redis suite (support/fan-out.ts), while the master that
 * owns the board's channel is SIGKILLed a third of the way through the writes and restarted (empty,
 * same slots) at two thirds: publishes to it fail meanwhile, and no event may be lost — clients
 * close the gap through `board:seq` and REST (docs/delivery.md).
 */
describe('multi-replica fan-out on a Redis Cluster, one master killed and restarted', () => {
  let redis: ThrowawayRedisCluster;
  let cluster: Cluster;
  const followers: Follower[] = [];

  beforeAll(async () => {
    redis = await startThrowawayRedisCluster(3);
    cluster = await startRunCluster({
      replicas: 3,
      redisUrl: undefined, // the cluster's nodes below, not the run's Redis
      env: { RATE_LIMITS: 'off', REDIS_CLUSTER_NODES: redis.nodes.join(','), REDIS_URL: '' },
    });
  }, 120_000);

  afterAll(async () => {
    followers.forEach((f) => f.stream.close());
    await cluster?.stop();
    await redis?.cleanup();
  });

  it('every client gets every event exactly once, in order, through a master crash', async () => {
    const WRITES = 240;
    let victim = -1;
    let restarted: Promise<void> | null = null;
    const s = await checkFanOut(cluster, {
      clients: 24,
      lateClients: 6,
      writes: WRITES,
      followers,
      catchUpTimeoutMs: 45_000,
      onBoard: async (boardId) => {
        // The master that owns the board room's sharded channel (the adapter's dynamic channel for the room).
        const probe = new Redis(redis.ports[0], '127.0.0.1', { lazyConnect: true });
        try {
          const slot = Number(await probe.call('CLUSTER', 'KEYSLOT', `tasklane#/#board:${boardId}#`));
          const ranges = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
          const owner = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
          victim = redis.ports.indexOf(owner);
        } finally {
          probe.disconnect();
        }
        expect(victim).toBeGreaterThanOrEqual(0);
      },
      duringWrites: async (i) => {
        if (i === WRITES / 3) await redis.kill(victim);
        if (i === (2 * WRITES) / 3) restarted = redis.start(victim);
      },
    });
    await restarted;
    const metrics = await Promise.all(cluster.replicaUrls.map(async (u) => (await fetch(`${u}/metrics`)).text()));
    const failures = metrics.reduce((n, text) => n + Number(/^tasklane_redis_publish_failures_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0), 0);
    console.log(
      `redis-cluster: ${s.writesOk} writes ok, ${s.lostRaces} lost races (404), ${s.finalSeq} events, ${s.followers} clients, ${s.duplicates} duplicate deliveries dropped, ${s.gapFills} gap fills, ${failures} failed publishes (master ${victim} killed)`,
    );
  }, 240_000);
});
