export {
  checkCpus,
  describeExit,
  notFound,
  READY_TIMEOUT_MS,
  spawnTracked,
  STOP_GRACE_MS,
  tail,
  THROWAWAY_STOP_GRACE_MS,
  type ChildExit,
  type SpawnTrackedOptions,
  type TrackedChild,
} from './child-process.js';
export { startCluster, startLoadBalancer, type Cluster, type ClusterOptions, type LoadBalancer, type LoadBalancerOptions, type ReplicaHandle } from './cluster.js';
export { checkBalance, KEYED_WRITE_ROUTES, NGINX_BALANCES, nginxConfig, type NginxBalance, type NginxConfigOptions } from './nginx-config.js';
export { findFreePort, findFreePorts } from './ports.js';
export {
  createDatabase,
  createScratchDatabase,
  databaseUrl,
  DEFAULT_DATA_SOURCE,
  dropDatabase,
  migrateDatabase,
  redactUrl,
  type MigrateOptions,
  type ScratchDatabase,
  type ScratchDatabaseOptions,
} from './scratch-database.js';
export { callgrindControl, callgrindLaunch, readCallgrindDump, type CallgrindCounts, type CallgrindLaunch } from './callgrind.js';
export { cpuAffinity, cpuSeconds, cpuSecondsBetween, cpuSecondsByCommand, parseCpuList, rssKb, syscallCounts, USER_HZ } from './process-stats.js';
export { makeTempDir } from './temp-dir.js';
export { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';
export { startThrowawayRedis, type ThrowawayRedis } from './throwaway-redis.js';
export { startThrowawayRedisCluster, type ThrowawayRedisCluster } from './throwaway-redis-cluster.js';
export { pollUntil, waitForHttp, type WaitForHttpOptions } from './wait-for-http.js';
