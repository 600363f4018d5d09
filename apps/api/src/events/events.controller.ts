import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventsPage } from '@tasklane/contracts';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { BoardId } from '../board-access/board-access.errors.js';
import { ApiErrors } from '../http/openapi.decorators.js';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { BoardEventsService } from './board-events.service.js';
import { EventsPageDto, EventsQueryDto } from './events.dto.js';

/** REST `/api/v1/boards/:boardId/events`: catch-up reads of the ordered event stream. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('boards/:boardId/events')
export class EventsController {
  constructor(
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Catch up on events',
    description:
      'The events with seq > `after`, in seq order, at most `limit` and at most 1 MiB of JSON (EVENTS_PAGE_MAX_BYTES; at least one event); `lastSeq` is the board’s last seq, so a client sees whether more follow. Any member.',
  })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND (also for boards you are not a member of)', 410: 'EVENTS_EXPIRED: `after` is older than the retained events; refetch the snapshot' })
  async list(@Param('boardId', BoardId) boardId: string, @Query() query: EventsQueryDto, @CurrentUser() user: AuthUser): Promise<EventsPage> {
    await this.access.require(boardId, user.id, 'viewer');
    return this.events.listAfter(boardId, query.after, query.limit);
  }
}
