import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActivityEntry, Page } from '@tasklane/contracts';
import { BoardId } from '../board-access/board-access.errors.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiErrors } from '../http/openapi.decorators.js';
import { TaskId } from '../tasks/tasks.errors.js';
import { ActivityPageDto, ActivityQueryDto } from './activity.dto.js';
import { ActivityService } from './activity.service.js';

/** REST `/api/v1/boards/:boardId/activity` and `…/tasks/:taskId/activity`: the board's events as readable entries. */
@ApiTags('activity')
@ApiBearerAuth()
@Controller('boards/:boardId')
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get('activity')
  @ApiOperation({
    summary: 'Board activity',
    description: 'The board’s retained events as readable entries with actor names, newest first, keyset-paginated (`limit`, `cursor`). Any member.',
  })
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED (limit, cursor)', 404: 'BOARD_NOT_FOUND (also for boards you are not a member of)' })
  ofBoard(@Param('boardId', BoardId) boardId: string, @Query() query: ActivityQueryDto, @CurrentUser() user: AuthUser): Promise<Page<ActivityEntry>> {
    return this.activity.ofBoard(boardId, user.id, query);
  }

  @Get('tasks/:taskId/activity')
  @ApiOperation({ summary: 'Task activity', description: 'The task’s retained events as readable entries, newest first, keyset-paginated. Any member.' })
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED (limit, cursor)', 404: 'BOARD_NOT_FOUND / TASK_NOT_FOUND' })
  ofTask(
    @Param('boardId', BoardId) boardId: string,
    @Param('taskId', TaskId) taskId: string,
    @Query() query: ActivityQueryDto,
    @CurrentUser() user: AuthUser,
  ): Promise<Page<ActivityEntry>> {
    return this.activity.ofTask(boardId, user.id, taskId, query);
  }
}
