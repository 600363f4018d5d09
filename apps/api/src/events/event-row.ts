import type { AnyBoardEvent, BoardEventType } from '@tasklane/contracts';

/** A `board_events` row as node-postgres returns it. */
export interface EventRow {
  board_id: string;
  seq: number;
  type: BoardEventType;
  actor_id: string;
  occurred_at: Date;
  data: unknown;
  idempotency_key: string | null;
}

/** SELECT / RETURNING list matching EventRow. */
export const EVENT_COLUMNS = 'board_id, seq, type, actor_id, occurred_at, data, idempotency_key';

/** Row → wire envelope (`idempotencyKey` only when the request had one). */
export function toEnvelope(r: EventRow): AnyBoardEvent {
  const e = { boardId: r.board_id, seq: r.seq, type: r.type, actorId: r.actor_id, occurredAt: r.occurred_at.toISOString(), data: r.data } as AnyBoardEvent;
  if (r.idempotency_key) e.idempotencyKey = r.idempotency_key;
  return e;
}
