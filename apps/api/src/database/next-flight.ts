/**
 * Coalesces identical reads whose callers must each get a result read AFTER they asked ("next
 * flight", a stricter cousin of single-flight: Go's golang.org/x/sync/singleflight lets a caller
 * share a query that started before it). For key `k`:
 *  - nothing running: the read starts now, for this caller;
 *  - a read running: the caller waits for the next read of `k`, which starts when the running one
 *    settles and is shared by every caller that arrived meanwhile.
 * So N concurrent callers of one key cost at most two reads in a row, and each result reflects
 * every commit that happened before its caller asked. Used by presence reads of a board's
 * viewers (PresenceService); board joins' catch-up reads use the same rule across keys
 * (nextFlightBatchLoader).
 * Errors are shared by the callers of the read that failed; the next caller starts afresh.
 */
export class NextFlight<V> {
  private readonly running = new Map<string, Promise<V>>();
  private readonly waiting = new Map<string, Promise<V>>();

  /** Reads for `key` with `read`, or shares the read of `key` that starts next. */
  run(key: string, read: () => Promise<V>): Promise<V> {
    const waiting = this.waiting.get(key);
    if (waiting) return waiting;
    const running = this.running.get(key);
    if (!running) return this.start(key, read);
    const next = running.then(
      () => this.start(key, read),
      () => this.start(key, read),
    );
    this.waiting.set(key, next);
    return next;
  }

  /** Reads in flight or queued, for tests. */
  get size(): number {
    return this.running.size + this.waiting.size;
  }

  private async start(key: string, read: () => Promise<V>): Promise<V> {
    this.waiting.delete(key);
    const flight = read();
    this.running.set(key, flight);
    try {
      return await flight;
    } finally {
      if (this.running.get(key) === flight) this.running.delete(key);
    }
  }
}
