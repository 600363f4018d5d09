import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../errors/common.errors.js';
import type { AuthUser } from '../http/current-user.decorator.js';
import { sessionRequired, writeScopeRequired } from './auth.errors.js';
import { AuthService } from './auth.service.js';
import { IS_PUBLIC } from './public.decorator.js';
import { SESSION_ONLY } from './session-only.decorator.js';

/** Methods an API token with only `boards:read` may use: those that change nothing (RFC 9110 §9.2.1 safe methods, less OPTIONS, which CORS answers before any guard). */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Global guard (APP_GUARD): every route needs `Authorization: Bearer <token>` unless marked
 * `@Public()`. The token is an access JWT, or a personal API token (`tl_…`), which is further held
 * to its scopes: without `boards:write` only GET and HEAD pass (403 otherwise; "write" is decided
 * by the method, so a new route is covered without anyone remembering to mark it), and on
 * `@SessionOnly()` routes no API token passes (403).
 * @throws AppError UNAUTHORIZED (401) for a missing, malformed, expired or revoked token; FORBIDDEN (403) as above
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw unauthorized('Missing bearer token');
    }
    const user = this.auth.authenticate(token);
    // An access JWT is checked synchronously (no await on the hot path); an API token needs a lookup.
    return user instanceof Promise ? user.then((u) => this.admit(context, request, u)) : this.admit(context, request, user);
  }

  private admit(context: ExecutionContext, request: FastifyRequest, user: AuthUser | null): boolean {
    if (!user) throw unauthorized();
    if (user.kind === 'api-token') {
      if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, [context.getHandler(), context.getClass()])) throw sessionRequired();
      if (!READ_METHODS.has(request.method) && !user.scopes.includes('boards:write')) throw writeScopeRequired();
    }
    request.user = user;
    return true;
  }
}
