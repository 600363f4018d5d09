import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { EVENT_PUBLISHER } from '../events/event-publisher.js';
import { EventsModule } from '../events/events.module.js';
import { HealthModule } from '../health/health.module.js';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { RedisModule } from '../redis/redis.module.js';
import { BoardRoomsService } from './board-rooms.service.js';
import { PresenceService } from './presence.service.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RoomAccessService } from './room-access.service.js';
import { SocketEventPublisher } from './socket-event.publisher.js';
import { SocketServer } from './socket-server.js';

/**
 * Socket.IO: the gateway, the room rules and the publisher of committed events. Global for one
 * export only, EVENT_PUBLISHER: the event stream sits below realtime in the module graph (the
 * gateway reads it) and publishes through this port without importing realtime.
 */
@Global()
@Module({
  imports: [AuthModule, BoardAccessModule, EventsModule, HealthModule, RedisModule],
  providers: [RealtimeGateway, BoardRoomsService, PresenceService, RoomAccessService, SocketServer, SocketEventPublisher, { provide: EVENT_PUBLISHER, useExisting: SocketEventPublisher }],
  exports: [EVENT_PUBLISHER],
})
export class RealtimeModule {}
