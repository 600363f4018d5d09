import { Global, Module } from '@nestjs/common';
import { BoardEventsService } from './board-events.service.js';
import { EventBroadcaster } from './event-broadcaster.service.js';
import { EventsController } from './events.controller.js';
import { EventRetentionService } from './event-retention.service.js';
import { OutboxRelay } from './outbox.relay.js';

/** The ordered per-board event stream, used by every feature that writes to a board. */
@Global()
@Module({
  controllers: [EventsController],
  providers: [BoardEventsService, EventBroadcaster, OutboxRelay, EventRetentionService],
  exports: [BoardEventsService, EventBroadcaster, OutboxRelay],
})
export class EventsModule {}
