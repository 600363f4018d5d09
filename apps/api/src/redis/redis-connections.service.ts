import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Env } from '../config/env.schema.js';
import { Metrics } from '../metrics/metrics.service.js';

/**
 * ioredis settings, chosen so a Redis outage never blocks or crashes a request:
 *  - `connectTimeout` 2 s, `retryStrategy` 50 ms doubling to 2 s, forever: reconnects quickly after
 *    a restart or `CLIENT KILL`, and the subscriber resubscribes by itself (`autoResubscribe`);
 *  - `enableOfflineQueue` with `maxRetriesPerRequest` 1: a command made while disconnected waits
 *    one reconnect attempt, then fails instead of piling up.
 */
export const REDIS_OPTIONS: RedisOptions = {
  connectTimeout: 2_000,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  autoResubscribe: true,
  retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
};

/**
 * Redis Cluster settings (REDIS_CLUSTER_NODES), the same intent as REDIS_OPTIONS: slots refreshed
 * within 2 s, the cluster reconnected 50 ms doubling to 2 s forever, and a node that went away
 * (a master restarted) reconnected the same way instead of waiting for a MOVED answer.
 * `shardedSubscribers` gives the subscriber one connection per master, which SSUBSCRIBE needs.
 */
export const CLUSTER_OPTIONS: ClusterOptions = {
  enableOfflineQueue: true,
  clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  clusterNodeRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  retryDelayOnClusterDown: 200,
  retryDelayOnFailover: 200,
  slotsRefreshTimeout: 2_000,
  scaleReads: 'master',
};

/** How long boot waits for Redis before starting without it (ms). */
const CONNECT_WAIT_MS = 3_000;

/** A Redis connection: one server (REDIS_URL) or a cluster (REDIS_CLUSTER_NODES). */
export type RedisClient = Redis | Cluster;

/**
 * Makes `client`'s PUBLISH and SPUBLISH resolve 0 instead of rejecting, calling `failed` for each
 * failure. `@socket.io/redis-adapter` fires them without handling the returned promise, so during
 * an outage every failed publish would be an unhandled rejection, which kills a Node process; what
 * such a publish carried is repaired by the clients (`board:seq`, see docs/delivery.md).
 */
function countPublishFailures(client: RedisClient, failed: () => void): void {
  const target = client as unknown as Record<'publish' | 'spublish', (...args: unknown[]) => Promise<number>>;
  for (const method of ['publish', 'spublish'] as const) {
    const original = target[method].bind(client);
    target[method] = (...args: unknown[]) =>
      original(...args).catch(() => {
        failed();
        return 0;
      });
  }
}

