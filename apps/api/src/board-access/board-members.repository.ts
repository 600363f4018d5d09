import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, MemberView } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';
import { keysetAt, type Keyed, type Keyset } from '../pagination/cursor.js';

/** A membership record (a MemberView without the user's name and email, which UsersService has). */
export type Membership = Pick<MemberView, 'userId' | 'role' | 'addedAt'>;

/** A `board_members` row as node-postgres returns it. */
interface MembershipRow {
  user_id: string;
  role: BoardRole;
  added_at: Date;
}

const MEMBERSHIP_COLUMNS = 'user_id, role, added_at';
const toMembership = (r: MembershipRow): Membership => ({ userId: r.user_id, role: r.role, addedAt: r.added_at.toISOString() });

/**
 * SQL for `board_members`: primary key (board_id, user_id) for per-board lookups, index
 * (user_id, board_id) for "my boards". A deleted board has no members (BoardsService deletes
 * them with the board), so "is a member" also means "the board is live".
 */
@Injectable()
export class BoardMembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's role on the board, or null. */
  async roleOf(boardId: string, userId: string, db: EntityManager = this.dataSource.manager): Promise<BoardRole | null> {
    const { rows } = await runPrepared<{ role: BoardRole }>(db, `SELECT role FROM board_members WHERE board_id = $1 AND user_id = $2`, [boardId, userId]);
    return rows[0]?.role ?? null;
  }

  /**
   * The roles of the (board, user) pairs that are memberships, by `<boardId>:<userId>` (lowercase
   * UUIDs, as PostgreSQL prints them); pairs that are not are absent. One query for any number of
   * pairs (two array parameters), each a primary-key lookup.
   */
  async rolesAmong(pairs: { boardId: string; userId: string }[]): Promise<Map<string, BoardRole>> {
    const { rows } = await runPrepared<{ board_id: string; user_id: string; role: BoardRole }>(
      this.dataSource.manager,
      `SELECT board_id, user_id, role FROM board_members WHERE (board_id, user_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      [pairs.map((p) => p.boardId), pairs.map((p) => p.userId)],
    );
    return new Map(rows.map((r) => [`${r.board_id}:${r.user_id}`, r.role]));
  }

  /** The ids among `userIds` that are members of the board. */
  async membersAmong(db: EntityManager, boardId: string, userIds: string[]): Promise<Set<string>> {
    const { rows } = await runPrepared<{ user_id: string }>(db, `SELECT user_id FROM board_members WHERE board_id = $1 AND user_id = ANY($2::uuid[])`, [boardId, userIds]);
    return new Set(rows.map((r) => r.user_id));
  }

  /** Members in the order they joined, (added_at, user_id) after `after`, up to `limit` (all when omitted). */
  async list(db: EntityManager, boardId: string, page: { limit?: number; after?: Keyset } = {}): Promise<Keyed<Membership>[]> {
    const { rows } = await runPrepared<MembershipRow & { keyset_at: string }>(
      db,
      `SELECT ${MEMBERSHIP_COLUMNS}, ${keysetAt('added_at')} AS keyset_at FROM board_members
        WHERE board_id = $1 AND ($2::timestamptz IS NULL OR (added_at, user_id) > ($2::timestamptz, $3::uuid))
        ORDER BY added_at, user_id LIMIT $4`,
      [boardId, page.after?.at ?? null, page.after?.id ?? null, page.limit ?? null],
    );
    return rows.map((r) => ({ item: toMembership(r), key: { at: r.keyset_at, id: r.user_id } }));
  }

  /** How many members the board has (primary key range on board_id). */
  async count(db: EntityManager, boardId: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(db, `SELECT count(*)::int AS n FROM board_members WHERE board_id = $1`, [boardId]);
    return rows[0].n;
  }

  async find(tx: EntityManager, boardId: string, userId: string): Promise<Membership | null> {
    const { rows } = await runPrepared<MembershipRow>(tx, `SELECT ${MEMBERSHIP_COLUMNS} FROM board_members WHERE board_id = $1 AND user_id = $2`, [boardId, userId]);
    return rows[0] ? toMembership(rows[0]) : null;
  }

  /** Adds the member; null when they already are one. */
  async insert(tx: EntityManager, boardId: string, userId: string, role: BoardRole): Promise<Membership | null> {
    const { rows } = await runPrepared<MembershipRow>(
      tx,
      `INSERT INTO board_members (board_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING ${MEMBERSHIP_COLUMNS}`,
      [boardId, userId, role],
    );
    return rows[0] ? toMembership(rows[0]) : null;
  }

  async updateRole(tx: EntityManager, boardId: string, userId: string, role: BoardRole): Promise<void> {
    await runPrepared(tx, `UPDATE board_members SET role = $3 WHERE board_id = $1 AND user_id = $2`, [boardId, userId, role]);
  }

  async delete(tx: EntityManager, boardId: string, userId: string): Promise<void> {
    await runPrepared(tx, `DELETE FROM board_members WHERE board_id = $1 AND user_id = $2`, [boardId, userId]);
  }

  /** Removes every member of the board (it is being deleted). */
  async deleteAll(tx: EntityManager, boardId: string): Promise<void> {
    await runPrepared(tx, `DELETE FROM board_members WHERE board_id = $1`, [boardId]);
  }

  /** Whether the board has an owner other than `exceptUserId`. */
  /** User ids of the board's owners. */
  async ownerIds(db: EntityManager, boardId: string): Promise<string[]> {
    const { rows } = await runPrepared<{ user_id: string }>(db, `SELECT user_id FROM board_members WHERE board_id = $1 AND role = 'owner' ORDER BY user_id`, [boardId]);
    return rows.map((r) => r.user_id);
  }

  async hasOtherOwner(tx: EntityManager, boardId: string, exceptUserId: string): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `SELECT 1 FROM board_members WHERE board_id = $1 AND role = 'owner' AND user_id <> $2 LIMIT 1`, [boardId, exceptUserId]);
    return rowCount > 0;
  }

  /**
   * Serialises, until the transaction ends, every transaction that adds a membership of this user
   * under the boards-per-user cap (a transaction-scoped advisory lock on the user id; no table row
   * is locked, so foreign-key checks on `users` never wait for it).
   */
  async lockMembershipsOf(tx: EntityManager, userId: string): Promise<void> {
    await runPrepared(tx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`tasklane:board_members:${userId}`]);
  }

  /** How many boards the user is a member of (index (user_id, board_id)). */
  async countBoardsOf(tx: EntityManager, userId: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM board_members WHERE user_id = $1`, [userId]);
    return rows[0].n;
  }

  /** Every board the user is a member of, with their role (index (user_id, board_id)). */
  async boardsOf(userId: string): Promise<Map<string, BoardRole>> {
    const { rows } = await runPrepared<{ board_id: string; role: BoardRole }>(this.dataSource.manager, `SELECT board_id, role FROM board_members WHERE user_id = $1`, [userId]);
    return new Map(rows.map((r) => [r.board_id, r.role]));
  }
}
