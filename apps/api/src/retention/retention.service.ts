import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service.js';
import { BoardsService } from '../boards/boards.service.js';
import type { Env } from '../config/env.schema.js';
import { BoardEventsService } from '../events/board-events.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { JobQueue } from '../jobs/job-queue.service.js';
import { WebhookDeliveryService } from '../webhooks/webhook-delivery.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { RetentionRepository } from './retention.repository.js';

/** How long one statement of a retention pass may run (ms; the pool's statement_timeout is 10 s). */
export const RETENTION_STATEMENT_TIMEOUT_MS = 300_000;

/** How many rows each kind of pruning removed in one pass. */
export interface PruneReport {
  eventsByAge: number;
  eventsByCount: number;
  idempotencyKeys: number;
  deletedBoards: number;
  /** Ended sessions, expired refresh tokens, old revoked or expired API tokens. */
  authTokens: number;
  /** Finished webhook deliveries older than WEBHOOK_DELIVERY_RETENTION_S. */
  webhookDeliveries: number;
  /** Notifications read over 90 days ago, or older than a year. */
  notifications: number;
  /** `reminders_sent` rows whose due date is over 15 days ago (REMINDERS_SENT_RETENTION_S). */
  remindersSent: number;
}

/**
 * Background retention, as the scheduled job `retention.prune` (RETENTION_CRON, UTC; the schedule
 * lives in the database, so it survives restarts, and each occurrence runs once cluster-wide on a
 * job worker). A pass also takes a transaction-scoped advisory lock, so a pass still running when
 * the next one starts (or a manual `pruneOnce`) never overlaps it. It deletes, each module through
 * its own service:
 *  - board events older than EVENTS_RETENTION_AGE_S, and all but the newest EVENTS_RETENTION_COUNT
 *    of each board (either limit prunes); published ones only: an unpublished event is still in
 *    the outbox;
 *  - Idempotency-Key records older than 24 h; ended sessions and expired refresh tokens; API
 *    tokens revoked over a day or expired over 30 days ago; boards deleted longer than the
 *    retention age (their events go with them); finished webhook deliveries older than
 *    WEBHOOK_DELIVERY_RETENTION_S; notifications read over 90 days ago or older than a year;
 *    records of sent due-date reminders 15 days past their due date (no job for it can run then).
 * A client asking for events older than what is kept gets 410 and refetches the snapshot.
 */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly election: RetentionRepository,
    private readonly events: BoardEventsService,
    private readonly idempotency: IdempotencyService,
    private readonly boards: BoardsService,
    private readonly auth: AuthService,
    private readonly notifications: NotificationsService,
    private readonly config: ConfigService<Env, true>,
    private readonly jobs: JobQueue,
    private readonly webhooks: WebhookDeliveryService,
    private readonly reminders: RemindersService,
  ) {}

  onModuleInit(): void {
    // Idempotent: a pass deletes what is due at the time it runs; a repeated pass finds less.
    this.jobs.define({
      name: 'retention.prune',
      cron: this.config.getOrThrow('RETENTION_CRON', { infer: true }),
      // One pass at a time; a failed pass is not retried: the next occurrence does the same work.
      queue: { policy: 'stately', retryLimit: 0 },
      concurrency: 1,
      handler: async () => {
        await this.pruneOnce();
      },
    });
  }

  /**
   * One pass in one transaction; returns null when another replica holds the retention lock. Its
   * statements may take up to RETENTION_STATEMENT_TIMEOUT_MS each, not the pool's 10 s: a backlog
   * (a first pass over a large table, or after retention was off) would otherwise roll the whole
   * pass back at every occurrence, and nothing would ever be pruned.
   */
  async pruneOnce(): Promise<PruneReport | null> {
    const age = this.config.getOrThrow('EVENTS_RETENTION_AGE_S', { infer: true });
    const keep = this.config.getOrThrow('EVENTS_RETENTION_COUNT', { infer: true });
    return this.dataSource.transaction(async (tx) => {
      if (!(await this.election.tryElect(tx))) return null;
      await this.election.allowStatementsOf(tx, RETENTION_STATEMENT_TIMEOUT_MS);
      const events = await this.events.prune(tx, age, keep);
      const report: PruneReport = {
        eventsByAge: events.byAge,
        eventsByCount: events.byCount,
        idempotencyKeys: await this.idempotency.prune(tx),
        deletedBoards: await this.boards.purgeDeleted(tx, age),
        authTokens: await this.auth.pruneTokens(tx),
        webhookDeliveries: await this.webhooks.pruneDeliveries(tx),
        notifications: await this.notifications.prune(tx),
        remindersSent: await this.reminders.prune(tx),
      };
      if (Object.values(report).some((n) => n > 0)) this.logger.log(`pruned ${JSON.stringify(report)}`);
      return report;
    });
  }
}
