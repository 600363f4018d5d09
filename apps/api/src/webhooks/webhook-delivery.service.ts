import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AnyBoardEvent } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import type { Env } from '../config/env.schema.js';
import { BOARD_NOTIFIER, type BoardNotifier } from '../events/board-notifier.js';
import type { BoardEventSink } from '../events/event-sink.js';
import { JobQueue } from '../jobs/job-queue.service.js';
import { Metrics } from '../metrics/metrics.service.js';
import { backoffMs, postOnce, signature, type SendResult } from './webhook-sender.js';
import { WebhooksRepository, type DeliveryRecord, type WebhookRecord } from './webhooks.repository.js';

/** Most deliveries one drain job sends before it hands over to a fresh job (fairness between webhooks). */
const DRAIN_BATCH = 100;

/** Actor of changes nobody asked for (a webhook disabled by its failures): no user has this id. */
export const SYSTEM_ACTOR = '00000000-0000-0000-0000-000000000000';

/** Whether a failed attempt is worth another: no answer, 5xx, or 429. Other statuses are final. */
export const isRetryable = (r: SendResult): boolean => r.status === null || r.status >= 500 || r.status === 429;

/**
 * Webhook delivery, at least once and in order per webhook:
 *  - `record` (the BOARD_EVENT_SINK, inside every board write's transaction) stores one pending
 *    delivery per subscribed webhook, body = the event's envelope, and enqueues that webhook's
 *    `webhooks.drain` job in the same transaction (a stately queue keyed by webhook: at most one
 *    queued and one running);
 *  - `drain` (the job) sends the webhook's pending deliveries one at a time in order: success →
 *    next; a retryable failure (network, 5xx, 429) → retried after exponential backoff with jitter
 *    (a longer Retry-After wins) while WEBHOOK_RETRY_WINDOW_S lasts, by a deferred drain job,
 *    and nothing after it is sent before it; a final failure (other 4xx, or the window is over) →
 *    failed, next; WEBHOOK_DISABLE_AFTER consecutive failures → the webhook is disabled and its
 *    owners notified ('webhook_disabled').
 * A worker that dies mid-POST stops heartbeating; pg-boss' supervisor fails its job, which is
 * retried on another worker and sends the same delivery (same Tasklane-Delivery id) again.
 */
