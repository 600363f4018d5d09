import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ColumnView } from '@tasklane/contracts';
import { ApiConditionalWrite, ApiIdempotent } from '../concurrency/api-write-headers.js';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { IfMatch } from '../concurrency/if-match.js';
import { BoardId, ColumnId } from '../errors/uuid-param.pipe.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency.js';
import { ColumnDto, CreateColumnDto, UpdateColumnDto } from './columns.dto.js';
import { ColumnsService } from './columns.service.js';

/** REST `/api/v1/boards/:boardId/columns`: create, rename or move, delete (with its tasks). Editors and owners. */
@ApiTags('columns')
@ApiBearerAuth()
@ApiNotFoundResponse({ description: 'BOARD_NOT_FOUND / COLUMN_NOT_FOUND' })
@ApiForbiddenResponse({ description: 'FORBIDDEN: viewers cannot write' })
@Controller('boards/:boardId/columns')
export class ColumnsController {
  constructor(private readonly columns: ColumnsService) {}

  @Post()
  @ApiCreatedResponse({ type: ColumnDto })
  @ApiIdempotent()
  async create(
    @Param('boardId', BoardId) boardId: string,
    @Body() dto: CreateColumnDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<ColumnView> {
    return (await this.columns.create(boardId, user.id, dto, { idempotency })).result;
  }

  @Patch(':columnId')
  @ApiOkResponse({ type: ColumnDto })
  @ApiConditionalWrite()
  async update(
    @Param('boardId', BoardId) boardId: string,
    @Param('columnId', ColumnId) columnId: string,
    @Body() dto: UpdateColumnDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<ColumnView> {
    return (await this.columns.update(boardId, user.id, columnId, dto, { ifMatch, idempotency })).result;
  }

  @Delete(':columnId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Column and its tasks deleted' })
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
