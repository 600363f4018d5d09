import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';

/** What is stored under a key: the fingerprint of the first request and, once it committed, its response body. */
export interface StoredKey {
  requestHash: string;
  response: unknown;
}

/** SQL for `idempotency_keys` (primary key (user_id, key); index on created_at for pruning). */
@Injectable()
export class IdempotencyRepository {
  /**
   * Inserts the key; false when it exists. A concurrent insert of the same key waits on the row
   * lock of the first one's uncommitted insert, then sees it committed (false) or rolled back (true).
   */
  async insert(tx: EntityManager, userId: string, key: string, requestHash: string): Promise<boolean> {
    const { rowCount } = await runPrepared(
      tx,
      `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT (user_id, key) DO NOTHING`,
      [userId, key, requestHash],
    );
    return rowCount > 0;
  }

  async find(tx: EntityManager, userId: string, key: string): Promise<StoredKey | null> {
    const { rows } = await runPrepared<{ request_hash: string; response: unknown }>(tx, `SELECT request_hash, response FROM idempotency_keys WHERE user_id = $1 AND key = $2`, [
      userId,
      key,
    ]);
    return rows[0] ? { requestHash: rows[0].request_hash, response: rows[0].response } : null;
  }

  async storeResponse(tx: EntityManager, userId: string, key: string, response: unknown): Promise<void> {
    await runPrepared(tx, `UPDATE idempotency_keys SET response = $3::jsonb WHERE user_id = $1 AND key = $2`, [userId, key, JSON.stringify(response ?? null)]);
  }

  /** Deletes keys older than 24 h; returns how many. */
  async prune(tx: EntityManager): Promise<number> {
    return (await runPrepared(tx, `DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`)).rowCount;
  }
}