/**
 * The replica's Redis connections: a publisher (which also runs the rate limits' and socket
 * limits' scripts) and a subscriber for the Socket.IO adapter, to one server (REDIS_URL) or to a
 * Redis Cluster (REDIS_CLUSTER_NODES: ioredis `Cluster`, the subscriber with one connection per
 * master for sharded pub/sub). Opened at module init (boot waits up to 3 s, then starts anyway: a
 * replica started during an outage serves its own clients and commits writes; the outbox relay
 * publishes once Redis is back) and closed at shutdown. Without either there are none: one
 * replica, the in-memory adapter. Failed publishes and reconnections are counted in the metrics.
 */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly pub: RedisClient | null = null;
  readonly sub: RedisClient | null = null;
  /** True with REDIS_CLUSTER_NODES: the clients are ioredis Clusters. */
  readonly cluster: boolean = false;
  private failures = 0;

  constructor(config: ConfigService<Env, true>, metrics: Metrics) {
    const url = config.get('REDIS_URL', { infer: true });
    const nodes = config.get('REDIS_CLUSTER_NODES', { infer: true }) ?? [];
    if (nodes.length > 0) {
      const seeds = nodes.map((n) => ({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)) }));
      const { retryStrategy: _ignored, ...nodeOptions } = REDIS_OPTIONS;
      this.cluster = true;
      this.pub = new Cluster(seeds, { ...CLUSTER_OPTIONS, redisOptions: { ...nodeOptions, connectionName: 'tasklane-io-pub' } });
      this.sub = new Cluster(seeds, {
        ...CLUSTER_OPTIONS,
        shardedSubscribers: true,
        redisOptions: { ...nodeOptions, maxRetriesPerRequest: null, enableReadyCheck: false, connectionName: 'tasklane-io-sub' },
      });
    } else if (url) {
      this.pub = new Redis(url, { ...REDIS_OPTIONS, connectionName: 'tasklane-io-pub' });
      // The subscriber's SUBSCRIBE must never be dropped: queued until Redis answers, however long. No
      // ready check: the adapter subscribes before the connection is up, and INFO (the check) is not
      // allowed in subscriber mode.
      this.sub = new Redis(url, { ...REDIS_OPTIONS, maxRetriesPerRequest: null, enableReadyCheck: false, connectionName: 'tasklane-io-sub' });
    } else {
      return;
    }
    countPublishFailures(this.pub, () => {
      this.failures += 1;
      metrics.redisPublishFailed();
    });
    let lastWarning = 0;
    for (const [name, c] of [
      ['tasklane-io-pub', this.pub],
      ['tasklane-io-sub', this.sub],
    ] as const) {
      c.on('error', (e: Error) => {
        if (Date.now() - lastWarning > 5_000) this.logger.warn(`${name}: ${e.message}`, e.stack);
        lastWarning = Date.now();
      });
      c.on('ready', () => this.logger.log(`${name} ready`));
      c.on('reconnecting', () => metrics.redisReconnecting());
    }
  }

  /** Waits up to CONNECT_WAIT_MS for both connections. */
  async onModuleInit(): Promise<void> {
    const clients = this.clients;
    if (clients.length === 0) return;
    const ready = Promise.all(clients.map((c) => new Promise((ok) => (c.status === 'ready' ? ok(null) : c.once('ready', ok)))));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([ready.then(() => false), new Promise<boolean>((ok) => (timer = setTimeout(() => ok(true), CONNECT_WAIT_MS)))]);
    clearTimeout(timer);
    if (timedOut) this.logger.warn(`not reachable after ${CONNECT_WAIT_MS} ms: starting anyway, events reach other replicas once it is`);
  }

  /** Closes the connections (after Socket.IO has closed: Nest runs shutdown hooks last). */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }

  private get clients(): RedisClient[] {
    return this.pub && this.sub ? [this.pub, this.sub] : [];
  }

  /** True when REDIS_URL or REDIS_CLUSTER_NODES is set (several replicas may share rooms). */
  get configured(): boolean {
    return this.pub !== null;
  }

  /** Publisher and subscriber both connected (trivially true without Redis: one replica). */
  get ready(): boolean {
    return this.clients.every((c) => c.status === 'ready');
  }

  /** Publishes that failed since boot (their events are repaired by the clients' catch-up). */
  get publishFailures(): number {
    return this.failures;
  }

  /** True when the command connection (the publisher) is connected; scripts fail fast otherwise. */
  get commandsReady(): boolean {
    return this.pub?.status === 'ready';
  }

  /**
   * A Lua script on the command connection (the publisher), run with EVALSHA (ioredis loads it with
   * EVAL on first use and after a Redis restart). Returns null without REDIS_URL. The returned
   * function rejects when Redis does not answer within `timeoutMs`, so a caller can fall back.
   * On a cluster every key of one call must hash to the same slot (one `{tag}` in all of them).
   * @param numberOfKeys how many leading arguments are keys (KEYS[1..n] in the script)
   */
  script<T>(lua: string, numberOfKeys: number, timeoutMs = 500): ((keys: string[], args: (string | number)[]) => Promise<T>) | null {
    const pub = this.pub;
    if (!pub) return null;
    const name = `tasklane_${createHash('sha1').update(lua).digest('hex').slice(0, 16)}`;
    if (!(name in pub)) pub.defineCommand(name, { numberOfKeys, lua });
    const run = (pub as unknown as Record<string, (...args: (string | number)[]) => Promise<T>>)[name].bind(pub);
    return async (keys, args) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([run(...keys, ...args), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('redis script timed out')), timeoutMs)))]);
      } finally {
        clearTimeout(timer);
      }
    };
  }

  /**
   * Runs `send` (synchronous) with the publisher's TCP connection corked, so the commands it sends,
   * e.g. the PUBLISH of each event of a group-commit batch, leave in one `writev` instead of one
   * `write` each (Node's `cork`/`uncork`; ioredis writes a command to its stream at once when the
   * connection is ready, and queues it otherwise). Uncorked before it returns, also when `send`
   * throws. Runs `send` as is on a Redis Cluster (one connection per node) and without Redis.
   * @returns what `send` returns
   */
  batchWrites<T>(send: () => T): T {
    const stream = this.pub instanceof Redis ? this.pub.stream : undefined;
    if (!stream?.writable) return send();
    stream.cork();
    try {
      return send();
    } finally {
      stream.uncork();
    }
  }

  /** Round-trip to Redis, bounded by `timeoutMs`. @throws Error when Redis does not answer PONG in time. */
  async ping(timeoutMs = 1000): Promise<void> {
    if (!this.pub) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const pong = await Promise.race([this.pub.ping(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('redis ping timed out')), timeoutMs)))]);
      if (pong !== 'PONG') throw new Error(`redis answered ${pong}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
