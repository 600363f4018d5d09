import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is asking, for log lines written deep inside a request (audit lines). */
export interface RequestContext {
  /** The client address as Fastify sees it (`request.ip`). */
  ip: string;
  /** The request id (`X-Request-Id`). */
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` (and everything it starts) with `context` as the current request context. Called by
 * the Fastify `preHandler` hook in app.factory.ts, right before the route handler (after body
 * parsing, whose stream callbacks would lose an earlier context). Only log lines read it: no rule,
 * query or transaction depends on it.
 */
export function runWithRequestContext(context: RequestContext, fn: () => void): void {
  storage.run(context, fn);
}

/** The context of the request being handled, or undefined outside a request (timers, sockets). */
export const currentRequestContext = (): RequestContext | undefined => storage.getStore();
