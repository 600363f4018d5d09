import { Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Env } from '../config/env.schema.js';
import { DatabaseMetrics } from './database-metrics.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { typeOrmOptions } from './typeorm-options.js';

/**
 * Holds the embedded PostgreSQL (if this process started one) so shutdown stops it. Its hook runs
 * before TypeORM's own: it closes the connection pool first, so that stopping the server does not
 * terminate pooled connections under it (one "Postgres pool raised an error" line per connection
 * on every Ctrl-C of the quick start); `EmbeddedDatabase.stop` then waits until those connections
 * have really left the server. TypeORM's hook then finds the DataSource closed.
 */
@Injectable()
class EmbeddedDatabaseHolder implements OnApplicationShutdown {
  db: EmbeddedDatabase | null = null;
  constructor(private readonly moduleRef: ModuleRef) {}
  async onApplicationShutdown(): Promise<void> {
    if (!this.db) return;
    try {
      const dataSource = this.moduleRef.get(DataSource, { strict: false });
      if (dataSource.isInitialized) await dataSource.destroy();
    } catch (error) {
      new Logger('Database').warn(`closing the connection pool failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      // Whatever happened to the pool, the embedded server must not outlive this process.
      await this.db.stop();
    }
  }
}

/**
 * TypeORM on PostgreSQL. With DATABASE_URL unset, starts the embedded PostgreSQL first
 * (quick start); migrations run at boot when MIGRATIONS_RUN (default with the embedded database).
 */
@Module({
  providers: [EmbeddedDatabaseHolder, DatabaseMetrics],
  exports: [EmbeddedDatabaseHolder],
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService, EmbeddedDatabaseHolder],
      extraProviders: [EmbeddedDatabaseHolder],
      useFactory: async (config: ConfigService<Env, true>, holder: EmbeddedDatabaseHolder) => {
        let url = config.get('DATABASE_URL', { infer: true });
        if (!url) {
          const dir = config.getOrThrow('EMBEDDED_PG_DIR', { infer: true });
          new Logger('Database').log(`DATABASE_URL not set: starting embedded PostgreSQL in ${dir}`);
          holder.db = await startEmbeddedPostgres(dir, config.getOrThrow('EMBEDDED_PG_PORT', { infer: true }));
          url = holder.db.url;
        }
        const pool = { size: config.getOrThrow('DB_POOL_SIZE', { infer: true }), acquireTimeoutMs: config.getOrThrow('DB_POOL_TIMEOUT_MS', { infer: true }), pipeline: config.getOrThrow('DB_PIPELINE', { infer: true }) };
        return { ...typeOrmOptions(url, pool, config.getOrThrow('MIGRATIONS_RUN', { infer: true })), retryAttempts: 3, retryDelay: 1000 };
      },
    }),
  ],
})
export class DatabaseModule {}
