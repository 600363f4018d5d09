import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Page } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import type { Env } from '../config/env.schema.js';
import { limitReached } from '../errors/common.errors.js';
import { BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { JobQueue } from '../jobs/job-queue.service.js';
import { afterCursor, toPage } from '../pagination/cursor.js';
import { checkUrl, RefusedUrl } from './webhook-sender.js';
import type { CreateWebhookDto, DeliveryDto, ListDeliveriesQueryDto, UpdateWebhookDto, WebhookCreatedDto, WebhookDto } from './webhooks.dto.js';
import { deliveryNotFound, webhookNotFound, webhookUrlRefused } from './webhooks.errors.js';
import { WebhooksRepository, type DeliveryRecord, type WebhookRecord } from './webhooks.repository.js';

/** The API shape of a webhook (no secret). */
export const toWebhookView = (w: WebhookRecord): WebhookDto => ({
  id: w.id,
  boardId: w.boardId,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  consecutiveFailures: w.consecutiveFailures,
  disabledReason: w.disabledReason,
  createdBy: w.createdBy,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

/** The API shape of a delivery (no body). */
export const toDeliveryView = (d: DeliveryRecord): DeliveryDto => ({
  id: d.id,
  webhookId: d.webhookId,
  seq: d.seq,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  responseCode: d.responseCode,
  durationMs: d.durationMs,
  error: d.error,
  createdAt: d.createdAt.toISOString(),
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
});

/**
 * Webhooks of a board, for its owners only (a webhook sees every event, a URL can carry a token):
 * create (secret shown once), list, read, update, delete, test ping, delivery log, redeliver.
 * Writes go through `BoardEventsService.writeWithoutEvent` (the board's lock and owner check, an
 * Idempotency-Key) without an event: members who are not owners must not learn about webhooks.
 * Every error: BOARD_NOT_FOUND (404) for non-members, FORBIDDEN (403) for editors and viewers,
 * WEBHOOK_NOT_FOUND / DELIVERY_NOT_FOUND (404, also for another board's ids).
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    private readonly jobs: JobQueue,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /**
   * Creates a webhook; the URL is checked first (form, and unless WEBHOOK_ALLOW_PRIVATE_NETWORKS
   * where its host resolves). It receives the events committed after it.
   * @throws AppError WEBHOOK_URL_REFUSED (400), LIMIT_REACHED (409), and the common ones
   */
  async create(boardId: string, userId: string, dto: CreateWebhookDto, req: WriteRequest = {}): Promise<WebhookCreatedDto> {
    await this.access.require(boardId, userId, 'owner');
    const url = await this.checkedUrl(dto.url);
    const max = this.config.getOrThrow('WEBHOOKS_PER_BOARD_MAX', { infer: true });
    return this.events.writeWithoutEvent(
      boardId,
      userId,
      'owner',
      async ({ tx, webhookEnabled }) => {
        if ((await this.webhooks.countOnBoard(tx, boardId)) >= max) throw limitReached('webhooks_per_board', max, 'webhooks per board');
        const secret = dto.secret ?? randomBytes(32).toString('hex');
        const created = await this.webhooks.insert(tx, { id: randomUUID(), boardId, url, events: dto.events, secret, createdBy: userId });
        webhookEnabled();
        return { result: { ...toWebhookView(created), secret } };
      },
      req.idempotency,
    );
  }

  /** The board's webhooks, oldest first (one page). */
  async list(boardId: string, userId: string): Promise<Page<WebhookDto>> {
    await this.access.require(boardId, userId, 'owner');
    return { items: (await this.webhooks.listOnBoard(boardId)).map(toWebhookView), nextCursor: null };
  }

  async get(boardId: string, userId: string, webhookId: string): Promise<WebhookDto> {
    await this.access.require(boardId, userId, 'owner');
    return toWebhookView(await this.found(boardId, webhookId));
  }

  /**
   * Changes url, events or enabled. Re-enabling clears the failure count and sends what is still
   * pending. @throws AppError WEBHOOK_URL_REFUSED (400), WEBHOOK_NOT_FOUND (404), the common ones
   */
  async update(boardId: string, userId: string, webhookId: string, dto: UpdateWebhookDto, req: WriteRequest = {}): Promise<WebhookDto> {
    await this.access.require(boardId, userId, 'owner');
    const url = dto.url === undefined ? undefined : await this.checkedUrl(dto.url);
    return this.events.writeWithoutEvent(
      boardId,
      userId,
      'owner',
      async ({ tx, webhookEnabled }) => {
        const updated = await this.webhooks.update(tx, boardId, webhookId, { url, events: dto.events, enabled: dto.enabled });
        if (!updated) throw webhookNotFound();
        if (updated.enabled) webhookEnabled();
        if (dto.enabled === true) await this.jobs.enqueue(tx, 'webhooks.drain', { webhookId }, { singletonKey: webhookId });
        return { result: toWebhookView(updated) };
      },
      req.idempotency,
    );
  }

  /** Deletes the webhook and its delivery log. @throws AppError WEBHOOK_NOT_FOUND (404), the common ones */
  async delete(boardId: string, userId: string, webhookId: string, req: WriteRequest = {}): Promise<void> {
    await this.events.writeWithoutEvent(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        if (!(await this.webhooks.delete(tx, boardId, webhookId))) throw webhookNotFound();
        return { result: undefined };
      },
      req.idempotency,
    );
  }

  /**
   * Queues a `webhook.test` ping (`{ type, boardId, webhookId, occurredAt }`), delivered like an
   * event (signed, retried, logged), after what is already pending. Returns its log entry.
   */
  async test(boardId: string, userId: string, webhookId: string, req: WriteRequest = {}): Promise<DeliveryDto> {
    return this.events.writeWithoutEvent(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        const hook = await this.webhooks.find(boardId, webhookId, tx);
        if (!hook) throw webhookNotFound();
        const body = JSON.stringify({ type: 'webhook.test', boardId, webhookId, occurredAt: new Date().toISOString() });
        const delivery = await this.webhooks.insertDelivery(tx, { id: randomUUID(), webhookId, eventType: 'webhook.test', body });
        await this.jobs.enqueue(tx, 'webhooks.drain', { webhookId }, { singletonKey: webhookId });
        return { result: toDeliveryView(delivery) };
      },
      req.idempotency,
    );
  }

  /** The delivery log, newest first. */
  async deliveries(boardId: string, userId: string, webhookId: string, query: ListDeliveriesQueryDto): Promise<Page<DeliveryDto>> {
    await this.access.require(boardId, userId, 'owner');
    await this.found(boardId, webhookId);
    const limit = query.pageSize();
    const rows = await this.webhooks.listDeliveries(webhookId, limit, afterCursor(query.cursor));
    const page = toPage(rows, limit);
    return { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor };
  }

  /** Sends a delivery again (pending, due now; same id, so a receiver that has it can drop it). */
  async redeliver(boardId: string, userId: string, webhookId: string, deliveryId: string, req: WriteRequest = {}): Promise<DeliveryDto> {
    return this.events.writeWithoutEvent(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        if (!(await this.webhooks.find(boardId, webhookId, tx))) throw webhookNotFound();
        const delivery = await this.webhooks.requeue(tx, webhookId, deliveryId);
        if (!delivery) throw deliveryNotFound();
        await this.jobs.enqueue(tx, 'webhooks.drain', { webhookId }, { singletonKey: webhookId });
        return { result: toDeliveryView(delivery) };
      },
      req.idempotency,
    );
  }

  private async found(boardId: string, webhookId: string): Promise<WebhookRecord> {
    const hook = await this.webhooks.find(boardId, webhookId);
    if (!hook) throw webhookNotFound();
    return hook;
  }

  private async checkedUrl(raw: string): Promise<string> {
    try {
      return (await checkUrl(raw, this.config.getOrThrow('WEBHOOK_ALLOW_PRIVATE_NETWORKS', { infer: true }))).toString();
    } catch (error) {
      if (error instanceof RefusedUrl) throw webhookUrlRefused(error.message);
      throw error;
    }
  }
}
