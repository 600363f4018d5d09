import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MemberView, Page } from '@tasklane/contracts';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { BoardId } from '../board-access/board-access.errors.js';
import { apiPath } from '../http/api-prefix.js';
import { ApiCreatedResource, ApiErrors, ApiIdempotent } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { AddMemberDto, ListMembersQueryDto, MemberDto, MemberPageDto, UpdateMemberDto } from './members.dto.js';
import { MemberId } from './members.errors.js';
import { MembersService } from './members.service.js';

/** REST `/api/v1/boards/:boardId/members`: list (members), add / re-role / remove (owners; anyone may remove themselves). */
@ApiTags('members')
@ApiBearerAuth()
@Controller('boards/:boardId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: 'List members', description: 'Members of the board in the order they joined, keyset-paginated (`limit`, `cursor`). Any member may list.' })
  @ApiOkResponse({ type: MemberPageDto })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @Query() query: ListMembersQueryDto, @CurrentUser() user: AuthUser): Promise<Page<MemberView>> {
    return this.members.list(boardId, user.id, query);
  }

  @Post()
  @ApiOperation({ summary: 'Add a member', description: 'Owners add an existing account by email with a role. Emits `member.added`.' })
  @ApiCreatedResource(MemberDto, (m: MemberView, p) => apiPath('boards', p.boardId, 'members', m.userId), { versioned: false })
  @ApiErrors({
    403: 'FORBIDDEN: owners only',
    404: 'BOARD_NOT_FOUND / USER_NOT_FOUND',
    409: 'ALREADY_MEMBER; LIMIT_REACHED: that user is a member of BOARDS_PER_USER_MAX boards already (`details.limit` `boards_per_user`)',
  })
  @ApiIdempotent()
  add(@Param('boardId', BoardId) boardId: string, @Body() dto: AddMemberDto, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<MemberView> {
    return this.members.add(boardId, user.id, dto, { idempotency });
  }

  @Patch(':userId')
  @ApiOperation({ summary: 'Change a member’s role', description: 'Owners only; a board keeps at least one owner. Emits `member.updated`.' })
  @ApiOkResponse({ type: MemberDto })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND / MEMBER_NOT_FOUND', 409: 'LAST_OWNER' })
  @ApiIdempotent()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('userId', MemberId) memberId: string,
    @Body() dto: UpdateMemberDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<MemberView> {
    return this.members.updateRole(boardId, user.id, memberId, dto.role, { idempotency });
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
