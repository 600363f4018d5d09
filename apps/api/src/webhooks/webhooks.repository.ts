import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';
import { keysetAt, type Keyed, type Keyset } from '../pagination/cursor.js';

/** A webhook as the service sees it (the secret included: never sent back after creation). */
export interface WebhookRecord {
  id: string;
  boardId: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One delivery as the log and the sender see it. */
export interface DeliveryRecord {
  id: string;
  webhookId: string;
  seq: number | null;
  eventType: string;
  body: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  responseCode: number | null;
  durationMs: number | null;
  error: string | null;
  createdAt: Date;
}

interface WebhookRow {
  id: string;
  board_id: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  consecutive_failures: number;
  disabled_reason: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  seq: number | null;
  event_type: string;
  body: string;
  status: DeliveryRecord['status'];
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  response_code: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: Date;
  keyset_at?: string;
}

const WEBHOOK_COLUMNS = 'id, board_id, url, events, secret, enabled, consecutive_failures, disabled_reason, created_by, created_at, updated_at';
const DELIVERY_COLUMNS = 'id, webhook_id, seq, event_type, body, status, attempts, next_attempt_at, last_attempt_at, response_code, duration_ms, error, created_at';

const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  boardId: r.board_id,
  url: r.url,
  events: r.events,
  secret: r.secret,
  enabled: r.enabled,
  consecutiveFailures: r.consecutive_failures,
  disabledReason: r.disabled_reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  webhookId: r.webhook_id,
  seq: r.seq,
  eventType: r.event_type,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  responseCode: r.response_code,
  durationMs: r.duration_ms,
  error: r.error,
  createdAt: r.created_at,
});

/** The fields of a webhook a PATCH may change (undefined: unchanged). */
export interface WebhookPatch {
  url?: string;
  events?: string[];
  enabled?: boolean;
}

/** What one delivery attempt came to. */
export interface AttemptOutcome {
  responseCode: number | null;
  durationMs: number;
  error: string | null;
}

