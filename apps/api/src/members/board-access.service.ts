import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';
import { AppError, boardNotFound } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';

/** Minimum role an operation needs: `viewer` reads, `editor` writes content, `owner` manages. */
export type RequiredRole = BoardRole;
const RANK: Record<BoardRole, number> = { viewer: 0, editor: 1, owner: 2 };

/**
 * Checks a role against the requirement.
 * @throws AppError BOARD_NOT_FOUND (404) when `role` is null (not a member, or no such board:
 *   indistinguishable on purpose), FORBIDDEN (403) when the member's role is too low.
 */
export function assertRole(role: BoardRole | null, required: RequiredRole): BoardRole {
  if (!role) throw boardNotFound();
  if (RANK[role] < RANK[required]) throw new AppError(ErrorCode.Forbidden, `This needs the ${required} role on the board`);
  return role;
}

/** Membership checks for reads and socket joins (writes check inside their transaction, see BoardEventsService). */
@Injectable()
export class BoardAccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's role on a live (not deleted) board, or null. One indexed lookup on the primary key. */
  async roleOf(boardId: string, userId: string, manager: EntityManager = this.dataSource.manager): Promise<BoardRole | null> {
    const { rows } = await runPrepared<{ role: BoardRole }>(
      manager,
      `SELECT m.role FROM board_members m JOIN boards b ON b.id = m.board_id
        WHERE m.board_id = $1 AND m.user_id = $2 AND b.deleted_at IS NULL`,
      [boardId, userId],
    );
    return rows[0]?.role ?? null;
  }

  /**
   * Which of the (board, user) pairs are memberships of live boards, as a set of
   * `<boardId>:<userId>` keys. One query (primary-key lookups) for any number of pairs.
   */
  async membersAmong(pairs: { boardId: string; userId: string }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT m.board_id, m.user_id FROM board_members m JOIN boards b ON b.id = m.board_id AND b.deleted_at IS NULL
        WHERE (m.board_id, m.user_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      [pairs.map((p) => p.boardId), pairs.map((p) => p.userId)],
    )) as { board_id: string; user_id: string }[];
    return new Set(rows.map((r) => `${r.board_id}:${r.user_id}`));
  }

  /** @throws AppError BOARD_NOT_FOUND (404) / FORBIDDEN (403), see `assertRole`. */
  async require(boardId: string, userId: string, required: RequiredRole, manager?: EntityManager): Promise<BoardRole> {
    return assertRole(await this.roleOf(boardId, userId, manager), required);
  }
}
