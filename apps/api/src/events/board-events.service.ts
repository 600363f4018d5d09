import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AnyBoardEvent, BoardEventDataMap, BoardEventType, BoardRole, EventsPage, JoinOk } from '@tasklane/contracts';
import { boardNotFound } from '../board-access/board-access.errors.js';
import { AppError } from '../errors/app-error.js';
import type { Env } from '../config/env.schema.js';
import { Metrics } from '../metrics/metrics.service.js';
import { currentTraceparent } from '../tracing/trace-context.js';
import type { IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { IdempotencyService, IdempotentReplay } from '../idempotency/idempotency.service.js';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { BOARD_NOTIFIER, type BoardNotifier, type NotificationIntent } from './board-notifier.js';
import { BOARD_EVENT_SINK, DUE_DATE_SINK, type BoardEventSink } from './event-sink.js';
import { NOTIFICATION_EMAILS, type NotificationEmailsPort } from './notification-emails.js';
import { BoardEventsRepository, type StreamHead } from './board-events.repository.js';
import { eventsExpired } from './events.errors.js';
import { BoardGroupCommit } from './group-commit.js';
import { OutboxRelay } from './outbox.relay.js';

/**
 * The longest prefix of `events` whose JSON, as one array, takes at most `maxBytes` (UTF-8); never
 * fewer than one event, so a client paging through always moves on.
 */
export function withinBytes<T>(events: readonly T[], maxBytes: number): T[] {
  let used = 2; // "[" and "]"
  for (let i = 0; i < events.length; i++) {
    used += Buffer.byteLength(JSON.stringify(events[i])) + (i > 0 ? 1 : 0);
    if (used > maxBytes && i > 0) return events.slice(0, i);
  }
  return [...events];
}

/**
 * One reader's join ack from its board's catch-up window (BoardEventsRepository.windowsAfter:
 * `lastSeq` and the events after the lowest near `afterSeq` asked of the board, oldest first):
 *  - no window (the board has no stream): null;
 *  - `afterSeq` undefined: `{ ok, seq }`;
 *  - `afterSeq` = lastSeq: `{ ok, seq, events: [] }`;
 *  - `afterSeq` > lastSeq (the reader is ahead of the board: a wrong `from`, or a database
 *    restored to before events the reader saw): `{ ok, seq, resync: true }`, so that it starts over
 *    from a snapshot instead of dropping the next events as ones it has;
 *  - the window holds every event in (afterSeq, lastSeq] (none pruned, none before the window)
 *    and, with `maxBytes`, withinBytes keeps them all: `{ ok, seq, events }`;
 *  - otherwise `{ ok, seq, resync: true }`.
 * Exported for its unit tests.
 */
export function joinAck(window: { lastSeq: number; items: AnyBoardEvent[] } | undefined, afterSeq: number | undefined, maxBytes: number | null): JoinOk | null {
  if (!window) return null;
  const seq = window.lastSeq;
  if (afterSeq === undefined) return { ok: true, seq };
  if (afterSeq > seq) return { ok: true, seq, resync: true };
  if (afterSeq === seq) return { ok: true, seq, events: [] };
  const first = window.items.findIndex((e) => e.seq > afterSeq);
  const events = first < 0 ? [] : window.items.slice(first);
  // Seqs are unique and within (afterSeq, seq], so the count tells whether any is missing.
  if (events.length !== seq - afterSeq) return { ok: true, seq, resync: true };
  if (maxBytes !== null && withinBytes(events, maxBytes).length < events.length) return { ok: true, seq, resync: true };
  return { ok: true, seq, events };
}

/** What one write's body returns inside its transaction: result, event, what to run after COMMIT, and whether it recorded its Idempotency-Key itself. */
interface Done<R, E> {
  result: R;
  event: E | null;
  afterCommit?: (() => void) | null;
  keyRecorded?: boolean;
}

/**
 * Whether a write's failure could come from redoing a write that already committed (a retry):
 * a refusal (AppError: 404 for what the first attempt deleted, 412 for the version it bumped …)
 * other than IDEMPOTENCY_KEY_REUSED, or an integrity constraint violation (SQLSTATE class 23:
 * what the first attempt inserted).
 */
function mayBeRetryOfCommitted(error: unknown): boolean {
  if (error instanceof AppError) return error.code !== 'IDEMPOTENCY_KEY_REUSED';
  const sqlState = (error as { driverError?: { code?: unknown }; code?: unknown }).driverError?.code ?? (error as { code?: unknown }).code;
  return typeof sqlState === 'string' && sqlState.startsWith('23');
}

/**
 * What a write's work function returns: its result, the one event describing the change, and
 * whom to notify (stored in the same transaction through BOARD_NOTIFIER).
 */
export interface WriteOutcome<R, T extends BoardEventType = BoardEventType> {
  result: R;
  event: { type: T; data: BoardEventDataMap[T] };
  notify?: readonly NotificationIntent[];
  /** The changed entity's fields before the write, read by a statement the write runs anyway (handed to DUE_DATE_SINK). */
  before?: Partial<BoardEventDataMap[T]>;
}

/** Passed to a write's work function. */
export interface WriteContext {
  tx: EntityManager;
  /** The seq this write's event will get (the board's last seq + 1; 0 for a new board, which has no event). */
  seq: number;
  /**
   * Tells the stream that the board has an enabled webhook from now on: a write that creates or
   * enables one calls it, so the later writes of its transaction (group commit) hand their events
   * to the webhook sink. The lock reads the flag once per transaction (BoardEventsRepository.lock).
   */
  webhookEnabled(): void;
}

/**
 * `required` of the one write whose actor is not a member of the board yet: accepting an
 * invitation. `write` still locks the board's stream and records the Idempotency-Key, but checks no
 * role: the work function MUST authorize the actor itself, with `ctx.tx`, under the lock (the
 * invitation is pending, unexpired and addressed to the actor's account email; the board is live)
 * and throw when not. Nothing else may use it.
 */
export const AUTHORIZED_BY_INVITATION = Symbol('AUTHORIZED_BY_INVITATION');

/** What a controller passes to a service write: the If-Match version and the Idempotency-Key, if any. */
export interface WriteRequest {
  /** Expected current version (If-Match); a mismatch is 412 with the current entity. */
  ifMatch?: number;
  idempotency?: IdempotencyRequest;
}

/**
 * The per-board ordered event stream, and the one way to write to a board. `write` runs in ONE
 * transaction, which concurrent writes to the same board on this replica share (group commit,
 * see BoardGroupCommit: each in its own savepoint, one lock and one COMMIT for all):
 *   1. lock the board's stream (its advisory lock, granted in arrival order, then
 *      `board_streams … FOR UPDATE`): writes to one board are serialised, so seq order is commit
 *      order;
 *   2. read the caller's role in its own statement, after the lock: under READ COMMITTED each
 *      statement sees what committed before it, so a removal or demotion by the write we waited
 *      for is seen (404 / 403). The writes of one batch read a user's role once
 *      (BoardAccessService.requireUnderLock; a membership change in the batch makes the next write
 *      read it again). Accepting an invitation (AUTHORIZED_BY_INVITATION) authorizes in
 *      step 3 instead: the invitee is not a member yet;
 *   3. the caller's change (`work`);
 *   4. bump the seq, insert the event (the outbox row) and record the Idempotency-Key, if any,
 *      with the response, in one statement; hand the event to the BOARD_EVENT_SINK (webhook
 *      deliveries and their job; only when the board has an enabled webhook, which step 1 reads)
 *      and DUE_DATE_SINK (reminder jobs). A retry of a write that committed finds its key taken
 *      here (its own work is rolled back and it answers the stored response) or, when its work
 *      failed, right after (IdempotencyService);
 *   5. the notification intents (BOARD_NOTIFIER). Without an event (`writeWithoutEvent`,
 *      `create`) the key is recorded here, in a statement of its own.
 * After COMMIT the event is published (OutboxRelay → EventPublisher). A failure anywhere rolls
 * everything back: no change without its event, no event without its change, no gap in seq.
 * `writeWithoutEvent` is the same without step 4 (invitations); `create` is the same without
 * steps 1, 2 and 4: a new board starts at seq 0.
 */
@Injectable()
export class BoardEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: BoardEventsRepository,
    private readonly access: BoardAccessService,
    private readonly idempotency: IdempotencyService,
    private readonly relay: OutboxRelay,
    private readonly config: ConfigService<Env, true>,
    private readonly metrics: Metrics,
    @Optional() @Inject(BOARD_NOTIFIER) private readonly notifier?: BoardNotifier,
    @Optional() @Inject(BOARD_EVENT_SINK) private readonly sink?: BoardEventSink,
    @Optional() @Inject(NOTIFICATION_EMAILS) private readonly emails?: NotificationEmailsPort,
    @Optional() @Inject(DUE_DATE_SINK) private readonly reminders?: BoardEventSink,
  ) {
    this.groupCommit = new BoardGroupCommit(dataSource, (tx, boardId) => this.events.lock(tx, boardId), config.getOrThrow('GROUP_COMMIT_MAX', { infer: true }), (events, writes) => this.published(events, writes));
  }

  private readonly groupCommit: BoardGroupCommit;

  /**
   * Runs `work` as a write on board `boardId` by `actorId`, who needs at least `required`, and
   * returns its result (or, for an Idempotency-Key retry, the first response's).
   * `required` = AUTHORIZED_BY_INVITATION skips the role check (see there): `work` authorizes.
   * A keyed write refused with an AppError or a constraint violation answers the first response
   * instead when its key holds the same request: it is a retry of a write that committed, even
   * when the refusal comes before `work` (the caller was removed since, the board deleted: the
   * client gets the answer it missed, as documented in docs/api.md).
   * @throws AppError BOARD_NOT_FOUND (404) for non-members and deleted or unknown boards,
   *   FORBIDDEN (403) for a too-low role, IDEMPOTENCY_KEY_REUSED (422), and whatever `work`
   *   throws (after rolling back).
   */
  write<R, T extends BoardEventType>(
    boardId: string,
    actorId: string,
    required: BoardRole | typeof AUTHORIZED_BY_INVITATION,
    work: (ctx: WriteContext) => Promise<WriteOutcome<R, T>>,
    idempotency?: IdempotencyRequest,
  ): Promise<R> {
    return this.locked(boardId, actorId, required, idempotency, async (tx, seq, head) => {
      const outcome = await work({ tx, seq: seq + 1, webhookEnabled: () => (head.webhooks = true) });
      // The event's statement also records the Idempotency-Key with the response (one round trip).
      const keyRecord = idempotency ? { userId: idempotency.userId, requestHash: idempotency.requestHash, response: outcome.result } : undefined;
      const { event, keyRecorded } = await this.events.append(tx, boardId, { ...outcome.event, actorId, idempotencyKey: idempotency?.key ?? null, traceparent: currentTraceparent() ?? null, keyRecord });
      if (idempotency) await this.idempotency.recordedOrReplay(tx, idempotency, outcome.result, keyRecorded);
      // Webhook deliveries only on a board that has an enabled webhook (read with the lock).
      if (head.webhooks) await this.sink?.record(tx, event);
      await this.reminders?.record(tx, event, outcome.before);
      const afterCommit = await this.recordNotifications(tx, { boardId, actorId, seq: event.seq, intents: outcome.notify ?? [] });
      return { result: outcome.result, event, afterCommit, keyRecorded: true };
    });
  }

  /**
   * A change to board-scoped data that no member is told about: the same transaction as `write`
   * (stream lock, role check, Idempotency-Key), so it is serialised with the board's writes and
   * sees their effects, but no event and no new seq. Only for data that must not reach every
   * member: invitations (an event would show invitees' emails to viewers).
   * @param work gets the board's current seq as `ctx.seq` (no event will take the next one) and
   *   returns its result and whom to notify (e.g. the invitee).
   * @throws AppError as `write`.
   */
  writeWithoutEvent<R>(
    boardId: string,
    actorId: string,
    required: BoardRole,
    work: (ctx: WriteContext) => Promise<{ result: R; notify?: readonly NotificationIntent[] }>,
    idempotency?: IdempotencyRequest,
  ): Promise<R> {
    return this.locked(boardId, actorId, required, idempotency, async (tx, seq, head) => {
      const outcome = await work({ tx, seq, webhookEnabled: () => (head.webhooks = true) });
      const afterCommit = await this.recordNotifications(tx, { boardId, actorId, seq: 0, intents: outcome.notify ?? [] });
      return { result: outcome.result, event: null, afterCommit };
    });
  }

  /**
   * Holds the board's writes off until `tx` ends (BoardEventsRepository.holdWrites: the board's
   * advisory lock, shared): for a reader outside the write path, a background job, whose own
   * change in `tx` must agree with the board's state it reads after this. Readers holding it do
   * not wait for each other. @throws a database error (lock_timeout)
   */
  holdWrites(tx: EntityManager, boardId: string): Promise<void> {
    return this.events.holdWrites(tx, boardId);
  }

  /** Hands a write's intents to the emails (NOTIFICATION_EMAILS) and the notifier inside its transaction; what to run after COMMIT. */
  private async recordNotifications(tx: EntityManager, write: Parameters<BoardNotifier['record']>[1]): Promise<(() => void) | null> {
    if (write.intents.length === 0) return null;
    await this.emails?.enqueue(tx, write);
    return this.notifier ? this.notifier.record(tx, write) : null;
  }

  /**
   * The transaction of `write` and `writeWithoutEvent`, shared with the board's other concurrent
   * writes on this replica (BoardGroupCommit): lock, then per write authorize, `body`, record the
   * key; COMMIT; then publish the events and notify. A retry answers the first response.
   */
  private async locked<R>(
    boardId: string,
    actorId: string,
    required: BoardRole | typeof AUTHORIZED_BY_INVITATION,
    idempotency: IdempotencyRequest | undefined,
    body: (tx: EntityManager, seq: number, head: StreamHead) => Promise<Done<R, AnyBoardEvent>>,
  ): Promise<R> {
    try {
      const committed = await this.groupCommit.run(boardId, async (tx, seq, head) => {
        if (required !== AUTHORIZED_BY_INVITATION) await this.access.requireUnderLock(tx, boardId, actorId, required);
        return this.idempotently(tx, idempotency, () => body(tx, seq, head));
      });
      return committed.result;
    } catch (error) {
      // BoardGroupCommit rejects a failed write only after its batch ended, so a first attempt
      // committed in the same batch is visible to the read in `retried`.
      return this.retried<R>(idempotency, error);
    }
  }

  /** After a batch's COMMIT: count and publish its events, in seq order. */
  private published(events: AnyBoardEvent[], writes: number): void {
    this.metrics.groupCommitted(writes);
    if (events.length === 0) return;
    const committedAt = performance.now();
    for (const event of events) this.metrics.eventCommitted(event.type);
    this.relay.publishCommitted(events, committedAt);
  }

  /**
   * Creates a board: `work` inserts it (and its owner, columns …) inside the transaction, then the
   * board's stream opens at seq 0. No event: nobody can have joined a board that did not exist.
   * An Idempotency-Key retry answers the first response (as `write`).
   * @throws AppError IDEMPOTENCY_KEY_REUSED (422), and whatever `work` throws (after rolling back).
   */
  async create<R>(boardId: string, work: (ctx: WriteContext) => Promise<R>, idempotency?: IdempotencyRequest): Promise<R> {
    try {
      const committed = await this.dataSource.transaction((tx) =>
        this.idempotently(tx, idempotency, async () => {
          // A new board has no webhook and no event: nothing to tell.
          const result = await work({ tx, seq: 0, webhookEnabled: () => undefined });
          await this.events.open(tx, boardId);
          return { result, event: null };
        }),
      );
      return committed.result;
    } catch (error) {
      return this.retried<R>(idempotency, error);
    }
  }

  /**
   * Runs `body`, then records the Idempotency-Key, if any, with its result, unless `body` did
   * (`keyRecorded`: `write` records it with its event): both in the caller's transaction.
   */
  private async idempotently<R, E>(tx: EntityManager, idempotency: IdempotencyRequest | undefined, body: () => Promise<Done<R, E>>): Promise<Done<R, E>> {
    const done = await body();
    if (idempotency && !done.keyRecorded) await this.idempotency.record(tx, idempotency, done.result);
    return done;
  }

  /**
   * A keyed write that failed and was rolled back, or turned out to be a retry: answers the first
   * attempt's response when the key holds it, else rethrows `error`. Only a refusal (an AppError)
   * or a constraint violation (SQLSTATE class 23) can be the effect of a first attempt that
   * committed, so only those cost a read of the key; an infrastructure failure (no connection, a
   * timeout) is rethrown at once, and a failed read leaves the write's own error standing.
   * @throws AppError IDEMPOTENCY_KEY_REUSED (422) when the key was used for a different request, or `error`.
   */
  private async retried<R>(idempotency: IdempotencyRequest | undefined, error: unknown): Promise<R> {
    if (error instanceof IdempotentReplay) return error.body as R;
    if (!idempotency || !mayBeRetryOfCommitted(error)) throw error;
    const replay = await this.idempotency.replayAfterFailure(this.dataSource.manager, idempotency).catch((readError: unknown) => {
      if ((readError as { code?: unknown }).code === 'IDEMPOTENCY_KEY_REUSED') throw readError;
      return null;
    });
    if (replay) return replay.body as R;
    throw error;
  }

  /** The board's current last seq, or null for an unknown board. */
  currentSeq(boardId: string, db?: EntityManager): Promise<number | null> {
    return this.events.seqOf(boardId, db);
  }

  /** Current seq of several boards (for the `board:seq` heartbeat and board lists): id → seq. */
  async currentSeqs(boardIds: string[]): Promise<Map<string, number>> {
    return boardIds.length === 0 ? new Map() : this.events.seqsOf(boardIds);
  }

  /**
   * Events with seq > `after`, oldest first, at most `limit` (capped at EVENTS_PAGE_MAX) and at most
   * EVENTS_PAGE_MAX_BYTES of JSON (unless RATE_LIMITS=off; at least one event), with the board's seq
   * read in the same snapshot as `lastSeq`. A page cut short ends before `lastSeq`: more follow.
   * @throws AppError BOARD_NOT_FOUND (404) for an unknown board, EVENTS_EXPIRED (410) when events
   *   right after `after` are no longer retained.
   */
  async listAfter(boardId: string, after: number, limit?: number): Promise<EventsPage> {
    const max = this.config.getOrThrow('EVENTS_PAGE_MAX', { infer: true });
    const take = Math.min(limit ?? max, max);
    const page = await this.events.pageAfter(boardId, after, take);
    if (page === null) throw boardNotFound();
    const { items, lastSeq } = page;
    // Retention keeps unpublished events, so a pruned range can leave a hole anywhere in the page.
    if (after < lastSeq && (items.length === 0 || items.some((e, i) => e.seq !== after + 1 + i))) throw eventsExpired(after);
    const capped = this.config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on';
    return { items: capped ? withinBytes(items, this.config.getOrThrow('EVENTS_PAGE_MAX_BYTES', { infer: true })) : items, lastSeq };
  }

  /**
   * What each of many `board:join`s acknowledges, read for all of them by ONE statement
   * (BoardEventsRepository.windowsAfter), per request in order: the board's last seq as `seq` and,
   * with `afterSeq`, `events` (afterSeq, seq] when listAfter(boardId, afterSeq) alone would return
   * them all in one page (all retained, at most EVENTS_PAGE_MAX events and, unless RATE_LIMITS=off,
   * EVENTS_PAGE_MAX_BYTES of JSON; empty when afterSeq ≥ seq), else `resync: true`. Null for a board
   * without a stream (unknown, or deleted since the caller's membership check). Board ids in any
   * case. Requests with the same board and afterSeq share one answer object: callers must not
   * mutate it.
   * @throws node-postgres' error when the read fails (one error for every request).
   */
  async joinAcks(requests: readonly { boardId: string; afterSeq?: number }[]): Promise<(JoinOk | null)[]> {
    const max = this.config.getOrThrow('EVENTS_PAGE_MAX', { infer: true });
    const maxBytes = this.config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on' ? this.config.getOrThrow('EVENTS_PAGE_MAX_BYTES', { infer: true }) : null;
    // PostgreSQL prints uuids in lower case: the windows are keyed so.
    const asked = requests.map((r) => ({ boardId: r.boardId.toLowerCase(), afterSeq: r.afterSeq }));
    const windows = await this.events.windowsAfter(
      asked.map((r) => ({ boardId: r.boardId, after: r.afterSeq ?? null })),
      max,
    );
    const answers = new Map<string, JoinOk | null>();
    return asked.map(({ boardId, afterSeq }) => {
      const key = `${boardId}:${afterSeq ?? '-'}`;
      let answer = answers.get(key);
      if (answer === undefined) answers.set(key, (answer = joinAck(windows.get(boardId), afterSeq, maxBytes)));
      return answer;
    });
  }

  /**
   * Up to `limit` of the board's retained events, newest first, with seq < `beforeSeq` when given
   * and only those about `subject` (a task, column or member id) when given; each with the `data`
   * of the previous retained event about the same subject, or null. The caller checks membership.
   * Read from `board_events` itself, so activity has the stream's retention.
   */
  activity(boardId: string, page: { subject?: string; beforeSeq?: number; limit: number }): Promise<{ event: AnyBoardEvent; before: unknown }[]> {
    return this.events.activity(boardId, page);
  }

  /**
   * Retention of the stream (inside the caller's transaction): deletes published events older
   * than `ageSeconds`, and all but the newest `keep` of each board. Unpublished events are still in
   * the outbox and are kept. Returns how many each rule deleted.
   */
  async prune(tx: EntityManager, ageSeconds: number, keep: number): Promise<{ byAge: number; byCount: number }> {
    return { byAge: await this.events.pruneByAge(tx, ageSeconds), byCount: await this.events.pruneByCount(tx, keep) };
  }
}
