import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Metrics } from '../metrics/metrics.service.js';
import { observeQueries } from './prepared.js';

/** The part of node-postgres' Pool read for the gauges. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The database's metrics: `tasklane_db_pool_connections` read at scrape time from the
 * node-postgres Pool behind TypeORM's driver (`driver.master`), and every runPrepared statement's
 * duration in `tasklane_db_query_duration_seconds`.
 */
@Injectable()
export class DatabaseMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.readPoolFrom(() => {
      const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
      return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
    });
    observeQueries(this.dataSource, (statement, seconds) => this.metrics.query(statement, seconds));
  }

  onModuleDestroy(): void {
    observeQueries(this.dataSource, null);
  }
}
