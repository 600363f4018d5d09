import { applyEvent, cloneState, normalizeState, type BoardState } from '@tasklane/client';
import type { AnyBoardEvent, BoardSnapshot } from '@tasklane/contracts';
import type { ConsistencyReport } from './metrics.js';

/** How many error descriptions the report keeps (all of them are counted). */
const KEEP_ERRORS = 20;

interface StreamRecord {
  id: number;
  boardId: string;
  via: string;
  /** Last seq delivered (or the seq of the snapshot it last started from). */
  last: number;
  /** Snapshots the stream started from: the first, then one per resync. */
  starts: BoardState[];
  excluded: boolean;
}

interface BoardLog {
  /** The first copy of each event any client received: the canonical stream. */
  events: Map<number, AnyBoardEvent>;
  streams: StreamRecord[];
}

/** The snapshots every target answered for one board at the end: `GET /boards/:id` per target. */
export type FinalSnapshots = Map<string, { via: string; snapshot: BoardSnapshot }[]>;

/**
 * The end-of-run proof that every client saw the same board history, the one the database holds
 * (the checks of apps/api/test/multi-replica.e2e-spec.ts, at load-test scale):
 *  1. contiguous: each stream's events are seq start+1, start+2, … with no gap or repeat (checked
 *     as they arrive; a resync restarts the count from the new snapshot);
 *  2. identical: every client's event under a seq deep-equals the first copy any client got (key
 *     order aside: jsonb reorders keys);
 *  3. complete: each stream reached the board's final seq;
 *  4. convergent: every target's final snapshot has the same seq and content, and replaying the
 *     canonical events onto each distinct snapshot a stream started from gives that final state
 *     (`normalizeState` form).
 * Memory: one copy of each event per board, not per client; a replay per distinct start snapshot.
 */
export class ConsistencyChecker {
  private readonly boards = new Map<string, BoardLog>();
  private readonly streams: StreamRecord[] = [];
  private readonly errors: string[] = [];
  private errorCount = 0;

  /** Registers a stream that starts from `start` (shared objects are fine: they are never mutated). @returns its id */
  addStream(boardId: string, via: string, start: BoardState): number {
    const record: StreamRecord = { id: this.streams.length, boardId, via, last: start.seq, starts: [start], excluded: false };
    this.streams.push(record);
    this.board(boardId).streams.push(record);
    return record.id;
  }

  /** Leaves a stream out of the checks (it failed to start; reported as a socket failure instead). */
  exclude(streamId: number): void {
    this.streams[streamId].excluded = true;
  }

  /** One event handed to a stream's onEvent. */
  onEvent(streamId: number, event: AnyBoardEvent): void {
    const s = this.streams[streamId];
    if (s.excluded) return;
    if (event.seq !== s.last + 1) {
      this.fail(`stream #${s.id} (board ${short(s.boardId)} via ${s.via}): expected seq ${s.last + 1}, got ${event.seq}`);
    }
    s.last = event.seq;
    const log = this.board(s.boardId);
    const first = log.events.get(event.seq);
    if (!first) log.events.set(event.seq, event);
    else if (!jsonEqual(first, event)) {
      this.fail(`stream #${s.id} (board ${short(s.boardId)} via ${s.via}): seq ${event.seq} differs from another client's copy: ${JSON.stringify(first).slice(0, 200)} vs ${JSON.stringify(event).slice(0, 200)}`);
    }
  }

  /** A stream started over from a fresh snapshot (resync): its contiguity restarts there. */
  onSnapshot(streamId: number, snapshot: BoardState): void {
    const s = this.streams[streamId];
    s.last = snapshot.seq;
    s.starts.push(snapshot);
  }

