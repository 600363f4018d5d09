import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { BoardRole } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import type { Keyed, Keyset } from '../pagination/cursor.js';
import { boardNotFound } from './board-access.errors.js';
import { forbidden, limitReached } from '../errors/common.errors.js';
import { BoardMembersRepository, type Membership } from './board-members.repository.js';

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
 * Who may do what on a board: the membership records (`board_members`) and the checks made on
 * every board-scoped request, socket join and write (writes call `requireUnderLock` inside
 * their transaction, after locking the board's stream). The rules of changing memberships (owners only,
 * a last owner stays) are MembersService's, those of joining InvitationsService's; the record
 * operations below run in their transactions.
 */
@Injectable()
export class BoardAccessService {
  /** BOARDS_PER_USER_MAX, or null with RATE_LIMITS=off. */
  private readonly boardsPerUser: number | null;

  /**
   * What `requireUnderLock` read, per transaction (its EntityManager, so an entry goes with the
   * transaction), by `<boardId>:<userId>`; null for "not a member".
   */
  private readonly rolesUnderLock = new WeakMap<EntityManager, Map<string, BoardRole | null>>();

  constructor(
    private readonly members: BoardMembersRepository,
    config: ConfigService<Env, true>,
  ) {
    this.boardsPerUser = config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on' ? config.getOrThrow('BOARDS_PER_USER_MAX', { infer: true }) : null;
  }

  /** The user's role on a live board, or null. One primary-key lookup. */
  roleOf(boardId: string, userId: string, db?: EntityManager): Promise<BoardRole | null> {
    return this.members.roleOf(boardId, userId, db);
  }

  /** @throws AppError BOARD_NOT_FOUND (404) / FORBIDDEN (403), see `assertRole`. */
  async require(boardId: string, userId: string, required: BoardRole, db?: EntityManager): Promise<BoardRole> {
    return assertRole(await this.members.roleOf(boardId, userId, db), required);
  }

  /**
   * `require` inside a transaction `tx` that holds the board's stream lock (BoardEventsService's
   * writes, which group commit batches: up to GROUP_COMMIT_MAX writes share one transaction). The
   * role is read from the database once per transaction, board and user, after the lock, and the
   * transaction's later writes by the same user reuse it: one round trip less inside the lock per
   * repeated writer of a batch (on a hot board most of a batch's writers are repeats).
   * Sound because a board's memberships change only in a write that holds the board's lock (so
   * none commits while `tx` holds it; a new board's owner is added before its stream exists), and
   * only through `add`, `setRole`, `remove` and `removeAll` here, which forget what `tx` read: the
   * next write of the batch reads its role again, whether the change then commits or is rolled
   * back to its savepoint.
   * @throws AppError BOARD_NOT_FOUND (404) / FORBIDDEN (403), see `assertRole`.
   */
  async requireUnderLock(tx: EntityManager, boardId: string, userId: string, required: BoardRole): Promise<BoardRole> {
    let roles = this.rolesUnderLock.get(tx);
    if (!roles) this.rolesUnderLock.set(tx, (roles = new Map()));
    const key = `${boardId}:${userId}`;
    let role = roles.get(key);
    if (role === undefined) roles.set(key, (role = await this.members.roleOf(boardId, userId, tx)));
    return assertRole(role, required);
  }

  /** User ids of the board's owners (whom a board-level alert goes to). */
  ownerIds(db: EntityManager, boardId: string): Promise<string[]> {
    return this.members.ownerIds(db, boardId);
  }

  /** Which of the (board, user) pairs are memberships of live boards, as `<boardId>:<userId>` keys (one query). */
  async membershipsAmong(pairs: { boardId: string; userId: string }[]): Promise<Set<string>> {
    return new Set((await this.rolesAmong(pairs)).keys());
  }

  /**
   * The roles of the (board, user) pairs that are memberships of live boards, by
   * `<boardId>:<userId>` (lowercase UUIDs); a non-member's pair is absent. One query (none for no pairs).
   */
  async rolesAmong(pairs: { boardId: string; userId: string }[]): Promise<Map<string, BoardRole>> {
    return pairs.length === 0 ? new Map() : this.members.rolesAmong(pairs);
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

  /** Members in the order they joined, after `page.after`, up to `page.limit` (all when omitted). */
  list(db: EntityManager, boardId: string, page: { limit?: number; after?: Keyset } = {}): Promise<Keyed<Membership>[]> {
    return this.members.list(db, boardId, page);
  }

  /** How many members the board has (0 for a deleted or unknown board). */
  count(db: EntityManager, boardId: string): Promise<number> {
    return this.members.count(db, boardId);
  }

  /** The membership, or null. */
  find(db: EntityManager, boardId: string, userId: string): Promise<Membership | null> {
    return this.members.find(db, boardId, userId);
  }

  /**
   * Adds the member (creating a board adds its owner this way too); null when they already are one.
   * Keeps the user within BOARDS_PER_USER_MAX memberships: the transaction first takes the user's
   * advisory lock, so concurrent additions of the same user (two boards created at once, or an
   * owner adding them while they create one) are counted one after another and cannot overshoot;
   * the count, a statement after the lock, sees every addition committed before (READ COMMITTED).
   * @throws AppError LIMIT_REACHED (409) when the user would exceed the cap (the caller's
   *   transaction then rolls back, so nothing is added).
   */
  async add(tx: EntityManager, boardId: string, userId: string, role: BoardRole): Promise<Membership | null> {
    this.rolesUnderLock.delete(tx);
    if (this.boardsPerUser !== null) await this.members.lockMembershipsOf(tx, userId);
    const added = await this.members.insert(tx, boardId, userId, role);
    if (added && this.boardsPerUser !== null && (await this.members.countBoardsOf(tx, userId)) > this.boardsPerUser) {
      throw limitReached('boards_per_user', this.boardsPerUser, 'boards per user (memberships of any role count)');
    }
    return added;
  }

  setRole(tx: EntityManager, boardId: string, userId: string, role: BoardRole): Promise<void> {
    this.rolesUnderLock.delete(tx);
    return this.members.updateRole(tx, boardId, userId, role);
  }

  remove(tx: EntityManager, boardId: string, userId: string): Promise<void> {
    this.rolesUnderLock.delete(tx);
    return this.members.delete(tx, boardId, userId);
  }

  /** Removes every member of a board being deleted (inside its `board.deleted` write): nobody can reach it any more. */
  removeAll(tx: EntityManager, boardId: string): Promise<void> {
    this.rolesUnderLock.delete(tx);
    return this.members.deleteAll(tx, boardId);
  }

  /** Whether the board has an owner other than `exceptUserId`. */
  hasOtherOwner(tx: EntityManager, boardId: string, exceptUserId: string): Promise<boolean> {
    return this.members.hasOtherOwner(tx, boardId, exceptUserId);
  }
}
