import type { BoardSummary, ColumnView, MemberEventData, TaskView } from './resources.js';

/** Every event type a board emits, dotted and past tense. */
export const BOARD_EVENT_TYPES = [
  'board.updated',
  'board.deleted',
  'column.created',
  'column.updated',
  'column.deleted',
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'member.added',
  'member.updated',
  'member.removed',
] as const;

export type BoardEventType = (typeof BOARD_EVENT_TYPES)[number];

/** `data` of delete events: the id of what was deleted (a user id for `member.removed`). */
export interface DeletedRef {
  id: string;
}

/** Maps each event type to its `data`: the full entity after the change, or `{ id }` for deletes. */
export interface BoardEventDataMap {
  'board.updated': BoardSummary;
  'board.deleted': DeletedRef;
  'column.created': ColumnView;
  'column.updated': ColumnView;
  /** The column and all of its tasks are gone. */
  'column.deleted': DeletedRef;
  'task.created': TaskView;
  'task.updated': TaskView;
  'task.moved': TaskView;
  'task.deleted': DeletedRef;
  /** Without the email: every member receives board events, and only owners see emails. */
  'member.added': MemberEventData;
  'member.updated': MemberEventData;
  'member.removed': DeletedRef;
}

/**
 * One change on a board. `seq` numbers a board's events 1, 2, 3 … with no gaps, in commit order:
 * the event and the change it describes commit in the same database transaction.
 */
export interface BoardEventEnvelope<T extends BoardEventType = BoardEventType> {
  boardId: string;
  seq: number;
  type: T;
  /** The user whose request caused the change. */
  actorId: string;
  /** When the event was written, inside the transaction of its change; ISO-8601 UTC. */
  occurredAt: string;
  data: BoardEventDataMap[T];
  /** The `Idempotency-Key` of the request that caused it, if it had one. */
  idempotencyKey?: string;
  /**
   * W3C trace context (`traceparent`) of the request that caused it, when the server traces
   * (OpenTelemetry). For correlating with server traces; clients need not read it.
   */
  traceparent?: string;
}

/** Any envelope, discriminated on `type` so `data` narrows in a switch. */
export type AnyBoardEvent = { [K in BoardEventType]: BoardEventEnvelope<K> }[BoardEventType];

/** `GET /boards/:boardId/events?after=&limit=` response. */
export interface EventsPage {
  items: AnyBoardEvent[];
  /** The board's last seq at read time; `items` may stop earlier when `limit` cut it. */
  lastSeq: number;
}
