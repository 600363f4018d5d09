// A throw-away Tasklane cluster for the load-test scripts (scripts/loadtest-smoke.mjs,
// scripts/bench.mjs): a fresh database `tasklane_smoke_<random>` on the DATABASE_URL server with
// every migration applied, N built replicas behind nginx, and one stop() that undoes all of it.
// Both halves come from libs/cluster (createScratchDatabase, startCluster). The replicas run with
// RATE_LIMITS=off (a load test would otherwise measure the rate limits). Uses the built code: run
// `npm run build` first.
const ROOT = new URL('../../../', import.meta.url);

/** Where the cluster's replicas connect by default (the database part is replaced by the scratch one). */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Creates and migrates a scratch database on the server of `databaseUrl` (through its `postgres`
 * database), then starts the cluster.
 * @param {{ replicas: number, databaseUrl?: string, redisUrl?: string, prefix?: string, env?: Record<string,string>, cpus?: string, balance?: 'board' | 'round-robin', nodeBin?: string, log?: (m: string) => void }} options
 *   cpus: CPU list the replicas run on (`taskset -c`, startCluster's `cpus`; nginx is not pinned); default not pinned.
 *   balance: how nginx spreads requests (startCluster's `balance`); default `board` (a board's writes to one replica).
 *   nodeBin: Node.js executable of the replicas (startCluster's `nodeBin`); default this process's.
 * @returns {Promise<{ cluster: import('../../../libs/cluster/src/index.ts').Cluster, databaseUrl: string, stop: () => Promise<void> }>}
 *   stop() stops nginx and the replicas (SIGTERM, SIGKILL after 10 s), then drops the database; it
 *   never rejects and is idempotent.
 * @throws when the database server, the migrations or the cluster fail (what was created is undone).
 */
export async function startScratchCluster({ replicas, databaseUrl = DEFAULT_DATABASE_URL, redisUrl = DEFAULT_REDIS_URL, prefix = 'tasklane_smoke', env, cpus, balance, nodeBin, log = () => {} }) {
  // Imported here, not at the top: callers may build first, which rewrites libs/cluster/dist.
  const { createScratchDatabase, databaseUrl: urlOf, startCluster } = await import(new URL('libs/cluster/dist/index.js', ROOT).href);

  log(`creating and migrating a database ${prefix}_…`);
  const db = await createScratchDatabase(urlOf(databaseUrl, 'postgres'), { prefix });
  let cluster = null;
  let stopping = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (cluster) await cluster.stop().catch((e) => log(`cluster stop failed: ${e.message}`));
      await db.drop().catch((e) => log(`could not drop database ${db.name}: ${e.message}`));
    })());

  try {
    log(`starting ${replicas} replicas behind nginx on ${db.name}…`);
    // The load tool measures the system, not its rate limits: every limit and cap off (never in production).
    cluster = await startCluster({ replicas, databaseUrl: db.url, redisUrl, env: { RATE_LIMITS: 'off', ...env }, ...(cpus === undefined ? {} : { cpus }), ...(balance === undefined ? {} : { balance }), ...(nodeBin === undefined ? {} : { nodeBin }) });
    return { cluster, databaseUrl: db.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
