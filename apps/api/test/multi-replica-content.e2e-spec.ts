import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from '@tasklane/cluster';
import { checkFanOut, type Follower } from './support/fan-out.js';
import { startRunCluster } from './support/run-cluster.js';

/**
 * Issue 10's consistency proof for board content: the multi-replica fan-out of
 * multi-replica.e2e-spec.ts (3 real replicas behind a real nginx, real PostgreSQL and Redis) with
 * comments, checklist items, labels and archive/restore written concurrently alongside tasks.
 * Every client gets every event once, in order; replaying them onto each client's snapshot gives
 * every replica's snapshot (comment counts, checklist progress, labels and labelIds included).
 */
describe('multi-replica fan-out with comments, checklists, labels and archive', () => {
  let cluster: Cluster;
  const followers: Follower[] = [];

  beforeAll(async () => {
    cluster = await startRunCluster({ replicas: 3, env: { RATE_LIMITS: 'off' } });
  }, 90_000);

  afterAll(async () => {
    followers.forEach((f) => f.stream.close());
    await cluster?.stop();
  });

  it('every client gets every content event exactly once, in order, and all converge to the snapshot', async () => {
    const s = await checkFanOut(cluster, { clients: 12, lateClients: 4, writes: 300, followers, content: true });
    const types = new Set(followers[0].events.map((e) => e.type));
    for (const type of ['comment.created', 'comment.updated', 'comment.deleted', 'checklist.item_created', 'checklist.item_updated', 'checklist.item_deleted', 'label.created', 'label.deleted', 'task.archived']) {
      expect({ type, seen: types.has(type as never) }).toEqual({ type, seen: true });
    }
    console.log(`multi-replica content: ${s.writesOk} writes ok, ${s.lostRaces} lost races, ${s.finalSeq} events, ${s.followers} clients`);
  }, 240_000);
});
