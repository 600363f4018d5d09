import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, MemberView } from '@tasklane/contracts';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { BoardAccessService } from './board-access.service.js';
import { MEMBER_COLUMNS, toMemberView, type AddMemberDto, type MemberRow } from './members.dto.js';

const memberNotFound = () => new AppError(ErrorCode.MemberNotFound, 'Member not found');

/** Board membership: owners add, re-role and remove members; any member may remove themselves. */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
  ) {}

  /** @throws AppError BOARD_NOT_FOUND */
  async list(boardId: string, userId: string): Promise<MemberView[]> {
    await this.access.require(boardId, userId, 'viewer');
    const rows = (await this.dataSource.query(
      `SELECT ${MEMBER_COLUMNS} FROM board_members m JOIN users u ON u.id = m.user_id WHERE m.board_id = $1 ORDER BY m.added_at, m.user_id`,
      [boardId],
    )) as MemberRow[];
    return rows.map(toMemberView);
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN (not owner), USER_NOT_FOUND (no account with that email), ALREADY_MEMBER (409) */
  add(boardId: string, userId: string, dto: AddMemberDto, req: WriteRequest = {}): Promise<Committed<MemberView>> {
    return this.events.write(boardId, userId, 'owner', async ({ tx }) => {
      const users = (await tx.query(`SELECT id FROM users WHERE email = $1`, [dto.email])) as { id: string }[];
      if (!users.length) throw new AppError(ErrorCode.UserNotFound, 'No user with that email');
      const inserted = (await tx.query(
        `INSERT INTO board_members (board_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id`,
        [boardId, users[0].id, dto.role],
      )) as unknown[];
      if (!inserted.length) throw new AppError(ErrorCode.AlreadyMember, 'User is already a member of this board');
      const member = await this.read(tx, boardId, users[0].id);
      return { result: member, event: { type: 'member.added', data: member } };
    }, { idempotency: req.idempotency, successStatus: 201 });
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, MEMBER_NOT_FOUND, LAST_OWNER (409: a board keeps at least one owner) */
  updateRole(boardId: string, userId: string, memberId: string, role: BoardRole, req: WriteRequest = {}): Promise<Committed<MemberView>> {
    return this.events.write(boardId, userId, 'owner', async ({ tx }) => {
      const current = await this.read(tx, boardId, memberId);
      if (current.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(tx, boardId, memberId);
      await tx.query(`UPDATE board_members SET role = $3 WHERE board_id = $1 AND user_id = $2`, [boardId, memberId, role]);
      const member = { ...current, role };
      return { result: member, event: { type: 'member.updated', data: member } };
    }, { idempotency: req.idempotency });
  }

  /** Owners remove anyone; others only themselves. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, MEMBER_NOT_FOUND, LAST_OWNER */
  remove(boardId: string, userId: string, memberId: string, req: WriteRequest = {}): Promise<Committed<null>> {
    return this.events.write(boardId, userId, memberId === userId ? 'viewer' : 'owner', async ({ tx }) => {
      const current = await this.read(tx, boardId, memberId);
      if (current.role === 'owner') await this.assertAnotherOwner(tx, boardId, memberId);
      await tx.query(`DELETE FROM board_members WHERE board_id = $1 AND user_id = $2`, [boardId, memberId]);
      return { result: null, event: { type: 'member.removed', data: { id: memberId } } };
    }, { idempotency: req.idempotency, successStatus: 204 });
  }

  private async read(tx: EntityManager, boardId: string, memberId: string): Promise<MemberView> {
    const rows = (await tx.query(`SELECT ${MEMBER_COLUMNS} FROM board_members m JOIN users u ON u.id = m.user_id WHERE m.board_id = $1 AND m.user_id = $2`, [
      boardId,
      memberId,
    ])) as MemberRow[];
    if (!rows.length) throw memberNotFound();
    return toMemberView(rows[0]);
  }

  private async assertAnotherOwner(tx: EntityManager, boardId: string, exceptId: string): Promise<void> {
    const rows = (await tx.query(`SELECT 1 FROM board_members WHERE board_id = $1 AND role = 'owner' AND user_id <> $2 LIMIT 1`, [boardId, exceptId])) as unknown[];
    if (!rows.length) throw new AppError(ErrorCode.LastOwner, 'A board must keep at least one owner');
  }
}
