import { afterAll, beforeAll, describe, it } from '@jest/globals';
import type { Cluster } from '@tasklane/cluster';
import { checkFanOut, type Follower } from './support/fan-out.js';
import { startRunCluster } from './support/run-cluster.js';

/**
 * The issue-2 proof: 3 real replicas behind a real nginx, real PostgreSQL and Redis. 36 socket
 * clients (spread over the replicas directly and through the load balancer, 6 of them joining
 * mid-load) follow one board while ≥ 200 writes of every kind hit all replicas concurrently. The
 * checks are support/fan-out.ts's (shared with the Redis Cluster suite).
 */
describe('multi-replica fan-out (3 replicas behind nginx)', () => {
  let cluster: Cluster;
  const followers: Follower[] = [];

  beforeAll(async () => {
    // 240 concurrent writes: ordering and fan-out are tested here, not the per-user write limit.
    cluster = await startRunCluster({ replicas: 3, env: { RATE_LIMITS: 'off' } });
  }, 90_000);

  afterAll(async () => {
    followers.forEach((f) => f.stream.close());
    await cluster?.stop();
  });

  it('every client gets every event exactly once, in order, and all converge to the snapshot', async () => {
    const s = await checkFanOut(cluster, { clients: 30, lateClients: 6, writes: 240, followers });
    console.log(`multi-replica: ${s.writesOk} writes ok, ${s.lostRaces} lost races (404), ${s.finalSeq} events, ${s.followers} clients, ${s.duplicates} duplicate deliveries dropped, ${s.gapFills} gap fills`);
  }, 180_000);
});
