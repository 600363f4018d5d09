import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';

/** SQL for `refresh_tokens` (stored as SHA-256 hashes; unique index on token_hash). */
@Injectable()
export class RefreshTokensRepository {
  async insert(db: EntityManager, t: { id: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await runPrepared(db, `INSERT INTO refresh_tokens (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`, [t.id, t.userId, t.tokenHash, t.expiresAt]);
  }

  /**
   * Revokes the token if it is live (not revoked, not expired) and returns its user id; null
   * otherwise. Atomic: of two concurrent uses of one token only one gets the user id.
   */
  async revokeLive(tx: EntityManager, tokenHash: string): Promise<string | null> {
    const { rows } = await runPrepared<{ user_id: string }>(
      tx,
      `UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING user_id`,
      [tokenHash],
    );
    return rows[0]?.user_id ?? null;
  }

  /** Deletes expired tokens and those revoked more than a day ago; returns how many. */
  async prune(tx: EntityManager): Promise<number> {
    return (await runPrepared(tx, `DELETE FROM refresh_tokens WHERE expires_at < now() OR revoked_at < now() - interval '1 day'`)).rowCount;
  }
}
