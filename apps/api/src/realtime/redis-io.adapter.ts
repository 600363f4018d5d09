import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { RedisConnections } from '../redis/redis-connections.service.js';

/**
 * Socket.IO adapter that shares rooms across replicas through Redis pub/sub
 * (`@socket.io/redis-adapter` on the replica's RedisConnections). Without REDIS_URL it is the
 * default in-memory adapter (one replica).
 */
export class RedisIoAdapter extends IoAdapter {
  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    const redis = this.app.get(RedisConnections, { strict: false });
    if (redis.pub && redis.sub) server.adapter(createAdapter(redis.pub, redis.sub, { key: 'tasklane' }));
    return server;
  }
}
