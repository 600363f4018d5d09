import { Injectable, Logger } from '@nestjs/common';
import { userRoom } from '@tasklane/contracts';
import type { SessionSockets } from '../auth/session-sockets.js';
import { sessionRoom, SocketServer } from './socket-server.js';

/**
 * The SessionSockets port of auth (`SESSION_SOCKETS`), on Socket.IO: `session:expired`
 * `{ reason: 'session_revoked' }`, then `disconnectSockets(true)`, to the rooms of the revoked
 * sessions or user. With the Redis adapter both reach every replica (published in that order on
 * one connection, so each replica sends the notice before it disconnects).
 */
@Injectable()
export class SessionSocketsAdapter implements SessionSockets {
  private readonly logger = new Logger(SessionSocketsAdapter.name);

  constructor(private readonly sockets: SocketServer) {}

  endSessions(ids: readonly string[]): void {
    if (ids.length > 0) this.end(ids.map(sessionRoom));
  }

  endUser(userId: string): void {
    this.end([userRoom(userId)]);
  }

  private end(rooms: string[]): void {
    // Before the gateway initialised no socket can exist, so there is nothing to end.
    if (!this.sockets.initialised) return;
    try {
      const io = this.sockets.io;
      io.to(rooms).emit('session:expired', { reason: 'session_revoked' });
      io.in(rooms).disconnectSockets(true);
    } catch (error) {
      // The revocation itself is committed; a socket missed here dies when its access token expires.
      this.logger.error(`ending sockets of ${rooms.join(', ')} failed`, error instanceof Error ? error.stack : String(error));
    }
  }
}
