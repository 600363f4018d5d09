import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ArchiveEntry, ColumnView, Page, TaskView } from '@tasklane/contracts';
import { BoardId } from '../board-access/board-access.errors.js';
import { ColumnDto } from '../columns/columns.dto.js';
import { ColumnId } from '../columns/columns.errors.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { TaskDto } from '../tasks/tasks.dto.js';
import { TaskId } from '../tasks/tasks.errors.js';
import { ArchivePageDto, ListArchiveQueryDto } from './archive.dto.js';
import { ArchiveService } from './archive.service.js';

/** REST: archive and restore tasks and columns, and the board's archive list. Members read; editors and owners archive and restore. */
@ApiTags('archive')
@ApiBearerAuth()
@Controller('boards/:boardId')
export class ArchiveController {
  constructor(private readonly archive: ArchiveService) {}

  @Get('archive')
  @ApiOperation({ summary: 'List the board’s archive', description: 'Archived tasks and columns, newest archived first, keyset-paginated (`limit`, `cursor`).' })
  @ApiOkResponse({ type: ArchivePageDto })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @Query() query: ListArchiveQueryDto, @CurrentUser() user: AuthUser): Promise<Page<ArchiveEntry>> {
    return this.archive.list(boardId, user.id, { limit: query.pageSize(), cursor: query.cursor });
  }

  @Post('tasks/:taskId/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive a task', description: 'It leaves the board view; its version does not change. Emits `task.archived`.' })
  @ApiOkResource(TaskDto)
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND', 409: 'TASK_ARCHIVED: already archived, or its column is' })
  @ApiIdempotent()
  archiveTask(@Param('boardId', BoardId) boardId: string, @Param('taskId', TaskId) taskId: string, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<TaskView> {
    return this.archive.archiveTask(boardId, user.id, taskId, { idempotency });
  }

  @Post('tasks/:taskId/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore an archived task', description: 'Back at its old place. Emits `task.restored`.' })
  @ApiOkResource(TaskDto)
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND', 409: 'NOT_ARCHIVED / COLUMN_ARCHIVED: restore its column first' })
  @ApiIdempotent()
  restoreTask(@Param('boardId', BoardId) boardId: string, @Param('taskId', TaskId) taskId: string, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<TaskView> {
    return this.archive.restoreTask(boardId, user.id, taskId, { idempotency });
  }

  @Post('columns/:columnId/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive a column', description: 'It and its tasks leave the board view. Emits `column.archived`.' })
  @ApiOkResource(ColumnDto)
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / COLUMN_NOT_FOUND', 409: 'COLUMN_ARCHIVED' })
  @ApiIdempotent()
  archiveColumn(@Param('boardId', BoardId) boardId: string, @Param('columnId', ColumnId) columnId: string, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<ColumnView> {
    return this.archive.archiveColumn(boardId, user.id, columnId, { idempotency });
  }

  @Post('columns/:columnId/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore an archived column', description: 'With its tasks (not those archived on their own). Emits `column.restored` carrying them.' })
  @ApiOkResource(ColumnDto)
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / COLUMN_NOT_FOUND', 409: 'NOT_ARCHIVED' })
  @ApiIdempotent()
  restoreColumn(@Param('boardId', BoardId) boardId: string, @Param('columnId', ColumnId) columnId: string, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<ColumnView> {
    return this.archive.restoreColumn(boardId, user.id, columnId, { idempotency });
  }
}
