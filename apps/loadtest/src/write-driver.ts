import { setMaxListeners } from 'node:events';
import { TasklaneHttpError } from '@tasklane/client';
import type { AnyBoardEvent } from '@tasklane/contracts';
import type { Metrics } from './metrics.js';
import { OPS, type Op, type OpMix } from './options.js';
import type { LoadBoard, Scenario } from './scenario.js';

/** A write waiting for its event to reach every stream of its board. Times are performance.now() ms. */
interface PendingWrite {
  intendedAt: number;
  measured: boolean;
  /** Deliveries still expected (the board's started streams at send time). */
  remaining: number;
  /** False once the request failed without a status (the write may or may not have committed). */
  answered: boolean;
}

/**
 * Matches events to the writes that caused them by the `Idempotency-Key` every write carries and
 * the API echoes as the envelope's `idempotencyKey` (the event can arrive before the HTTP response,
 * so the key, not the response's task id, is the link). Records fan-out latency per delivery and,
 * once the last expected stream got it, per event.
 */
export class WriteCorrelator {
  private readonly pending = new Map<string, PendingWrite>();
  /** Events with no key of ours. */
  unmatched = 0;

  constructor(private readonly metrics: Metrics) {}

  /** Registers a write before it is sent. `receivers`: streams that should get its event (0: none tracked). */
  expect(key: string, intendedAt: number, measured: boolean, receivers: number): void {
    if (receivers > 0) this.pending.set(key, { intendedAt, measured, remaining: receivers, answered: true });
  }

  /** One event handed to one stream at `receivedAt` (performance.now() ms). */
  onDelivery(event: AnyBoardEvent, receivedAt: number): void {
    const w = event.idempotencyKey === undefined ? undefined : this.pending.get(event.idempotencyKey);
    if (!w) {
      this.unmatched += 1;
      this.metrics.recordDelivery(null, false);
      return;
    }
    const latency = receivedAt - w.intendedAt;
    this.metrics.recordDelivery(latency, w.measured);
    w.remaining -= 1;
    if (w.remaining === 0) {
      this.metrics.recordLastDelivery(latency, w.measured);
      this.pending.delete(event.idempotencyKey as string);
    }
  }

  /** The write was refused with a status: it committed nothing, so no event will come. */
  refused(key: string): void {
    this.pending.delete(key);
  }

  /** The write failed without an answer (timeout, reset): its event may still come, or not. */
  unanswered(key: string): void {
    const w = this.pending.get(key);
    if (w) w.answered = false;
  }

  /** Measured writes answered 2xx whose event some expected stream never received. */
  get incomplete(): number {
    let n = 0;
    for (const w of this.pending.values()) if (w.measured && w.answered) n += 1;
    return n;
  }
}

