import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { normalizeIp } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors/app-error.js';
import { rateLimited } from '../errors/common.errors.js';
import { RATE_LIMIT_ROUTE, type PublicRateLimit } from './rate-limit.decorator.js';

/** Which limit a request falls under: a public route's own, or per user `reads` (GET) / `writes` (the rest); null: none. */
export type RouteLimit = PublicRateLimit | 'reads' | 'writes';

/**
 * The limit of this request. Authenticated requests (AccessTokenGuard has set `request.user`, so this
 * runs after it) are `reads` or `writes` of their user; public ones only when marked `@RateLimit(…)`
 * (health checks are not limited).
 */
export function routeLimit(reflector: Reflector, context: ExecutionContext, request: FastifyRequest): RouteLimit | null {
  const marked = reflector.get<PublicRateLimit | undefined>(RATE_LIMIT_ROUTE, context.getHandler());
  if (marked) return marked;
  if (!request.user) return null;
  return request.method === 'GET' || request.method === 'HEAD' ? 'reads' : 'writes';
}

/**
 * The caller's address for per-address limits: `request.ip`, which Fastify takes from
 * `X-Forwarded-For` through the hops TRUST_PROXY trusts; IPv6 addresses by their /64 (one
 * subscriber usually owns a whole /64).
 */
export const clientAddress = (request: FastifyRequest): string => normalizeIp(request.ip, 64);

/** What the `RateLimit-*` headers report: the quota, what is left of it, and seconds until it is whole again. */
export interface LimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/**
 * Sets `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (delta seconds), the field
 * names of the IETF HTTPAPI draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers-06, December 2022; `RateLimit-Policy` is not sent).
 */
export function setRateLimitHeaders(reply: FastifyReply, state: LimitState): void {
  void reply.header('RateLimit-Limit', String(state.limit));
  void reply.header('RateLimit-Remaining', String(Math.max(0, state.remaining)));
  void reply.header('RateLimit-Reset', String(Math.max(0, Math.ceil(state.resetSeconds))));
}

/**
 * Refuses the request: sets the `RateLimit-*` headers and `Retry-After` (whole seconds, at least 1)
 * and returns the 429 RATE_LIMITED error to throw.
 */
export function refuse(reply: FastifyReply, state: LimitState, retryAfterMs: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  setRateLimitHeaders(reply, { ...state, remaining: 0 });
  void reply.header('Retry-After', String(retryAfter));
  return rateLimited(retryAfter);
}
