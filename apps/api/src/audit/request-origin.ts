import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Where a request came from, for its audit lines. */
export interface RequestOrigin {
  /** The client address as Fastify sees it (`request.ip`, behind TRUST_PROXY the forwarded one). */
  ip: string;
  /** The request id (`X-Request-Id`, or the one Fastify assigned). */
  requestId: string;
}

/** The origin of a Fastify request. */
export const requestOrigin = (request: FastifyRequest): RequestOrigin => ({ ip: request.ip, requestId: String(request.id) });

/**
 * Handler parameter: the request's {@link RequestOrigin}, which the handler passes on to the
 * service that writes the audit line. Passed explicitly rather than kept in an AsyncLocalStorage:
 * on Node 20 every enabled AsyncLocalStorage copies its value onto every promise the process
 * creates (an async-hooks init hook): a second store cost about 6 % of a replica's main-thread
 * instructions per task write (−12 % and 0 % in the two rounds of one run) and 9–27 % of its idle
 * ones (docs/benchmarks.md, "Instructions per write"), for the few requests that audit.
 */
export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin => requestOrigin(context.switchToHttp().getRequest<FastifyRequest>()));
