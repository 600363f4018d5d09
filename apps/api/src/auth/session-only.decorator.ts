import { SetMetadata } from '@nestjs/common';

export const SESSION_ONLY = 'tasklane:session-only';

/**
 * Marks a route (or controller) as reachable with a login session's access token only: an API
 * token gets 403 FORBIDDEN whatever its scopes. For the routes that manage credentials: API
 * tokens, password change, logout-all (a leaked script token must not be able to mint more tokens
 * or lock the owner out).
 */
export const SessionOnly = (): MethodDecorator & ClassDecorator => SetMetadata(SESSION_ONLY, true);
