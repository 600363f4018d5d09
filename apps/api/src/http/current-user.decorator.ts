import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ApiTokenScope } from '@tasklane/contracts';

/**
 * The authenticated caller, set by `AccessTokenGuard` (and, for sockets, the handshake): either an
 * access token (JWT) of a login session, or a personal API token. Services use `id`; auth reads
 * the rest.
 */
export type AuthUser =
  | {
      kind: 'session';
      /** The user id (`sub`). */
      id: string;
      /** The session (refresh-token family) the access token was issued in (`sid`); null for tokens issued before sessions existed. */
      sessionId: string | null;
      /** When the access token expires (`exp`), epoch ms. */
      expiresAt: number;
    }
  | {
      kind: 'api-token';
      id: string;
      tokenId: string;
      scopes: readonly ApiTokenScope[];
      /** epoch ms; null: never. */
      expiresAt: number | null;
    };

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser;
  }
}

/** Injects the authenticated caller into a handler parameter. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<FastifyRequest>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});
