import { Global, Module } from '@nestjs/common';
import { RealtimeGateway } from './realtime.gateway.js';
import { RedisConnections } from './redis-connections.service.js';

/** Socket.IO gateway and the Redis connections it fans out through (global: readiness checks them). */
@Global()
@Module({ providers: [RealtimeGateway, RedisConnections], exports: [RedisConnections] })
export class RealtimeModule {}
