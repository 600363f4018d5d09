import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BoardRole, MemberView } from '@tasklane/contracts';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { BoardAccessService } from './board-access.service.js';
import { toMemberView, type AddMemberDto } from './members.dto.js';
import { MembersRepository } from './members.repository.js';

/** Board membership: owners add, re-role and remove members; any member may remove themselves. */
@Injectable()
export class MembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
  ) {}

  /** @throws AppError BOARD_NOT_FOUND */
  async list(boardId: string, userId: string): Promise<MemberView[]> {
    await this.access.require(boardId, userId, 'viewer');
    return (await this.members.list(boardId)).map(toMemberView);
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN (not owner), USER_NOT_FOUND (no account with that email), ALREADY_MEMBER (409) */
  add(boardId: string, userId: string, dto: AddMemberDto, req: WriteRequest = {}): Promise<Committed<MemberView>> {
    return this.events.write(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        const newMemberId = await this.members.userIdByEmail(tx, dto.email);
        if (!newMemberId) throw new AppError(ErrorCode.UserNotFound, 'No user with that email');
        if (!(await this.members.insert(tx, boardId, newMemberId, dto.role))) throw new AppError(ErrorCode.AlreadyMember, 'User is already a member of this board');
        const member = await this.read(tx, boardId, newMemberId);
        return { result: member, event: { type: 'member.added', data: member } };
      },
      { idempotency: req.idempotency, successStatus: 201 },
    );
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, MEMBER_NOT_FOUND, LAST_OWNER (409: a board keeps at least one owner) */
  updateRole(boardId: string, userId: string, memberId: string, role: BoardRole, req: WriteRequest = {}): Promise<Committed<MemberView>> {
    return this.events.write(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        const current = await this.read(tx, boardId, memberId);
        if (current.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(tx, boardId, memberId);
        await this.members.updateRole(tx, boardId, memberId, role);
        const member = { ...current, role };
        return { result: member, event: { type: 'member.updated', data: member } };
      },
      { idempotency: req.idempotency },
    );
  }

  /** Owners remove anyone; others only themselves. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, MEMBER_NOT_FOUND, LAST_OWNER */
  remove(boardId: string, userId: string, memberId: string, req: WriteRequest = {}): Promise<Committed<null>> {
    return this.events.write(
      boardId,
      userId,
      memberId === userId ? 'viewer' : 'owner',
      async ({ tx }) => {
        const current = await this.read(tx, boardId, memberId);
        if (current.role === 'owner') await this.assertAnotherOwner(tx, boardId, memberId);
        await this.members.delete(tx, boardId, memberId);
        return { result: null, event: { type: 'member.removed', data: { id: memberId } } };
      },
      { idempotency: req.idempotency, successStatus: 204 },
    );
  }

  private async read(tx: EntityManager, boardId: string, memberId: string): Promise<MemberView> {
    const row = await this.members.find(tx, boardId, memberId);
    if (!row) throw new AppError(ErrorCode.MemberNotFound, 'Member not found');
    return toMemberView(row);
  }

  private async assertAnotherOwner(tx: EntityManager, boardId: string, exceptId: string): Promise<void> {
    if (!(await this.members.hasOtherOwner(tx, boardId, exceptId))) throw new AppError(ErrorCode.LastOwner, 'A board must keep at least one owner');
  }
}
