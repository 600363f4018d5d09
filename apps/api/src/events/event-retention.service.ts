import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Env } from '../config/env.schema.js';

/** How many rows each kind of pruning removed in one pass. */
export interface PruneReport {
  eventsByAge: number;
  eventsByCount: number;
  idempotencyKeys: number;
  deletedBoards: number;
  refreshTokens: number;
}

/**
 * Background retention. Every PRUNE_INTERVAL_MS one replica (a transaction-scoped advisory lock
 * elects it) deletes:
 *  - board events older than EVENTS_RETENTION_AGE_S, and all but the newest EVENTS_RETENTION_COUNT
 *    of each board (either limit prunes) — published ones only: an unpublished event is still in
 *    the outbox;
 *  - Idempotency-Key records older than 24 h; expired refresh tokens; boards soft-deleted longer
 *    than the retention age (their events go with them).
 * A client asking for events older than what is kept gets 410 and refetches the snapshot.
 */
@Injectable()
export class EventRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventRetentionService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneOnce().catch((e: Error) => this.logger.warn(`prune failed: ${e.message}`)), this.config.getOrThrow('PRUNE_INTERVAL_MS', { infer: true }));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns null when another replica holds the pruning lock. */
  async pruneOnce(): Promise<PruneReport | null> {
    const age = this.config.getOrThrow('EVENTS_RETENTION_AGE_S', { infer: true });
    const keep = this.config.getOrThrow('EVENTS_RETENTION_COUNT', { infer: true });
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = (await tx.query(`SELECT pg_try_advisory_xact_lock(hashtext('tasklane:retention')) AS locked`)) as { locked: boolean }[];
      if (!locked) return null;
      const count = async (sql: string, params: unknown[]) => ((await tx.query(sql, params)) as [unknown, number])[1];
      const report: PruneReport = {
        eventsByAge: await count(
          `DELETE FROM board_events WHERE occurred_at < now() - make_interval(secs => $1) AND published_at IS NOT NULL`,
          [age],
        ),
        eventsByCount: await count(
          `DELETE FROM board_events e USING boards b
            WHERE b.seq > $1 AND e.board_id = b.id AND e.seq <= b.seq - $1 AND e.published_at IS NOT NULL`,
          [keep],
        ),
        idempotencyKeys: await count(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`, []),
        deletedBoards: await count(`DELETE FROM boards WHERE deleted_at < now() - make_interval(secs => $1)`, [age]),
        refreshTokens: await count(`DELETE FROM refresh_tokens WHERE expires_at < now() OR revoked_at < now() - interval '1 day'`, []),
      };
      const total = Object.values(report).reduce((a, b) => a + b, 0);
      if (total > 0) this.logger.log(`pruned ${JSON.stringify(report)}`);
      return report;
    });
  }
}
