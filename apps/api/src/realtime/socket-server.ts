import { Injectable, Logger } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { userRoom, type ClientToServerEvents, type ServerToClientEvents } from '@tasklane/contracts';

/** Per-socket data set by the handshake middleware. */
export interface SocketData {
  userId: string;
  /** The credential the socket is authenticated with: its access token's session (`sid`) or its API token's id; null for an access token without `sid`. */
  sessionId: string | null;
  /** When that credential expires (ms since the epoch), null for one that does not; set by the handshake's last step and by `auth:refresh`. */
  expiresAt: number | null;
}

/** Room of the sockets authenticated through one session or API token (by its id), so that revoking it can disconnect them on every replica. */
export const sessionRoom = (id: string): string => `session:${id}`;

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * The replica's Socket.IO server, for the realtime services that emit outside a socket handler
 * (the event publisher, room evictions, the heartbeat). Nest creates the server with the gateway;
 * the gateway hands it over in `afterInit`, before any client can connect.
 */
@Injectable()
export class SocketServer {
  private readonly logger = new Logger(SocketServer.name);
  private server: IoServer | null = null;

  attach(server: IoServer): void {
    this.server = server;
  }

  /** @throws Error before the gateway initialised (no client can be connected then). */
  get io(): IoServer {
    if (!this.server) throw new Error('Socket.IO server not initialised yet');
    return this.server;
  }

  get initialised(): boolean {
    return this.server !== null;
  }

  /**
   * Emits `event` to the user's room `user:<id>` on every replica (through the adapter; every
   * socket joins its user's room in the handshake). At most once: before the gateway initialised
   * nothing is sent, and a failed emit is logged with `context`, never thrown, since callers run
   * after COMMIT and their clients recover over REST.
   * @param context what the log line says about the payload (ids), and what the client falls back to
   */
  emitToUser<E extends keyof ServerToClientEvents>(userId: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0], context: { fallback: string } & Record<string, unknown>): void {
    if (!this.server) return;
    try {
      this.server.to(userRoom(userId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
    } catch (error) {
      const { fallback, ...ids } = context;
      this.logger.error({ err: error, userId, ...ids }, `${event} emit failed; ${fallback}`);
    }
  }
}
