import { Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@tasklane/contracts';

/** Per-socket data set by the handshake middleware. */
export interface SocketData {
  userId: string;
  /** The credential the socket is authenticated with: its access token's session (`sid`) or its API token's id; null for an access token without `sid`. */
  sessionId: string | null;
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
}
