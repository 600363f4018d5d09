import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { MemberView } from '@tasklane/contracts';
import { ApiIdempotent } from '../concurrency/api-write-headers.js';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { BoardId, MemberId } from '../errors/uuid-param.pipe.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency.js';
import { AddMemberDto, MemberDto, UpdateMemberDto } from './members.dto.js';
import { MembersService } from './members.service.js';

/** REST `/api/v1/boards/:boardId/members`: list (members), add / re-role / remove (owners; anyone may remove themselves). */
@ApiTags('members')
@ApiBearerAuth()
@ApiNotFoundResponse({ description: 'BOARD_NOT_FOUND / MEMBER_NOT_FOUND / USER_NOT_FOUND' })
@Controller('boards/:boardId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOkResponse({ type: [MemberDto] })
  list(@Param('boardId', BoardId) boardId: string, @CurrentUser() user: AuthUser): Promise<MemberView[]> {
    return this.members.list(boardId, user.id);
  }

  @Post()
  @ApiCreatedResponse({ type: MemberDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: owners only' })
  @ApiConflictResponse({ description: 'ALREADY_MEMBER' })
  @ApiIdempotent()
  async add(
    @Param('boardId', BoardId) boardId: string,
    @Body() dto: AddMemberDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<MemberView> {
    return (await this.members.add(boardId, user.id, dto, { idempotency })).result;
  }

  @Patch(':userId')
  @ApiOkResponse({ type: MemberDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: owners only' })
  @ApiConflictResponse({ description: 'LAST_OWNER' })
  @ApiIdempotent()
  async update(
    @Param('boardId', BoardId) boardId: string,
    @Param('userId', MemberId) memberId: string,
    @Body() dto: UpdateMemberDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<MemberView> {
    return (await this.members.updateRole(boardId, user.id, memberId, dto.role, { idempotency })).result;
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Owners remove anyone; members may remove themselves' })
  @ApiConflictResponse({ description: 'LAST_OWNER' })
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
