import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ApiTokenScope, ApiTokenView } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';

/** An `api_tokens` row as node-postgres returns it. */
interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A stored API token as the authentication check needs it. */
export interface StoredApiToken {
  id: string;
  userId: string;
  scopes: ApiTokenScope[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = 'id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked_at';

const toView = (r: ApiTokenRow): ApiTokenView => ({
  id: r.id,
  name: r.name,
  scopes: r.scopes as ApiTokenScope[],
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
});

/** SQL for `api_tokens` (SHA-256 of the secret, unique; index on user_id). */
@Injectable()
export class ApiTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Serialises token creation per user until `tx` ends (a transaction-scoped advisory lock on the
   * user id), so the count-then-insert of the cap cannot be raced past.
   */
  async lockUser(tx: EntityManager, userId: string): Promise<void> {
    await runPrepared(tx, `SELECT pg_advisory_xact_lock(hashtextextended('api_tokens:' || $1::text, 0))`, [userId]);
  }

  /** How many unrevoked tokens (expired ones included) the user has. */
  async countUnrevoked(tx: EntityManager, userId: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
    return rows[0].n;
  }

  async insert(tx: EntityManager, t: { id: string; userId: string; name: string; tokenHash: string; scopes: ApiTokenScope[]; expiresAt: Date | null }): Promise<ApiTokenView> {
    const { rows } = await runPrepared<ApiTokenRow>(
      tx,
      `INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [t.id, t.userId, t.name, t.tokenHash, t.scopes, t.expiresAt],
    );
    return toView(rows[0]);
  }

  /** The user's unrevoked tokens (expired ones included), newest first. */
  async list(userId: string): Promise<ApiTokenView[]> {
    const { rows } = await runPrepared<ApiTokenRow>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC`,
      [userId],
    );
    return rows.map(toView);
  }

  /** Revokes the user's token; false when there is no such unrevoked token of theirs. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const { rowCount } = await runPrepared(this.dataSource.manager, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, [id, userId]);
    return rowCount > 0;
  }

  /** The token with this secret hash, whatever its state, or null. */
  async findByHash(tokenHash: string): Promise<StoredApiToken | null> {
    const { rows } = await runPrepared<ApiTokenRow>(this.dataSource.manager, `SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1`, [tokenHash]);
    const r = rows[0];
    return r ? { id: r.id, userId: r.user_id, scopes: r.scopes as ApiTokenScope[], expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at } : null;
  }

  /** Sets `last_used_at` to now unless it was set less than a minute ago (the condition keeps concurrent uses to one write). */
  async touch(id: string): Promise<void> {
    await runPrepared(this.dataSource.manager, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }

  /** True when the token exists, is not revoked and has not expired. */
  async isLive(id: string): Promise<boolean> {
    const { rows } = await runPrepared(this.dataSource.manager, `SELECT 1 FROM api_tokens WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`, [id]);
    return rows.length > 0;
  }

  /** Deletes tokens revoked more than a day ago or expired more than 30 days ago; returns how many. */
  async prune(tx: EntityManager): Promise<number> {
    return (await runPrepared(tx, `DELETE FROM api_tokens WHERE revoked_at < now() - interval '1 day' OR expires_at < now() - interval '30 days'`)).rowCount;
  }
}
