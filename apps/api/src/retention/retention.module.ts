import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BoardsModule } from '../boards/boards.module.js';
import { EventsModule } from '../events/events.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { RemindersModule } from '../reminders/reminders.module.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionService } from './retention.service.js';

/** Background pruning of events, idempotency keys, refresh tokens, deleted boards, webhook deliveries, notifications and sent reminders. */
@Module({ imports: [AuthModule, BoardsModule, EventsModule, IdempotencyModule, NotificationsModule, RemindersModule], providers: [RetentionService, RetentionRepository] })
export class RetentionModule {}
