import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis, type RedisOptions } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { RedisConnections } from './redis-connections.service.js';

/**
 * ioredis settings for the adapter's two connections, chosen so a Redis outage never blocks or
 * crashes a request:
 *  - `connectTimeout` 2 s, `retryStrategy` 50 ms doubling to 2 s, forever: reconnects quickly after
 *    a restart or `CLIENT KILL`, and the subscriber resubscribes by itself (`autoResubscribe`);
 *  - `enableOfflineQueue` with `maxRetriesPerRequest` 1: a publish made while disconnected waits
 *    one reconnect attempt, then fails instead of piling up; such events stay unpublished in the
 *    outbox and the relay sends them once Redis is back (`board:seq` notices close gaps meanwhile).
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
 * Socket.IO adapter that shares rooms across replicas through Redis pub/sub
 * (`@socket.io/redis-adapter` on ioredis). Without a URL it is the default in-memory adapter (one
 * replica).
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly log = new Logger(RedisIoAdapter.name);
  private adapterFactory: ReturnType<typeof createAdapter> | null = null;
  private clients: Redis[] = [];

  constructor(
    private readonly appContext: INestApplicationContext,
    private readonly redisUrl?: string,
  ) {
    super(appContext);
  }

  /** Opens the publisher and subscriber connections and waits until both are ready (no-op without a URL). */
  async connect(): Promise<void> {
    if (!this.redisUrl) return;
    const pub = new Redis(this.redisUrl, { ...REDIS_OPTIONS, connectionName: 'tasklane-io-pub' });
    // The subscriber's SUBSCRIBE must never be dropped: queued until Redis answers, however long.
    const sub = new Redis(this.redisUrl, { ...REDIS_OPTIONS, maxRetriesPerRequest: null, connectionName: 'tasklane-io-sub' });
    let lastWarning = 0;
    for (const c of [pub, sub]) {
      c.on('error', (e: Error) => {
        if (Date.now() - lastWarning > 5_000) this.log.warn(`redis: ${e.message}`);
        lastWarning = Date.now();
      });
      c.on('ready', () => this.log.log(`redis ${c.options.connectionName} ready`));
    }
    // Wait for Redis a little, but never block boot on it: a replica started during an outage serves
    // its own clients and commits writes; the outbox relay publishes once Redis is back.
    const ready = Promise.all([pub, sub].map((c) => new Promise((ok) => (c.status === 'ready' ? ok(null) : c.once('ready', ok)))));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([ready.then(() => false), new Promise<boolean>((ok) => (timer = setTimeout(() => ok(true), CONNECT_WAIT_MS)))]);
    clearTimeout(timer);
    if (timedOut) this.log.warn(`redis not reachable after ${CONNECT_WAIT_MS} ms: starting anyway, events reach other replicas once it is`);
    this.clients = [pub, sub];
    this.appContext.get(RedisConnections, { strict: false }).attach(pub, sub);
    this.adapterFactory = createAdapter(pub, sub, { key: 'tasklane' });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    if (this.adapterFactory) server.adapter(this.adapterFactory);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
