import { AsyncResource } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { AnyBoardEvent } from '@tasklane/contracts';
import { Logger } from '@nestjs/common';
import { boardNotFound } from '../board-access/board-access.errors.js';
import { isDatabaseUnavailable } from '../errors/app-exception.filter.js';
import type { StreamHead } from './board-events.repository.js';

const logger = new Logger('BoardGroupCommit');

/** What one write's step returns to the group commit: its result and the event it appended, if any. */
export interface StepOutcome<R> {
  result: R;
  event: AnyBoardEvent | null;
  /** Run after COMMIT (notifications), in seq order with the batch's other writes. */
  afterCommit?: (() => void) | null;
}

/**
 * One write of a board: everything the write does after the board's lock is held. Runs with `tx`
 * (the batch's transaction, inside a savepoint unless it is the batch's first write), `seq`, the
 * board's last seq before this write (its own event, if any, takes `seq + 1`), and the batch's
 * `head` (what the lock read; a write that adds an enabled webhook sets `head.webhooks`, so the
 * batch's later writes see it).
 */
export type WriteStep<R> = (tx: EntityManager, seq: number, head: StreamHead) => Promise<StepOutcome<R>>;

/** Told once per committed batch, before any of its writes resolves: the events in seq order. */
export type CommittedListener = (events: AnyBoardEvent[], writes: number) => void;

/** Locks the board's stream for the transaction and returns its head (last seq …); null for no such board. */
export type StreamLock = (tx: EntityManager, boardId: string) => Promise<StreamHead | null>;

/**
 * The part of the batch's node-postgres Client used directly: `pipeline` (node-postgres ≥ 8.23,
 * `new Client({ pipeline: true })`, set by DB_PIPELINE) writes a query to the socket at once instead
 * of after the previous one's answer; PostgreSQL still runs a connection's queries one after the
 * other, in the order sent.
 */
interface PgConnection {
  pipeline?: boolean;
  query(text: string): Promise<unknown>;
  /** node-postgres' wire connection and its socket (pg corks it around each extended-protocol query too). */
  connection?: { stream?: { cork?(): void; uncork?(): void } };
}

interface QueuedWrite {
  step: WriteStep<unknown>;
  resolve: (outcome: StepOutcome<unknown>) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

/**
 * Per-board group commit: concurrent writes to one board on this replica share one transaction,
 * so they pay for one lock wait and one COMMIT (one WAL fsync) instead of one each. This is the
 * group commit of database logs (Gawlick & Kinkade, "Varieties of Concurrency Control in IMS/VS
 * Fast Path", 1985; PostgreSQL's own `commit_delay`) and of log brokers' batched appends (Kafka),
 * applied at the level of one board's stream.
 *
 * How a batch runs (one at a time per board and replica; a write that arrives while a batch is
 * open joins it, up to `maxBatch`, otherwise it waits for the next):
 *   1. BEGIN, lock the board's stream (`lock`: the board's advisory lock, which PostgreSQL grants
 *      in arrival order, then its row lock) and read its seq;
 *   2. each write runs its step: the first one directly, every later one inside a SAVEPOINT, so a
 *      write that fails (403, 412, a constraint) is rolled back alone and rejected with its error
 *      once the batch has committed, so that whoever handles the rejection reads what the batch's
 *      earlier writes committed (an Idempotency-Key retry finds its first attempt); when the first
 *      one fails the whole transaction is rolled back (it holds nothing else), it is rejected at
 *      once, and the rest go on in a new one. A lone write so costs no statement more than without
 *      batching, and each later write one more statement (the previous savepoint's RELEASE and the
 *      next SAVEPOINT go as one query; COMMIT takes the last one with it). On a pipelined
 *      connection (DB_PIPELINE, the default) that statement costs no round trip of its own: it is
 *      sent without waiting for its answer, the step's first statement right behind it, and the
 *      answer is checked once the step has run (a failed one fails the batch, see step 3);
 *   3. COMMIT; `onCommitted` gets the batch's events in seq order; each write's `afterCommit` runs
 *      and its promise resolves, in order. If BEGIN, the lock, a savepoint or COMMIT fails, every
 *      write of the batch is rejected with that error (nothing of it was committed); if the
 *      connection broke mid-batch, with `connectionLost` (503).
 * Each write keeps its own validation, role check, Idempotency-Key, ETag check, result and event:
 * only the transaction is shared. Steps run in the async context of the request that queued them
 * (AsyncResource), so traces and the request's log lines (requestId) stay the request's own.
 */
export class BoardGroupCommit {
  private readonly queues = new Map<string, QueuedWrite[]>();

  /**
   * @param maxBatch most writes in one transaction (bounds lock hold time and a failed commit's blast radius).
   */
  constructor(
    private readonly dataSource: Pick<DataSource, 'createQueryRunner'>,
    private readonly lock: StreamLock,
    private readonly maxBatch: number,
    private readonly onCommitted: CommittedListener,
  ) {}

