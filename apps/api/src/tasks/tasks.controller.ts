import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, TaskView } from '@tasklane/contracts';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { BoardId } from '../board-access/board-access.errors.js';
import { apiPath } from '../http/api-prefix.js';
import { IfMatch } from '../http/if-match.decorator.js';
import { ApiConditionalWrite, ApiCreatedResource, ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { CreateTaskDto, ListTasksQueryDto, MoveTaskDto, TaskDto, TaskPageDto, UpdateTaskDto } from './tasks.dto.js';
import { TaskId } from './tasks.errors.js';
import { TasksService } from './tasks.service.js';

/** REST `/api/v1/boards/:boardId/tasks`: list and search, create, read, update, move, delete. */
@ApiTags('tasks')
@ApiBearerAuth()
@Controller('boards/:boardId/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({
    summary: 'List or search tasks',
    description:
      'Live tasks (not archived, not in an archived column). Filter by column, assignee, due date (`due=overdue|week`) and a case-insensitive substring of title or description; oldest first, keyset-paginated (`limit`, `cursor`).',
  })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @Query() query: ListTasksQueryDto, @CurrentUser() user: AuthUser): Promise<Page<TaskView>> {
    return this.tasks.list(boardId, user.id, query);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a task',
    description: 'At the end of its column, or right after `afterTaskId` / before `beforeTaskId` (adjacent when both). Editors and owners. Emits `task.created`.',
  })
  @ApiCreatedResource(TaskDto, (t: TaskView) => apiPath('boards', t.boardId, 'tasks', t.id), { versioned: true })
  @ApiErrors({
    400: 'VALIDATION_FAILED / INVALID_POSITION',
    403: 'FORBIDDEN: viewers cannot write',
    404: 'BOARD_NOT_FOUND / COLUMN_NOT_FOUND / TASK_NOT_FOUND (anchor)',
    409: 'LIMIT_REACHED: the board has TASKS_PER_BOARD_MAX tasks (`details.limit` `tasks_per_board`) / COLUMN_ARCHIVED',
  })
  @ApiIdempotent()
  create(@Param('boardId', BoardId) boardId: string, @Body() dto: CreateTaskDto, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<TaskView> {
    return this.tasks.create(boardId, user.id, dto, { idempotency });
  }

  @Get(':taskId')
  @ApiOperation({ summary: 'Get a task', description: 'Any member. The `ETag` is the task’s version, for If-Match.' })
  @ApiOkResource(TaskDto)
  @ApiErrors({ 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND' })
  get(@Param('boardId', BoardId) boardId: string, @Param('taskId', TaskId) taskId: string, @CurrentUser() user: AuthUser): Promise<TaskView> {
    return this.tasks.get(boardId, user.id, taskId);
  }

  @Patch(':taskId')
  @ApiOperation({ summary: 'Edit a task', description: 'Absent fields are unchanged; `dueAt: null` clears the due date; `completed: true` marks the task done (sets `completedAt` unless set), `false` reopens it. Emits `task.updated`.' })
  @ApiOkResource(TaskDto)
  @ApiErrors({ 400: 'VALIDATION_FAILED (also labelIds of no label of this board)', 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND', 409: 'TASK_ARCHIVED' })
  @ApiConditionalWrite()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Body() dto: UpdateTaskDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<TaskView> {
    return this.tasks.update(boardId, user.id, taskId, dto, { ifMatch, idempotency });
  }

  @Post(':taskId/move')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move a task',
    description: 'To the end of a column (maybe its own), or between adjacent anchors; only this task’s column and position change. Emits `task.moved`.',
  })
  @ApiOkResource(TaskDto)
  @ApiErrors({ 400: 'VALIDATION_FAILED / INVALID_POSITION', 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND / COLUMN_NOT_FOUND', 409: 'TASK_ARCHIVED / COLUMN_ARCHIVED (target)' })
  @ApiConditionalWrite()
  move(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Body() dto: MoveTaskDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<TaskView> {
    return this.tasks.move(boardId, user.id, taskId, dto, { ifMatch, idempotency });
  }

  @Delete(':taskId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a task', description: 'Editors and owners. Emits `task.deleted`.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND' })
  @ApiConditionalWrite()
  async remove(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.tasks.remove(boardId, user.id, taskId, { ifMatch, idempotency });
  }
}
