import { Logger } from '@nestjs/common';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/** Pool settings of one replica (see "Connection pools" in docs/operations.md for why these numbers). */
export interface PoolSettings {
  size: number;
  /** ms to wait for a free connection before the query fails (mapped to 503). */
  acquireTimeoutMs: number;
  /** node-postgres `pipeline`: queries go on the wire without waiting for the previous answer. The app passes DB_PIPELINE (default on); unset here (the migration CLI's data source): off. */
  pipeline?: boolean;
}

/** `application_name` of the API's pooled connections (pg_stat_activity tells them apart from a psql session). */
export const POOL_APPLICATION_NAME = 'tasklane-api';

/**
 * SQLSTATEs with which the server ends a session when it shuts down or restarts (class 57,
 * operator intervention: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
 */
const SERVER_SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03']);

/**
 * Handles an error an idle pooled connection raises (node-postgres drops that connection and
 * opens a new one on demand). The server ending the session because it is shutting down or
 * restarting is routine (a restart, failover, or the embedded database stopping on a terminal's
 * Ctrl-C, which reaches PostgreSQL too): logged at debug. Anything else: a warning, as TypeORM's
 * default handler does.
 */
export function onPoolError(error: Error & { code?: string }): void {
  const logger = new Logger('Database');
  if (error.code !== undefined && SERVER_SHUTDOWN_CODES.has(error.code)) logger.debug(`idle pooled connection closed by the server: ${error.message}`);
  else logger.warn(`Postgres pool raised an error. ${String(error)}`);
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
    poolErrorHandler: onPoolError,
    extra: {
      connectionTimeoutMillis: pool.acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: 10_000,
      // A write waiting this long for a board's row lock gives up with 503 (SQLSTATE 55P03) instead
      // of holding a pooled connection, so one hot board cannot starve the pool.
      lock_timeout: 5_000,
      application_name: POOL_APPLICATION_NAME,
      pipeline: pool.pipeline ?? false,
    },
  };
}
