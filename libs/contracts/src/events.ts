import type { BoardSummary, ChecklistItemView, ChecklistProgress, ColumnView, CommentView, LabelView, MemberEventData, TaskView } from './resources.js';

/** Every event type a board emits, dotted and past tense. */
export const BOARD_EVENT_TYPES = [
  'board.updated',
  'board.deleted',
  'column.created',
  'column.updated',
  'column.deleted',
  'column.archived',
  'column.restored',
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'task.archived',
  'task.restored',
  'comment.created',
  'comment.updated',
  'comment.deleted',
  'checklist.item_created',
  'checklist.item_updated',
  'checklist.item_deleted',
  'label.created',
  'label.updated',
  'label.deleted',
  'member.added',
  'member.updated',
  'member.removed',
] as const;

export type BoardEventType = (typeof BOARD_EVENT_TYPES)[number];

/** `data` of delete events: the id of what was deleted (a user id for `member.removed`). */
export interface DeletedRef {
  id: string;
}

/** `data` of `comment.created` and `comment.updated`: the comment and its task's comment count after the change. */
export type CommentEventData = CommentView & { commentCount: number };

/** `data` of `comment.deleted`. */
export interface CommentDeletedData {
  id: string;
  taskId: string;
  commentCount: number;
}

/** `data` of `checklist.item_created` and `checklist.item_updated` (also a move): the item and its task's progress after the change. */
export type ChecklistItemEventData = ChecklistItemView & { progress: ChecklistProgress };

/** `data` of `checklist.item_deleted`. */
export interface ChecklistItemDeletedData {
  id: string;
  taskId: string;
  progress: ChecklistProgress;
}

/** `data` of `column.restored`: the column, and its tasks that come back with it (not those archived on their own), by position. */
export interface ColumnRestoredData {
  column: ColumnView;
  tasks: TaskView[];
}

/** Maps each event type to its `data`: the full entity after the change, or `{ id }` for deletes. */
export interface BoardEventDataMap {
  'board.updated': BoardSummary;
  'board.deleted': DeletedRef;
  'column.created': ColumnView;
  'column.updated': ColumnView;
  /** The column and all of its tasks are gone. */
  'column.deleted': DeletedRef;
  /** The column and its tasks leave the board view (they stay in the archive). */
  'column.archived': ColumnView;
  'column.restored': ColumnRestoredData;
  'task.created': TaskView;
  'task.updated': TaskView;
  'task.moved': TaskView;
  'task.deleted': DeletedRef;
  /** The task leaves the board view. */
  'task.archived': TaskView;
  /** The task is back in the board view (at its old position). */
  'task.restored': TaskView;
  'comment.created': CommentEventData;
  'comment.updated': CommentEventData;
  'comment.deleted': CommentDeletedData;
  'checklist.item_created': ChecklistItemEventData;
  'checklist.item_updated': ChecklistItemEventData;
  'checklist.item_deleted': ChecklistItemDeletedData;
  'label.created': LabelView;
  'label.updated': LabelView;
  /** The label is gone, and removed from every task's `labelIds` (without changing their `version`). */
  'label.deleted': DeletedRef;
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