/** `webhooks` and `webhook_deliveries`: every statement of the webhooks feature. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  async insert(tx: EntityManager, w: { id: string; boardId: string; url: string; events: string[]; secret: string; createdBy: string }): Promise<WebhookRecord> {
    const { rows } = await runPrepared<WebhookRow>(
      tx,
      `INSERT INTO webhooks (id, board_id, url, events, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${WEBHOOK_COLUMNS}`,
      [w.id, w.boardId, w.url, w.events, w.secret, w.createdBy],
    );
    return toWebhook(rows[0]);
  }

  async countOnBoard(tx: EntityManager, boardId: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM webhooks WHERE board_id = $1`, [boardId]);
    return rows[0].n;
  }

  async listOnBoard(boardId: string): Promise<WebhookRecord[]> {
    const { rows } = await runPrepared<WebhookRow>(this.db(), `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE board_id = $1 ORDER BY created_at, id`, [boardId]);
    return rows.map(toWebhook);
  }

  /** The webhook `id` of board `boardId`, or null (another board's id is null too). */
  async find(boardId: string, id: string, tx?: EntityManager): Promise<WebhookRecord | null> {
    const { rows } = await runPrepared<WebhookRow>(this.db(tx), `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND board_id = $2`, [id, boardId]);
    return rows[0] ? toWebhook(rows[0]) : null;
  }

  /** The webhook `id` whatever its board (the sender's read), or null. */
  async findById(id: string): Promise<WebhookRecord | null> {
    const { rows } = await runPrepared<WebhookRow>(this.db(), `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
    return rows[0] ? toWebhook(rows[0]) : null;
  }

  /** Applies `patch`; re-enabling clears the failure count and reason. Returns the new row, or null when it is not on the board. */
  async update(tx: EntityManager, boardId: string, id: string, patch: WebhookPatch): Promise<WebhookRecord | null> {
    const { rows } = await runPrepared<WebhookRow>(
      tx,
      `UPDATE webhooks SET url = COALESCE($3, url), events = COALESCE($4, events), enabled = COALESCE($5, enabled),
         consecutive_failures = CASE WHEN $5 IS TRUE THEN 0 ELSE consecutive_failures END,
         disabled_reason = CASE WHEN $5 IS TRUE THEN NULL ELSE disabled_reason END,
         updated_at = now()
       WHERE id = $1 AND board_id = $2 RETURNING ${WEBHOOK_COLUMNS}`,
      [id, boardId, patch.url ?? null, patch.events ?? null, patch.enabled ?? null],
    );
    return rows[0] ? toWebhook(rows[0]) : null;
  }

  /** Deletes the webhook and its log; false when it is not on the board. */
  async delete(tx: EntityManager, boardId: string, id: string): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `DELETE FROM webhooks WHERE id = $1 AND board_id = $2`, [id, boardId]);
    return rowCount > 0;
  }

  /**
   * Inside a board write's transaction: one pending delivery of the event for each enabled webhook
   * of the board that subscribes to its type (or `*`). Returns the webhooks that got one.
   */
  async insertForEvent(tx: EntityManager, e: { boardId: string; seq: number; type: string; body: string }): Promise<string[]> {
    const { rows } = await runPrepared<{ webhook_id: string }>(
      tx,
      `INSERT INTO webhook_deliveries (id, webhook_id, seq, event_type, body)
       SELECT gen_random_uuid(), id, $2, $3, $4 FROM webhooks
       WHERE board_id = $1 AND enabled AND ($3 = ANY(events) OR '*' = ANY(events))
       ORDER BY id
       RETURNING webhook_id`,
      [e.boardId, e.seq, e.type, e.body],
    );
    return rows.map((r) => r.webhook_id);
  }

  /** A pending delivery of something other than a board event (the test ping). */
  async insertDelivery(tx: EntityManager, d: { id: string; webhookId: string; eventType: string; body: string }): Promise<DeliveryRecord> {
    const { rows } = await runPrepared<DeliveryRow>(
      tx,
      `INSERT INTO webhook_deliveries (id, webhook_id, event_type, body) VALUES ($1, $2, $3, $4) RETURNING ${DELIVERY_COLUMNS}`,
      [d.id, d.webhookId, d.eventType, d.body],
    );
    return toDelivery(rows[0]);
  }

  /** The webhook's first pending delivery in sending order, or null. */
  async nextPending(webhookId: string): Promise<DeliveryRecord | null> {
    const { rows } = await runPrepared<DeliveryRow>(
      this.db(),
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending' ORDER BY position LIMIT 1`,
      [webhookId],
    );
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  /** Records a successful attempt and resets the webhook's failure count. */
  async recordSuccess(id: string, webhookId: string, outcome: AttemptOutcome): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await runPrepared(
        tx,
        `UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1, last_attempt_at = now(), response_code = $2, duration_ms = $3, error = NULL WHERE id = $1`,
        [id, outcome.responseCode, outcome.durationMs],
      );
      await runPrepared(tx, `UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`, [webhookId]);
    });
  }

  /**
   * Records a failed attempt: the delivery stays pending until `nextAttemptAt`, or (null) fails
   * for good. Counts the webhook's consecutive failures and returns the new count.
   */
  async recordFailure(id: string, webhookId: string, outcome: AttemptOutcome, nextAttemptAt: Date | null): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      await runPrepared(
        tx,
        `UPDATE webhook_deliveries SET status = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END, attempts = attempts + 1, last_attempt_at = now(),
           response_code = $2, duration_ms = $3, error = $4, next_attempt_at = COALESCE($5::timestamptz, next_attempt_at) WHERE id = $1`,
        [id, outcome.responseCode, outcome.durationMs, outcome.error, nextAttemptAt],
      );
      const { rows } = await runPrepared<{ n: number }>(tx, `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 RETURNING consecutive_failures AS n`, [webhookId]);
      return rows[0]?.n ?? 0;
    });
  }

  /** Disables the webhook (in the caller's transaction); false when it was already disabled or is gone. */
  async disable(tx: EntityManager, webhookId: string, reason: string): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `UPDATE webhooks SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`, [webhookId, reason]);
    return rowCount > 0;
  }

  /** Puts a delivery back in the queue (redeliver): pending, due now. Returns it, or null when it is not the webhook's. */
  async requeue(tx: EntityManager, webhookId: string, id: string): Promise<DeliveryRecord | null> {
    const { rows } = await runPrepared<DeliveryRow>(
      tx,
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() WHERE id = $1 AND webhook_id = $2 RETURNING ${DELIVERY_COLUMNS}`,
      [id, webhookId],
    );
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  /** The delivery log, newest first, keyset-paginated on (created_at, id) descending. */
  async listDeliveries(webhookId: string, limit: number, before?: Keyset): Promise<Keyed<DeliveryRecord>[]> {
    const params: unknown[] = [webhookId];
    let where = 'webhook_id = $1';
    if (before) {
      params.push(before.at, before.id);
      where += ` AND (created_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    params.push(limit + 1);
    const { rows } = await runPrepared<DeliveryRow>(
      this.db(),
      `SELECT ${DELIVERY_COLUMNS}, ${keysetAt('created_at')} AS keyset_at FROM webhook_deliveries WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ item: toDelivery(r), key: { at: r.keyset_at!, id: r.id } }));
  }

  /** Deletes finished deliveries older than `ageSeconds` (retention); returns how many. */
  async pruneDeliveries(tx: EntityManager, ageSeconds: number): Promise<number> {
    const { rowCount } = await runPrepared(tx, `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - make_interval(secs => $1)`, [ageSeconds]);
    return rowCount;
  }
}
