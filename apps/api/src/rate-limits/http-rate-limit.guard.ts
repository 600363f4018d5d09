import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerModuleOptions, type ThrottlerRequest } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Env } from '../config/env.schema.js';
import { Metrics } from '../metrics/metrics.service.js';
import { clientAddress, refuse, routeLimit, setRateLimitHeaders, type LimitState } from './rate-limit-http.js';
import type { RateLimitStore } from './rate-limit.store.js';

/**
 * The HTTP rate limits (global APP_GUARD, registered after AccessTokenGuard so that it knows the
 * user). @nestjs/throttler's guard iterates the named throttlers of RateLimitsModule; each request
 * is counted by the one throttler of its kind (see `routeLimit`):
 *  - `register`, `refresh`, `unsubscribe`: per client address, fixed window, each its own;
 *  - `reads`: per user, fixed window;
 *  - `writes`: per user, a token bucket (GCRA): the throttler's `limit` is the burst and `ttl` the
 *    time the bucket takes to refill, so RATE_LIMIT_WRITES=20/1s with burst 40 is limit 40 per
 *    2000 ms, i.e. 40 at once, then one every 50 ms.
 * Failed logins are FailedLoginLimit's. Every answer of a counted request carries `RateLimit-Limit`,
 * `-Remaining` and `-Reset`; over the limit it is 429 RATE_LIMITED with `Retry-After`. Skipped
 * entirely with RATE_LIMITS=off, and for WebSocket contexts (sockets are limited by the gateway).
 */
@Injectable()
export class HttpRateLimitGuard extends ThrottlerGuard {
  private readonly enabled: boolean;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly store: RateLimitStore,
    reflector: Reflector,
    config: ConfigService<Env, true>,
    private readonly metrics: Metrics,
  ) {
    super(options, store, reflector);
    this.enabled = config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on';
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !this.enabled || context.getType() !== 'http';
  }

  protected override async handleRequest({ context, limit, ttl, throttler }: ThrottlerRequest): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const kind = routeLimit(this.reflector, context, request);
    if (kind !== throttler.name) return true;
    const tracker = kind === 'reads' || kind === 'writes' ? request.user!.id : clientAddress(request);
    const key = `${kind}:${tracker}`;
    let state: LimitState;
    let retryAfterMs: number | null = null;
    if (kind === 'writes') {
      const bucket = await this.store.take(key, ttl / limit, limit);
      state = { limit, remaining: bucket.remaining, resetSeconds: bucket.resetMs / 1000 };
      if (!bucket.allowed) retryAfterMs = bucket.retryAfterMs;
    } else {
      const window = await this.store.increment(key, ttl, limit);
      state = { limit, remaining: limit - window.totalHits, resetSeconds: window.timeToExpire };
      if (window.isBlocked) retryAfterMs = window.timeToBlockExpire * 1000;
    }
    if (retryAfterMs !== null) {
      this.metrics.rateLimited(kind);
      throw refuse(reply, state, retryAfterMs);
    }
    setRateLimitHeaders(reply, state);
    return true;
  }
}
