import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { BoardEventsRepository } from './board-events.repository.js';
import { BoardEventsService } from './board-events.service.js';
import { EventsController } from './events.controller.js';
import { OutboxRelay } from './outbox.relay.js';

/**
 * The ordered per-board event stream and the one write path every board write goes through.
 * Publishes through EVENT_PUBLISHER, which RealtimeModule provides (see event-publisher.ts).
 */
@Module({
  imports: [BoardAccessModule, IdempotencyModule],
  controllers: [EventsController],
  providers: [BoardEventsService, BoardEventsRepository, OutboxRelay],
  exports: [BoardEventsService],
})
export class EventsModule {}
