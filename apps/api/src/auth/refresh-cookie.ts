import type { FastifyReply, FastifyRequest } from 'fastify';
import { REFRESH_COOKIE } from '@tasklane/contracts';
import { apiPath } from '../http/api-prefix.js';

/** The only path the browser sends the refresh cookie to: the auth routes (`/api/v1/auth`), never the rest of the API. */
export const REFRESH_COOKIE_PATH = apiPath('auth');

/**
 * True when the client reached us over https: directly, or through a proxy that says so in
 * `X-Forwarded-Proto` (first value). A client that lies about it only makes its own cookie
 * `Secure`, which is harmless.
 */
function overHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' || request.protocol === 'https';
}

const attributes = (request: FastifyRequest) => ({ httpOnly: true, sameSite: 'strict' as const, path: REFRESH_COOKIE_PATH, secure: overHttps(request) });

/**
 * Sets `tasklane_refresh=<token>; Max-Age=<seconds until the session's absolute end>;
 * Path=/api/v1/auth; HttpOnly; [Secure;] SameSite=Strict` (Secure when the request came over https).
 */
export function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, token: string, sessionExpiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((sessionExpiresAt.getTime() - Date.now()) / 1000));
  void reply.setCookie(REFRESH_COOKIE, token, { ...attributes(request), maxAge });
}

/** Expires the refresh cookie (same name, path and attributes, Max-Age=0). */
export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(REFRESH_COOKIE, attributes(request));
}

/**
 * The refresh cookie's value, or undefined. Only read from requests with a JSON body
 * (`Content-Type: application/json`): a cross-origin request cannot carry that without a CORS
 * preflight, which a plain HTML form or a "simple" fetch cannot pass (docs/security.md).
 */
export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return undefined;
  const value = request.cookies?.[REFRESH_COOKIE];
  return value ? value : undefined;
}

/** True when the request carries a refresh cookie at all (to clear it after logout or a refused refresh). */
export const hasRefreshCookie = (request: FastifyRequest): boolean => Boolean(request.cookies?.[REFRESH_COOKIE]);
