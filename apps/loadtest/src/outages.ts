/**
 * Connection outages of the load tool's streams, for reconnect-storm measurements
 * (`scripts/bench.mjs --steps storm` kills a replica and reads these from the JSON report).
 *
 * An outage opens when a started stream's socket disconnects and closes ("recovered") once the
 * socket is connected again, the stream is `live` (rejoined, no gap, no catch-up running) and its
 * applied seq is at least the board's head as the tool knew it when the socket reconnected: the
 * highest seq any of the tool's streams of that board had applied by then. Times are wall-clock
 * epoch milliseconds (Date.now()), so another process on the same machine (the bench, which
 * knows when it sent the SIGKILL) can subtract its own timestamps.
 */

/** What the tracker needs of a stream: its socket's connection state and where it stands. */
export interface TrackedStream {
  readonly socket: { readonly connected: boolean; on(event: 'connect' | 'disconnect', listener: () => void): unknown };
  readonly status: string;
  readonly seq: number | null;
}

/** One outage of one stream (epoch ms; null: not (yet) reached). */
export interface Outage {
  stream: number;
  board: string;
  lostAt: number;
  reconnectedAt: number | null;
  /** The board head the stream had to reach (set at reconnect). */
  targetSeq: number | null;
  recoveredAt: number | null;
  /**
   * For an outage still open when the tracker was closed: where its stream stood then (its
   * socket's state, its status and seq, and the board head the tool knew), to tell a stream that
   * never reconnected from one stuck short of `live` or short of the head.
   */
  atClose?: { connected: boolean; status: string; seq: number | null; head: number | null };
}

/**
 * Records every outage of the streams it watches. Call {@link onApplied} for every event a stream
 * applies (it keeps the board heads) and {@link onStatus} for every status change of a stream,
 * {@link close} at the end.
 *
 * Recovery is stamped in those callbacks, at the moment the stream applies the event or turns
 * `live`, not by a timer: under a reconnect storm on a loaded machine the tool's event loop runs
 * its socket I/O for seconds before its timers (libuv polls for I/O again while events keep
 * coming), and a polling timer stamped every stream that recovered in that span at its end
 * (2026-12-02: 1,999 of 2,000 recoveries at one instant, 14.5 s after the first loss, with the
 * tool's timers up to 8.8 s late).
 */
export class OutageTracker {
  readonly outages: Outage[] = [];
  private readonly heads = new Map<string, number>();
  private readonly open = new Map<number, { outage: Outage; stream: TrackedStream }>();
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts watching a started stream `id` of board `boardId`. */
  watch(id: number, boardId: string, stream: TrackedStream): void {
    this.noteSeq(boardId, stream.seq);
    stream.socket.on('disconnect', () => {
      if (this.closed) return; // the tool closing its sockets at the end is no outage
      const current = this.open.get(id);
      if (current) {
        // Lost again before it recovered: still the same outage, it needs a new reconnect.
        current.outage.reconnectedAt = current.outage.targetSeq = null;
        return;
      }
      const outage: Outage = { stream: id, board: boardId, lostAt: this.now(), reconnectedAt: null, targetSeq: null, recoveredAt: null };
      this.outages.push(outage);
      this.open.set(id, { outage, stream });
    });
    stream.socket.on('connect', () => {
      const current = this.open.get(id);
      if (!current || this.closed) return;
      current.outage.reconnectedAt = this.now();
      current.outage.targetSeq = this.heads.get(boardId) ?? 0;
      this.check(id);
    });
  }

  /** Stream `id` of `boardId` applied an event with `seq` (call after the stream's seq has moved). */
  onApplied(id: number, boardId: string, seq: number): void {
    this.noteSeq(boardId, seq);
    this.check(id);
  }

  /** Stream `id`'s status changed (BoardStream's `onStatus`): it may have turned `live`. */
  onStatus(id: number): void {
    this.check(id);
  }

  /**
   * Stops watching (later disconnects, reconnects and recoveries are ignored); open outages stay
   * unrecovered, each with its stream's state at this moment (`atClose`).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { outage, stream } of this.open.values()) {
      outage.atClose = { connected: stream.socket.connected, status: stream.status, seq: stream.seq, head: this.heads.get(outage.board) ?? null };
    }
  }

  /** Closes stream `id`'s open outage if it has recovered: connected, live, at or past its target. */
  private check(id: number): void {
    const current = this.open.get(id);
    if (!current || this.closed) return;
    const { outage, stream } = current;
    if (outage.targetSeq === null || !stream.socket.connected || stream.status !== 'live') return;
    if ((stream.seq ?? -1) < outage.targetSeq) return;
    outage.recoveredAt = this.now();
    this.open.delete(id);
  }

  private noteSeq(boardId: string, seq: number | null): void {
    if (seq !== null && seq > (this.heads.get(boardId) ?? -1)) this.heads.set(boardId, seq);
  }
}
