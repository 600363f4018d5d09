import { ErrorCode } from './error-codes.js';

/**
 * A failure the caller can act on. Thrown by services; turned into
 * `{ statusCode, code, message, details?, requestId }` by `AppExceptionFilter`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 404 for a board the caller cannot see: the same answer whether it exists or not. */
export const boardNotFound = (): AppError => new AppError(ErrorCode.BoardNotFound, 'Board not found');
