import DataLoader from 'dataloader';

/**
 * A graphql/dataloader for checks that must see every commit made before they were asked
 * (membership, session liveness): no cache (every load is read afresh, a revocation is never
 * hidden by an earlier answer), and the batch dispatched at setImmediate, so every load asked in the
 * current event-loop turn shares one read that starts after all of them asked. A burst larger than
 * `maxBatchSize` is split into reads that run side by side; batches never wait for each other.
 * `batch` gets the keys in load order (duplicates included) and returns one value per key, in order.
 */
export function freshBatchLoader<K, V>(batch: (keys: readonly K[]) => Promise<V[]>, maxBatchSize: number): DataLoader<K, V> {
  return new DataLoader<K, V>(batch, { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => void setImmediate(dispatch) });
}

/**
 * A freshBatchLoader whose reads take turns, as NextFlight's do for one key, but across keys: while
 * a batch's read runs, new loads gather into the next batch, dispatched (at setImmediate) once the
 * running read settles. So loads spread over many event-loop turns (a reconnect storm's joins
 * arrive a few per turn) share reads, about one per read's duration instead of one per turn, and
 * every read still starts after all the loads it answers were asked. A load waits at most for the
 * read running when it was asked. A batch past `maxBatchSize` is split; its parts run side by side.
 */
export function nextFlightBatchLoader<K, V>(batch: (keys: readonly K[]) => Promise<(V | Error)[]>, maxBatchSize: number): DataLoader<K, V> {
  let running: Promise<void> = Promise.resolve();
  return new DataLoader<K, V>(
    (keys) => {
      const read = batch(keys);
      running = read.then(
        () => undefined,
        () => undefined,
      );
      return read;
    },
    { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => void running.then(() => setImmediate(dispatch)) },
  );
}
