/**
 * Every error `code` the API answers with, declared per feature. A client compares `ErrorBody.code`
 * against this union (`if (error.code === 'TASK_NOT_FOUND')`) and the compiler catches a typo. The
 * HTTP status of each code is fixed (see docs/api.md); the API maps them in one exhaustive switch.
 */
export const ERROR_CODES = {
  /** Request-level failures any route can answer with. */
  common: [
    'VALIDATION_FAILED',
    'MALFORMED_REQUEST',
    'ROUTE_NOT_FOUND',
    'PAYLOAD_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
    'UNAUTHORIZED',
    'FORBIDDEN',
    'RATE_LIMITED',
    'PRECONDITION_FAILED',
    'IDEMPOTENCY_KEY_REUSED',
    'SERVICE_UNAVAILABLE',
    'INTERNAL',
  ],
  /**
   * INVALID_REFRESH_TOKEN also answers a reused (already rotated) refresh token, whose whole session
   * is then revoked. INVALID_CURRENT_PASSWORD: `change-password` with a wrong `currentPassword`.
   */
  auth: ['EMAIL_TAKEN', 'INVALID_CREDENTIALS', 'INVALID_REFRESH_TOKEN', 'INVALID_CURRENT_PASSWORD', 'API_TOKEN_NOT_FOUND', 'API_TOKEN_LIMIT_REACHED'],
  users: ['USER_NOT_FOUND'],
  boards: ['BOARD_NOT_FOUND'],
  members: ['MEMBER_NOT_FOUND', 'ALREADY_MEMBER', 'LAST_OWNER'],
  /** Unknown, expired, revoked, declined or accepted, or addressed to someone else: all the same answer. */
  invitations: ['INVITATION_NOT_FOUND'],
  /** COLUMN_ARCHIVED (409): a write to an archived column or into it (restore it first). */
  columns: ['COLUMN_NOT_FOUND', 'COLUMN_ARCHIVED'],
  /** TASK_ARCHIVED (409): a write to an archived task, or to one in an archived column (restore it first). */
  tasks: ['TASK_NOT_FOUND', 'TASK_ARCHIVED'],
  comments: ['COMMENT_NOT_FOUND'],
  /** NOT_ARCHIVED (409): restoring a task or column that is not archived. */
  archive: ['NOT_ARCHIVED'],
  checklists: ['CHECKLIST_ITEM_NOT_FOUND'],
  /** LABEL_NAME_TAKEN (409): the board has a label of that name (ignoring case). */
  labels: ['LABEL_NOT_FOUND', 'LABEL_NAME_TAKEN'],
  /** A fractional-index placement that cannot be honoured (anchors out of order, not adjacent, …). */
  positions: ['INVALID_POSITION'],
  events: ['EVENTS_EXPIRED'],
  /** Webhooks of a board and their delivery log; a URL the SSRF rules refuse (private, loopback, link-local, metadata) is 400 WEBHOOK_URL_REFUSED. */
  webhooks: ['WEBHOOK_NOT_FOUND', 'DELIVERY_NOT_FOUND', 'WEBHOOK_URL_REFUSED'],
  /** Board imports: another user's import is not found either. */
  imports: ['IMPORT_NOT_FOUND'],
  /**
   * A configured cap is reached (tasks per board, columns per board, boards per user, rooms per
   * socket …): the request is valid but would exceed it. 409; `details` names the cap.
   */
  limits: ['LIMIT_REACHED'],
} as const;

/** Error codes of one feature, e.g. `FeatureErrorCode<'tasks'>` = `'TASK_NOT_FOUND'`. */
export type FeatureErrorCode<F extends keyof typeof ERROR_CODES> = (typeof ERROR_CODES)[F][number];

/** Every error code. */
export type ErrorCode = FeatureErrorCode<keyof typeof ERROR_CODES>;

/** All codes as one list (OpenAPI enum, tests). */
export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.values(ERROR_CODES).flat();

/** The one error body of every 4xx/5xx response. */
export interface ErrorBody {
  /** The HTTP status, repeated. */
  statusCode: number;
  /** Stable machine-readable code. */
  code: ErrorCode;
  /** Human-readable; may change between versions. */
  message: string;
  /**
   * VALIDATION_FAILED: `FieldError[]`; PRECONDITION_FAILED: `{ current }` (the entity as it is now);
   * LIMIT_REACHED: `LimitDetails`.
   */
  details?: unknown;
  /** The request id, also in the `X-Request-Id` response header. */
  requestId: string;
}

/** Validation error detail entry (`details` of a 400 `VALIDATION_FAILED`). */
export interface FieldError {
  field: string;
  errors: string[];
}

/** `details` of a 409 LIMIT_REACHED: which cap, and its configured maximum. */
export interface LimitDetails {
  /** e.g. `tasks_per_board`, `columns_per_board`, `boards_per_user`, `rooms_per_socket`. */
  limit: string;
  max: number;
}
