import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommentView, Page } from '@tasklane/contracts';
import { BoardId } from '../board-access/board-access.errors.js';
import { apiPath } from '../http/api-prefix.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { IfMatch } from '../http/if-match.decorator.js';
import { ApiConditionalWrite, ApiCreatedResource, ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { TaskId } from '../tasks/tasks.errors.js';
import { CommentBodyDto, CommentDto, CommentPageDto, ListCommentsQueryDto } from './comments.dto.js';
import { CommentId } from './comments.errors.js';
import { CommentsService } from './comments.service.js';

/** REST `/api/v1/boards/:boardId/tasks/:taskId/comments`. Members read; editors and owners comment; authors edit; authors and owners delete. */
@ApiTags('comments')
@ApiBearerAuth()
@Controller('boards/:boardId/tasks/:taskId/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get()
  @ApiOperation({ summary: 'List a task’s comments', description: 'Oldest first, keyset-paginated (`limit`, `cursor`). Also for archived tasks.' })
  @ApiOkResponse({ type: CommentPageDto })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @Param('taskId', TaskId) taskId: string, @Query() query: ListCommentsQueryDto, @CurrentUser() user: AuthUser): Promise<Page<CommentView>> {
    return this.comments.list(boardId, user.id, taskId, { limit: query.pageSize(), cursor: query.cursor });
  }

  @Post()
  @ApiOperation({
    summary: 'Comment on a task',
    description: 'Markdown; `@Name` mentions of members become `mentionIds`. Editors and owners. Emits `comment.created`; notifies mentioned members, the task’s creator and assignees.',
  })
  @ApiCreatedResource(CommentDto, (c: CommentView) => apiPath('boards', c.boardId, 'tasks', c.taskId, 'comments', c.id), { versioned: true })
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND', 409: 'TASK_ARCHIVED' })
  @ApiIdempotent()
  create(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Body() dto: CommentBodyDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommentView> {
    return this.comments.create(boardId, user.id, taskId, dto.body, { idempotency });
  }

  @Patch(':commentId')
  @ApiOperation({ summary: 'Edit a comment', description: 'The author only (an editor or owner). Emits `comment.updated`; notifies newly mentioned members.' })
  @ApiOkResource(CommentDto)
  @ApiErrors({ 403: 'FORBIDDEN: not the author, or a viewer', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND / COMMENT_NOT_FOUND', 409: 'TASK_ARCHIVED' })
  @ApiConditionalWrite()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Param('commentId', CommentId) commentId: string,
    @Body() dto: CommentBodyDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommentView> {
    return this.comments.update(boardId, user.id, taskId, commentId, dto.body, { ifMatch, idempotency });
  }

  @Delete(':commentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a comment', description: 'The author (an editor or owner) or any owner. Emits `comment.deleted`.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 403: 'FORBIDDEN: neither the author nor an owner', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND / COMMENT_NOT_FOUND', 409: 'TASK_ARCHIVED' })
  @ApiConditionalWrite()
  async remove(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Param('commentId', CommentId) commentId: string,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.comments.remove(boardId, user.id, taskId, commentId, { ifMatch, idempotency });
  }
}
