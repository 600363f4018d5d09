import { Global, Module } from '@nestjs/common';
import { BoardEventsService } from './board-events.service.js';
import { EventBroadcaster } from './event-broadcaster.js';
import { EventsController } from './events.controller.js';

/** The ordered per-board event stream, used by every feature that writes to a board. */
@Global()
@Module({
  controllers: [EventsController],
  providers: [BoardEventsService, EventBroadcaster],
  exports: [BoardEventsService, EventBroadcaster],
})
export class EventsModule {}
