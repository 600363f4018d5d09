import { Module } from '@nestjs/common';
import { RedisConnections } from './redis-connections.service.js';

/** The replica's Redis connections (none without REDIS_URL), for the Socket.IO adapter and the readiness check. */
@Module({ providers: [RedisConnections], exports: [RedisConnections] })
export class RedisModule {}
