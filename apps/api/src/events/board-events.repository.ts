import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AnyBoardEvent, BoardEventType } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';

/** A `board_events` row as node-postgres returns it. */
interface EventRow {
  board_id: string;
  seq: number;
  type: BoardEventType;
  actor_id: string;
  occurred_at: Date;
  data: unknown;
  idempotency_key: string | null;
  traceparent: string | null;
}

/** First key of the boards' advisory locks (`pg_advisory_xact_lock(int, int)`): 'TL' + 1, apart from any other user of advisory locks. */
const BOARD_LOCK_SPACE = 0x544c01;

/** SELECT / RETURNING list matching EventRow. */
const EVENT_COLUMNS = 'board_id, seq, type, actor_id, occurred_at, data, idempotency_key, traceparent';

/** EVENT_COLUMNS of a subquery aliased `e`. */
const E_EVENT_COLUMNS = EVENT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ');

/** Row → wire envelope (`idempotencyKey` only when the request had one, `traceparent` only when it was traced). */
function toEnvelope(r: EventRow): AnyBoardEvent {
  const e = { boardId: r.board_id, seq: r.seq, type: r.type, actorId: r.actor_id, occurredAt: r.occurred_at.toISOString(), data: r.data } as AnyBoardEvent;
  if (r.idempotency_key) e.idempotencyKey = r.idempotency_key;
  if (r.traceparent) e.traceparent = r.traceparent;
  return e;
}

/** SQL of an event's subject (the task, column or member it is about); the expression of ix_board_events_subject. */
const SUBJECT = (alias: string): string => `coalesce(${alias}.data->>'id', ${alias}.data->>'userId')`;

/** A board event's identity. */
export interface EventKey {
  boardId: string;
  seq: number;
}

/** A locked board stream: its last seq, and whether the board has an enabled webhook. */
export interface StreamHead {
  seq: number;
  webhooks: boolean;
}

/** What a write appends to its board's stream. */
export interface NewEvent {
  type: BoardEventType;
  actorId: string;
  data: unknown;
  idempotencyKey: string | null;
  /** W3C trace context of the write (null when not traced). */
  traceparent: string | null;
  /**
   * Records `idempotencyKey` for this user with the write's response in the same statement (see
   * `append`); absent or without a key, nothing is recorded.
   */
  keyRecord?: { userId: string; requestHash: string; response: unknown };
}

/**
 * SQL for a board's event stream: `board_streams` (the head: last seq, and the row every write
 * locks) and `board_events` (the events, which are also the transactional outbox: inserted with
 * `published_at` NULL in the write's transaction). Primary key (board_id, seq) serves `after=`
 * reads; a partial index on `published_at IS NULL` serves the relay; a BRIN index on occurred_at
 * serves retention.
 */
