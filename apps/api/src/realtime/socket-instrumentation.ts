import type { Logger } from '@nestjs/common';
import type { Metrics } from '../metrics/metrics.service.js';
import type { IoServer } from './socket-server.js';

/** The events clients may send (ClientToServerEvents); any other name is counted as `other`, so a client cannot mint label values. */
const KNOWN_EVENTS = new Set(['board:join', 'board:leave', 'auth:refresh']);

/** `ok`, or the error code of a refused ack (`{ ok: false, error: { code } }`), or `unknown`. */
function outcomeOf(response: unknown): string {
  if (typeof response !== 'object' || response === null) return 'unknown';
  const r = response as { ok?: unknown; error?: { code?: unknown } };
  if (r.ok === true) return 'ok';
  return typeof r.error?.code === 'string' ? r.error.code : 'unknown';
}

/**
 * Metrics and debug logs of the Socket.IO server, installed by the gateway before its other
 * handshake middleware (so refused events are counted too):
 *  - gauges read at scrape time: connected sockets and board rooms on this replica (the local
 *    adapter's rooms named `board:…`);
 *  - every incoming event (`onAny` runs before socket middleware, so the rate limit's refusals
 *    count) and every ack with its outcome, by wrapping the ack callback in the first socket
 *    middleware;
 *  - connects and disconnects at debug level with the socket id and user id.
 */
export function instrumentSockets(server: IoServer, metrics: Metrics, logger: Logger): void {
  const nsp = server.of('/');
  metrics.readSocketsFrom(() => {
    let rooms = 0;
    for (const room of nsp.adapter.rooms.keys()) if (room.startsWith('board:')) rooms += 1;
    return { connected: nsp.sockets.size, rooms };
  });
  server.use((socket, next) => {
    socket.onAny((event: unknown) => metrics.socketEvent(typeof event === 'string' && KNOWN_EVENTS.has(event) ? event : 'other'));
    socket.use((packet, done) => {
      const event = typeof packet[0] === 'string' && KNOWN_EVENTS.has(packet[0]) ? packet[0] : 'other';
      const last = packet.length - 1;
      const ack: unknown = packet[last];
      if (last > 0 && typeof ack === 'function') {
        packet[last] = (response: unknown) => {
          metrics.socketAck(event, outcomeOf(response));
          (ack as (r: unknown) => void)(response);
        };
      }
      done();
    });
    next();
  });
  server.on('connection', (socket) => {
    logger.debug({ socketId: socket.id, userId: socket.data.userId }, 'socket connected');
    socket.once('disconnect', (reason) => logger.debug({ socketId: socket.id, userId: socket.data.userId, reason }, 'socket disconnected'));
  });
}
