import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AnyBoardEvent } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { RedisConnections } from '../realtime/redis-connections.service.js';
import { EventBroadcaster } from './event-broadcaster.service.js';
import { EVENT_COLUMNS, toEnvelope, type EventRow } from './event-row.js';

/**
 * The transactional outbox's relay. `board_events` rows are the outbox: written in the change's
 * transaction with `published_at` NULL.
 *  - Normal path: the replica that committed broadcasts at once (`publishCommitted`) and marks the
 *    rows published in batches (one UPDATE per `RELAY_MARK_INTERVAL_MS`).
 *  - Recovery: every `RELAY_INTERVAL_MS` each replica claims rows still unpublished after
 *    `RELAY_DELAY_MS` (the committing replica died, or Redis was down) with
 *    `FOR UPDATE SKIP LOCKED`, so replicas never claim the same rows, broadcasts them in
 *    (board, seq) order and marks them in the same transaction. A crash before COMMIT releases the
 *    rows for another replica: delivery is at-least-once; clients drop duplicates by seq.
 *  - A publish can also fail after it was handed to Redis (connection lost mid-flight). Then the
 *    relay forgets the pending marks and un-marks the events this replica marked in the last
 *    `RELAY_DELAY_MS + 5 s`, so they go out again; duplicates are dropped by seq. Marks and
 *    un-marks are serialised so an un-mark never misses a mark in flight.
 * Rows are found through the partial index on `published_at IS NULL`, never by a global serial
 * (serials commit out of order).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private toMark: { boardId: string; seq: number }[] = [];
  private relayTimer: NodeJS.Timeout | null = null;
  private markTimer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  /** Events republished by this replica's relay since start (for logs and tests). */
  republished = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly broadcaster: EventBroadcaster,
    private readonly config: ConfigService<Env, true>,
    redis: RedisConnections,
  ) {
    redis.onPublishFailure(() => this.onPublishFailure());
  }

  /** Marks and un-marks run one at a time, in order, so an un-mark always sees the marks before it. */
  private dbQueue: Promise<void> = Promise.resolve();
  /** Events this replica marked published in the last RELAY_DELAY_MS + 5 s, oldest first (ms clock). */
  private recentlyMarked: { boardId: string; seq: number; at: number }[] = [];
  private unmarkQueued = false;

  private serial(job: () => Promise<void>): Promise<void> {
    const run = this.dbQueue.then(job, job);
    this.dbQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * A publish failed after the event was handed to Redis: forget the pending marks and un-mark what
   * THIS replica marked published in the last RELAY_DELAY_MS + 5 s (its own broadcasts are the
   * suspects), so the relay sends them again. Queued behind any mark in flight; a failure while an
   * un-mark runs queues another one.
   */
  private onPublishFailure(): void {
    this.toMark = [];
    if (this.unmarkQueued) return;
    this.unmarkQueued = true;
    void this.serial(async () => {
      this.unmarkQueued = false;
      const keys = this.recentlyMarked;
      this.recentlyMarked = [];
      if (keys.length === 0) return;
      try {
        const [, count] = (await this.dataSource.query(
          `UPDATE board_events e SET published_at = NULL
             FROM unnest($1::uuid[], $2::int[]) AS m(board_id, seq)
            WHERE e.board_id = m.board_id AND e.seq = m.seq`,
          [keys.map((k) => k.boardId), keys.map((k) => k.seq)],
        )) as [unknown, number];
        if (count > 0) this.logger.warn(`a Redis publish failed: ${count} recent events will be relayed again`);
      } catch (error) {
        this.logger.warn(`could not un-mark recent events: ${(error as Error).message}`);
      }
    });
  }

  onApplicationBootstrap(): void {
    const interval = this.config.getOrThrow('RELAY_INTERVAL_MS', { infer: true });
    this.relayTimer = setInterval(() => void this.relayOnce(), interval);
    this.markTimer = setInterval(() => void this.flushMarks(), this.config.getOrThrow('RELAY_MARK_INTERVAL_MS', { infer: true }));
    this.relayTimer.unref();
    this.markTimer.unref();
  }

  /** Stops the timers and writes the pending "published" marks (graceful shutdown). */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.relayTimer) clearInterval(this.relayTimer);
    if (this.markTimer) clearInterval(this.markTimer);
    await this.flushMarks();
  }

  /** Broadcasts events that just committed and queues the ones that reached every replica for marking. */
  publishCommitted(events: AnyBoardEvent[]): void {
    for (const e of this.broadcaster.publish(events)) this.toMark.push({ boardId: e.boardId, seq: e.seq });
  }

  /** Writes queued "published" marks in one statement (serialised with un-marks). Failures are retried by the relay itself. */
  flushMarks(): Promise<void> {
    if (this.toMark.length === 0) return this.dbQueue;
    return this.serial(async () => {
      const batch = this.toMark;
      this.toMark = [];
      if (batch.length === 0) return;
      try {
        await this.dataSource.query(
          `UPDATE board_events e SET published_at = now()
             FROM unnest($1::uuid[], $2::int[]) AS m(board_id, seq)
            WHERE e.board_id = m.board_id AND e.seq = m.seq AND e.published_at IS NULL`,
          [batch.map((m) => m.boardId), batch.map((m) => m.seq)],
        );
        const now = Date.now();
        const horizon = now - (this.config.getOrThrow('RELAY_DELAY_MS', { infer: true }) + 5000);
        const firstKept = this.recentlyMarked.findIndex((k) => k.at >= horizon);
        this.recentlyMarked = firstKept < 0 ? [] : this.recentlyMarked.slice(firstKept);
        for (const m of batch) this.recentlyMarked.push({ ...m, at: now });
      } catch (error) {
        // The rows stay unpublished; the relay will send them again (duplicates are dropped by seq).
        this.logger.warn(`could not mark ${batch.length} events published: ${(error as Error).message}`);
      }
    });
  }

  /** One relay pass. Returns how many events it republished. */
  async relayOnce(): Promise<number> {
    if (this.running || this.stopped || !this.broadcaster.canReachAllReplicas) return 0;
    this.running = true;
    try {
      const delayMs = this.config.getOrThrow('RELAY_DELAY_MS', { infer: true });
      const count = await this.dataSource.transaction(async (tx) => {
        const rows = (await tx.query(
          `SELECT ${EVENT_COLUMNS} FROM board_events
            WHERE published_at IS NULL AND occurred_at < now() - make_interval(secs => $1::double precision / 1000)
            ORDER BY board_id, seq LIMIT 500
              FOR UPDATE SKIP LOCKED`,
          [delayMs],
        )) as EventRow[];
        if (rows.length === 0) return 0;
        const reached = this.broadcaster.publish(rows.map(toEnvelope), true);
        if (reached.length) {
          await tx.query(
            `UPDATE board_events e SET published_at = now() FROM unnest($1::uuid[], $2::int[]) AS m(board_id, seq)
              WHERE e.board_id = m.board_id AND e.seq = m.seq`,
            [reached.map((e) => e.boardId), reached.map((e) => e.seq)],
          );
        }
        return reached.length;
      });
      if (count > 0) {
        this.republished += count;
        this.logger.log(`relayed ${count} unpublished events`);
      }
      return count;
    } catch (error) {
      this.logger.warn(`relay pass failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
