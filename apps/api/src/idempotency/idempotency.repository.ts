import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';

/** What is stored under a key: the fingerprint of the request that committed with it, and its response body. */
export interface StoredKey {
  requestHash: string;
  response: unknown;
}

/** SQL for `idempotency_keys` (primary key (user_id, key); index on created_at for pruning). */
@Injectable()
export class IdempotencyRepository {
  /**
   * Records the key with the response of the write it came with, in one statement; false when the
   * key exists. A concurrent insert of the same key (another transaction) waits on that row's lock
   * until the first one commits (false) or rolls back (true); within one transaction a key it
   * already holds conflicts at once (false).
   */
  async insert(tx: EntityManager, userId: string, key: string, requestHash: string, response: unknown): Promise<boolean> {
    const { rowCount } = await runPrepared(
      tx,
      `INSERT INTO idempotency_keys (user_id, key, request_hash, response) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (user_id, key) DO NOTHING`,
      [userId, key, requestHash, JSON.stringify(response ?? null)],
    );
    return rowCount > 0;
  }

  /** The stored key, read with `db` (a transaction, or the pool for a fresh snapshot); null when there is none. */
  async find(db: EntityManager, userId: string, key: string): Promise<StoredKey | null> {
    const { rows } = await runPrepared<{ request_hash: string; response: unknown }>(db, `SELECT request_hash, response FROM idempotency_keys WHERE user_id = $1 AND key = $2`, [
      userId,
      key,
    ]);
    return rows[0] ? { requestHash: rows[0].request_hash, response: rows[0].response } : null;
  }

  /** Deletes keys older than 24 h; returns how many. */
  async prune(tx: EntityManager): Promise<number> {
    return (await runPrepared(tx, `DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`)).rowCount;
  }
}