/** Picks ops at random with the mix's relative weights. */
export function opPicker(mix: OpMix, random: () => number = Math.random): () => Op {
  const total = OPS.reduce((sum, op) => sum + mix[op], 0);
  return () => {
    let r = random() * total;
    for (const op of OPS) {
      r -= mix[op];
      if (r < 0 && mix[op] > 0) return op;
    }
    return OPS.filter((op) => mix[op] > 0).at(-1) as Op;
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (leaving no listener behind). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Sends task writes: open loop (`runOpen`: the i-th write is due at start + i/rate, sent then
 * whatever is still in flight, and its latency counts from that intended time, so a stalled server
 * shows up as latency rather than as fewer samples: coordinated omission, Gil Tene) or closed loop
 * (`runClosed`: N workers, each sending its next write when the previous one is answered).
 * Each write goes to the next board (round-robin), the next target and source address, as a random
 * member, with a unique Idempotency-Key. Updates, moves and deletes pick a task of the board's
 * pool that no other write of ours is using, and fall back to a create when there is none. Writes scheduled before `measureFrom` count as
 * warmup.
 */
export class WriteDriver {
  inFlight = 0;
  private counter = 0;
  private readonly pickOp: () => Op;
  private readonly aborter = new AbortController();
  private idle: (() => void) | null = null;

  constructor(
    private readonly scenario: Scenario,
    private readonly metrics: Metrics,
    private readonly correlator: WriteCorrelator,
    mix: OpMix,
  ) {
    this.pickOp = opPicker(mix);
    // Every in-flight request listens on this one signal (for the drain's abort).
    setMaxListeners(0, this.aborter.signal);
  }

  /**
   * Schedules `rate` writes/s from now until `endAt` (performance.now() ms), never waiting for
   * answers. Resolves once the last write has been sent (not answered), or early on `signal`.
   */
  async runOpen(rate: number, measureFrom: number, endAt: number, signal?: AbortSignal): Promise<void> {
    const interval = 1000 / rate;
    const t0 = performance.now();
    for (let i = 0; ; ) {
      const now = performance.now();
      // Everything due by now goes out at once (after a timer or event-loop delay), each with its own intended time.
      for (let due = t0 + i * interval; due <= now && due < endAt; due = t0 + ++i * interval) {
        void this.send(due, due >= measureFrom);
      }
      const next = t0 + i * interval;
      if (next >= endAt || signal?.aborted) return;
      await sleep(Math.min(Math.max(0, next - performance.now()), 50), signal);
    }
  }

  /** `concurrency` workers sending back-to-back until `endAt`; resolves when all have stopped. */
  async runClosed(concurrency: number, measureFrom: number, endAt: number, signal?: AbortSignal): Promise<void> {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!signal?.aborted) {
          const now = performance.now();
          if (now >= endAt) return;
          await this.send(now, now >= measureFrom);
        }
      }),
    );
  }

  /**
   * Waits until no write is in flight or `deadline` (performance.now() ms) passes; then aborts the
   * rest (each counts as an `aborted` error).
   */
  async drain(deadline: number): Promise<void> {
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
        this.idle = () => (clearTimeout(timer), resolve());
      });
    }
    this.idle = null;
    if (this.inFlight > 0) this.aborter.abort();
  }

  /** One write intended at `intendedAt`; never rejects (failures are recorded). */
  private async send(intendedAt: number, measured: boolean): Promise<void> {
    const n = this.counter++;
    const { scenario } = this;
    const board = scenario.boards[n % scenario.boards.length];
    const user = scenario.users[Math.floor(Math.random() * scenario.users.length)];
    const api = scenario.client(n, user, n);
    const key = `lt-${scenario.runId}-${n}`;
    let op = this.pickOp();
    const taskId = op === 'create' ? '' : idleTask(board);
    if (taskId === '') op = 'create';
    else if (op === 'delete') removeValue(board.tasks, taskId);
    const o = { headers: { 'idempotency-key': key }, signal: this.aborter.signal };
    if (taskId) board.busy.add(taskId);

    this.correlator.expect(key, intendedAt, measured, board.streams);
    this.metrics.recordSent(measured);
    this.inFlight += 1;
    try {
      switch (op) {
        case 'create': {
          const task = await api.createTask(board.id, { columnId: pick(board.columnIds), title: `load ${n}` }, o);
          board.tasks.push(task.id);
          break;
        }
        case 'update':
          await api.updateTask(board.id, taskId, { title: `load ${n}`, description: `updated by write ${n}` }, o);
          break;
        case 'move':
          await api.moveTask(board.id, taskId, { columnId: pick(board.columnIds) }, o);
          break;
        case 'delete':
          await api.deleteTask(board.id, taskId, o);
          break;
      }
      this.metrics.recordRest(op, performance.now() - intendedAt, measured);
    } catch (error) {
      this.recordFailure(error, op, board, taskId, key, measured);
    } finally {
      board.busy.delete(taskId);
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  private recordFailure(error: unknown, op: Op, board: LoadBoard, taskId: string, key: string, measured: boolean): void {
    if (error instanceof TasklaneHttpError) {
      this.correlator.refused(key);
      // The task is gone (deleted by someone else): stop picking it.
      if (error.status === 404 && op !== 'create') removeValue(board.tasks, taskId);
      this.metrics.recordError(String(error.status), `${op}: ${error.message}`, measured);
      return;
    }
    this.correlator.unanswered(key);
    const e = error as NodeJS.ErrnoException;
    const kind = e.name === 'AbortError' ? 'aborted' : (e.code ?? e.name ?? 'error');
    this.metrics.recordError(kind, `${op}: ${e.message}`, measured);
  }
}

const randomIndex = (xs: unknown[]): number => Math.floor(Math.random() * xs.length);

/**
 * A random task of the board with no write of ours in flight, or '' (a few random tries, then give
 * up): two of our own writes racing on one task (a move of a task being deleted) would fail with a
 * 404 that says nothing about the server.
 */
function idleTask(board: LoadBoard): string {
  for (let tries = 0; tries < 8 && board.tasks.length > 0; tries++) {
    const id = board.tasks[randomIndex(board.tasks)];
    if (!board.busy.has(id)) return id;
  }
  return '';
}
const pick = <T>(xs: T[]): T => xs[randomIndex(xs)];
function removeValue<T>(xs: T[], x: T): void {
  const i = xs.indexOf(x);
  if (i >= 0) xs.splice(i, 1);
}
