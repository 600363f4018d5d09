import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { idempotencyKeyReused } from '../errors/common.errors.js';
import type { IdempotencyRequest } from './idempotency-key.decorator.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/**
 * Thrown by `record` when the key was already recorded for the same request: the write that just
 * ran is a retry. Whoever runs the transaction rolls it back (the retry's work is undone) and
 * answers `body`, the first request's response.
 */
export class IdempotentReplay extends Error {
  constructor(readonly body: unknown) {
    super('Idempotency-Key retry: answered with the first response');
    this.name = 'IdempotentReplay';
  }
}

/**
 * `Idempotency-Key` bookkeeping, recorded optimistically: a write runs, then `record` stores its
 * key and response in its transaction in ONE statement, so the key is stored if and only if the
 * write commits, and a first attempt (the common case) costs one statement instead of a claim
 * before and a store after. A retry finds the key when it records it (`IdempotentReplay`, its own
 * work rolled back) or, when its work failed (the task it deletes is gone, its If-Match is stale),
 * in `replayAfterFailure`. Writes to one board are serialised by the board's stream lock, so a
 * retry runs after the first attempt committed, or in the same transaction (group commit) after
 * it; a retry elsewhere (board creation) waits on the first attempt's row lock. Keys are scoped to
 * the user and tied to a fingerprint of the request, as in "Implementing Stripe-like Idempotency
 * Keys in Postgres" (brandur.org, 2017); unlike that design's key row claimed first and advanced
 * through recovery points, the key is written last, because every board write is one transaction.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly keys: IdempotencyRepository) {}

  /**
   * Stores `req.key` with the write's response `body` inside the write's transaction.
   * @throws IdempotentReplay when the key holds the same request's response (roll the write back, answer it)
   * @throws AppError IDEMPOTENCY_KEY_REUSED (422) when the key was used for a different request.
   */
  async record(tx: EntityManager, req: IdempotencyRequest, body: unknown): Promise<void> {
    await this.recordedOrReplay(tx, req, body, await this.keys.insert(tx, req.userId, req.key, req.requestHash, body));
  }

  /**
   * After an insert of `req.key` with `body` that reported `inserted` (here, or in the statement
   * that appends a write's event: BoardEventsRepository.append): nothing when it was inserted;
   * otherwise the key exists, and this is a retry (or a reuse).
   * @throws IdempotentReplay / AppError IDEMPOTENCY_KEY_REUSED (422), as `record`.
   */
  async recordedOrReplay(tx: EntityManager, req: IdempotencyRequest, body: unknown, inserted: boolean): Promise<void> {
    // Twice at most: retention may delete a key older than 24 h between the conflicting insert and
    // the read (the insert locks nothing it did not write); the key is then free to record.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (inserted) return;
      const prior = await this.keys.find(tx, req.userId, req.key);
      if (prior) {
        if (prior.requestHash !== req.requestHash) throw idempotencyKeyReused();
        throw new IdempotentReplay(prior.response);
      }
      inserted = await this.keys.insert(tx, req.userId, req.key, req.requestHash, body);
    }
    if (!inserted) throw new Error(`Idempotency-Key ${req.key} conflicted twice but could not be read`);
  }

  /**
   * After a keyed write failed and was rolled back: the first response when the key holds the same
   * request (the failure came from redoing a write that had already committed), null when the key
   * is unknown (the failure stands). Reads with `db` outside the failed transaction, so call it
   * only after the transaction the failure happened in has ended (its batch committed or rolled back).
   * @throws AppError IDEMPOTENCY_KEY_REUSED (422) when the key was used for a different request.
   */
  async replayAfterFailure(db: EntityManager, req: IdempotencyRequest): Promise<{ body: unknown } | null> {
    const prior = await this.keys.find(db, req.userId, req.key);
    if (!prior) return null;
    if (prior.requestHash !== req.requestHash) throw idempotencyKeyReused();
    return { body: prior.response };
  }

  /** Deletes keys older than 24 h (retention); returns how many. */
  prune(tx: EntityManager): Promise<number> {
    return this.keys.prune(tx);
  }
}
