// A throw-away Tasklane cluster for the load-test scripts (scripts/loadtest-smoke.mjs,
// scripts/bench.mjs): a fresh database `tasklane_smoke_<random>` on the DATABASE_URL server with
// every migration applied (as apps/api/test/support/global-setup.mjs does for e2e), N built
// replicas behind nginx from libs/cluster, and one stop() that undoes all of it. Uses the built
// code: run `npm run build` first.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';

const ROOT = new URL('../../../', import.meta.url);

/** Where the cluster's replicas connect by default (the database part is replaced by the scratch one). */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Creates and migrates a scratch database on the server of `databaseUrl`, then starts the cluster.
 * @param {{ replicas: number, databaseUrl?: string, redisUrl?: string, prefix?: string, env?: Record<string,string>, log?: (m: string) => void }} options
 * @returns {Promise<{ cluster: import('../../../libs/cluster/src/index.ts').Cluster, databaseUrl: string, stop: () => Promise<void> }>}
 *   stop() stops nginx and the replicas (by pid, SIGKILL after 10 s), then drops the database; it
 *   never rejects and is idempotent.
 * @throws when the database server, the migrations or the cluster fail (what was created is undone).
 */
export async function startScratchCluster({ replicas, databaseUrl = DEFAULT_DATABASE_URL, redisUrl = DEFAULT_REDIS_URL, prefix = 'tasklane_smoke', env, log = () => {} }) {
  const { typeOrmOptions } = await import(new URL('dist/apps/api/src/database/typeorm-options.js', ROOT).href);
  const { startCluster } = await import(new URL('libs/cluster/dist/index.js', ROOT).href);

  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const scratch = new URL(databaseUrl);
  scratch.pathname = `/${name}`;

  let cluster = null;
  let created = false;
  let stopping = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (cluster) await cluster.stop().catch((e) => log(`cluster stop failed: ${e.message}`));
      if (created) {
        const c = new pg.Client({ connectionString: admin.toString() });
        try {
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } catch (e) {
          log(`could not drop database ${name}: ${e.message}`);
        } finally {
          await c.end().catch(() => {});
        }
      }
    })());

  try {
    log(`creating database ${name}…`);
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${name}`);
      created = true;
    } finally {
      await c.end();
    }
    const ds = new DataSource({ ...typeOrmOptions(scratch.toString(), { size: 2, acquireTimeoutMs: 5000 }), logging: ['error'] });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    log(`starting ${replicas} replicas behind nginx…`);
    cluster = await startCluster({ replicas, databaseUrl: scratch.toString(), redisUrl, env });
    return { cluster, databaseUrl: scratch.toString(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
