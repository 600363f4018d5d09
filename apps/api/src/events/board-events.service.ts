import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AnyBoardEvent, BoardEventDataMap, BoardEventType, BoardRole, EventsPage } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { runPrepared } from '../database/prepared.js';
import { AppError, boardNotFound } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { claimIdempotencyKey, storeIdempotentResponse, type IdempotencyRequest } from '../idempotency/idempotency.js';
import { assertRole, type RequiredRole } from '../members/board-access.service.js';
import { EVENT_COLUMNS, toEnvelope, type EventRow } from './event-row.js';
import { OutboxRelay } from './outbox.relay.js';

/** What a write's work function returns: its result and the one event describing the change. */
export interface WriteOutcome<R, T extends BoardEventType = BoardEventType> {
  result: R;
  event: { type: T; data: BoardEventDataMap[T] };
}

/** Passed to a write's work function: the transaction and the caller's verified role. */
export interface WriteContext {
  tx: EntityManager;
  role: BoardRole;
  /** The board's seq before this write (the write's event will be seq + 1). */
  seq: number;
}

/** What a controller passes to a service write: the If-Match version and the Idempotency-Key, if any. */
export interface WriteRequest {
  /** Expected current version (If-Match); a mismatch is 412 with the current entity. */
  ifMatch?: number;
  idempotency?: IdempotencyRequest;
}

/** How a service asks for a write: optional Idempotency-Key and the status a success answers with. */
export interface WriteOptions {
  idempotency?: IdempotencyRequest;
  /** HTTP status stored with an idempotent response (default 200). */
  successStatus?: number;
}

/** The result of a write. `replayed`: an Idempotency-Key retry, answered from the stored response without writing. */
export interface Committed<R> {
  result: R;
  event: AnyBoardEvent | null;
  replayed: boolean;
}

/**
 * The per-board ordered event stream. Every board write goes through `write`, which runs in ONE
 * transaction:
 *   1. `SELECT … FROM boards … FOR UPDATE` with the caller's membership: checks the role and takes
 *      the board's row lock, so writes to one board are serialised and seq order is commit order;
 *   2. the Idempotency-Key claim, if any (a retry returns the stored response here);
 *   3. the caller's change (`work`);
 *   4. `UPDATE boards SET seq = seq + 1 … RETURNING seq` and the `board_events` insert (the
 *      outbox row), in one statement; the idempotent response, if any.
 * After COMMIT the event is broadcast (OutboxRelay). A failure anywhere rolls everything back: no
 * change without its event, no event without its change, no gap in seq.
 */
@Injectable()
export class BoardEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /**
   * Runs `work` as a write on board `boardId` by `actorId`, who needs at least `required`.
   * @throws AppError BOARD_NOT_FOUND (404) for non-members and deleted or unknown boards,
   *   FORBIDDEN (403) for a too-low role, IDEMPOTENCY_KEY_REUSED (422), and whatever `work`
   *   throws (after rolling back).
   */
  async write<R, T extends BoardEventType>(
    boardId: string,
    actorId: string,
    required: RequiredRole,
    work: (ctx: WriteContext) => Promise<WriteOutcome<R, T>>,
    options: WriteOptions = {},
  ): Promise<Committed<R>> {
    const committed = await this.dataSource.transaction(async (tx): Promise<Committed<R>> => {
      // Locks the board row and share-locks the caller's membership row in one statement. If it
      // waits for the board lock, PostgreSQL re-checks the locked rows afterwards (EvalPlanQual),
      // so a membership removed or demoted by the write we waited for is seen: with a plain LEFT
      // JOIN the role read before the wait was used, and a removed member could still write.
      const { rows: locked } = await runPrepared<{ seq: number; role: BoardRole }>(
        tx,
        `SELECT b.seq, m.role FROM boards b
           JOIN board_members m ON m.board_id = b.id AND m.user_id = $2
          WHERE b.id = $1 AND b.deleted_at IS NULL
            FOR UPDATE OF b FOR SHARE OF m`,
        [boardId, actorId],
      );
      // No row: no such board, deleted, or not a member: the same 404 either way.
      if (locked.length === 0) throw boardNotFound();
      const role = assertRole(locked[0].role, required);
      if (options.idempotency) {
        const stored = await claimIdempotencyKey(tx, options.idempotency);
        if (stored) return { result: stored.body as R, event: null, replayed: true };
      }
      const outcome = await work({ tx, role, seq: locked[0].seq });
      const {
        rows: [row],
      } = await runPrepared<EventRow>(
        tx,
        `WITH next AS (UPDATE boards SET seq = seq + 1 WHERE id = $1 RETURNING seq)
         INSERT INTO board_events (board_id, seq, type, actor_id, occurred_at, data, idempotency_key)
         SELECT $1, next.seq, $2, $3, clock_timestamp(), $4::jsonb, $5 FROM next
         RETURNING ${EVENT_COLUMNS}`,
        [boardId, outcome.event.type, actorId, JSON.stringify(outcome.event.data), options.idempotency?.key ?? null],
      );
      if (options.idempotency) {
        await storeIdempotentResponse(tx, options.idempotency, { statusCode: options.successStatus ?? 200, body: outcome.result });
      }
      return { result: outcome.result, event: toEnvelope(row), replayed: false };
    });
    if (committed.event) this.relay.publishCommitted([committed.event]);
    return committed;
  }

  /** The board's current last seq, or null for a deleted or unknown board. */
  async currentSeq(boardId: string, manager: EntityManager = this.dataSource.manager): Promise<number | null> {
    const rows = (await manager.query(`SELECT seq FROM boards WHERE id = $1`, [boardId])) as { seq: number }[];
    return rows[0]?.seq ?? null;
  }

  /** Current seq of several boards (for the `board:seq` heartbeat): id → seq. */
  async currentSeqs(boardIds: string[]): Promise<Map<string, number>> {
    if (boardIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, seq FROM boards WHERE id = ANY($1::uuid[])`, [boardIds])) as { id: string; seq: number }[];
    return new Map(rows.map((r) => [r.id, r.seq]));
  }

  /**
   * Events with seq > `after`, oldest first, at most `limit` (capped at EVENTS_PAGE_MAX).
   * `lastSeq` is the board's seq read in the same snapshot.
   * @throws AppError EVENTS_EXPIRED (410) when events right after `after` are no longer retained.
   */
  async listAfter(boardId: string, after: number, limit?: number): Promise<EventsPage> {
    const max = this.config.getOrThrow('EVENTS_PAGE_MAX', { infer: true });
    const take = Math.min(limit ?? max, max);
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const lastSeq = await this.currentSeq(boardId, tx);
      if (lastSeq === null) throw boardNotFound();
      const rows = (await tx.query(
        `SELECT ${EVENT_COLUMNS} FROM board_events WHERE board_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [boardId, after, take],
      )) as EventRow[];
      // Retention keeps unpublished events, so a pruned range can leave a hole anywhere in the page.
      if (after < lastSeq && (rows.length === 0 || rows.some((r, i) => r.seq !== after + 1 + i))) {
        throw new AppError(ErrorCode.EventsExpired, `Events after seq ${after} are no longer retained; refetch the board snapshot`);
      }
      return { items: rows.map(toEnvelope), lastSeq };
    });
  }
}
