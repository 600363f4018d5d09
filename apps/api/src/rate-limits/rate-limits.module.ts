import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Env } from '../config/env.schema.js';
import { RedisConnections } from '../redis/redis-connections.service.js';
import { RedisModule } from '../redis/redis.module.js';
import { FailedLoginLimit } from './failed-login.interceptor.js';
import { RateLimitStore } from './rate-limit.store.js';

/**
 * The named throttlers of HttpRateLimitGuard, from the configuration, on a RateLimitStore (Redis
 * when REDIS_URL is set). `writes` is a token bucket: `limit` = the burst, `ttl` = the time the
 * bucket takes to refill at RATE_LIMIT_WRITES (see HttpRateLimitGuard).
 */
export function throttlerOptions(config: ConfigService<Env, true>, redis: RedisConnections): ThrottlerModuleOptions {
  const get = <K extends 'RATE_LIMIT_REGISTER' | 'RATE_LIMIT_REFRESH' | 'RATE_LIMIT_UNSUBSCRIBE' | 'RATE_LIMIT_READS' | 'RATE_LIMIT_WRITES'>(key: K) => config.getOrThrow(key, { infer: true });
  const writes = get('RATE_LIMIT_WRITES');
  const burst = config.getOrThrow('RATE_LIMIT_WRITES_BURST', { infer: true });
  return {
    throttlers: [
      { name: 'register', limit: get('RATE_LIMIT_REGISTER').count, ttl: get('RATE_LIMIT_REGISTER').windowMs },
      { name: 'refresh', limit: get('RATE_LIMIT_REFRESH').count, ttl: get('RATE_LIMIT_REFRESH').windowMs },
      { name: 'unsubscribe', limit: get('RATE_LIMIT_UNSUBSCRIBE').count, ttl: get('RATE_LIMIT_UNSUBSCRIBE').windowMs },
      { name: 'reads', limit: get('RATE_LIMIT_READS').count, ttl: get('RATE_LIMIT_READS').windowMs },
      { name: 'writes', limit: burst, ttl: (writes.windowMs * burst) / writes.count },
    ],
    storage: new RateLimitStore(redis, config.getOrThrow('RATE_LIMIT_KEY_PREFIX', { infer: true })),
  };
}

/**
 * Rate limits of the REST API: @nestjs/throttler (global, so HttpRateLimitGuard, registered as
 * APP_GUARD in AppModule, and FailedLoginLimit find its options and storage) with RateLimitStore as
 * its storage. See docs/security.md "Rate limits and caps".
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RedisModule],
      inject: [ConfigService, RedisConnections],
      useFactory: throttlerOptions,
    }),
  ],
  providers: [FailedLoginLimit],
  exports: [FailedLoginLimit],
})
export class RateLimitsModule {}
