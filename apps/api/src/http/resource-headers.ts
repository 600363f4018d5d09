import { UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, preSerializationHookHandler } from 'fastify';
import { tap, type Observable } from 'rxjs';
import { etagOf } from './if-match.decorator.js';

/** Computes a created resource's path from the result and the request's path parameters. */
export type LocationOf<T> = (result: T, params: Record<string, string>) => string;

/**
 * Response headers of resources, part 1 (a Fastify `preSerialization` hook, app.factory.ts): `ETag`
 * on every answer whose body has a numeric top-level `version` (boards, columns, tasks; a board
 * snapshot carries the board's version). Lists, deletions and errors have none. A hook and not a
 * global Nest interceptor: an interceptor wraps every handler in rxjs, about 12 µs of CPU per
 * request (docs/benchmarks.md, issue 13), where this hook costs nothing measurable.
 */
export const setEntityTag: preSerializationHookHandler = (_request, reply, payload, done) => {
  const version = (payload as { version?: unknown } | null | undefined)?.version;
  if (typeof version === 'number') void reply.header('ETag', etagOf(version));
  done(null, payload);
};

/** Sets `Location: <location(result, params)>` on the answer of the one route it is applied to (see SetLocation). */
class LocationInterceptor<T> implements NestInterceptor {
  constructor(private readonly location: LocationOf<T>) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap((body) => {
        if (!body) return;
        const http = context.switchToHttp();
        void http.getResponse<FastifyReply>().header('Location', this.location(body as T, http.getRequest<FastifyRequest>().params as Record<string, string>));
      }),
    );
  }
}

/**
 * Response headers of resources, part 2: marks a create route, whose answer carries
 * `Location: <location(result, params)>` (a route-level interceptor, so only these routes pay for it).
 */
export const SetLocation = <T>(location: LocationOf<T>): MethodDecorator => UseInterceptors(new LocationInterceptor(location));
