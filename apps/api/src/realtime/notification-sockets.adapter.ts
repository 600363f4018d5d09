import { Injectable } from '@nestjs/common';
import type { NotificationView } from '@tasklane/contracts';
import type { NotificationSockets } from '../notifications/notification-sockets.js';
import { SocketServer } from './socket-server.js';

/**
 * NOTIFICATION_SOCKETS: `notification:new` to the user's room on every replica (through the Redis
 * adapter). Every socket joins `user:<id>` in the handshake (SocketSessionsService), so a user's
 * sockets on all replicas hear it, each once.
 */
@Injectable()
export class NotificationSocketsAdapter implements NotificationSockets {
  constructor(private readonly sockets: SocketServer) {}

  deliver(userId: string, notification: NotificationView): void {
    this.sockets.emitToUser(userId, 'notification:new', notification, { seq: notification.seq, fallback: 'the client catches up by seq' });
  }
}