@Injectable()
export class WebhookDeliveryService implements BoardEventSink, OnModuleInit {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly jobs: JobQueue,
    private readonly access: BoardAccessService,
    private readonly config: ConfigService<Env, true>,
    private readonly metrics: Metrics,
    @Optional() @Inject(BOARD_NOTIFIER) private readonly notifier?: BoardNotifier,
  ) {}

  onModuleInit(): void {
    this.jobs.define({ name: 'webhooks.drain', queue: { policy: 'stately' }, handler: ({ webhookId }) => this.drain(webhookId) });
  }

  /** BoardEventSink: pending deliveries of `event` and their drain jobs, in the write's transaction. */
  async record(tx: EntityManager, event: AnyBoardEvent): Promise<void> {
    const hooks = await this.webhooks.insertForEvent(tx, { boardId: event.boardId, seq: event.seq, type: event.type, body: JSON.stringify(event) });
    for (const webhookId of hooks) await this.jobs.enqueue(tx, 'webhooks.drain', { webhookId }, { singletonKey: webhookId });
  }

  /**
   * The `webhooks.drain` job: sends the webhook's due deliveries in order (see the class). Idempotent:
   * it reads what is pending now; a delivery sent twice keeps its id.
   */
  async drain(webhookId: string): Promise<void> {
    for (let sent = 0; sent < DRAIN_BATCH; sent++) {
      const hook = await this.webhooks.findById(webhookId);
      if (!hook || !hook.enabled) return;
      const delivery = await this.webhooks.nextPending(webhookId);
      if (!delivery) return;
      if (delivery.nextAttemptAt.getTime() > Date.now()) {
        await this.jobs.send('webhooks.drain', { webhookId }, { singletonKey: webhookId, startAfter: delivery.nextAttemptAt });
        return;
      }
      if (!(await this.attempt(hook, delivery))) return;
    }
    await this.jobs.send('webhooks.drain', { webhookId }, { singletonKey: webhookId });
  }

  /** One attempt of `delivery`; true when the drain may go on to the next one. */
  private async attempt(hook: WebhookRecord, delivery: DeliveryRecord): Promise<boolean> {
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postOnce({
      url: hook.url,
      body: delivery.body,
      timeoutMs: this.config.getOrThrow('WEBHOOK_TIMEOUT_MS', { infer: true }),
      allowPrivate: this.config.getOrThrow('WEBHOOK_ALLOW_PRIVATE_NETWORKS', { infer: true }),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Tasklane-Webhooks/1',
        'Tasklane-Event': delivery.eventType,
        'Tasklane-Delivery': delivery.id,
        'Tasklane-Signature': signature(hook.secret, timestamp, delivery.body),
      },
    });
    const error = result.error ?? (result.status !== null && (result.status < 200 || result.status > 299) ? `HTTP ${result.status}` : null);
    const outcome = { responseCode: result.status, durationMs: result.durationMs, error: error?.slice(0, 500) ?? null };
    if (outcome.error === null) {
      this.metrics.webhookDelivery('succeeded');
      await this.webhooks.recordSuccess(delivery.id, hook.id, outcome);
      return true;
    }
    const attempts = delivery.attempts + 1;
    const delay = backoffMs(attempts, this.config.getOrThrow('WEBHOOK_RETRY_BASE_MS', { infer: true }), this.config.getOrThrow('WEBHOOK_RETRY_MAX_MS', { infer: true }), result.retryAfterMs);
    const next = new Date(Date.now() + delay);
    const windowEnds = delivery.createdAt.getTime() + this.config.getOrThrow('WEBHOOK_RETRY_WINDOW_S', { infer: true }) * 1000;
    const retry = isRetryable(result) && next.getTime() <= windowEnds;
    this.metrics.webhookDelivery(retry ? 'retrying' : 'failed');
    const failures = await this.webhooks.recordFailure(delivery.id, hook.id, outcome, retry ? next : null);
    if (failures >= this.config.getOrThrow('WEBHOOK_DISABLE_AFTER', { infer: true })) {
      await this.disable(hook, `${failures} consecutive failed deliveries (last: ${outcome.error})`);
      return false;
    }
    if (retry) {
      await this.jobs.send('webhooks.drain', { webhookId: hook.id }, { singletonKey: hook.id, startAfter: next });
      return false;
    }
    return true;
  }

  /** Retention (in its transaction): deletes finished deliveries older than WEBHOOK_DELIVERY_RETENTION_S; returns how many. */
  pruneDeliveries(tx: EntityManager): Promise<number> {
    return this.webhooks.pruneDeliveries(tx, this.config.getOrThrow('WEBHOOK_DELIVERY_RETENTION_S', { infer: true }));
  }

  /** Disables the webhook and, in the same transaction, notifies the board's owners (when a notifier is installed). */
  private async disable(hook: WebhookRecord, reason: string): Promise<void> {
    const afterCommit = await this.dataSource.transaction(async (tx) => {
      if (!(await this.webhooks.disable(tx, hook.id, reason))) return null;
      const owners = await this.access.ownerIds(tx, hook.boardId);
      if (!this.notifier || owners.length === 0) return null;
      return this.notifier.record(tx, { boardId: hook.boardId, actorId: SYSTEM_ACTOR, seq: 0, intents: owners.map((userId) => ({ userId, kind: 'webhook_disabled' as const, taskId: null })) });
    });
    afterCommit?.();
    this.logger.warn(`webhook ${hook.id} of board ${hook.boardId} disabled: ${reason}`);
  }
}
