import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, InvitationStatus, InvitationView } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';
import { keysetAt, type Keyed, type Keyset } from '../pagination/cursor.js';

/** An invitation as the service works with it: the owners' view plus who invited. */
export type InvitationRecord = InvitationView & { invitedBy: string };

/** An `invitations` row as node-postgres returns it. */
interface InvitationRow {
  id: string;
  board_id: string;
  email: string;
  role: BoardRole;
  status: InvitationStatus;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}

const INVITATION_COLUMNS = 'id, board_id, email, role, status, invited_by, created_at, expires_at';

const toRecord = (r: InvitationRow): InvitationRecord => ({
  id: r.id,
  boardId: r.board_id,
  email: r.email,
  role: r.role,
  status: r.status,
  invitedBy: r.invited_by,
  expiresAt: r.expires_at.toISOString(),
  createdAt: r.created_at.toISOString(),
});

/** "Pending" as every statement here means it: not answered, not revoked, not expired (`now()` = the transaction's start). */
const PENDING = `status = 'pending' AND expires_at > now()`;

/**
 * SQL for `invitations`. Only pending, unexpired invitations are ever read back (PENDING); the
 * others are kept for the record until the board is purged (ON DELETE CASCADE). Writes run inside
 * the board's write transaction (stream lock held), except `respond` for declines, whose
 * conditional UPDATE needs no lock: of two concurrent answers the row lock lets one win.
 */
@Injectable()
export class InvitationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Creates the board's pending invitation of `email`, or renews the one that exists: new role,
   * inviter and expiry, same id and created_at. An expired one is replaced as if it were new (new
   * id, created_at now), since it no longer counts. One statement whatever the email.
   */
  async upsertPending(
    tx: EntityManager,
    i: { id: string; boardId: string; email: string; role: BoardRole; invitedBy: string; ttlSeconds: number },
  ): Promise<InvitationRecord> {
    const { rows } = await runPrepared<InvitationRow>(
      tx,
      `INSERT INTO invitations (id, board_id, email, role, invited_by, expires_at)
        VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
        ON CONFLICT (board_id, email) WHERE status = 'pending' DO UPDATE SET
          id = CASE WHEN invitations.expires_at > now() THEN invitations.id ELSE EXCLUDED.id END,
          created_at = CASE WHEN invitations.expires_at > now() THEN invitations.created_at ELSE EXCLUDED.created_at END,
          role = EXCLUDED.role, invited_by = EXCLUDED.invited_by, expires_at = EXCLUDED.expires_at
        RETURNING ${INVITATION_COLUMNS}`,
      [i.id, i.boardId, i.email, i.role, i.invitedBy, i.ttlSeconds],
    );
    return toRecord(rows[0]);
  }

  /** The invitation while it is pending and unexpired, else null (the invitation email's job). */
  async findPending(id: string): Promise<InvitationRecord | null> {
    const { rows } = await runPrepared<InvitationRow>(this.dataSource.manager, `SELECT ${INVITATION_COLUMNS} FROM invitations WHERE id = $1 AND ${PENDING}`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** How many pending invitations the board has for emails other than `email` (that one would be renewed, not added). */
  async countPendingExcept(tx: EntityManager, boardId: string, email: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM invitations WHERE board_id = $1 AND ${PENDING} AND email <> $2`, [
      boardId,
      email,
    ]);
    return rows[0].n;
  }

  /** The board's pending invitations, oldest first, (created_at, id) after `after`, up to `limit`. */
  async listPendingOfBoard(boardId: string, page: { limit: number; after?: Keyset }): Promise<Keyed<InvitationRecord>[]> {
    const { rows } = await runPrepared<InvitationRow & { keyset_at: string }>(
      this.dataSource.manager,
      `SELECT ${INVITATION_COLUMNS}, ${keysetAt('created_at')} AS keyset_at FROM invitations
        WHERE board_id = $1 AND ${PENDING} AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
        ORDER BY created_at, id LIMIT $4`,
      [boardId, page.after?.at ?? null, page.after?.id ?? null, page.limit],
    );
    return rows.map((r) => ({ item: toRecord(r), key: { at: r.keyset_at, id: r.id } }));
  }

  /** The pending invitations of `email` on any board, oldest first, (created_at, id) after `after`, up to `limit`. */
  async listPendingOfEmail(email: string, page: { limit: number; after?: Keyset }): Promise<Keyed<InvitationRecord>[]> {
    const { rows } = await runPrepared<InvitationRow & { keyset_at: string }>(
      this.dataSource.manager,
      `SELECT ${INVITATION_COLUMNS}, ${keysetAt('created_at')} AS keyset_at FROM invitations
        WHERE email = $1 AND ${PENDING} AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
        ORDER BY created_at, id LIMIT $4`,
      [email, page.after?.at ?? null, page.after?.id ?? null, page.limit],
    );
    return rows.map((r) => ({ item: toRecord(r), key: { at: r.keyset_at, id: r.id } }));
  }

  /** The board of invitation `id` if it is addressed to `email`, whatever its status; else null. */
  async boardOfAddressed(id: string, email: string): Promise<string | null> {
    const { rows } = await runPrepared<{ board_id: string }>(this.dataSource.manager, `SELECT board_id FROM invitations WHERE id = $1 AND email = $2`, [id, email]);
    return rows[0]?.board_id ?? null;
  }

  /**
   * Answers invitation `id` for its invitee `email`: sets `status` and `responded_at` if it is
   * pending and unexpired, and returns it as it was (role, board); null otherwise.
   */
  async respond(tx: EntityManager, id: string, email: string, status: 'accepted' | 'declined'): Promise<InvitationRecord | null> {
    const { rows } = await runPrepared<InvitationRow>(
      tx,
      `UPDATE invitations SET status = $3, responded_at = now() WHERE id = $1 AND email = $2 AND ${PENDING} RETURNING ${INVITATION_COLUMNS}`,
      [id, email, status],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Revokes the board's pending invitation `id`; false when there is none. */
  async revoke(tx: EntityManager, boardId: string, id: string): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `UPDATE invitations SET status = 'revoked', responded_at = now() WHERE id = $1 AND board_id = $2 AND ${PENDING}`, [id, boardId]);
    return rowCount > 0;
  }
}
