import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AnyBoardEvent } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { Metrics } from '../metrics/metrics.service.js';
import { BoardEventsRepository, type EventKey } from './board-events.repository.js';
import { EVENT_PUBLISHER, type EventPublisher } from './event-publisher.js';

/** Most events one relay pass claims. */
const RELAY_BATCH = 500;

/**
 * The transactional outbox's relay. `board_events` rows are the outbox: written in the change's
 * transaction with `published_at` NULL.
 *  - Normal path: the replica that committed publishes at once (`publishCommitted`); events handed
 *    to a transport that reaches every replica are marked published in batches (one UPDATE per
 *    RELAY_MARK_INTERVAL_MS).
 *  - Recovery: every RELAY_INTERVAL_MS each replica claims rows still unpublished RELAY_DELAY_MS
 *    after their commit (the committing replica died, or Redis was down) with `FOR UPDATE SKIP
 *    LOCKED`, publishes them in (board, seq) order and marks them in the same transaction. A crash
 *    before COMMIT releases the rows for another replica: at-least-once.
 * What is lost after a hand-off (a publish dropped in flight) is not tracked here: every replica
 * tells its rooms each board's seq from the database (`board:seq`, SEQ_HEARTBEAT_MS), and a client
 * that is behind fetches the gap. Clients drop duplicates by seq. See docs/delivery.md.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private toMark: EventKey[] = [];
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: BoardEventsRepository,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    private readonly config: ConfigService<Env, true>,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.readOutboxFrom(() => this.events.outboxStats());
    this.timers = [
      setInterval(() => void this.relayOnce(), this.config.getOrThrow('RELAY_INTERVAL_MS', { infer: true })),
      setInterval(() => void this.flushMarks(), this.config.getOrThrow('RELAY_MARK_INTERVAL_MS', { infer: true })),
    ];
    for (const t of this.timers) t.unref();
  }

  /** Stops the timers and writes the pending "published" marks (graceful shutdown). */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.flushMarks();
  }

  /**
   * Publishes events that just committed and queues the ones that reached every replica for marking.
   * @param committedAt `performance.now()` right after the COMMIT, for the fan-out delay metric
   */
  publishCommitted(events: AnyBoardEvent[], committedAt?: number): void {
    for (const e of this.publisher.publish(events, false, committedAt)) this.toMark.push({ boardId: e.boardId, seq: e.seq });
  }

  /** Writes the queued "published" marks in one statement. On failure the rows stay unpublished and the relay sends them again. */
  async flushMarks(): Promise<void> {
    const batch = this.toMark;
    if (batch.length === 0) return;
    this.toMark = [];
    try {
      await this.events.markPublished(batch);
    } catch (error) {
      this.logger.warn(`could not mark ${batch.length} events published: ${(error as Error).message}`);
    }
  }

  /**
   * One relay pass: nothing while a pass runs, after shutdown, or while a publish would not reach
   * every replica (the events would only be marked as if they had). Returns how many it relayed.
   */
  async relayOnce(): Promise<number> {
    if (this.running || this.stopped || !this.publisher.reachesAllReplicas) return 0;
    this.running = true;
    try {
      const delayMs = this.config.getOrThrow('RELAY_DELAY_MS', { infer: true });
      const count = await this.dataSource.transaction(async (tx) => {
        const claimed = await this.events.claimUnpublished(tx, delayMs, RELAY_BATCH);
        if (claimed.length === 0) return 0;
        const reached = this.publisher.publish(claimed, true);
        if (reached.length > 0) await this.events.markPublished(reached, tx);
        return reached.length;
      });
      this.metrics.outboxRelayed(count);
      if (count > 0) this.logger.log(`relayed ${count} unpublished events`);
      return count;
    } catch (error) {
      this.logger.warn(`relay pass failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
