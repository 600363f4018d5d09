import { Injectable, Logger } from '@nestjs/common';
import { userRoom, type NotificationView } from '@tasklane/contracts';
import type { NotificationSockets } from '../notifications/notification-sockets.js';
import { SocketServer } from './socket-server.js';

/**
 * NOTIFICATION_SOCKETS: `notification:new` to the user's room on every replica (through the Redis
 * adapter). Every socket joins `user:<id>` in the handshake (SocketSessionsService), so a user's
 * sockets on all replicas hear it, each once.
 */
@Injectable()
export class NotificationSocketsAdapter implements NotificationSockets {
  private readonly logger = new Logger(NotificationSocketsAdapter.name);

  constructor(private readonly sockets: SocketServer) {}

  deliver(userId: string, notification: NotificationView): void {
    if (!this.sockets.initialised) return;
    try {
      this.sockets.io.to(userRoom(userId)).emit('notification:new', notification);
    } catch (error) {
      this.logger.error({ err: error, userId, seq: notification.seq }, 'notification:new emit failed; the client catches up by seq');
    }
  }
}
