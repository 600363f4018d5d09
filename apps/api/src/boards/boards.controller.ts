import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { BoardSnapshot, BoardSummary, Page } from '@tasklane/contracts';
import { ApiConditionalWrite, ApiIdempotent } from '../concurrency/api-write-headers.js';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { IfMatch } from '../concurrency/if-match.js';
import { BoardId } from '../errors/uuid-param.pipe.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency.js';
import { BoardPageDto, BoardSnapshotDto, BoardSummaryDto, CreateBoardDto, ListBoardsQueryDto, UpdateBoardDto } from './boards.dto.js';
import { BoardsService } from './boards.service.js';

/** REST `/api/v1/boards`: list mine, create, snapshot, update, delete. Board-scoped routes answer 404 to non-members. */
@ApiTags('boards')
@ApiBearerAuth()
@Controller('boards')
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Get()
  @ApiOkResponse({ type: BoardPageDto, description: 'Boards you are a member of' })
  list(@Query() query: ListBoardsQueryDto, @CurrentUser() user: AuthUser): Promise<Page<BoardSummary>> {
    return this.boards.list(user.id, query);
  }

  @Post()
  @ApiCreatedResponse({ type: BoardSnapshotDto, description: 'You are the owner; columns default to To do, Doing, Done' })
  @ApiIdempotent()
  create(@Body() dto: CreateBoardDto, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<BoardSnapshot> {
    return this.boards.create(user.id, dto, { idempotency });
  }

  @Get(':boardId')
  @ApiOkResponse({ type: BoardSnapshotDto, description: 'Consistent snapshot as of event `seq`' })
  @ApiNotFoundResponse({ description: 'BOARD_NOT_FOUND (also for boards you are not a member of)' })
  snapshot(@Param('boardId', BoardId) boardId: string, @CurrentUser() user: AuthUser): Promise<BoardSnapshot> {
    return this.boards.snapshot(boardId, user.id);
  }

  @Patch(':boardId')
  @ApiOkResponse({ type: BoardSummaryDto })
  @ApiNotFoundResponse({ description: 'BOARD_NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: viewers cannot write' })
  @ApiConditionalWrite()
  async update(
    @Param('boardId', BoardId) boardId: string,
    @Body() dto: UpdateBoardDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<BoardSummary> {
    return (await this.boards.update(boardId, user.id, dto, { ifMatch, idempotency })).result;
  }

  @Delete(':boardId')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'BOARD_NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: owners only' })
  @ApiConditionalWrite()
  async remove(
    @Param('boardId', BoardId) boardId: string,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.boards.remove(boardId, user.id, { ifMatch, idempotency });
  }
}
