import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tap, type Observable } from 'rxjs';
import { etagOf } from './if-match.decorator.js';

const LOCATION = 'tasklane:location';

/** Computes a created resource's path from the result and the request's path parameters. */
export type LocationOf<T> = (result: T, params: Record<string, string>) => string;

/** Marks a create route: its 201 answer carries `Location: <location(result, params)>`. */
export const SetLocation = <T>(location: LocationOf<T>): MethodDecorator => SetMetadata(LOCATION, location);

/**
 * Response headers of resources (global APP_INTERCEPTOR):
 *  - `ETag` on every single-resource answer that has a numeric `version` (boards, columns, tasks;
 *    a board snapshot carries the board's version). Lists and deletions have none.
 *  - `Location` on the 201 of a route marked with `@SetLocation(...)`.
 */
@Injectable()
export class ResourceHeadersInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const location = this.reflector.get<LocationOf<unknown> | undefined>(LOCATION, context.getHandler());
    return next.handle().pipe(
      tap((body) => {
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        const version = (body as { version?: unknown } | null | undefined)?.version;
        if (typeof version === 'number') void reply.header('ETag', etagOf(version));
        if (location && body) void reply.header('Location', location(body, context.switchToHttp().getRequest<FastifyRequest>().params as Record<string, string>));
      }),
    );
  }
}
