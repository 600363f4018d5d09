import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';
import type { RefreshTokenState } from './token-families.js';

/** A refresh token joined with its session, as the rotation reads it. */
interface TokenStateRow {
  token_id: string;
  session_id: string;
  user_id: string;
  token_expires_at: Date;
  token_revoked_at: Date | null;
  session_expires_at: Date;
  session_revoked_at: Date | null;
  replaced_by_id: string | null;
  successor_revoked_at: Date | null;
}

const toState = (r: TokenStateRow): RefreshTokenState => ({
  tokenId: r.token_id,
  sessionId: r.session_id,
  userId: r.user_id,
  tokenExpiresAt: r.token_expires_at,
  tokenRevokedAt: r.token_revoked_at,
  sessionExpiresAt: r.session_expires_at,
  sessionRevokedAt: r.session_revoked_at,
  replacedById: r.replaced_by_id,
  successorRevokedAt: r.successor_revoked_at,
});

/**
 * SQL for `auth_sessions` (one row per login: a refresh-token family) and `refresh_tokens` (stored
 * as SHA-256 hashes; unique index on token_hash, index on session_id). A session's tokens are
 * usable only while the session is neither revoked nor past its absolute `expires_at`.
 */
@Injectable()
export class AuthSessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertSession(db: EntityManager, s: { id: string; userId: string; expiresAt: Date }): Promise<void> {
    await runPrepared(db, `INSERT INTO auth_sessions (id, user_id, expires_at) VALUES ($1, $2, $3)`, [s.id, s.userId, s.expiresAt]);
  }

  async insertToken(db: EntityManager, t: { id: string; sessionId: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await runPrepared(db, `INSERT INTO refresh_tokens (id, session_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
      t.id,
      t.sessionId,
      t.userId,
      t.tokenHash,
      t.expiresAt,
    ]);
  }

  /**
   * The token with this hash, its session and its successor's revocation time as committed once
   * the session is row-locked (or state null for an unknown token), and the database's time of
   * that read (`now`: the clock every rotation is judged and stamped by, whichever replica runs it).
   *
   * Two statements, in this order: the session row is locked first, then the token is read and
   * locked by a new statement. Every rotation of one family thus waits for the session lock before
   * it reads anything, so it sees what the rotation before it committed (a single statement would
   * keep its start-time snapshot for rows it did not lock, such as the successor, after waiting),
   * and locks are always taken session first, then tokens, so a retry that supersedes the successor
   * cannot deadlock with a concurrent use of that successor.
   */
  async lockToken(tx: EntityManager, tokenHash: string): Promise<{ state: RefreshTokenState | null; now: Date }> {
    const locked = await runPrepared<{ id: string }>(
      tx,
      `SELECT s.id FROM auth_sessions s WHERE s.id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) FOR UPDATE OF s`,
      [tokenHash],
    );
    if (locked.rows.length === 0) return { state: null, now: new Date() };
    const { rows } = await runPrepared<TokenStateRow & { now: Date }>(
      tx,
      `SELECT t.id AS token_id, t.session_id, t.user_id, t.expires_at AS token_expires_at, t.revoked_at AS token_revoked_at,
              s.expires_at AS session_expires_at, s.revoked_at AS session_revoked_at,
              t.replaced_by_id, n.revoked_at AS successor_revoked_at, statement_timestamp() AS now
         FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
         LEFT JOIN refresh_tokens n ON n.id = t.replaced_by_id
        WHERE t.token_hash = $1
          FOR UPDATE OF t`,
      [tokenHash],
    );
    return rows[0] ? { state: toState(rows[0]), now: rows[0].now } : { state: null, now: new Date() };
  }

  /**
   * Records that token `tokenId` was presented and rotated into `successorId`: revoked at `now`
   * (kept if it was revoked already, as for a retry within the grace window, whose window is
   * therefore never extended) and linked to its successor.
   */
  async markRotated(tx: EntityManager, tokenId: string, successorId: string, now: Date): Promise<void> {
    await runPrepared(tx, `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, $3), replaced_by_id = $2 WHERE id = $1`, [tokenId, successorId, now]);
  }

  /**
   * Revokes an unused token without a successor (superseded by a retry of its predecessor):
   * presenting it later is reuse. False when it was no longer unused (nothing changed).
   */
  async supersede(tx: EntityManager, tokenId: string, now: Date): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [tokenId, now]);
    return rowCount === 1;
  }

  /** The session and user of the token with this hash, whatever its state; null for an unknown token. */
  async findSessionOfToken(tokenHash: string): Promise<{ sessionId: string; userId: string } | null> {
    const { rows } = await runPrepared<{ session_id: string; user_id: string }>(this.dataSource.manager, `SELECT session_id, user_id FROM refresh_tokens WHERE token_hash = $1`, [tokenHash]);
    return rows[0] ? { sessionId: rows[0].session_id, userId: rows[0].user_id } : null;
  }

  /** Revokes these sessions and their tokens; returns the ids of the sessions that were still unrevoked. */
  async revokeSessions(db: EntityManager, sessionIds: readonly string[]): Promise<string[]> {
    const { rows } = await runPrepared<{ id: string }>(
      db,
      `WITH s AS (UPDATE auth_sessions SET revoked_at = now() WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL RETURNING id),
            t AS (UPDATE refresh_tokens SET revoked_at = now() WHERE session_id IN (SELECT id FROM s) AND revoked_at IS NULL)
       SELECT id FROM s`,
      [sessionIds],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Revokes every unrevoked session of the user (and their tokens), except `keepSessionId` if
   * given; returns the ids of the sessions revoked.
   */
  async revokeUserSessions(db: EntityManager, userId: string, keepSessionId: string | null): Promise<string[]> {
    const { rows } = await runPrepared<{ id: string }>(
      db,
      `WITH s AS (UPDATE auth_sessions SET revoked_at = now()
                   WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid) RETURNING id),
            t AS (UPDATE refresh_tokens SET revoked_at = now() WHERE session_id IN (SELECT id FROM s) AND revoked_at IS NULL)
       SELECT id FROM s`,
      [userId, keepSessionId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The ids among `sessionIds` (UUIDs, lowercase or not) of sessions that exist, are not revoked
   * and have not reached their absolute end, as PostgreSQL prints them (lowercase). One query by
   * primary key (none for no ids). @throws the query's error (e.g. an id that is not a UUID)
   */
  async liveAmong(sessionIds: readonly string[]): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    const { rows } = await runPrepared<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM auth_sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > now()`,
      [sessionIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Deletes sessions past their absolute end or revoked more than a day ago (their tokens go with
   * them, ON DELETE CASCADE), and tokens past their own expiry. Rotated tokens of a live session
   * stay until then: reuse is recognised for as long as the token could have been used.
   * Returns rows deleted.
   */
  async prune(tx: EntityManager): Promise<number> {
    const sessions = await runPrepared(tx, `DELETE FROM auth_sessions WHERE expires_at < now() OR revoked_at < now() - interval '1 day'`);
    const tokens = await runPrepared(tx, `DELETE FROM refresh_tokens WHERE expires_at < now()`);
    return sessions.rowCount + tokens.rowCount;
  }
}
