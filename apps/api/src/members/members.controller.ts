import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MemberView, Page } from '@tasklane/contracts';
import { Origin, type RequestOrigin } from '../audit/request-origin.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { BoardId } from '../board-access/board-access.errors.js';
import { ApiErrors, ApiIdempotent } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { ListMembersQueryDto, MemberDto, MemberPageDto, UpdateMemberDto } from './members.dto.js';
import { MemberId } from './members.errors.js';
import { MembersService } from './members.service.js';

/** REST `/api/v1/boards/:boardId/members`: list (members), re-role / remove (owners; anyone may remove themselves). Members join through invitations. */
@ApiTags('members')
@ApiBearerAuth()
@Controller('boards/:boardId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: 'List members', description: 'Members of the board in the order they joined, keyset-paginated (`limit`, `cursor`). Any member may list; only owners see `email`.' })
  @ApiOkResponse({ type: MemberPageDto })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @Query() query: ListMembersQueryDto, @CurrentUser() user: AuthUser): Promise<Page<MemberView>> {
    return this.members.list(boardId, user.id, query);
  }

  @Patch(':userId')
  @ApiOperation({ summary: 'Change a member’s role', description: 'Owners only; a board keeps at least one owner. Answers the member with `email`. Emits `member.updated` (without `email`).' })
  @ApiOkResponse({ type: MemberDto })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND / MEMBER_NOT_FOUND', 409: 'LAST_OWNER' })
  @ApiIdempotent()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('userId', MemberId) memberId: string,
    @Body() dto: UpdateMemberDto,
    @CurrentUser() user: AuthUser,
    @Origin() origin: RequestOrigin,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<MemberView> {
    return this.members.updateRole(boardId, user.id, memberId, dto.role, origin, { idempotency });
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member', description: 'Owners remove anyone; any member may remove themselves; a board keeps at least one owner. Emits `member.removed`.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND / MEMBER_NOT_FOUND', 409: 'LAST_OWNER' })
  @ApiIdempotent()
  async remove(
    @Param('boardId', BoardId) boardId: string,
    @Param('userId', MemberId) memberId: string,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.members.remove(boardId, user.id, memberId, { idempotency });
  }
}
