import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NotificationPage, UnreadCount } from '@tasklane/contracts';
import { validationFailed } from '../errors/common.errors.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiErrors } from '../http/openapi.decorators.js';
import { ListNotificationsQueryDto, MarkReadDto, NotificationPageDto, UnreadCountDto } from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

/** REST `/api/v1/users/me/notifications`: the caller's notifications, unread count, mark read. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('users/me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary: 'My notifications',
    description:
      'Newest first, keyset-paginated (`limit`, `cursor`); `unread=true` for unread only; `afterSeq=n` for those after seq n (catch-up after a reconnect: `notification:new` carries the seq). With the unread count and your last seq.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED (unread, afterSeq, limit, cursor)' })
  list(@Query() query: ListNotificationsQueryDto, @CurrentUser() user: AuthUser): Promise<NotificationPage> {
    return this.notifications.list(user.id, query);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'My unread count', description: 'How many of your notifications are unread.' })
  @ApiOkResponse({ type: UnreadCountDto })
  unreadCount(@CurrentUser() user: AuthUser): Promise<UnreadCount> {
    return this.notifications.unreadCount(user.id);
  }

  @Post('read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark notifications read', description: '`{ ids: [...] }` (ids of others’ notifications are ignored) or `{ all: true }`. Answers the new unread count. Idempotent.' })
  @ApiOkResponse({ type: UnreadCountDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED: neither or both of ids and all, or ids not UUIDs' })
  markRead(@Body() dto: MarkReadDto, @CurrentUser() user: AuthUser): Promise<UnreadCount> {
    if (dto.ids !== undefined && dto.all !== undefined) throw validationFailed([{ field: 'all', errors: ['send ids or all, not both'] }]);
    return this.notifications.markRead(user.id, dto.all ? null : (dto.ids ?? []));
  }
}
