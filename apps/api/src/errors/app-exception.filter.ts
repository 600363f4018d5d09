import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody, ErrorCode } from '@tasklane/contracts';
import { AppError } from './app-error.js';
import { statusOf } from './error-status.js';

/** PostgreSQL / node-postgres failures that mean "the database is unreachable right now", not a bug. */
// 55P03: lock_timeout while waiting for a busy board's row lock (retry shortly, like the others).
// 40P01: chosen as a deadlock victim. Group commit keeps a batch's row locks until its COMMIT, so two
// batches of different boards that notify the same users in opposite orders can deadlock on their
// notification_streams rows; PostgreSQL aborts one, which is safe to retry (nothing committed; the
// Idempotency-Key makes the retry exact).
const DB_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '55P03', '40P01', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
// "… is not queryable": node-postgres refuses queries on a client whose connection failed or closed.
const DB_UNAVAILABLE_MESSAGES = [/timeout exceeded when trying to connect/i, /Connection terminated/i, /the database system is (starting|shutting) up/i, /is not queryable/i];

/** Classifies a thrown value as "PostgreSQL unavailable" (answered 503 + Retry-After). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code ?? (error as { driverError?: { code?: string } }).driverError?.code;
  if (code && DB_UNAVAILABLE_CODES.has(code)) return true;
  return DB_UNAVAILABLE_MESSAGES.some((re) => re.test(error.message));
}

/** Codes for HTTP errors raised by Nest or Fastify themselves (unknown route, bad JSON, body too large). */
const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The one place errors become HTTP responses: every error body is
 * `{ statusCode, code, message, details?, requestId }`. AppErrors map through `statusOf`; Nest and
 * Fastify HTTP errors (unknown route, bad JSON, body too large) keep their status; an unreachable
 * database is 503 with `Retry-After: 1`; anything else is a generic 500 whose stack goes to the log.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception, String(request.id));
    if (body.code === 'SERVICE_UNAVAILABLE') {
      // Expected while PostgreSQL restarts: one line, no stack.
      this.logger.warn(`${request.method} ${request.url} → 503 [${body.requestId}]: ${exception instanceof Error ? exception.message : String(exception)}`);
    } else if (body.statusCode >= 500) {
      this.logger.error(`${request.method} ${request.url} → ${body.statusCode} ${body.code} [${body.requestId}]`, exception instanceof Error ? exception.stack : String(exception));
    }
    if (body.code === 'SERVICE_UNAVAILABLE') void reply.header('Retry-After', '1');
    const current = (body.details as { current?: { version?: unknown } } | undefined)?.current;
    if (body.code === 'PRECONDITION_FAILED' && typeof current?.version === 'number') void reply.header('ETag', `"${current.version}"`);
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    if (exception instanceof AppError) {
      const body: ErrorBody = { statusCode: statusOf(exception.code), code: exception.code, message: exception.message, requestId };
      if (exception.details !== undefined) body.details = exception.details;
      return body;
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (((response as { message?: unknown }).message as string | undefined) ?? exception.message);
      const body: ErrorBody = { statusCode, code: HTTP_CODES[statusCode] ?? (statusCode < 500 ? 'MALFORMED_REQUEST' : 'INTERNAL'), message: String(message), requestId };
      // Anything else the exception carries (Terminus' per-check results on a failed readiness check) goes into details.
      if (typeof response === 'object' && response !== null) {
        const { message: _m, error: _e, statusCode: _s, ...rest } = response as Record<string, unknown>;
        if (Object.keys(rest).length > 0) body.details = rest;
      }
      return body;
    }
    // Fastify's own errors (content-type parser, body limit) carry a 4xx statusCode.
    const fastifyStatus = (exception as { statusCode?: number } | null)?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { statusCode: fastifyStatus, code: HTTP_CODES[fastifyStatus] ?? 'MALFORMED_REQUEST', message: (exception as Error).message, requestId };
    }
    // Class 22 "data exception" (bad encoding, out-of-range number or date): the value came from the
    // caller and slipped past validation. Still the caller's fault, so 400, and logged to fix the DTO.
    // SQLSTATE: on TypeORM's QueryFailedError in driverError.code; on node-postgres' own errors
    // (prepared statements) in code.
    const failed = exception as { driverError?: { code?: string }; code?: string; severity?: string } | null;
    const sqlState = failed?.driverError?.code ?? (failed?.severity ? failed.code : undefined);
    if (typeof sqlState === 'string' && sqlState.startsWith('22')) {
      this.logger.warn(`data exception ${sqlState} reached PostgreSQL: ${(exception as Error).message}`);
      return { statusCode: 400, code: 'MALFORMED_REQUEST', message: 'A value in the request is out of range or malformed', requestId };
    }
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'Database unavailable, retry shortly', requestId };
    }
    return { statusCode: 500, code: 'INTERNAL', message: 'Internal server error', requestId };
  }
}
