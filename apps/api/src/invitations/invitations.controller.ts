import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BoardSummary, InvitationView, Page, ReceivedInvitationView } from '@tasklane/contracts';
import { BoardId } from '../board-access/board-access.errors.js';
import { BoardSummaryDto } from '../boards/boards.dto.js';
import { apiPath } from '../http/api-prefix.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiCreatedResource, ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { CreateInvitationDto, InvitationDto, InvitationPageDto, ListInvitationsQueryDto, ListMyInvitationsQueryDto, ReceivedInvitationPageDto } from './invitations.dto.js';
import { InvitationId } from './invitations.errors.js';
import { InvitationsService } from './invitations.service.js';

/**
 * REST for invitations, the one way to join a board: `/api/v1/boards/:boardId/invitations`
 * (owners invite, list, revoke), `/api/v1/users/me/invitations` (the invitee's list) and
 * `/api/v1/invitations/:invitationId/accept|decline` (the invitee answers).
 */
@ApiTags('invitations')
@ApiBearerAuth()
@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('boards/:boardId/invitations')
  @ApiOperation({
    summary: 'Invite an email address',
    description:
      'Owners invite an email, with or without an account, with a role. The answer has the same shape and status whether the email has an account, has none, or already is a member. ' +
      'A second invitation of an email with a pending one renews it (new role and expiry, same id). No board event. ' +
      'Members and pending invitations together are capped at MEMBERS_PER_BOARD_MAX (409 LIMIT_REACHED).',
  })
  @ApiCreatedResource(InvitationDto, (i: InvitationView) => apiPath('boards', i.boardId, 'invitations', i.id), { versioned: false })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND', 409: 'LIMIT_REACHED: MEMBERS_PER_BOARD_MAX members and pending invitations' })
  @ApiIdempotent()
  invite(
    @Param('boardId', BoardId) boardId: string,
    @Body() dto: CreateInvitationDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<InvitationView> {
    return this.invitations.invite(boardId, user.id, dto, { idempotency });
  }

  @Get('boards/:boardId/invitations')
  @ApiOperation({ summary: 'List pending invitations', description: 'Owners only: the board’s pending, unexpired invitations, oldest first, keyset-paginated (`limit`, `cursor`).' })
  @ApiOkResponse({ type: InvitationPageDto })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND' })
  listOfBoard(@Param('boardId', BoardId) boardId: string, @Query() query: ListInvitationsQueryDto, @CurrentUser() user: AuthUser): Promise<Page<InvitationView>> {
    return this.invitations.listOfBoard(boardId, user.id, query);
  }

  @Delete('boards/:boardId/invitations/:invitationId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an invitation', description: 'Owners only. The invitee can no longer accept it.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND / INVITATION_NOT_FOUND (unknown or not pending)' })
  @ApiIdempotent()
  async revoke(
    @Param('boardId', BoardId) boardId: string,
    @Param('invitationId', InvitationId) invitationId: string,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.invitations.revoke(boardId, user.id, invitationId, { idempotency });
  }

  @Get('users/me/invitations')
  @ApiOperation({
    summary: 'My invitations',
    description: 'Pending, unexpired invitations to the email of your account, including those sent before it registered; oldest first, keyset-paginated (`limit`, `cursor`).',
  })
  @ApiOkResponse({ type: ReceivedInvitationPageDto })
  listMine(@Query() query: ListMyInvitationsQueryDto, @CurrentUser() user: AuthUser): Promise<Page<ReceivedInvitationView>> {
    return this.invitations.listMine(user.id, query);
  }

  @Post('invitations/:invitationId/accept')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an invitation',
    description: 'Only its invitee (account email = invitation email). You become a member with the invitation’s role; answers the board with your `role`. Emits `member.added` (without email).',
  })
  @ApiOkResource(BoardSummaryDto)
  @ApiErrors({ 404: 'INVITATION_NOT_FOUND: unknown, not yours, expired, revoked, declined or accepted', 409: 'ALREADY_MEMBER' })
  @ApiIdempotent()
  accept(@Param('invitationId', InvitationId) invitationId: string, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<BoardSummary> {
    return this.invitations.accept(invitationId, user.id, { idempotency });
  }

  @Post('invitations/:invitationId/decline')
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline an invitation', description: 'Only its invitee. It can no longer be accepted.' })
  @ApiNoContentResponse({ description: 'Declined' })
  @ApiErrors({ 404: 'INVITATION_NOT_FOUND: unknown, not yours, expired, revoked, declined or accepted' })
  async decline(@Param('invitationId', InvitationId) invitationId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.invitations.decline(invitationId, user.id);
  }
}
