import { Injectable, Logger } from '@nestjs/common';
import type { AnyBoardEvent } from '@tasklane/contracts';

/** Something that delivers committed events to connected clients (the Socket.IO gateway). */
export interface EventSink {
  deliver(event: AnyBoardEvent): void;
}

/**
 * Hands committed events to the realtime layer. Services call `publish` after their transaction
 * commits; the gateway registers itself as the sink when Socket.IO starts. Keeps the domain modules
 * free of any Socket.IO dependency.
 */
@Injectable()
export class EventBroadcaster {
  private readonly logger = new Logger(EventBroadcaster.name);
  private sink: EventSink | null = null;

  attach(sink: EventSink): void {
    this.sink = sink;
  }

  /** Delivers events in the given order. Never throws: a failed broadcast must not fail a committed write. */
  publish(events: readonly AnyBoardEvent[]): void {
    for (const event of events) {
      try {
        this.sink?.deliver(event);
      } catch (error) {
        this.logger.error(`broadcast of ${event.boardId}#${event.seq} failed`, error instanceof Error ? error.stack : String(error));
      }
    }
  }
}