  /** Writes on this replica queued or running, per board (for tests and metrics). */
  get pendingBoards(): number {
    return this.queues.size;
  }

  /**
   * Runs `step` as one write to `boardId` in the board's next batch and returns its outcome once
   * the batch has committed.
   * @throws AppError BOARD_NOT_FOUND (404) when the board has no stream; whatever `step` throws
   *   (that write rolled back alone); the database's error when BEGIN, the lock, a savepoint or
   *   COMMIT fails.
   */
  run<R>(boardId: string, step: WriteStep<R>): Promise<StepOutcome<R>> {
    return new Promise<StepOutcome<R>>((resolve, reject) => {
      // The request's async context, for the batch to run the step in. Not AsyncResource.bind: on
      // Node 20 it also defines a deprecated `asyncResource` getter and setter on every bound
      // function (two util.deprecate wrappers), ~22 µs against ~0.3 µs for this (micro-benchmark).
      const context = new AsyncResource('tasklane.boardWrite');
      const write: QueuedWrite = {
        step: (tx, seq, head) => context.runInAsyncScope(step, undefined, tx, seq, head),
        resolve: resolve as (outcome: StepOutcome<unknown>) => void,
        reject,
        settled: false,
      };
      const queue = this.queues.get(boardId);
      if (queue) {
        queue.push(write);
        return;
      }
      this.queues.set(boardId, [write]);
      void this.drain(boardId);
    });
  }

  /** Runs batches for `boardId` until its queue is empty, then forgets the board. */
  private async drain(boardId: string): Promise<void> {
    const queue = this.queues.get(boardId)!;
    try {
      while (queue.length > 0) await this.batch(boardId, queue);
    } finally {
      this.queues.delete(boardId);
      // A write queued between the last batch and the delete would be stranded: start over for it.
      if (queue.length > 0) {
        this.queues.set(boardId, queue);
        void this.drain(boardId);
      }
    }
  }

