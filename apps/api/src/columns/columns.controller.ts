import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ColumnView } from '@tasklane/contracts';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { BoardId } from '../board-access/board-access.errors.js';
import { apiPath } from '../http/api-prefix.js';
import { IfMatch } from '../http/if-match.decorator.js';
import { ApiConditionalWrite, ApiCreatedResource, ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { ColumnDto, CreateColumnDto, UpdateColumnDto } from './columns.dto.js';
import { ColumnId } from './columns.errors.js';
import { ColumnsService } from './columns.service.js';

/** REST `/api/v1/boards/:boardId/columns`: create, rename or move, delete (with its tasks). Editors and owners. */
@ApiTags('columns')
@ApiBearerAuth()
@ApiErrors({ 403: 'FORBIDDEN: viewers cannot write' })
@Controller('boards/:boardId/columns')
export class ColumnsController {
  constructor(private readonly columns: ColumnsService) {}

  @Post()
  @ApiOperation({ summary: 'Add a column', description: 'At the end, first (`afterColumnId: null`) or after a given column. Emits `column.created`.' })
  @ApiCreatedResource(ColumnDto, (c: ColumnView) => apiPath('boards', c.boardId, 'columns', c.id), { versioned: true })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND / COLUMN_NOT_FOUND (afterColumnId)', 409: 'LIMIT_REACHED: the board has COLUMNS_PER_BOARD_MAX columns (`details.limit` `columns_per_board`)' })
  @ApiIdempotent()
  create(@Param('boardId', BoardId) boardId: string, @Body() dto: CreateColumnDto, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<ColumnView> {
    return this.columns.create(boardId, user.id, dto, { idempotency });
  }

  @Patch(':columnId')
  @ApiOperation({ summary: 'Rename or move a column', description: 'Move with `afterColumnId` (null = first). Emits `column.updated`.' })
  @ApiOkResource(ColumnDto)
  @ApiErrors({ 400: 'VALIDATION_FAILED / INVALID_POSITION', 404: 'BOARD_NOT_FOUND / COLUMN_NOT_FOUND', 409: 'COLUMN_ARCHIVED' })
  @ApiConditionalWrite()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('columnId', ColumnId) columnId: string,
    @Body() dto: UpdateColumnDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<ColumnView> {
    return this.columns.update(boardId, user.id, columnId, dto, { ifMatch, idempotency });
  }

  @Delete(':columnId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a column and its tasks', description: 'Emits one `column.deleted` event; its tasks are gone with it.' })
  @ApiNoContentResponse({ description: 'Column and its tasks deleted' })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND / COLUMN_NOT_FOUND' })
  @ApiConditionalWrite()
  async remove(
    @Param('boardId', BoardId) boardId: string,
    @Param('columnId', ColumnId) columnId: string,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.columns.remove(boardId, user.id, columnId, { ifMatch, idempotency });
  }
}
