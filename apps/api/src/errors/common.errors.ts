import type { FieldError } from '@tasklane/contracts';
import { AppError } from './app-error.js';

/** 400 VALIDATION_FAILED listing each offending field. */
export const validationFailed = (details: FieldError[]): AppError =>
  new AppError('VALIDATION_FAILED', `Invalid request: ${details.map((d) => d.field).join(', ')}`, details);

/** 401 UNAUTHORIZED: missing, malformed or expired credentials. */
export const unauthorized = (message = 'Invalid or expired access token'): AppError => new AppError('UNAUTHORIZED', message);

/** 403 FORBIDDEN: a member whose role is below what the operation needs. */
export const forbidden = (required: string): AppError => new AppError('FORBIDDEN', `This needs the ${required} role on the board`);

/** 412 PRECONDITION_FAILED carrying the current entity (and, through the filter, its ETag) so the client can merge and retry. */
export const preconditionFailed = (current: { version: number }): AppError =>
  new AppError('PRECONDITION_FAILED', 'The resource changed since you read it (If-Match does not match its ETag)', { current });

/** 422 IDEMPOTENCY_KEY_REUSED: the key was first used with another method, path or body. */
export const idempotencyKeyReused = (): AppError => new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');

/**
 * 409 LIMIT_REACHED: a configured cap (`limit`, e.g. `tasks_per_board`) is reached; `max` is its
 * configured value. The request itself was valid.
 */
export const limitReached = (limit: string, max: number, what: string): AppError =>
  new AppError('LIMIT_REACHED', `Limit reached: at most ${max} ${what}`, { limit, max });

/** 429 RATE_LIMITED: too many requests; the caller retries after `Retry-After` seconds. */
export const rateLimited = (retryAfterSeconds: number): AppError => new AppError('RATE_LIMITED', `Too many requests, retry in ${retryAfterSeconds} s`);
