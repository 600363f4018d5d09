import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BoardRole } from '@tasklane/contracts';
import { boardNotFound } from '../boards/boards.errors.js';
import { forbidden } from '../errors/common.errors.js';
import { MembersRepository } from './members.repository.js';

const RANK: Record<BoardRole, number> = { viewer: 0, editor: 1, owner: 2 };

/**
 * Checks a role against the requirement: `viewer` reads, `editor` writes content, `owner` manages.
 * @throws AppError BOARD_NOT_FOUND (404) when `role` is null (not a member, or no such board:
 *   indistinguishable on purpose), FORBIDDEN (403) when the member's role is too low.
 */
export function assertRole(role: BoardRole | null, required: BoardRole): BoardRole {
  if (!role) throw boardNotFound();
  if (RANK[role] < RANK[required]) throw forbidden(required);
  return role;
}

/**
 * Who may do what on a board: membership checks for every board-scoped request, socket join and
 * write (writes call `require` inside their transaction, after locking the board's stream).
 */
@Injectable()
export class BoardAccessService {
  constructor(private readonly members: MembersRepository) {}

  /** The user's role on a live board, or null. One primary-key lookup. */
  roleOf(boardId: string, userId: string, db?: EntityManager): Promise<BoardRole | null> {
    return this.members.roleOf(boardId, userId, db);
  }

  /** @throws AppError BOARD_NOT_FOUND (404) / FORBIDDEN (403), see `assertRole`. */
  async require(boardId: string, userId: string, required: BoardRole, db?: EntityManager): Promise<BoardRole> {
    return assertRole(await this.members.roleOf(boardId, userId, db), required);
  }

  /** Which of the (board, user) pairs are memberships of live boards, as `<boardId>:<userId>` keys (one query). */
  async membershipsAmong(pairs: { boardId: string; userId: string }[]): Promise<Set<string>> {
    return pairs.length === 0 ? new Set() : this.members.existing(pairs);
  }

  /** The ids among `userIds` that are not members of the board. */
  async nonMembers(db: EntityManager, boardId: string, userIds: string[]): Promise<string[]> {
    const members = await this.members.membersAmong(db, boardId, userIds);
    return userIds.filter((id) => !members.has(id));
  }

  /** Every board the user is a member of, with their role. */
  boardsOf(userId: string): Promise<Map<string, BoardRole>> {
    return this.members.boardsOf(userId);
  }
}
