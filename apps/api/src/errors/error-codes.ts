/**
 * Every error code the API returns, grouped by feature. Each maps to exactly one HTTP status in
 * `statusOf` (an exhaustive switch: adding a code without a status fails type-checking).
 */
export enum ErrorCode {
  // generic
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedRequest = 'MALFORMED_REQUEST',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  RateLimited = 'RATE_LIMITED',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL',
  // auth
  EmailTaken = 'EMAIL_TAKEN',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  // boards, members
  BoardNotFound = 'BOARD_NOT_FOUND',
  UserNotFound = 'USER_NOT_FOUND',
  MemberNotFound = 'MEMBER_NOT_FOUND',
  AlreadyMember = 'ALREADY_MEMBER',
  LastOwner = 'LAST_OWNER',
  // columns, tasks
  ColumnNotFound = 'COLUMN_NOT_FOUND',
  TaskNotFound = 'TASK_NOT_FOUND',
  InvalidPosition = 'INVALID_POSITION',
  // events
  EventsExpired = 'EVENTS_EXPIRED',
  // concurrency and retries
  PreconditionFailed = 'PRECONDITION_FAILED',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
}

/** HTTP status of each code. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.MalformedRequest:
    case ErrorCode.InvalidPosition:
      return 400;
    case ErrorCode.Unauthorized:
    case ErrorCode.InvalidCredentials:
    case ErrorCode.InvalidRefreshToken:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.RouteNotFound:
    case ErrorCode.BoardNotFound:
    case ErrorCode.UserNotFound:
    case ErrorCode.MemberNotFound:
    case ErrorCode.ColumnNotFound:
    case ErrorCode.TaskNotFound:
      return 404;
    case ErrorCode.EmailTaken:
    case ErrorCode.AlreadyMember:
    case ErrorCode.LastOwner:
      return 409;
    case ErrorCode.EventsExpired:
      return 410;
    case ErrorCode.PreconditionFailed:
      return 412;
    case ErrorCode.IdempotencyKeyReused:
      return 422;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.Internal:
      return 500;
    case ErrorCode.ServiceUnavailable:
      return 503;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}