  /**
   * Runs checks 3 and 4 against `finals` (every checked board must be present) and reports all
   * four. Call once, after the streams had the chance to reach the final seq.
   */
  verify(finals: FinalSnapshots): ConsistencyReport {
    let replaysCompared = 0;
    let boardsChecked = 0;
    for (const [boardId, log] of this.boards) {
      const live = log.streams.filter((s) => !s.excluded);
      const targets = finals.get(boardId) ?? [];
      if (targets.length === 0) {
        this.fail(`board ${short(boardId)}: no final snapshot to compare with`);
        continue;
      }
      boardsChecked += 1;
      const [reference, ...others] = targets;
      const finalSeq = reference.snapshot.seq;
      const normalizedFinal = normalizeState(reference.snapshot);
      for (const other of others) {
        if (other.snapshot.seq !== finalSeq) this.fail(`board ${short(boardId)}: final seq ${other.snapshot.seq} via ${other.via} but ${finalSeq} via ${reference.via}`);
        else if (!same(normalizeState(other.snapshot), normalizedFinal)) {
          this.fail(`board ${short(boardId)}: final snapshot via ${other.via} differs from ${reference.via}: ${describeDifference(normalizeState(other.snapshot), normalizedFinal)}`);
        }
      }
      for (const s of live) {
        if (s.last !== finalSeq) this.fail(`stream #${s.id} (board ${short(boardId)} via ${s.via}): ended at seq ${s.last}, the board is at ${finalSeq}`);
      }
      // One replay per distinct start snapshot: streams on the same target share the object, and
      // equal snapshots from different targets need only be compared, not replayed again.
      const distinct: BoardState[] = [];
      for (const start of new Set(live.flatMap((s) => s.starts))) {
        const twin = distinct.find((d) => d.seq === start.seq && same(normalizeState(d), normalizeState(start)));
        if (twin) continue;
        if (distinct.some((d) => d.seq === start.seq)) {
          this.fail(`board ${short(boardId)}: two start snapshots of seq ${start.seq} differ: ${describeDifference(normalizeState(start), normalizeState(distinct.find((d) => d.seq === start.seq)!))}`);
        }
        distinct.push(start);
      }
      for (const start of distinct) {
        const replay = cloneState(start);
        let complete = true;
        for (let seq = start.seq + 1; seq <= finalSeq; seq++) {
          const entry = log.events.get(seq);
          if (!entry) {
            this.fail(`board ${short(boardId)}: no client received seq ${seq}, cannot replay from seq ${start.seq}`);
            complete = false;
            break;
          }
          applyEvent(replay, entry);
        }
        if (!complete) continue;
        const normalizedReplay = normalizeState(replay);
        for (const t of targets) {
          replaysCompared += 1;
          if (!same(normalizedReplay, normalizeState(t.snapshot))) {
            this.fail(`board ${short(boardId)}: replaying seq ${start.seq + 1}..${finalSeq} onto the seq-${start.seq} snapshot differs from the final snapshot via ${t.via}: ${describeDifference(normalizedReplay, normalizeState(t.snapshot))}`);
          }
        }
      }
    }
    return {
      ok: this.errorCount === 0,
      errors: this.errorCount,
      first: [...this.errors],
      streamsChecked: this.streams.filter((s) => !s.excluded).length,
      boardsChecked,
      replaysCompared,
    };
  }

  /** Errors found so far (the live checks 1 and 2 run during the load). */
  get errorsSoFar(): number {
    return this.errorCount;
  }

  private board(boardId: string): BoardLog {
    let log = this.boards.get(boardId);
    if (!log) this.boards.set(boardId, (log = { events: new Map(), streams: [] }));
    return log;
  }

  private fail(message: string): void {
    this.errorCount += 1;
    if (this.errors.length < KEEP_ERRORS) this.errors.push(message);
  }
}

const short = (id: string): string => id.slice(0, 8);

/**
 * Deep equality of JSON data (objects, arrays, strings, numbers, booleans, null), ignoring key order
 * and object prototypes (unlike util.isDeepStrictEqual, which fails on objects from another realm).
 * Allocation-free apart from Object.keys: it runs once per delivery, tens of thousands per second.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Deep equality of JSON data, ignoring key order (see jsonEqual). */
export const same = (a: unknown, b: unknown): boolean => jsonEqual(a, b);

type Normalized = ReturnType<typeof normalizeState>;

/**
 * A short human description of the first difference between two normalized board states (for
 * error messages): a differing scalar field, or the first column/task/member that is missing,
 * extra or different.
 */
export function describeDifference(actual: Normalized, expected: Normalized): string {
  for (const key of Object.keys(expected) as (keyof Normalized)[]) {
    if (key === 'columns' || key === 'tasks' || key === 'members') continue;
    if (!same(actual[key], expected[key])) return `${key}: ${JSON.stringify(actual[key])} ≠ ${JSON.stringify(expected[key])}`;
  }
  const lists: [string, { [k: string]: unknown }[], { [k: string]: unknown }[], string][] = [
    ['columns', actual.columns as never, expected.columns as never, 'id'],
    ['tasks', actual.tasks as never, expected.tasks as never, 'id'],
    ['members', actual.members as never, expected.members as never, 'userId'],
  ];
  for (const [name, a, e, idKey] of lists) {
    if (same(a, e)) continue;
    const byId = new Map(a.map((x) => [x[idKey], x]));
    for (const x of e) {
      const y = byId.get(x[idKey]);
      if (!y) return `${name}: ${String(x[idKey]).slice(0, 8)} missing`;
      if (!same(x, y)) {
        const field = Object.keys(x).find((k) => !same(x[k], y[k]));
        return `${name}: ${String(x[idKey]).slice(0, 8)}.${field} ${JSON.stringify(y[field!])} ≠ ${JSON.stringify(x[field!])}`;
      }
    }
    const expectedIds = new Set(e.map((x) => x[idKey]));
    const extra = a.find((x) => !expectedIds.has(x[idKey]));
    if (extra) return `${name}: unexpected ${String(extra[idKey]).slice(0, 8)}`;
    return `${name}: same items in a different order`;
  }
  return 'no difference found';
}
