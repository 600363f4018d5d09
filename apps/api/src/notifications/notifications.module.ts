import { Global, Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { BoardsModule } from '../boards/boards.module.js';
import { BOARD_NOTIFIER } from '../events/board-notifier.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { UsersModule } from '../users/users.module.js';
import { BoardNotifierAdapter } from './board-notifier.adapter.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

/**
 * Notifications: provides BOARD_NOTIFIER (global, so `events` gets it without importing this
 * module, like EVENT_PUBLISHER) and `/users/me/notifications`. Delivers live through
 * NOTIFICATION_SOCKETS, which RealtimeModule provides.
 */
@Global()
@Module({
  imports: [BoardAccessModule, BoardsModule, TasksModule, UsersModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsRepository, BoardNotifierAdapter, { provide: BOARD_NOTIFIER, useExisting: BoardNotifierAdapter }],
  exports: [BOARD_NOTIFIER],
})
export class NotificationsModule {}
