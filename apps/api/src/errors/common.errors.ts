import type { FieldError } from '@tasklane/contracts';
import { AppError } from './app-error.js';

/** Bounds of a VALIDATION_FAILED answer: field names and messages can echo caller-chosen keys and values. */
const MAX_FIELDS = 100;
const MAX_ERRORS_PER_FIELD = 20;
const MAX_FIELD_LENGTH = 200;
const MAX_ERROR_LENGTH = 500;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * 400 VALIDATION_FAILED listing each offending field: at most 100 fields, 20 messages each, field
 * paths cut at 200 characters and messages at 500 (a hostile body must not make a huge answer).
 */
export function validationFailed(details: FieldError[]): AppError {
  const bounded = details.slice(0, MAX_FIELDS).map((d) => ({ field: clip(d.field, MAX_FIELD_LENGTH), errors: d.errors.slice(0, MAX_ERRORS_PER_FIELD).map((e) => clip(e, MAX_ERROR_LENGTH)) }));
  const fields = bounded.map((d) => d.field).join(', ');
  return new AppError('VALIDATION_FAILED', clip(`Invalid request: ${fields}${details.length > MAX_FIELDS ? ', …' : ''}`, 2000), bounded);
}

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

/** 415 UNSUPPORTED_MEDIA_TYPE: the body's Content-Type is not one the route reads. */
export const unsupportedMediaType = (message: string): AppError => new AppError('UNSUPPORTED_MEDIA_TYPE', message);
