import type { EntityManager } from 'typeorm';
import type { AnyBoardEvent } from '@tasklane/contracts';

/**
 * Where a committed board event also goes, recorded inside the write's own transaction: the
 * webhooks feature (one pending delivery per subscribed webhook, and the job that sends them),
 * behind this port so `events` never imports it (like BOARD_NOTIFIER). All or nothing with the
 * write: a failure here rolls the write back, and a rolled-back write leaves no delivery.
 */
export interface BoardEventSink {
  /**
   * Records `event` (just appended, in `tx`). `before`: the changed entity's fields as they were
   * before the write, when the write handed them over (WriteOutcome.before; e.g. a task's `dueAt`
   * and `completedAt` on `task.updated`), for a sink that acts only on some changes. Throws only
   * for a database error.
   */
  record(tx: EntityManager, event: AnyBoardEvent, before?: object): Promise<void>;
}

/** Injection token of the BoardEventSink (optional: without webhooks, events go nowhere else). */
export const BOARD_EVENT_SINK = Symbol('BOARD_EVENT_SINK');

/** Injection token of the second BoardEventSink: due-date reminders (optional). */
export const DUE_DATE_SINK = Symbol('DUE_DATE_SINK');
