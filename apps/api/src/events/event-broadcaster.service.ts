import { Injectable, Logger } from '@nestjs/common';
import type { AnyBoardEvent } from '@tasklane/contracts';

/** Something that delivers committed events to connected clients (the Socket.IO gateway). */
export interface EventSink {
  /**
   * Emits the event to its board room on every replica. Returns false when it could reach only
   * this replica's clients (Redis configured but not connected): the event then stays
   * unpublished and the outbox relay sends it again once Redis is back.
   */
  deliver(event: AnyBoardEvent, resent?: boolean): boolean;
  /** True when a delivery now would reach every replica. */
  readonly canReachAllReplicas: boolean;
}

/**
 * Hands committed events to the realtime layer. The gateway registers itself as the sink when
 * Socket.IO starts; domain modules never depend on Socket.IO.
 */
@Injectable()
export class EventBroadcaster {
  private readonly logger = new Logger(EventBroadcaster.name);
  private sink: EventSink | null = null;

  attach(sink: EventSink): void {
    this.sink = sink;
  }

  get canReachAllReplicas(): boolean {
    return this.sink?.canReachAllReplicas ?? false;
  }

  /**
   * Delivers events in the given order. Never throws: a failed broadcast must not fail a committed
   * write. `resent`: the relay sending them again (no side effects beyond the emit). Returns the
   * events that reached every replica (to be marked published).
   */
  publish(events: readonly AnyBoardEvent[], resent = false): AnyBoardEvent[] {
    const reached: AnyBoardEvent[] = [];
    if (!this.sink) return reached;
    for (const event of events) {
      try {
        if (this.sink.deliver(event, resent)) reached.push(event);
      } catch (error) {
        this.logger.error(`broadcast of ${event.boardId}#${event.seq} failed`, error instanceof Error ? error.stack : String(error));
      }
    }
    return reached;
  }
}
