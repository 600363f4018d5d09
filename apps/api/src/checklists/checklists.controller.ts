import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { ChecklistItemView } from '@tasklane/contracts';
import { BoardId } from '../board-access/board-access.errors.js';
import { apiPath } from '../http/api-prefix.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { IfMatch } from '../http/if-match.decorator.js';
import { ApiConditionalWrite, ApiCreatedResource, ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { TaskId } from '../tasks/tasks.errors.js';
import { ChecklistItemDto, CreateChecklistItemDto, UpdateChecklistItemDto } from './checklists.dto.js';
import { ChecklistItemId } from './checklists.errors.js';
import { CHECKLIST_ITEMS_PER_TASK_MAX, ChecklistsService } from './checklists.service.js';

/** REST `/api/v1/boards/:boardId/tasks/:taskId/checklist`. Members read; editors and owners write. */
@ApiTags('checklists')
@ApiBearerAuth()
@Controller('boards/:boardId/tasks/:taskId/checklist')
export class ChecklistsController {
  constructor(private readonly checklists: ChecklistsService) {}

  @Get()
  @ApiOperation({ summary: 'List a task’s checklist', description: 'Every item (at most 200) by position.' })
  @ApiExtraModels(ChecklistItemDto)
  @ApiOkResponse({ schema: { type: 'array', items: { $ref: getSchemaPath(ChecklistItemDto) }, maxItems: CHECKLIST_ITEMS_PER_TASK_MAX } })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @Param('taskId', TaskId) taskId: string, @CurrentUser() user: AuthUser): Promise<ChecklistItemView[]> {
    return this.checklists.list(boardId, user.id, taskId);
  }

  @Post()
  @ApiOperation({ summary: 'Add a checklist item', description: 'At the end, or after `afterItemId` / before `beforeItemId` (adjacent when both). Emits `checklist.item_created`.' })
  @ApiCreatedResource(ChecklistItemDto, (i: ChecklistItemView) => apiPath('boards', i.boardId, 'tasks', i.taskId, 'checklist', i.id), { versioned: true })
  @ApiErrors({
    400: 'VALIDATION_FAILED / INVALID_POSITION',
    403: 'FORBIDDEN: viewers cannot write',
    404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND / CHECKLIST_ITEM_NOT_FOUND (anchor)',
    409: 'TASK_ARCHIVED / LIMIT_REACHED (`checklist_items_per_task`)',
  })
  @ApiIdempotent()
  create(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Body() dto: CreateChecklistItemDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<ChecklistItemView> {
    return this.checklists.create(boardId, user.id, taskId, dto, { idempotency });
  }

  @Patch(':itemId')
  @ApiOperation({ summary: 'Edit, check or move a checklist item', description: 'Emits `checklist.item_updated` with the task’s progress.' })
  @ApiOkResource(ChecklistItemDto)
  @ApiErrors({ 400: 'VALIDATION_FAILED / INVALID_POSITION', 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND / CHECKLIST_ITEM_NOT_FOUND', 409: 'TASK_ARCHIVED' })
  @ApiConditionalWrite()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Param('itemId', ChecklistItemId) itemId: string,
    @Body() dto: UpdateChecklistItemDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<ChecklistItemView> {
    return this.checklists.update(boardId, user.id, taskId, itemId, dto, { ifMatch, idempotency });
  }

  @Delete(':itemId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a checklist item', description: 'Emits `checklist.item_deleted` with the task’s progress.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND / CHECKLIST_ITEM_NOT_FOUND', 409: 'TASK_ARCHIVED' })
  @ApiConditionalWrite()
  async remove(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Param('itemId', ChecklistItemId) itemId: string,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.checklists.remove(boardId, user.id, taskId, itemId, { ifMatch, idempotency });
  }
}
