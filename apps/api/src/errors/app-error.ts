import type { ErrorCode } from '@tasklane/contracts';

/**
 * A failure the caller can act on. Thrown by services (through the factories in each feature's
 * `*.errors.ts`); turned into `{ statusCode, code, message, details?, requestId }` by
 * `AppExceptionFilter`, with the status from `statusOf(code)`.
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
