import { Injectable, Logger } from '@nestjs/common';
import { boardRoom, type AnyBoardEvent } from '@tasklane/contracts';
import type { EventPublisher } from '../events/event-publisher.js';
import { RedisConnections } from '../redis/redis-connections.service.js';
import { RoomAccessService } from './room-access.service.js';
import { SocketServer } from './socket-server.js';

/**
 * The EventPublisher of this app: emits `board:event` to the board's room on every replica
 * (through the Redis adapter) and, on an event's first delivery, applies its room rules
 * (evictions). An event counts as reaching every replica when Redis was ready at the emit, or
 * when there is no Redis (one replica).
 */
@Injectable()
export class SocketEventPublisher implements EventPublisher {
  private readonly logger = new Logger(SocketEventPublisher.name);

  constructor(
    private readonly sockets: SocketServer,
    private readonly rooms: RoomAccessService,
    private readonly redis: RedisConnections,
  ) {}

  get reachesAllReplicas(): boolean {
    return this.sockets.initialised && this.redis.ready;
  }

  publish(events: readonly AnyBoardEvent[], resent = false): AnyBoardEvent[] {
    if (!this.sockets.initialised) return [];
    const reached: AnyBoardEvent[] = [];
    for (const event of events) {
      try {
        const reachesAll = this.redis.ready;
        this.sockets.io.to(boardRoom(event.boardId)).emit('board:event', event);
        // A re-sent event has no side effects: the member may be back by then.
        if (!resent) this.rooms.afterEvent(event);
        if (reachesAll) reached.push(event);
      } catch (error) {
        this.logger.error(`broadcast of ${event.boardId}#${event.seq} failed`, error instanceof Error ? error.stack : String(error));
      }
    }
    return reached;
  }
}
