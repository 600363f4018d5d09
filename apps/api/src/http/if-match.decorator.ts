import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** ETag of a versioned resource (board, column, task): its version, quoted (RFC 9110 §8.8.3). */
export const etagOf = (version: number): string => `"${version}"`;

/** Matches nothing: an If-Match we cannot parse must fail the precondition (RFC 9110 §13.1.1). */
const NO_MATCH = -1;

/**
 * Reads `If-Match` as the version the client expects: `"3"` or `W/"3"` → 3; absent or `*` →
 * undefined (no precondition: last write wins); anything else → a version that matches nothing.
 */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): number | undefined => {
  const raw = ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  if (raw === undefined || raw.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(raw);
  return m ? Number(m[1]) : NO_MATCH;
});
