import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Page, TaskView } from '@tasklane/contracts';
import { ApiConditionalWrite, ApiIdempotent } from '../concurrency/api-write-headers.js';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { IfMatch } from '../concurrency/if-match.js';
import { BoardId, TaskId } from '../errors/uuid-param.pipe.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency.js';
import { CreateTaskDto, ListTasksQueryDto, MoveTaskDto, TaskDto, TaskPageDto, UpdateTaskDto } from './tasks.dto.js';
import { TasksService } from './tasks.service.js';

/** REST `/api/v1/boards/:boardId/tasks`: list and search, create, read, update, move, delete. */
@ApiTags('tasks')
@ApiBearerAuth()
@ApiNotFoundResponse({ description: 'BOARD_NOT_FOUND / TASK_NOT_FOUND / COLUMN_NOT_FOUND' })
@ApiBadRequestResponse({ description: 'VALIDATION_FAILED / INVALID_POSITION' })
@Controller('boards/:boardId/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOkResponse({ type: TaskPageDto })
  list(@Param('boardId', BoardId) boardId: string, @Query() query: ListTasksQueryDto, @CurrentUser() user: AuthUser): Promise<Page<TaskView>> {
    return this.tasks.list(boardId, user.id, query);
  }

  @Post()
  @ApiCreatedResponse({ type: TaskDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: viewers cannot write' })
  @ApiIdempotent()
  async create(
    @Param('boardId', BoardId) boardId: string,
    @Body() dto: CreateTaskDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<TaskView> {
    return (await this.tasks.create(boardId, user.id, dto, { idempotency })).result;
  }

  @Get(':taskId')
  @ApiOkResponse({ type: TaskDto })
  get(@Param('boardId', BoardId) boardId: string, @Param('taskId', TaskId) taskId: string, @CurrentUser() user: AuthUser): Promise<TaskView> {
    return this.tasks.get(boardId, user.id, taskId);
  }

  @Patch(':taskId')
  @ApiOkResponse({ type: TaskDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: viewers cannot write' })
  @ApiConditionalWrite()
  async update(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Body() dto: UpdateTaskDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<TaskView> {
    return (await this.tasks.update(boardId, user.id, taskId, dto, { ifMatch, idempotency })).result;
  }

  @Post(':taskId/move')
  @HttpCode(200)
  @ApiOkResponse({ type: TaskDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: viewers cannot write' })
  @ApiConditionalWrite()
  async move(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Body() dto: MoveTaskDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<TaskView> {
    return (await this.tasks.move(boardId, user.id, taskId, dto, { ifMatch, idempotency })).result;
  }

  @Delete(':taskId')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'FORBIDDEN: viewers cannot write' })
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