  /** One transaction: takes writes from the head of `queue` until it is empty or the batch is full. */
  private async batch(boardId: string, queue: QueuedWrite[]): Promise<void> {
    const done: Array<{ write: QueuedWrite; outcome: StepOutcome<unknown> }> = [];
    // Writes rolled back to their savepoint: rejected once the batch has ended (see step 2).
    const failed: Array<{ write: QueuedWrite; error: unknown }> = [];
    let runner: QueryRunner | null = null;
    let current: QueuedWrite | null = null;
    try {
      runner = this.dataSource.createQueryRunner();
      const connection = (await runner.connect()) as PgConnection;
      await runner.startTransaction();
      const tx = runner.manager;
      const head = await this.lock(tx, boardId);
      if (head === null) {
        // No such board: every write queued for it fails the same way.
        for (const write of queue.splice(0)) settle(write, 'reject', boardNotFound());
        await runner.rollbackTransaction();
        return;
      }
      let seq = head.seq;
      // The savepoint of the previous write: none yet, `clean` (rolled back to, so it can serve the
      // next write as it is) or `used` (it holds a write that succeeded).
      let savepoint: 'none' | 'clean' | 'used' = 'none';
      while (queue.length > 0 && done.length < this.maxBatch) {
        current = queue.shift()!;
        const first = done.length === 0;
        // The savepoint statement when pipelined: its answer, awaited once the step has run.
        let savepointSent: Promise<unknown> | null = null;
        if (!first && savepoint !== 'clean') {
          // The previous write's savepoint is released (merged into the transaction) and the next
          // one set, in one simple-protocol query.
          const text = savepoint === 'used' ? 'RELEASE SAVEPOINT tl_write; SAVEPOINT tl_write' : 'SAVEPOINT tl_write';
          if (connection?.pipeline) savepointSent = sendCorked(connection, text);
          else await runner.query(text);
        }
        let outcome: StepOutcome<unknown>;
        // What the step may change of `head` in memory (webhookEnabled) is undone with its savepoint.
        const webhooks = head.webhooks;
        try {
          outcome = await current.step(tx, seq, head);
        } catch (error) {
          // The step's statements ran after the savepoint's: when that failed (the connection was
          // lost; or RELEASE failed, which aborts the transaction while the previous savepoint still
          // exists, so a ROLLBACK TO below would succeed and undo the previous write, and COMMIT
          // would drop it), so did they, and the batch fails with the savepoint's error (outer catch).
          if (savepointSent) await savepointSent;
          head.webhooks = webhooks;
          if (first) {
            // A connection lost between two statements (TypeORM released the runner, so the step's
            // next query threw QueryRunnerAlreadyReleasedError) is connection_failure too, not a 500.
            settle(current, 'reject', onLostConnection(runner, error));
            current = null;
            // Nothing else is in this transaction: roll it all back, and the rest go on in a new one.
            // When the write failed because the connection broke (PostgreSQL restarting, backend
            // terminated), its transaction died with it and the ROLLBACK cannot be sent (TypeORM has
            // released the runner, or the client is no longer queryable): the rest still go on in a
            // new one, on a new connection, instead of inheriting that error. Any other ROLLBACK
            // failure fails the batch (below), as before.
            const active = runner;
            await active.rollbackTransaction().catch((rollbackError: unknown) => {
              if (!active.isReleased && !isDatabaseUnavailable(rollbackError)) throw rollbackError;
            });
            return;
          }
          failed.push({ write: current, error });
          current = null;
          // ROLLBACK TO keeps the savepoint: the next write runs inside it without another statement.
          await runner.query('ROLLBACK TO SAVEPOINT tl_write');
          savepoint = 'clean';
          continue;
        }
        // Answered before the step's own statements, so settled by now; a failure fails the batch.
        if (savepointSent) await savepointSent;
        if (!first) savepoint = 'used';
        done.push({ write: current, outcome });
        current = null;
        if (outcome.event) seq = outcome.event.seq;
      }
      // COMMIT also commits a savepoint still open: the last write's is never released on its own.
      await runner.commitTransaction();
    } catch (caught) {
      // BEGIN, the lock, a savepoint statement or COMMIT failed: nothing of this batch committed.
      // TypeORM releases a runner whose connection fails, and every later query on it throws
      // QueryRunnerAlreadyReleasedError, which says nothing about why: the writes get "connection
      // lost" (503, retried by the client) instead.
      const error = runner ? onLostConnection(runner, caught) : caught;
      if (runner?.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (current) settle(current, 'reject', error);
      for (const { write } of done) settle(write, 'reject', error);
      // Before any write was taken (no connection, BEGIN or the lock failed, e.g. lock_timeout):
      // the writes waiting now would wait as long and likely fail the same way; they fail now,
      // which also guarantees that every batch settles at least one write.
      if (done.length === 0 && !current) for (const write of queue.splice(0)) settle(write, 'reject', error);
      // Writes rolled back to their savepoint get the batch's error too: theirs may have been
      // caused by a write of this batch that did not commit after all (a 412 after its version
      // bump, an Idempotency-Key retry of it), so it says nothing; the client retries.
      for (const { write } of failed) settle(write, 'reject', error);
      return;
    } finally {
      await runner?.release().catch(() => undefined);
    }
    // Committed: whatever happens from here on, every write of the batch resolves.
    const events = done.flatMap(({ outcome }) => (outcome.event ? [outcome.event] : []));
    try {
      this.onCommitted(events, done.length);
    } catch (error) {
      // The events are in the outbox: the relay publishes what this failed to.
      logger.error(`after-commit publish of ${boardId} failed`, error instanceof Error ? error.stack : String(error));
    }
    for (const { write, outcome } of done) {
      try {
        outcome.afterCommit?.();
      } catch (error) {
        logger.error(`after-commit hook of ${boardId} failed`, error instanceof Error ? error.stack : String(error));
      }
      settle(write, 'resolve', outcome);
    }
    for (const { write, error } of failed) settle(write, 'reject', error);
  }
}

/**
 * The error a batch's writes get when its connection was lost mid-batch: SQLSTATE 08006
 * (connection_failure), which the HTTP layer answers 503 + Retry-After; `cause` is what was thrown.
 */
export function connectionLost(cause: unknown): Error {
  return Object.assign(new Error('The connection to PostgreSQL was lost during the transaction', { cause }), { code: '08006' });
}

/**
 * What a write of a batch is rejected with: `error` itself, unless the runner was released under
 * the batch (TypeORM does that when its connection fails) and `error` does not already say the
 * database is unavailable (QueryRunnerAlreadyReleasedError, from the next query on it): then
 * `connectionLost(error)`.
 */
function onLostConnection(runner: QueryRunner, error: unknown): unknown {
  return runner.isReleased && !isDatabaseUnavailable(error) ? connectionLost(error) : error;
}

/**
 * Sends `text` on a pipelined connection without waiting for its answer, in one socket write with
 * whatever is queued behind it before the event loop moves on (the step's first statement, when
 * the step sends it without waiting for I/O first): the socket is corked until `setImmediate`,
 * which runs after the promise jobs the step's first statement is sent in (Node.js' stream docs,
 * `writable.cork()`: buffered writes go out in one `writev` on uncork). Returns the answer's
 * promise, already observed so that a rejection never counts as unhandled before its caller
 * awaits it.
 */
function sendCorked(connection: PgConnection, text: string): Promise<unknown> {
  const socket = connection.connection?.stream;
  socket?.cork?.();
  const answer = connection.query(text);
  answer.catch(() => undefined);
  if (socket?.uncork) setImmediate(() => socket.uncork!());
  return answer;
}

/** Resolves or rejects a queued write once. */
function settle(write: QueuedWrite, how: 'resolve' | 'reject', value: unknown): void {
  if (write.settled) return;
  write.settled = true;
  if (how === 'resolve') write.resolve(value as StepOutcome<unknown>);
  else write.reject(value);
}
