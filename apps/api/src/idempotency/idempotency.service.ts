import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { idempotencyKeyReused } from '../errors/common.errors.js';
import type { IdempotencyRequest } from './idempotency-key.decorator.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/** A replayed response: the body the first request with this key answered with. */
export interface Replay {
  body: unknown;
}

/**
 * `Idempotency-Key` bookkeeping inside a write's transaction: a key is recorded if and only if its
 * write commits, with the response body to answer retries with (the status is the route's own).
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly keys: IdempotencyRepository) {}

  /**
   * Claims `req.key` inside the caller's transaction. Returns null when the key is new (go on
   * with the write, then `store` its response), or the earlier request's response.
   * @throws AppError IDEMPOTENCY_KEY_REUSED (422) when the key was used for a different request.
   */
  async claim(tx: EntityManager, req: IdempotencyRequest): Promise<Replay | null> {
    if (await this.keys.insert(tx, req.userId, req.key, req.requestHash)) return null;
    const prior = await this.keys.find(tx, req.userId, req.key);
    // The row exists (the insert conflicted) and cannot be deleted while we hold this transaction's snapshot of it.
    if (!prior || prior.requestHash !== req.requestHash) throw idempotencyKeyReused();
    return { body: prior.response };
  }

  /** Records the response of the write that claimed the key (same transaction). */
  store(tx: EntityManager, req: IdempotencyRequest, body: unknown): Promise<void> {
    return this.keys.storeResponse(tx, req.userId, req.key, body);
  }

  /** Deletes keys older than 24 h (retention); returns how many. */
  prune(tx: EntityManager): Promise<number> {
    return this.keys.prune(tx);
  }
}
