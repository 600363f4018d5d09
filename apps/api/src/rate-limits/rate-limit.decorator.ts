import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrors } from '../http/openapi.decorators.js';

/** The public routes with a limit of their own (authenticated routes are limited per user: reads and writes). */
export type PublicRateLimit = 'login' | 'register' | 'refresh' | 'unsubscribe';

export const RATE_LIMIT_ROUTE = 'tasklane:rate-limit';

const DESCRIPTIONS: Record<PublicRateLimit, string> = {
  login: 'RATE_LIMITED: too many failed logins for this email from your address, or from your address overall (RATE_LIMIT_LOGIN_IP_EMAIL, RATE_LIMIT_LOGIN_IP); even a correct password is refused until `Retry-After` seconds have passed',
  register: 'RATE_LIMITED: too many registrations from your address (RATE_LIMIT_REGISTER); retry after `Retry-After` seconds',
  refresh: 'RATE_LIMITED: too many refreshes from your address (RATE_LIMIT_REFRESH); retry after `Retry-After` seconds',
  unsubscribe: 'RATE_LIMITED: too many unsubscribe requests from your address (RATE_LIMIT_UNSUBSCRIBE); retry after `Retry-After` seconds',
};

/**
 * Puts a public route under its own limit, per client address: `register`, `refresh` and `unsubscribe` count every
 * request (HttpRateLimitGuard), `login` counts failed logins only (FailedLoginLimit, which the route
 * also needs). Documents the 429; the `RateLimit-*` and `Retry-After` headers are added to the
 * OpenAPI document centrally (openapi-document.ts).
 */
export const RateLimit = (route: PublicRateLimit): MethodDecorator => applyDecorators(SetMetadata(RATE_LIMIT_ROUTE, route), ApiErrors({ 429: DESCRIPTIONS[route] }));
