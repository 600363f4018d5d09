import type { AnyBoardEvent } from '@tasklane/contracts';

/**
 * Where committed events go: the realtime layer's fan-out to every replica's sockets. The event
 * stream publishes only through this port (provided by RealtimeModule under `EVENT_PUBLISHER`), so
 * `events` never imports `realtime`.
 */
export interface EventPublisher {
  /**
   * Emits each event to its board's room on every replica, in the given order. Never throws: a
   * failed broadcast must not fail a committed write. `resent`: the outbox relay sending events
   * again (no side effects beyond the emit). Returns the events handed to a transport that reaches
   * every replica (Redis ready, or no Redis at all: one replica); those are marked published.
   * `committedAt`: `performance.now()` at the COMMIT on this replica, for the fan-out delay metric
   * (without it the delay is measured from each event's `occurredAt`).
   */
  publish(events: readonly AnyBoardEvent[], resent?: boolean, committedAt?: number): AnyBoardEvent[];
  /** True when a publish now would reach every replica. */
  readonly reachesAllReplicas: boolean;
}

/** Injection token of the EventPublisher. */
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
