import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SESSION_SOCKETS } from '../auth/session-sockets.js';
import { EVENT_PUBLISHER } from '../events/event-publisher.js';
import { EventsModule } from '../events/events.module.js';
import { HealthModule } from '../health/health.module.js';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { RedisModule } from '../redis/redis.module.js';
import { BoardRoomsService } from './board-rooms.service.js';
import { PresenceService } from './presence.service.js';
import { NOTIFICATION_SOCKETS } from '../notifications/notification-sockets.js';
import { NotificationSocketsAdapter } from './notification-sockets.adapter.js';
import { IMPORT_PROGRESS_SOCKETS } from '../transfer/import-progress.js';
import { ImportProgressSocketsAdapter } from './import-progress-sockets.adapter.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RoomAccessService } from './room-access.service.js';
import { SocketEventPublisher } from './socket-event.publisher.js';
import { SessionSocketsAdapter } from './session-sockets.adapter.js';
import { SocketLimitsService } from './socket-limits.service.js';
import { SocketServer } from './socket-server.js';
import { SocketSessionsService } from './socket-sessions.service.js';

/**
 * Socket.IO: the gateway, the room rules, socket credentials and the publisher of committed events.
 * Global for four ports only: NOTIFICATION_SOCKETS (notifications delivers to user rooms through it), IMPORT_PROGRESS_SOCKETS
 * (transfer pushes import progress to the importer's room through it), EVENT_PUBLISHER (the event stream sits below realtime in the module
 * graph, the gateway reads it, and publishes through this port without importing realtime) and
 * SESSION_SOCKETS (auth, also below realtime, ends the sockets of revoked sessions through it).
 */
@Global()
@Module({
  imports: [AuthModule, BoardAccessModule, EventsModule, HealthModule, RedisModule],
  providers: [
    RealtimeGateway,
    BoardRoomsService,
    PresenceService,
    RoomAccessService,
    SocketServer,
    SocketEventPublisher,
    SocketSessionsService,
    SocketLimitsService,
    SessionSocketsAdapter,
    NotificationSocketsAdapter,
    { provide: NOTIFICATION_SOCKETS, useExisting: NotificationSocketsAdapter },
    ImportProgressSocketsAdapter,
    { provide: IMPORT_PROGRESS_SOCKETS, useExisting: ImportProgressSocketsAdapter },
    { provide: EVENT_PUBLISHER, useExisting: SocketEventPublisher },
    { provide: SESSION_SOCKETS, useExisting: SessionSocketsAdapter },
  ],
  exports: [EVENT_PUBLISHER, SESSION_SOCKETS, NOTIFICATION_SOCKETS, IMPORT_PROGRESS_SOCKETS],
})
export class RealtimeModule {}
