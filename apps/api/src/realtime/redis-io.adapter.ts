import type { INestApplicationContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import type { Env } from '../config/env.schema.js';
import { isListedOrigin, mayOpenSocket } from '../http/cors.js';
import { RedisConnections } from '../redis/redis-connections.service.js';

/**
 * Socket.IO adapter that shares rooms across replicas through Redis pub/sub
 * (`@socket.io/redis-adapter` on the replica's RedisConnections). Without REDIS_URL it is the
 * default in-memory adapter (one replica). Also applies CORS_ORIGINS to Socket.IO: CORS headers
 * for listed origins (HTTP long-polling), and `allowRequest` refuses a handshake from any other
 * foreign origin with 403 (see mayOpenSocket); whatever the gateway's decorator says is replaced.
 */
export class RedisIoAdapter extends IoAdapter {
  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.app.get<ConfigService<Env, true>>(ConfigService).getOrThrow('CORS_ORIGINS', { infer: true });
    const server = super.createIOServer(port, {
      ...options,
      cors: { origin: (origin, done) => done(null, origin !== undefined && isListedOrigin(origin, origins)), credentials: true },
      allowRequest: (req, done) => done(null, mayOpenSocket(req.headers.origin, req.headers.host, origins)),
    } as ServerOptions) as Server;
    const redis = this.app.get(RedisConnections, { strict: false });
    if (redis.pub && redis.sub) server.adapter(createAdapter(redis.pub, redis.sub, { key: 'tasklane' }));
    return server;
  }
}
