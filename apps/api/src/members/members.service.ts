import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, MemberView, Page } from '@tasklane/contracts';
import { AuditLog } from '../audit/audit-log.service.js';
import { BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { afterCursor, toPage, type Keyed } from '../pagination/cursor.js';
import { userNotFound } from '../users/users.errors.js';
import { UsersService } from '../users/users.service.js';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { alreadyMember, lastOwner, memberNotFound } from './members.errors.js';

/** A membership record as BoardAccessService hands it out (names and emails come from UsersService). */
type Membership = Pick<MemberView, 'userId' | 'role' | 'addedAt'>;

/** Board membership: owners add, re-role and remove members; any member may remove themselves. */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    private readonly audit: AuditLog,
  ) {}

  /** Members in the order they joined, keyset-paginated. @throws AppError BOARD_NOT_FOUND, VALIDATION_FAILED (cursor) */
  async list(boardId: string, userId: string, query: { limit?: number; cursor?: string }): Promise<Page<MemberView>> {
    await this.access.require(boardId, userId, 'viewer');
    const limit = query.limit ?? 100;
    const rows = await this.access.list(this.dataSource.manager, boardId, { limit: limit + 1, after: afterCursor(query.cursor) });
    return toPage(await this.withUsers(rows, this.dataSource.manager), limit);
  }

  /** Every member of the board in the order they joined, read with `db` (a snapshot's transaction). */
  async listAll(db: EntityManager, boardId: string): Promise<MemberView[]> {
    return (await this.withUsers(await this.access.list(db, boardId), db)).map((r) => r.item);
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN (not owner), USER_NOT_FOUND (no account with that email), ALREADY_MEMBER (409) */
  add(boardId: string, userId: string, input: { email: string; role: BoardRole }, req: WriteRequest = {}): Promise<MemberView> {
    return this.events.write(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        const user = await this.users.findByEmail(input.email, tx);
        if (!user) throw userNotFound();
        const membership = await this.access.add(tx, boardId, user.id, input.role);
        if (!membership) throw alreadyMember();
        const member: MemberView = { ...membership, email: user.email, name: user.name };
        return { result: member, event: { type: 'member.added', data: member } };
      },
      req.idempotency,
    );
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, MEMBER_NOT_FOUND, LAST_OWNER (409: a board keeps at least one owner) */
  async updateRole(boardId: string, userId: string, memberId: string, role: BoardRole, req: WriteRequest = {}): Promise<MemberView> {
    const member = await this.events.write(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        const current = await this.read(tx, boardId, memberId);
        if (current.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(tx, boardId, memberId);
        await this.access.setRole(tx, boardId, memberId, role);
        const member = { ...current, role };
        return { result: member, event: { type: 'member.updated', data: member } };
      },
      req.idempotency,
    );
    this.audit.record('member.role_changed', userId, { boardId, memberId, role: member.role });
    return member;
  }

  /** Owners remove anyone; others only themselves. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, MEMBER_NOT_FOUND, LAST_OWNER */
  remove(boardId: string, userId: string, memberId: string, req: WriteRequest = {}): Promise<null> {
    return this.events.write(
      boardId,
      userId,
      memberId === userId ? 'viewer' : 'owner',
      async ({ tx }) => {
        const current = await this.read(tx, boardId, memberId);
        if (current.role === 'owner') await this.assertAnotherOwner(tx, boardId, memberId);
        await this.access.remove(tx, boardId, memberId);
        return { result: null, event: { type: 'member.removed', data: { id: memberId } } };
      },
      req.idempotency,
    );
  }

  private async read(tx: EntityManager, boardId: string, memberId: string): Promise<MemberView> {
    const membership = await this.access.find(tx, boardId, memberId);
    if (!membership) throw memberNotFound();
    const [member] = await this.withUsers([{ item: membership, key: { at: '', id: memberId } }], tx);
    return member.item;
  }

  /** Memberships → MemberViews with the users' names and emails (one query). */
  private async withUsers(rows: Keyed<Membership>[], db: EntityManager): Promise<Keyed<MemberView>[]> {
    const users = await this.users.findByIds(
      rows.map((r) => r.item.userId),
      db,
    );
    return rows.flatMap((r) => {
      const user = users.get(r.item.userId);
      return user ? [{ item: { ...r.item, email: user.email, name: user.name }, key: r.key }] : [];
    });
  }

  private async assertAnotherOwner(tx: EntityManager, boardId: string, exceptId: string): Promise<void> {
    if (!(await this.access.hasOtherOwner(tx, boardId, exceptId))) throw lastOwner();
  }
}
