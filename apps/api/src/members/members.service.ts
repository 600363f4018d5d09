import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, MemberView, Page } from '@tasklane/contracts';
import { AuditLog } from '../audit/audit-log.service.js';
import type { RequestOrigin } from '../audit/request-origin.js';
import { BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { afterCursor, toPage, type Keyed } from '../pagination/cursor.js';
import { UsersService } from '../users/users.service.js';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { lastOwner, memberNotFound } from './members.errors.js';
import type { ListMembersQueryDto } from './members.dto.js';

/** A membership record as BoardAccessService hands it out (names and emails come from UsersService). */
type Membership = Pick<MemberView, 'userId' | 'role' | 'addedAt'>;

/**
 * Whether a member with `role` sees the other members' emails: owners only (they invite by email);
 * viewers and editors see names. Emails are never in board events.
 */
export const seesEmails = (role: BoardRole): boolean => role === 'owner';

/**
 * Board membership: owners re-role and remove members; any member may remove themselves. Members
 * join by accepting an invitation (InvitationsService).
 */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Members in the order they joined, keyset-paginated; with emails for owners only.
   * @throws AppError BOARD_NOT_FOUND, VALIDATION_FAILED (cursor)
   */
  async list(boardId: string, userId: string, query: ListMembersQueryDto): Promise<Page<MemberView>> {
    const role = await this.access.require(boardId, userId, 'viewer');
    const limit = query.pageSize();
    const rows = await this.access.list(this.dataSource.manager, boardId, { limit: limit + 1, after: afterCursor(query.cursor) });
    return toPage(await this.withUsers(rows, this.dataSource.manager, seesEmails(role)), limit);
  }

  /**
   * Every member of the board in the order they joined, read with `db` (a snapshot's transaction),
   * as a reader with role `readerRole` may see them: with emails for owners only.
   */
  async listAll(db: EntityManager, boardId: string, readerRole: BoardRole): Promise<MemberView[]> {
    return (await this.withUsers(await this.access.list(db, boardId), db, seesEmails(readerRole))).map((r) => r.item);
  }

  /**
   * Answers the member with their email (the caller is an owner); `member.updated` carries none.
   * @param origin the request, for the audit line (null outside one)
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, MEMBER_NOT_FOUND, LAST_OWNER (409: a board keeps at least one owner)
   */
  async updateRole(boardId: string, userId: string, memberId: string, role: BoardRole, origin: RequestOrigin | null, req: WriteRequest = {}): Promise<MemberView> {
    const member = await this.events.write(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        const current = await this.read(tx, boardId, memberId);
        if (current.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(tx, boardId, memberId);
        await this.access.setRole(tx, boardId, memberId, role);
        // The caller is an owner and sees the email; the event goes to every member and does not carry it.
        const { email: _email, ...data } = { ...current, role };
        return { result: { ...current, role }, event: { type: 'member.updated', data } };
      },
      req.idempotency,
    );
    this.audit.record('member.role_changed', userId, origin, { boardId, memberId, role: member.role });
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
    const [member] = await this.withUsers([{ item: membership, key: { at: '', id: memberId } }], tx, true);
    return member.item;
  }

  /** Memberships → MemberViews with the users' names, and emails when `withEmails` (one query). */
  private async withUsers(rows: Keyed<Membership>[], db: EntityManager, withEmails: boolean): Promise<Keyed<MemberView>[]> {
    const users = await this.users.findByIds(
      rows.map((r) => r.item.userId),
      db,
    );
    return rows.flatMap((r) => {
      const user = users.get(r.item.userId);
      if (!user) return [];
      return [{ item: withEmails ? { ...r.item, email: user.email, name: user.name } : { ...r.item, name: user.name }, key: r.key }];
    });
  }

  private async assertAnotherOwner(tx: EntityManager, boardId: string, exceptId: string): Promise<void> {
    if (!(await this.access.hasOtherOwner(tx, boardId, exceptId))) throw lastOwner();
  }
}
