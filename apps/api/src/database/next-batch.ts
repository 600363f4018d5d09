/** One key asked for, and the callers waiting for its value. */
interface Ask<K, V> {
  key: K;
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
  promise: Promise<V | undefined>;
}

/** How NextBatch groups its keys. */
export interface NextBatchOptions<K> {
  /** The key's identity, as `read` names it in its result (asks of equal ids share one slot). */
  id: (key: K) => string;
  /** Most distinct keys in one `read` (a larger batch is split into reads that run together). */
  maxBatchSize: number;
  /** Runs the first batch after an idle spell; default setImmediate (every ask of the current poll phase joins it). */
  schedule?: (dispatch: () => void) => void;
}

/**
 * Batches lookups of many keys into one read, where each caller gets a value read AFTER it asked
 * (the batching cousin of NextFlight; graphql/dataloader with `cache: false` and a
 * `batchScheduleFn` batches the same way within a tick, but may run a batch while an earlier one is
 * still in flight, and is not a dependency here):
 *  - nothing in flight: the ask opens a batch, read at `schedule` (setImmediate) with every key
 *    asked until then;
 *  - a read in flight: the ask waits for the next read, which starts when the running one settles
 *    and carries every key asked meanwhile.
 * So a burst of asks costs about two reads in a row (more only when it exceeds `maxBatchSize`
 * keys, whose chunks run side by side), and each value reflects every commit made before its
 * caller asked. Used by socket joins' membership checks (RoomAccessService; docs/delivery.md).
 * A key absent from `read`'s map resolves to undefined. A failed read rejects the callers of its
 * keys only; the next read starts anyway.
 */
export class NextBatch<K, V> {
  private queued = new Map<string, Ask<K, V>>();
  private flying = false;
  private scheduled = false;
  private readonly schedule: (dispatch: () => void) => void;

  /**
   * @param read values of the keys (at most `maxBatchSize`, distinct by `id`), by `id`; runs as a
   *   new query for every batch (never from a cache)
   */
  constructor(
    private readonly read: (keys: K[]) => Promise<Map<string, V>>,
    private readonly options: NextBatchOptions<K>,
  ) {
    if (!(options.maxBatchSize >= 1)) throw new RangeError('maxBatchSize must be at least 1');
    this.schedule = options.schedule ?? ((dispatch) => void setImmediate(dispatch));
  }

  /** The value of `key` from a read that starts after this call, or undefined when the read has none. */
  load(key: K): Promise<V | undefined> {
    const id = this.options.id(key);
    let ask = this.queued.get(id);
    if (!ask) {
      let resolve!: Ask<K, V>['resolve'];
      let reject!: Ask<K, V>['reject'];
      const promise = new Promise<V | undefined>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      ask = { key, resolve, reject, promise };
      this.queued.set(id, ask);
    }
    if (!this.flying && !this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.dispatch();
      });
    }
    return ask.promise;
  }

  /** Keys waiting for a read, and whether one is in flight, for tests. */
  get state(): { queued: number; flying: boolean } {
    return { queued: this.queued.size, flying: this.flying };
  }

  /** Reads every queued key (in chunks of maxBatchSize), then the keys asked meanwhile. */
  private dispatch(): void {
    if (this.flying || this.queued.size === 0) return;
    const asks = [...this.queued.entries()];
    this.queued = new Map();
    this.flying = true;
    const chunks: [string, Ask<K, V>][][] = [];
    for (let i = 0; i < asks.length; i += this.options.maxBatchSize) chunks.push(asks.slice(i, i + this.options.maxBatchSize));
    void Promise.all(chunks.map((chunk) => this.readChunk(chunk))).then(() => {
      this.flying = false;
      this.dispatch();
    });
  }

  /** One read; settles its asks and never rejects. */
  private async readChunk(chunk: [string, Ask<K, V>][]): Promise<void> {
    try {
      const values = await this.read(chunk.map(([, ask]) => ask.key));
      for (const [id, ask] of chunk) ask.resolve(values.get(id));
    } catch (error) {
      for (const [, ask] of chunk) ask.reject(error);
    }
  }
}
