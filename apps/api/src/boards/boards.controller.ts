import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BoardSnapshot, BoardSummary, Page } from '@tasklane/contracts';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { apiPath } from '../http/api-prefix.js';
import { IfMatch } from '../http/if-match.decorator.js';
import { ApiConditionalWrite, ApiCreatedResource, ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { BoardId } from '../board-access/board-access.errors.js';
import { BoardPageDto, BoardSnapshotDto, BoardSummaryDto, CreateBoardDto, ListBoardsQueryDto, UpdateBoardDto } from './boards.dto.js';
import { BoardsService } from './boards.service.js';

/** REST `/api/v1/boards`: list mine, create, snapshot, update, delete. Board-scoped routes answer 404 to non-members. */
@ApiTags('boards')
@ApiBearerAuth()
@Controller('boards')
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Get()
  @ApiOperation({ summary: 'List my boards', description: 'Boards you are a member of, with your role, oldest first; keyset-paginated (`limit`, `cursor`).' })
  @ApiOkResponse({ type: BoardPageDto })
  list(@Query() query: ListBoardsQueryDto, @CurrentUser() user: AuthUser): Promise<Page<BoardSummary>> {
    return this.boards.list(user.id, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a board', description: 'You become its owner. `columns` defaults to To do, Doing, Done. Answers the new board’s snapshot (seq 0).' })
  @ApiCreatedResource(BoardSnapshotDto, (b: BoardSnapshot) => apiPath('boards', b.id), { versioned: true })
  @ApiIdempotent()
  @ApiErrors({
    409: 'LIMIT_REACHED: you are a member of BOARDS_PER_USER_MAX boards already (`details.limit` `boards_per_user`), or `columns` has more than COLUMNS_PER_BOARD_MAX names (`columns_per_board`)',
  })
  create(@Body() dto: CreateBoardDto, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<BoardSnapshot> {
    return this.boards.create(user.id, dto, { idempotency });
  }

  @Get(':boardId')
  @ApiOperation({
    summary: 'Get a board snapshot',
    description: 'The board with its columns, tasks and members, read consistently as of event `seq`: replaying later events on it gives the current state.',
  })
  @ApiOkResource(BoardSnapshotDto)
  @ApiErrors({ 404: 'BOARD_NOT_FOUND (also for boards you are not a member of)' })
  snapshot(@Param('boardId', BoardId) boardId: string, @CurrentUser() user: AuthUser): Promise<BoardSnapshot> {
    return this.boards.snapshot(boardId, user.id);
  }

  @Patch(':boardId')
  @ApiOperation({ summary: 'Rename a board or change its description', description: 'Editors and owners. Emits `board.updated`.' })
  @ApiOkResource(BoardSummaryDto)
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND' })
  @ApiConditionalWrite()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Body() dto: UpdateBoardDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<BoardSummary> {
    return this.boards.update(boardId, user.id, dto, { ifMatch, idempotency });
  }

  @Delete(':boardId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a board', description: 'Owners only. Emits `board.deleted`; every member loses access at once.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND' })
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
