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
