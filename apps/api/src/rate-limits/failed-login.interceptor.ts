import { createHash } from 'node:crypto';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Env } from '../config/env.schema.js';
import { Metrics } from '../metrics/metrics.service.js';
import { AppError } from '../errors/app-error.js';
import type { WindowLimit, WindowState } from './rate-algorithms.js';
import { clientAddress, refuse, setRateLimitHeaders, type LimitState } from './rate-limit-http.js';
import type { RateLimitStore } from './rate-limit.store.js';

/** The login limit closest to being reached, as `RateLimit-*` reports it. */
function tightest(limits: WindowLimit[], states: WindowState[]): LimitState {
  const all = limits.map((l, i) => ({ limit: l.limit, remaining: l.limit - states[i].count, resetSeconds: states[i].resetMs / 1000 }));
  return all.reduce((a, b) => (b.remaining < a.remaining ? b : a));
}

/**
 * Failed-login limits of `POST /auth/login` (interceptor on that route): per client address and
 * email (RATE_LIMIT_LOGIN_IP_EMAIL) and per client address (RATE_LIMIT_LOGIN_IP), fixed windows
 * shared by all replicas. Only failed logins (401 INVALID_CREDENTIALS) count. Once a window is full,
 * every login it covers, even with the right password, is 429 RATE_LIMITED until the window ends
 * (`Retry-After`), without checking the password.
 *
 * Each login first reserves one attempt in both windows in one atomic step (refused if either is
 * full) and takes it back unless the password was wrong. So concurrent guesses cannot overshoot the
 * limit; the price is that while a correct login is in flight it holds a slot, and a concurrent
 * attempt right at the limit may be refused.
 */
@Injectable()
export class FailedLoginLimit implements NestInterceptor {
  private readonly enabled: boolean;
  private readonly perEmail: Env['RATE_LIMIT_LOGIN_IP_EMAIL'];
  private readonly perAddress: Env['RATE_LIMIT_LOGIN_IP'];

  constructor(
    @InjectThrottlerStorage() private readonly store: RateLimitStore,
    config: ConfigService<Env, true>,
    private readonly metrics: Metrics,
  ) {
    this.enabled = config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on';
    this.perEmail = config.getOrThrow('RATE_LIMIT_LOGIN_IP_EMAIL', { infer: true });
    this.perAddress = config.getOrThrow('RATE_LIMIT_LOGIN_IP', { infer: true });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.enabled) return next.handle();
    return from(this.login(context, next));
  }

  private async login(context: ExecutionContext, next: CallHandler): Promise<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    // The body is not validated yet (pipes run after interceptors): normalise as LoginDto does.
    const rawEmail = (request.body as { email?: unknown } | null)?.email;
    const email = typeof rawEmail === 'string' ? rawEmail.trim().toLowerCase() : '';
    const address = clientAddress(request);
    // The same hash tag {address} on both keys keeps them in one slot should Redis ever be a cluster.
    const limits: WindowLimit[] = [
      { key: `login:{${address}}:${createHash('sha256').update(email).digest('base64url').slice(0, 22)}`, limit: this.perEmail.count, windowMs: this.perEmail.windowMs },
      { key: `login:{${address}}`, limit: this.perAddress.count, windowMs: this.perAddress.windowMs },
    ];
    const attempt = await this.store.attempt(limits);
    if (!attempt.allowed) {
      const blocking = limits.map((l, i) => ({ l, s: attempt.states[i] })).filter(({ l, s }) => s.count >= l.limit);
      const retryAfterMs = Math.max(...blocking.map(({ s }) => s.resetMs));
      this.metrics.rateLimited('login');
      throw refuse(reply, tightest(limits, attempt.states), retryAfterMs);
    }
    const failedStates = attempt.states;
    const keptStates = attempt.states.map((s) => ({ ...s, count: s.count - 1 }));
    try {
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.store.refund(limits.map((l) => l.key));
      setRateLimitHeaders(reply, tightest(limits, keptStates));
      return result;
    } catch (error) {
      if (error instanceof AppError && error.code === 'INVALID_CREDENTIALS') {
        setRateLimitHeaders(reply, tightest(limits, failedStates));
      } else {
        await this.store.refund(limits.map((l) => l.key));
        setRateLimitHeaders(reply, tightest(limits, keptStates));
      }
      throw error;
    }
  }
}
