import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis, type RedisOptions } from 'ioredis';
import type { Env } from '../config/env.schema.js';

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

/** How long boot waits for Redis before starting without it (ms). */
const CONNECT_WAIT_MS = 3_000;

/**
 * The publisher connection. `@socket.io/redis-adapter` fires PUBLISH without handling the returned
 * promise, so during an outage every failed publish would be an unhandled rejection, which kills a
 * Node process. This client's publish resolves 0 instead and counts the failure; what such a
 * publish carried is repaired by the clients (`board:seq`, see docs/delivery.md).
 */
class PublisherRedis extends Redis {
  publishFailures = 0;

  override publish(channel: string | Buffer, message: string | Buffer): Promise<number> {
    return super.publish(channel, message).catch(() => {
      this.publishFailures += 1;
      return 0;
    });
  }
}

/**
 * The replica's Redis connections (REDIS_URL): a publisher and a subscriber for the Socket.IO
 * adapter, opened at module init (boot waits up to 3 s, then starts anyway: a replica started
 * during an outage serves its own clients and commits writes; the outbox relay publishes once
 * Redis is back) and closed at shutdown. Without REDIS_URL there are none: one replica, the
 * in-memory adapter.
 */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly pub: PublisherRedis | null = null;
  readonly sub: Redis | null = null;

  constructor(config: ConfigService<Env, true>) {
    const url = config.get('REDIS_URL', { infer: true });
    if (!url) return;
    this.pub = new PublisherRedis(url, { ...REDIS_OPTIONS, connectionName: 'tasklane-io-pub' });
    // The subscriber's SUBSCRIBE must never be dropped: queued until Redis answers, however long. No
    // ready check: the adapter subscribes before the connection is up, and INFO (the check) is not
    // allowed in subscriber mode.
    this.sub = new Redis(url, { ...REDIS_OPTIONS, maxRetriesPerRequest: null, enableReadyCheck: false, connectionName: 'tasklane-io-sub' });
    let lastWarning = 0;
    for (const c of this.clients) {
      c.on('error', (e: Error) => {
        if (Date.now() - lastWarning > 5_000) this.logger.warn(`${c.options.connectionName}: ${e.message}`, e.stack);
        lastWarning = Date.now();
      });
      c.on('ready', () => this.logger.log(`${c.options.connectionName} ready`));
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

  private get clients(): Redis[] {
    return this.pub && this.sub ? [this.pub, this.sub] : [];
  }

  /** True when REDIS_URL is set (several replicas may share rooms). */
  get configured(): boolean {
    return this.pub !== null;
  }

  /** Publisher and subscriber both connected (trivially true without Redis: one replica). */
  get ready(): boolean {
    return this.clients.every((c) => c.status === 'ready');
  }

  /** Publishes that failed since boot (their events are repaired by the clients' catch-up). */
  get publishFailures(): number {
    return this.pub?.publishFailures ?? 0;
  }

  /** True when the command connection (the publisher) is connected; scripts fail fast otherwise. */
  get commandsReady(): boolean {
    return this.pub?.status === 'ready';
  }

  /**
   * A Lua script on the command connection (the publisher), run with EVALSHA (ioredis loads it with
   * EVAL on first use and after a Redis restart). Returns null without REDIS_URL. The returned
   * function rejects when Redis does not answer within `timeoutMs`, so a caller can fall back.
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
