import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/** Pool settings of one replica (see "Connection pools" in docs/operations.md for why these numbers). */
export interface PoolSettings {
  size: number;
  /** ms to wait for a free connection before the query fails (mapped to 503). */
  acquireTimeoutMs: number;
}

/**
 * TypeORM options for PostgreSQL at `url`: explicit entity and migration lists, never synchronize.
 * `statement_timeout` bounds any single query (10 s) so a stuck query cannot pin a connection forever;
 * `lock_timeout` (5 s) bounds a wait for a board's row lock.
 */
export function typeOrmOptions(url: string, pool: PoolSettings, migrationsRun = false): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Not 'error': expected failures (unique violations) would be logged with their parameters,
    // which include password hashes. Unexpected errors are logged by AppExceptionFilter.
    logging: ['warn', 'migration'],
    poolSize: pool.size,
    extra: {
      connectionTimeoutMillis: pool.acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: 10_000,
      // A write waiting this long for a board's row lock gives up with 503 (SQLSTATE 55P03) instead
      // of holding a pooled connection, so one hot board cannot starve the pool.
      lock_timeout: 5_000,
      application_name: 'tasklane-api',
    },
  };
}
