import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { tap, type Observable } from 'rxjs';
import { etagOf } from './if-match.js';

/**
 * Sets `ETag` on every single-resource response that has a numeric `version` (boards, columns,
 * tasks; a board snapshot carries the board's version). Lists and deletions have none.
 */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap((body) => {
        const version = (body as { version?: unknown } | null | undefined)?.version;
        if (typeof version === 'number') void context.switchToHttp().getResponse<FastifyReply>().header('ETag', etagOf(version));
      }),
    );
  }
}
