// REST shapes of the work that happens later or elsewhere (issue 11): webhooks and their delivery
// log, board imports, email preferences. The API's DTOs (apps/api/src/{webhooks,transfer,emails})
// document the same fields for OpenAPI.
import type { NotificationKind } from './resources.js';

/** A board's webhook as the API shows it (never its secret, except once in WebhookCreated). */
export interface WebhookView {
  id: string;
  boardId: string;
  url: string;
  /** Board event types (see BOARD_EVENT_TYPES), or `['*']` for every event. */
  events: string[];
  /** False once disabled, by an owner or after WEBHOOK_DISABLE_AFTER consecutive failures. */
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The answer of `POST …/webhooks`: the webhook and its HMAC secret, shown this once. */
export interface WebhookCreated extends WebhookView {
  secret: string;
}

/** Body of `POST …/webhooks`. `secret` (16–200 characters) defaults to a random key the answer shows once. */
export interface CreateWebhookInput {
  url: string;
  events: string[];
  secret?: string;
}

/** Body of `PATCH …/webhooks/:id`; absent fields are unchanged. `enabled: true` re-enables and clears the failure count. */
export interface UpdateWebhookInput {
  url?: string;
  events?: string[];
  enabled?: boolean;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One entry of a webhook's delivery log (newest first). */
export interface DeliveryView {
  /** Also the `Tasklane-Delivery` header, the same on every attempt. */
  id: string;
  webhookId: string;
  /** The event's seq; null for a test ping. */
  seq: number | null;
  /** The event type, or `webhook.test`. */
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** HTTP status of the last attempt; null when it got none. */
  responseCode: number | null;
  /** Duration of the last attempt in milliseconds. */
  durationMs: number | null;
  /** Why the last attempt failed. */
  error: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

/** Status of a board import (`POST /boards/import`, then `GET /imports/:id`). */
export interface ImportView {
  id: string;
  source: 'tasklane' | 'trello';
  status: 'queued' | 'succeeded' | 'failed';
  columnCount: number;
  taskCount: number;
  skipped: { archivedColumns: number; archivedTasks: number };
  /** Tasks written so far (never decreases; `taskCount` once succeeded); `import:progress` pushes the same. */
  processed: number;
  /** The new board, once succeeded. */
  boardId: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** `GET|PATCH /users/me/preferences`: per notification kind, true = send me an email. */
export interface PreferencesView {
  emails: Record<NotificationKind, boolean>;
}

/** Body of `PATCH /users/me/preferences`: kinds absent are unchanged. */
export interface UpdatePreferencesInput {
  emails: Partial<Record<NotificationKind, boolean>>;
}
