import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis, type RedisOptions } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * ioredis settings for the adapter's two connections, chosen so a Redis outage never blocks a
 * request: publishes queue while offline (bounded by `maxRetriesPerRequest`) and reconnects back
 * off from 50 ms up to 2 s forever (the subscriber resubscribes on reconnect).
 */
export const REDIS_OPTIONS: RedisOptions = {
  connectTimeout: 2_000,
  maxRetriesPerRequest: 2,
  enableOfflineQueue: true,
  retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  lazyConnect: false,
};

/**
 * Socket.IO adapter that shares rooms across replicas through Redis pub/sub
 * (`@socket.io/redis-adapter`). Without a URL it is the default in-memory adapter (one replica).
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly log = new Logger(RedisIoAdapter.name);
  private adapterFactory: ReturnType<typeof createAdapter> | null = null;
  private clients: Redis[] = [];

  constructor(app: INestApplicationContext, private readonly redisUrl?: string) {
    super(app);
  }

  /** Opens the publisher and subscriber connections. Resolves once both are ready (or at once without a URL). */
  async connect(): Promise<void> {
    if (!this.redisUrl) return;
    const pub = new Redis(this.redisUrl, { ...REDIS_OPTIONS, connectionName: 'tasklane-io-pub' });
    const sub = pub.duplicate({ connectionName: 'tasklane-io-sub' });
    for (const c of [pub, sub]) c.on('error', (e: Error) => this.log.warn(`redis: ${e.message}`));
    await Promise.all([pub, sub].map((c) => (c.status === 'ready' ? undefined : new Promise((ok) => c.once('ready', ok)))));
    this.clients = [pub, sub];
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
