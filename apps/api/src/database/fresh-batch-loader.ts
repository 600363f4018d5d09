import DataLoader from 'dataloader';

/**
 * A graphql/dataloader for checks and reads that must see every commit made before they were asked
 * (membership, session liveness, join catch-ups): no cache (every load is read afresh, a revocation
 * is never hidden by an earlier answer), and each batch dispatched at setImmediate, so every load
 * asked in the current event-loop turn shares one read that starts after all of them asked. A burst
 * larger than `maxBatchSize` is split into several batches.
 *
 * `maxReadsInFlight` (default: no limit) caps the reads running at once. A batch scheduled while
 * that many run is not dispatched yet: it keeps gathering loads, over as many turns as it takes
 * (up to `maxBatchSize`), and is dispatched when a running read settles, as NextFlight does for one
 * key. So loads spread over many turns (a reconnect storm's joins arrive a few per turn) share
 * reads, and each read still starts after all of its loads were asked; a load waits at most until
 * one of the running reads settles (each bounded by the pool's statement_timeout). Without the
 * limit, batches never wait for each other.
 *
 * `batch` gets the keys in load order (duplicates included) and returns one value per key, in
 * order; an Error in place of a value rejects that key's load alone, a rejected promise every load
 * of the batch.
 */
export function freshBatchLoader<K, V>(
  batch: (keys: readonly K[]) => Promise<(V | Error)[]>,
  maxBatchSize: number,
  maxReadsInFlight = Infinity,
): DataLoader<K, V> {
  let inFlight = 0;
  const queued: (() => void)[] = [];
  /** Takes a read slot for a batch and dispatches it at the next turn. */
  const start = (dispatch: () => void): void => {
    inFlight++;
    setImmediate(dispatch);
  };
  const settled = (): void => {
    inFlight--;
    queued.shift()?.();
  };
  return new DataLoader<K, V>(
    (keys) => {
      const read = (async () => batch(keys))(); // a synchronous throw still frees the slot
      void read.then(settled, settled);
      return read;
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => (inFlight < maxReadsInFlight ? start(dispatch) : void queued.push(() => start(dispatch))),
    },
  );
}