@Injectable()
export class BoardEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates the stream of a new board at seq 0. */
  async open(tx: EntityManager, boardId: string): Promise<void> {
    await runPrepared(tx, `INSERT INTO board_streams (board_id) VALUES ($1)`, [boardId]);
  }

  /**
   * Locks the board's stream until the transaction ends and returns its seq; null when there is no
   * such board. First the board's transaction-level advisory lock, then the row lock, in one
   * statement: PostgreSQL queues advisory-lock waiters and grants them in arrival order, whereas
   * waiters for a row lock race each other at every release (some wait many turns), so writers on
   * a busy board from every replica are served first come, first served. The CTE holds a volatile
   * function, so it is evaluated before the join, and the row lock (LockRows) after it.
   * A hash collision of two boards only serialises their writes; it never breaks anything.
   * The same statement reads whether the board has an enabled webhook (`webhooks`, on the
   * webhooks' board index): webhooks are created and enabled only by writes under this lock, so the
   * answer holds for the transaction, and a write on a board without webhooks skips the webhook
   * sink's statement (see BoardEventsService.write).
   */
  async lock(tx: EntityManager, boardId: string): Promise<StreamHead | null> {
    const { rows } = await runPrepared<StreamHead>(
      tx,
      `WITH turn AS (SELECT pg_advisory_xact_lock(${BOARD_LOCK_SPACE}, hashtext($1::uuid::text)))
       SELECT s.seq, EXISTS (SELECT 1 FROM webhooks w WHERE w.board_id = s.board_id AND w.enabled) AS webhooks
         FROM turn, board_streams s WHERE s.board_id = $1::uuid FOR UPDATE OF s`,
      [boardId],
    );
    return rows[0] ?? null;
  }

  /**
   * Holds the board's writes off until the transaction ends, without taking a turn among them: the
   * board's advisory lock (the first half of `lock`), in shared mode. Returns once no write holds
   * the board (a write waiting for its turn before this came is served first: PostgreSQL queues
   * the requests); a write that comes later waits until `tx` ends. Holders of the shared lock do
   * not wait for each other, nor touch `board_streams`. Statements of `tx` after this one see
   * every write of the board that committed before it (READ COMMITTED: a snapshot per statement).
   * @throws a database error (lock_timeout when a write holds the board longer)
   */
  async holdWrites(tx: EntityManager, boardId: string): Promise<void> {
    await runPrepared(tx, `SELECT pg_advisory_xact_lock_shared(${BOARD_LOCK_SPACE}, hashtext($1::uuid::text))`, [boardId]);
  }

  /**
   * Bumps the stream's seq and inserts the event with it, in one statement (the caller holds the
   * lock). With `e.keyRecord` and a key, the same statement also records the Idempotency-Key with
   * the write's response (`INSERT INTO idempotency_keys … ON CONFLICT DO NOTHING`, a data-modifying
   * CTE): the one statement of the idempotency module's table written outside
   * idempotency.repository.ts, because it saves a round trip on every keyed write (issue 13;
   * docs/architecture.md). `keyRecorded` is false when the key already existed (a retry: the caller
   * resolves it through IdempotencyService.recordedOrReplay) or none was given.
   */
  async append(tx: EntityManager, boardId: string, e: NewEvent): Promise<{ event: AnyBoardEvent; keyRecorded: boolean }> {
    const record = e.idempotencyKey !== null && e.keyRecord !== undefined;
    const { rows } = await runPrepared<EventRow & { keys_recorded: number }>(
      tx,
      `WITH next AS (UPDATE board_streams SET seq = seq + 1 WHERE board_id = $1 RETURNING seq),
            recorded AS (
              INSERT INTO idempotency_keys (user_id, key, request_hash, response)
              SELECT $7::uuid, $5, $8, $9::jsonb WHERE $10::boolean
              ON CONFLICT (user_id, key) DO NOTHING RETURNING 1)
       INSERT INTO board_events (board_id, seq, type, actor_id, occurred_at, data, idempotency_key, traceparent)
       SELECT $1, next.seq, $2, $3, clock_timestamp(), $4::jsonb, $5, $6 FROM next
       RETURNING ${EVENT_COLUMNS}, (SELECT count(*) FROM recorded)::int AS keys_recorded`,
      [
        boardId,
        e.type,
        e.actorId,
        JSON.stringify(e.data),
        e.idempotencyKey,
        e.traceparent,
        e.keyRecord?.userId ?? null,
        e.keyRecord?.requestHash ?? null,
        JSON.stringify(e.keyRecord?.response ?? null),
        record,
      ],
    );
    return { event: toEnvelope(rows[0]), keyRecorded: rows[0].keys_recorded > 0 };
  }

  /** The board's last seq, or null for an unknown board. */
  async seqOf(boardId: string, db: EntityManager = this.dataSource.manager): Promise<number | null> {
    const { rows } = await runPrepared<{ seq: number }>(db, `SELECT seq FROM board_streams WHERE board_id = $1`, [boardId]);
    return rows[0]?.seq ?? null;
  }

  /** Last seq of several boards: id → seq (unknown ids are absent). */
  async seqsOf(boardIds: string[]): Promise<Map<string, number>> {
    const { rows } = await runPrepared<{ board_id: string; seq: number }>(this.dataSource.manager, `SELECT board_id, seq FROM board_streams WHERE board_id = ANY($1::uuid[])`, [
      boardIds,
    ]);
    return new Map(rows.map((r) => [r.board_id, r.seq]));
  }

  /**
   * Events with seq > `after`, oldest first, at most `limit`, and the board's last seq, read by ONE
   * statement and so in one snapshot (READ COMMITTED gives each statement its own): an event and
   * the seq bump of its write commit together, so `lastSeq` and `items` always agree. Null for an
   * unknown board. One round trip where a REPEATABLE READ transaction around two SELECTs took five
   * (START TRANSACTION, SET TRANSACTION ISOLATION LEVEL, the two reads, COMMIT); every
   * `GET /boards/:id/events` runs it (socket joins read many boards at once: windowsAfter). Named `select board_events` in the
   * metrics, as the events read it replaced (statementLabel: the first table read).
   */
  async pageAfter(boardId: string, after: number, limit: number): Promise<{ lastSeq: number; items: AnyBoardEvent[] } | null> {
    const { rows } = await runPrepared<{ last_seq: number } & { [K in keyof EventRow]: EventRow[K] | null }>(
      this.dataSource.manager,
      `SELECT s.seq AS last_seq, ${E_EVENT_COLUMNS}
         FROM (SELECT ${EVENT_COLUMNS} FROM board_events WHERE board_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) e
         RIGHT JOIN board_streams s ON s.board_id = e.board_id
        WHERE s.board_id = $1
        ORDER BY e.seq`,
      [boardId, after, limit],
    );
    if (rows.length === 0) return null;
    // No event after `after`: the one row is the stream's, with every event column null.
    const items = rows[0].seq === null ? [] : rows.map((r) => toEnvelope(r as EventRow));
    return { lastSeq: rows[0].last_seq, items };
  }

  /**
   * For joins of many boards at once (a reconnect storm), in ONE statement and so one snapshot:
   * per board that has a stream, its last seq and its catch-up window, the events with seq >
   * `from` where `from` is the lowest `after` asked for that board that is at most `limit` behind
   * the last seq (an `after` further behind is more than one page: its reader resyncs, whatever was
   * read). So the window holds at most `limit` events and covers every nearer reader's page; a
   * board asked only with `after` null (no catch-up) or too far behind reads its seq alone.
   * `requests` may repeat boards and pairs. Boards without a stream are absent. A LATERAL page
   * per board, so each is an index range scan whatever the planner guesses of the windows (a plain
   * join of the two tables was planned as a scan of all of board_events); the upper bound `seq <=
   * last_seq` changes no row but keeps the estimate small (without it, a read of 60 boards was
   * costed past jit_above_cost: 120 ms, 29 ms of it JIT compilation, against 6 ms). Named `select
   * board_events` in the metrics, like pageAfter, by its leading comment (statementLabel). Board
   * ids as PostgreSQL prints them (lower case) in the map.
   * @throws node-postgres' error when the statement fails.
   */
  async windowsAfter(
    requests: readonly { boardId: string; after: number | null }[],
    limit: number,
  ): Promise<Map<string, { lastSeq: number; items: AnyBoardEvent[] }>> {
    const pairs = new Map(requests.map((r) => [`${r.boardId}:${r.after}`, r]));
    const { rows } = await runPrepared<{ stream_id: string; last_seq: number } & { [K in keyof EventRow]: EventRow[K] | null }>(
      this.dataSource.manager,
      `/* select board_events */
       SELECT w.board_id AS stream_id, w.last_seq, ${E_EVENT_COLUMNS}
         FROM (
           SELECT s.board_id, s.seq AS last_seq, min(q.after) AS from_seq
             FROM board_streams s
             LEFT JOIN unnest($1::uuid[], $2::int[]) AS q(board_id, after) ON q.board_id = s.board_id AND q.after >= s.seq - $3
            WHERE s.board_id = ANY($1::uuid[])
            GROUP BY s.board_id, s.seq
         ) w
         LEFT JOIN LATERAL (
           SELECT ${EVENT_COLUMNS} FROM board_events WHERE board_id = w.board_id AND seq > w.from_seq AND seq <= w.last_seq ORDER BY seq LIMIT $3
         ) e ON true
        ORDER BY w.board_id, e.seq`,
      [[...pairs.values()].map((r) => r.boardId), [...pairs.values()].map((r) => r.after), limit],
    );
    const windows = new Map<string, { lastSeq: number; items: AnyBoardEvent[] }>();
    for (const r of rows) {
      let w = windows.get(r.stream_id);
      if (!w) windows.set(r.stream_id, (w = { lastSeq: r.last_seq, items: [] }));
      // A board with nothing to read has one row, its stream's, with every event column null.
      if (r.seq !== null) w.items.push(toEnvelope(r as EventRow));
    }
    return windows;
  }

  /**
   * A page of the board's events, newest first (seq < `beforeSeq` when given), optionally only those
   * about one subject (a task, column or member id; for a task also its comments' and checklist's
   * events, whose `data.taskId` names it), each with the `data` of the previous event about the
   * same subject (for "moved from … to …"; null when none is retained). Subject =
   * `coalesce(data->>'id', data->>'userId')`, served by the expression index ix_board_events_subject
   * (board_id, subject, seq): the per-row look-back is one index probe; `data->>'taskId'` by the
   * partial index ix_board_events_task.
   */
  async activity(boardId: string, page: { subject?: string; beforeSeq?: number; limit: number }): Promise<{ event: AnyBoardEvent; before: unknown }[]> {
    const { rows } = await runPrepared<EventRow & { before: unknown }>(
      this.dataSource.manager,
      `SELECT e.board_id, e.seq, e.type, e.actor_id, e.occurred_at, e.data, e.idempotency_key, e.traceparent, prev.data AS before
         FROM board_events e
         LEFT JOIN LATERAL (
           SELECT p.data FROM board_events p
            WHERE p.board_id = e.board_id AND ${SUBJECT('p')} = ${SUBJECT('e')} AND p.seq < e.seq
            ORDER BY p.seq DESC LIMIT 1
         ) prev ON e.type IN ('task.updated', 'task.moved', 'task.deleted', 'column.updated', 'column.deleted', 'member.removed',
                              'checklist.item_updated', 'checklist.item_deleted', 'label.updated', 'label.deleted')
        WHERE e.board_id = $1 AND ($2::int IS NULL OR e.seq < $2) AND ($3::text IS NULL OR ${SUBJECT('e')} = $3 OR e.data->>'taskId' = $3)
        ORDER BY e.seq DESC LIMIT $4`,
      [boardId, page.beforeSeq ?? null, page.subject ?? null, page.limit],
    );
    return rows.map((r) => ({ event: toEnvelope(r), before: r.before ?? null }));
  }

  /** Marks events published (idempotent: already marked rows keep their time). */
  async markPublished(keys: readonly EventKey[], db: EntityManager = this.dataSource.manager): Promise<void> {
    await runPrepared(
      db,
      `UPDATE board_events e SET published_at = now() FROM unnest($1::uuid[], $2::int[]) AS m(board_id, seq)
        WHERE e.board_id = m.board_id AND e.seq = m.seq AND e.published_at IS NULL`,
      [keys.map((k) => k.boardId), keys.map((k) => k.seq)],
    );
  }

  /**
   * Claims up to `limit` events still unpublished `olderThanMs` after they committed, in (board,
   * seq) order, locking them until the transaction ends; rows another replica's relay holds are
   * skipped (`SKIP LOCKED`), so two relays never claim the same event.
   */
  async claimUnpublished(tx: EntityManager, olderThanMs: number, limit: number): Promise<AnyBoardEvent[]> {
    const { rows } = await runPrepared<EventRow>(
      tx,
      `SELECT ${EVENT_COLUMNS} FROM board_events
        WHERE published_at IS NULL AND occurred_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY board_id, seq LIMIT $2
          FOR UPDATE SKIP LOCKED`,
      [olderThanMs, limit],
    );
    return rows.map(toEnvelope);
  }

  /**
   * The outbox's size (capped at `cap`, so a huge backlog costs a bounded scan) and the age of its
   * oldest event in seconds (0 when empty), on the partial index `ix_board_events_unpublished`
   * (only unpublished rows are in it). For the metrics, once per scrape; named `select board_events
   * unpublished` there, apart from the event reads (catch-up pages) that `select board_events` counts.
   */
  async outboxStats(cap = 100_000): Promise<{ unpublished: number; oldestAgeSeconds: number }> {
    const { rows } = await runPrepared<{ unpublished: number; oldest_age_s: number }>(
      this.dataSource.manager,
      `/* select board_events unpublished */
       SELECT (SELECT count(*)::int FROM (SELECT 1 FROM board_events WHERE published_at IS NULL LIMIT $1) u) AS unpublished,
              coalesce((SELECT extract(epoch FROM clock_timestamp() - min(occurred_at)) FROM board_events WHERE published_at IS NULL), 0)::float8 AS oldest_age_s`,
      [cap],
    );
    return { unpublished: rows[0].unpublished, oldestAgeSeconds: Math.max(0, rows[0].oldest_age_s) };
  }

  /** Deletes published events older than `ageSeconds`; returns how many. */
  async pruneByAge(tx: EntityManager, ageSeconds: number): Promise<number> {
    return (await runPrepared(tx, `DELETE FROM board_events WHERE occurred_at < now() - make_interval(secs => $1) AND published_at IS NOT NULL`, [ageSeconds])).rowCount;
  }

  /** Deletes all but the newest `keep` published events of each board (boards with fewer are not touched); returns how many. */
  async pruneByCount(tx: EntityManager, keep: number): Promise<number> {
    return (
      await runPrepared(
        tx,
        `DELETE FROM board_events e USING board_streams s
          WHERE s.seq > $1 AND e.board_id = s.board_id AND e.seq <= s.seq - $1 AND e.published_at IS NOT NULL`,
        [keep],
      )
    ).rowCount;
  }
}
