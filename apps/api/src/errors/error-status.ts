import type { ErrorCode } from '@tasklane/contracts';

/**
 * The HTTP status of each error code: one exhaustive switch, so a code added to
 * `@tasklane/contracts` without a status fails type-checking. 5xx only for server-side failures.
 */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'MALFORMED_REQUEST':
    case 'INVALID_POSITION':
    case 'WEBHOOK_URL_REFUSED':
      return 400;
    case 'UNAUTHORIZED':
    case 'INVALID_CREDENTIALS':
    case 'INVALID_REFRESH_TOKEN':
      return 401;
    case 'FORBIDDEN':
    case 'INVALID_CURRENT_PASSWORD':
      return 403;
    case 'ROUTE_NOT_FOUND':
    case 'BOARD_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'MEMBER_NOT_FOUND':
    case 'COLUMN_NOT_FOUND':
    case 'TASK_NOT_FOUND':
    case 'INVITATION_NOT_FOUND':
    case 'API_TOKEN_NOT_FOUND':
    case 'WEBHOOK_NOT_FOUND':
    case 'DELIVERY_NOT_FOUND':
    case 'IMPORT_NOT_FOUND':
    case 'COMMENT_NOT_FOUND':
    case 'CHECKLIST_ITEM_NOT_FOUND':
    case 'LABEL_NOT_FOUND':
      return 404;
    case 'EMAIL_TAKEN':
    case 'ALREADY_MEMBER':
    case 'LAST_OWNER':
    case 'LIMIT_REACHED':
    case 'API_TOKEN_LIMIT_REACHED':
    case 'TASK_ARCHIVED':
    case 'NOT_ARCHIVED':
    case 'LABEL_NAME_TAKEN':
    case 'COLUMN_ARCHIVED':
      return 409;
    case 'EVENTS_EXPIRED':
      return 410;
    case 'PRECONDITION_FAILED':
      return 412;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'IDEMPOTENCY_KEY_REUSED':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL':
      return 500;
    case 'SERVICE_UNAVAILABLE':
      return 503;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}
