import { Injectable, Logger } from '@nestjs/common';
import { boardRoom, type AnyBoardEvent } from '@tasklane/contracts';
import type { EventPublisher } from '../events/event-publisher.js';
import { Metrics } from '../metrics/metrics.service.js';
import { inSpan } from '../tracing/trace-context.js';
import { RedisConnections } from '../redis/redis-connections.service.js';
import { RoomAccessService } from './room-access.service.js';
import { SocketServer } from './socket-server.js';

/**
 * The EventPublisher of this app: emits `board:event` to the board's room on every replica
 * (through the Redis adapter) and, on an event's first delivery, applies its room rules
 * (evictions). An event counts as reaching every replica when Redis was ready at the emit, or
 * when there is no Redis (one replica). Each emit is a `board:event publish` span (the Redis publish
 * the ioredis instrumentation records is its child) and one `tasklane_fanout_delay_seconds`
 * observation on this replica: from the COMMIT when the caller passes it (the committing
 * replica), else from the event's `occurredAt` (the relay's re-sends). Other replicas measure on
 * arrival (redis-io.adapter.ts). The PUBLISHes of one call (a group-commit batch's events, a relay
 * re-send) leave for Redis in one write (RedisConnections.batchWrites).
 */
@Injectable()
export class SocketEventPublisher implements EventPublisher {
  private readonly logger = new Logger(SocketEventPublisher.name);

  constructor(
    private readonly sockets: SocketServer,
    private readonly rooms: RoomAccessService,
    private readonly redis: RedisConnections,
    private readonly metrics: Metrics,
  ) {}

  get reachesAllReplicas(): boolean {
    return this.sockets.initialised && this.redis.ready;
  }

  publish(events: readonly AnyBoardEvent[], resent = false, committedAt?: number): AnyBoardEvent[] {
    if (!this.sockets.initialised) return [];
    return this.redis.batchWrites(() => this.emitEach(events, resent, committedAt));
  }

  private emitEach(events: readonly AnyBoardEvent[], resent: boolean, committedAt: number | undefined): AnyBoardEvent[] {
    const reached: AnyBoardEvent[] = [];
    for (const event of events) {
      try {
        const reachesAll = this.redis.ready;
        inSpan('board:event publish', { 'tasklane.board_id': event.boardId, 'tasklane.seq': event.seq, 'tasklane.event_type': event.type }, () =>
          this.sockets.io.to(boardRoom(event.boardId)).emit('board:event', event),
        );
        this.metrics.fanoutDelay(committedAt === undefined ? (Date.now() - Date.parse(event.occurredAt)) / 1000 : (performance.now() - committedAt) / 1000);
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
