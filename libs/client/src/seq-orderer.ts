/**
 * Turns an at-least-once, possibly out-of-order feed of numbered items (a board's events, seq
 * 1, 2, 3 …) into an exactly-once, in-order one. Items at or below `last` are duplicates; items
 * above `last + 1` wait until the ones before them arrive. `head` is the highest seq known to
 * exist (from items or `board:seq` notices), so a missing tail is visible as a gap too.
 */
export class SeqOrderer<E extends { seq: number }> {
  private readonly pending = new Map<number, E>();
  /** Highest seq known to exist. */
  head = 0;

  /** @param last seq already applied by the consumer; null until known (items are only buffered). */
  constructor(public last: number | null = null) {}

  /** Offers an item; returns false (and keeps nothing) when it is a duplicate. */
  offer(item: E): boolean {
    this.head = Math.max(this.head, item.seq);
    if ((this.last !== null && item.seq <= this.last) || this.pending.has(item.seq)) return false;
    this.pending.set(item.seq, item);
    return true;
  }

  /** Records that items up to `seq` exist (e.g. a `board:seq` notice). */
  observe(seq: number): void {
    this.head = Math.max(this.head, seq);
  }

  /** Removes and returns the items that are now contiguous after `last`, in order, advancing `last`. */
  take(): E[] {
    if (this.last === null) return [];
    const out: E[] = [];
    for (let next = this.pending.get(this.last + 1); next; next = this.pending.get(this.last + 1)) {
      this.pending.delete(next.seq);
      this.last = next.seq;
      out.push(next);
    }
    for (const seq of this.pending.keys()) if (seq <= this.last) this.pending.delete(seq);
    return out;
  }

  /** True when something between `last` and `head` is missing. */
  get hasGap(): boolean {
    return this.last !== null && (this.pending.size > 0 || this.head > this.last);
  }

  /** Number of buffered items waiting for a missing one. */
  get buffered(): number {
    return this.pending.size;
  }

  /**
   * Starts over at `seq` although it is below `last`: the source went back (its history was
   * restored to an earlier point). Drops everything buffered and what was known of the head.
   */
  rewindTo(seq: number): void {
    this.last = seq;
    this.head = seq;
    this.pending.clear();
  }

  /** Starts over at `seq` (after a snapshot): drops buffered items at or below it. Never moves `last` backwards. */
  resetTo(seq: number): void {
    if (this.last !== null && seq < this.last) return;
    this.last = seq;
    this.head = Math.max(this.head, seq);
    for (const s of this.pending.keys()) if (s <= seq) this.pending.delete(s);
  }
}
