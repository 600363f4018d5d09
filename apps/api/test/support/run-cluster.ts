import { startCluster, type Cluster, type ClusterOptions } from '@tasklane/cluster';

/** The services every e2e suite shares (global-setup.mjs, e2e-environment.mjs). */
type RunServices = 'databaseUrl' | 'redisUrl' | 'jwtSecret';

/**
 * `startCluster` on this e2e run's services: the Jest worker's database (`DATABASE_URL`, migrated
 * by global-setup.mjs), the run's Redis (`REDIS_URL`) and JWT key (`JWT_SECRET`, so tokens made by
 * in-process test apps are valid on the replicas). `options` may override any of the three, e.g.
 * `databaseUrl` of a throwaway PostgreSQL, or `redisUrl: undefined` for a cluster on another Redis.
 * The caller stops the cluster (`cluster.stop()`).
 * @throws whatever startCluster throws (a replica or nginx that does not become ready, bad options)
 */
export function startRunCluster(options: Omit<ClusterOptions, RunServices> & Partial<Pick<ClusterOptions, RunServices>>): Promise<Cluster> {
  return startCluster({ databaseUrl: process.env.DATABASE_URL ?? '', redisUrl: process.env.REDIS_URL, jwtSecret: process.env.JWT_SECRET, ...options });
}
