import type {
  ActivityEntry,
  ApiTokenScope,
  ApiTokenView,
  ArchiveEntry,
  ChecklistItemView,
  CommentView,
  CreateWebhookInput,
  DeliveryView,
  ImportView,
  LabelView,
  PreferencesView,
  UpdatePreferencesInput,
  UpdateWebhookInput,
  WebhookCreated,
  WebhookView,
  AuthResponse,
  CreatedApiToken,
  BoardRole,
  BoardSnapshot,
  BoardSummary,
  ColumnView,
  ErrorBody,
  ErrorCode,
  EventsPage,
  InvitationView,
  MemberView,
  MarkNotificationsRead,
  NotificationPage,
  Page,
  ReceivedInvitationView,
  SearchDue,
  SearchPage,
  SessionMode,
  TaskView,
  UnreadCount,
  UserView,
} from '@tasklane/contracts';

/** A non-2xx answer from the API, with its parsed error body. */
export class TasklaneHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} → ${status} ${body?.code ?? ''} ${body?.message ?? ''}`.trim());
    this.name = 'TasklaneHttpError';
  }
  get code(): ErrorCode | undefined {
    return this.body?.code;
  }
}

/**
 * Whether a failed request may succeed when simply tried again later: no answer at all (a network
 * error, or a timeout from `timeoutSignal`), a 5xx, 408 Request Timeout or 429 Too Many Requests.
 * Any other answer (401, 403, 404, 4xx) will not change by waiting. For reads and for writes that
 * carry an Idempotency-Key; an unkeyed write may have happened.
 */
export function isTemporaryFailure(error: unknown): boolean {
  return !(error instanceof TasklaneHttpError) || error.status >= 500 || error.status === 408 || error.status === 429;
}

/**
 * Whether `status` is what a load balancer answers when it could not get an answer from a replica in
 * time: 502 Bad Gateway, 503 Service Unavailable, 504 Gateway Timeout (e.g. a replica killed with the
 * request in flight). Worth retrying with the same Idempotency-Key; never a fault of the request.
 */
export function isGatewayStatus(status: number | undefined): boolean {
  return status === 502 || status === 503 || status === 504;
}

export interface CreateTaskInput {
  columnId: string;
  title: string;
  description?: string;
  assigneeIds?: string[];
  /** Ids of this board's labels. */
  labelIds?: string[];
  dueAt?: string | null;
  /** Done: true sets `completedAt` (unless set), false clears it. */
  completed?: boolean;
  afterTaskId?: string;
  beforeTaskId?: string;
}
export type UpdateTaskInput = Partial<Pick<CreateTaskInput, 'title' | 'description' | 'assigneeIds' | 'labelIds' | 'dueAt' | 'completed'>>;
export interface MoveTaskInput {
  columnId: string;
  afterTaskId?: string;
  beforeTaskId?: string;
}
export interface ListTasksQuery {
  columnId?: string;
  assigneeId?: string;
  q?: string;
  /** `overdue`: due before now; `week`: due within the next 7 days. */
  due?: 'overdue' | 'week';
  limit?: number;
  cursor?: string;
}
/** A page request of a cursor-paginated list. */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}
export interface CreateChecklistItemInput {
  text: string;
  done?: boolean;
  afterItemId?: string;
  beforeItemId?: string;
}
/** Absent fields are unchanged; `afterItemId` / `beforeItemId` move the item. */
export type UpdateChecklistItemInput = Partial<CreateChecklistItemInput>;

/**
 * An AbortSignal that aborts after `ms` milliseconds with a `TimeoutError` DOMException, for
 * {@link RequestOptions.signal}: `AbortSignal.timeout` where the runtime has it (Node 17.3+,
 * Chrome 103+, Firefox 100+, Safari 16+), else an AbortController and a timer (Safari 15.4-15.6,
 * which the web app's es2022 build otherwise runs on).
 */
export function timeoutSignal(ms: number): AbortSignal {
  if (typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException(`The operation timed out after ${ms} ms.`, 'TimeoutError')), ms);
  return controller.signal;
}

/**
 * Options of one request: extra headers (e.g. Idempotency-Key, If-Match) and an abort signal. The
 * signal covers the whole call: a 401's session refresh and the second attempt, and reading the
 * body (so a timeout can also end a slow error answer, which then rejects with the abort reason).
 */
export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Options of a TasklaneRestClient. */
export interface RestClientOptions {
  /**
   * fetch's `credentials` for every request. In a browser on another origin than the API, cookie
   * sessions need `'include'` (the `tasklane_refresh` cookie is only sent and stored then); the
   * default (`'same-origin'`) suffices when the app and the API share an origin.
   */
  credentials?: 'omit' | 'same-origin' | 'include';
  /**
   * Called once when a request other than `/auth/*` answers 401; resolve true after getting a new
   * access token (e.g. a refresh) and the request is sent again, once.
   */
  onUnauthorized?: () => Promise<boolean>;
}

/** Body of `createApiToken`. */
export interface CreateApiTokenInput {
  name: string;
  /** `['boards:read']` or `['boards:read', 'boards:write']`. */
  scopes: ApiTokenScope[];
  /** RFC 3339 with a time zone, in the future; none: never expires. */
  expiresAt?: string;
}

/**
 * Typed REST client for `/api/v1` on one base URL (a replica or the load balancer), using the
 * global fetch. Methods resolve with the response body and reject with TasklaneHttpError for any
 * non-2xx status. `token` is the access token (or a personal API token, `tl_…`) sent as
 * `Authorization: Bearer`. Runs in Node and in browsers (no Node built-ins); `baseUrl` `''` is the
 * page's own origin.
 */
export class TasklaneRestClient {
  /**
   * @param token the access token, or a function returning the current one (read at every
   *   request, so a refreshed token is used at once).
   */
  constructor(
    readonly baseUrl: string,
    public token?: string | (() => string | undefined),
    readonly options: RestClientOptions = {},
  ) {}

  /** The access token to send now (calls the token function if one was given). */
  protected currentToken(): string | undefined {
    return typeof this.token === 'function' ? this.token() : this.token;
  }

  /** Low-level call: JSON in, JSON out; 204 resolves undefined. @throws TasklaneHttpError */
  async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.send(method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body), signal: options.signal });
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Sends one request with the access token (and the client's `credentials`), refreshing once on a
   * 401 through `onUnauthorized` and sending again. `init.body` must be re-sendable (a string,
   * Blob or FormData). Resolves with the 2xx response, its body unread.
   * @throws TasklaneHttpError for any other status (body parsed when it is JSON)
   */
  protected async send(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Blob | FormData; signal?: AbortSignal }): Promise<Response> {
    const attempt = () => {
      const headers: Record<string, string> = { ...init.headers };
      const token = this.currentToken();
      if (token) headers.authorization = `Bearer ${token}`;
      return fetch(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: init.body,
        signal: init.signal,
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
    };
    let res = await attempt();
    if (res.status === 401 && this.options.onUnauthorized && !path.startsWith('/auth/') && (await this.options.onUnauthorized())) res = await attempt();
    if (res.ok) return res;
    const text = await res.text();
    // A proxy's error page (nginx 502/504) is not JSON: keep the status, drop the body.
    let body: ErrorBody | undefined;
    try {
      body = text ? (JSON.parse(text) as ErrorBody) : undefined;
    } catch {
      body = undefined;
    }
    throw new TasklaneHttpError(res.status, body, method, path);
  }

  // accounts and sessions. Each call that answers an AuthResponse makes its access token this
  // client's token. With `{ session: 'cookie' }` the refresh token is not in the answer but in the
  // HttpOnly `tasklane_refresh` cookie; `refresh()` and `logout()` without a token then use it.
  async register(email: string, password: string, name: string, options: { session?: SessionMode } = {}): Promise<AuthResponse> {
    return this.authenticated(await this.request<AuthResponse>('POST', '/auth/register', { email, password, name, ...options }));
  }
  async login(email: string, password: string, options: { session?: SessionMode } = {}): Promise<AuthResponse> {
    return this.authenticated(await this.request<AuthResponse>('POST', '/auth/login', { email, password, ...options }));
  }
  /** Rotates the refresh token: the given one, or (none given) the session cookie. A reused token revokes its whole session (401); the same token again within the server's REFRESH_TOKEN_REUSE_GRACE, while its successor is unused, is a retry of a lost answer and gets a new pair. */
  async refresh(refreshToken?: string, o?: RequestOptions): Promise<AuthResponse> {
    return this.authenticated(await this.request<AuthResponse>('POST', '/auth/refresh', refreshToken === undefined ? {} : { refreshToken }, o));
  }
  /** Ends the session of the given refresh token, or (none given) of the session cookie, which the server clears. Forgets this client's token. */
  async logout(refreshToken?: string): Promise<void> {
    try {
      await this.request<void>('POST', '/auth/logout', refreshToken === undefined ? {} : { refreshToken });
    } finally {
      this.token = undefined;
    }
  }
  /** Ends every session of the caller and disconnects all their sockets (access-token sessions only; API tokens stay valid). */
  async logoutAll(): Promise<void> {
    await this.request<void>('POST', '/auth/logout-all');
    this.token = undefined;
  }
  /** Changes the password; every other session of the caller ends, this one stays. */
  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.request('POST', '/auth/change-password', { currentPassword, newPassword });
  }
  me(): Promise<UserView> {
    return this.request('GET', '/users/me');
  }

  // personal API tokens (need a login session's access token, not an API token)
  /** The answer carries the secret (`token`) this once. */
  createApiToken(input: CreateApiTokenInput): Promise<CreatedApiToken> {
    return this.request('POST', '/users/me/api-tokens', input);
  }
  async listApiTokens(): Promise<ApiTokenView[]> {
    return (await this.request<Page<ApiTokenView>>('GET', '/users/me/api-tokens')).items;
  }
  revokeApiToken(tokenId: string): Promise<void> {
    return this.request('DELETE', `/users/me/api-tokens/${tokenId}`);
  }

  // boards
  listBoards(query: { limit?: number; cursor?: string } = {}, o?: RequestOptions): Promise<Page<BoardSummary>> {
    return this.request('GET', `/boards${qs(query)}`, undefined, o);
  }
  createBoard(input: { name: string; description?: string; columns?: string[] }, o?: RequestOptions): Promise<BoardSnapshot> {
    return this.request('POST', '/boards', input, o);
  }
  getBoard(boardId: string, o?: RequestOptions): Promise<BoardSnapshot> {
    return this.request('GET', `/boards/${boardId}`, undefined, o);
  }
  updateBoard(boardId: string, input: { name?: string; description?: string }, o?: RequestOptions): Promise<BoardSummary> {
    return this.request('PATCH', `/boards/${boardId}`, input, o);
  }
  deleteBoard(boardId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}`, undefined, o);
  }

  // members
  listMembers(boardId: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<MemberView>> {
    return this.request('GET', `/boards/${boardId}/members${qs(query)}`);
  }
  updateMember(boardId: string, userId: string, role: BoardRole, o?: RequestOptions): Promise<MemberView> {
    return this.request('PATCH', `/boards/${boardId}/members/${userId}`, { role }, o);
  }
  removeMember(boardId: string, userId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/members/${userId}`, undefined, o);
  }

  // invitations: the one way to join a board
  /** Owners invite an email (with or without an account); renews a pending invitation of the same email (same id). */
  inviteMember(boardId: string, email: string, role: BoardRole, o?: RequestOptions): Promise<InvitationView> {
    return this.request('POST', `/boards/${boardId}/invitations`, { email, role }, o);
  }
  /** The board's pending invitations (owners). */
  listInvitations(boardId: string, query: { limit?: number; cursor?: string } = {}, o?: RequestOptions): Promise<Page<InvitationView>> {
    return this.request('GET', `/boards/${boardId}/invitations${qs(query)}`, undefined, o);
  }
  revokeInvitation(boardId: string, invitationId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/invitations/${invitationId}`, undefined, o);
  }
  /** Pending invitations to the email of the caller's account. */
  myInvitations(query: { limit?: number; cursor?: string } = {}, o?: RequestOptions): Promise<Page<ReceivedInvitationView>> {
    return this.request('GET', `/users/me/invitations${qs(query)}`, undefined, o);
  }
  /** Joins the board; resolves with its summary including the caller's new `role`. */
  acceptInvitation(invitationId: string, o?: RequestOptions): Promise<BoardSummary> {
    return this.request('POST', `/invitations/${invitationId}/accept`, undefined, o);
  }
  declineInvitation(invitationId: string, o?: RequestOptions): Promise<void> {
    return this.request('POST', `/invitations/${invitationId}/decline`, undefined, o);
  }

  // columns
  createColumn(boardId: string, input: { name: string; afterColumnId?: string | null }, o?: RequestOptions): Promise<ColumnView> {
    return this.request('POST', `/boards/${boardId}/columns`, input, o);
  }
  updateColumn(boardId: string, columnId: string, input: { name?: string; afterColumnId?: string | null }, o?: RequestOptions): Promise<ColumnView> {
    return this.request('PATCH', `/boards/${boardId}/columns/${columnId}`, input, o);
  }
  deleteColumn(boardId: string, columnId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/columns/${columnId}`, undefined, o);
  }

  // tasks
  listTasks(boardId: string, query: ListTasksQuery = {}): Promise<Page<TaskView>> {
    return this.request('GET', `/boards/${boardId}/tasks${qs(query)}`);
  }
  createTask(boardId: string, input: CreateTaskInput, o?: RequestOptions): Promise<TaskView> {
    return this.request('POST', `/boards/${boardId}/tasks`, input, o);
  }
  getTask(boardId: string, taskId: string): Promise<TaskView> {
    return this.request('GET', `/boards/${boardId}/tasks/${taskId}`);
  }
  updateTask(boardId: string, taskId: string, input: UpdateTaskInput, o?: RequestOptions): Promise<TaskView> {
    return this.request('PATCH', `/boards/${boardId}/tasks/${taskId}`, input, o);
  }
  moveTask(boardId: string, taskId: string, input: MoveTaskInput, o?: RequestOptions): Promise<TaskView> {
    return this.request('POST', `/boards/${boardId}/tasks/${taskId}/move`, input, o);
  }
  deleteTask(boardId: string, taskId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/tasks/${taskId}`, undefined, o);
  }

  // comments
  listComments(boardId: string, taskId: string, query: PageQuery = {}, o?: RequestOptions): Promise<Page<CommentView>> {
    return this.request('GET', `/boards/${boardId}/tasks/${taskId}/comments${qs(query)}`, undefined, o);
  }
  createComment(boardId: string, taskId: string, body: string, o?: RequestOptions): Promise<CommentView> {
    return this.request('POST', `/boards/${boardId}/tasks/${taskId}/comments`, { body }, o);
  }
  updateComment(boardId: string, taskId: string, commentId: string, body: string, o?: RequestOptions): Promise<CommentView> {
    return this.request('PATCH', `/boards/${boardId}/tasks/${taskId}/comments/${commentId}`, { body }, o);
  }
  deleteComment(boardId: string, taskId: string, commentId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/tasks/${taskId}/comments/${commentId}`, undefined, o);
  }

  // checklists
  listChecklist(boardId: string, taskId: string, o?: RequestOptions): Promise<ChecklistItemView[]> {
    return this.request('GET', `/boards/${boardId}/tasks/${taskId}/checklist`, undefined, o);
  }
  createChecklistItem(boardId: string, taskId: string, input: CreateChecklistItemInput, o?: RequestOptions): Promise<ChecklistItemView> {
    return this.request('POST', `/boards/${boardId}/tasks/${taskId}/checklist`, input, o);
  }
  updateChecklistItem(boardId: string, taskId: string, itemId: string, input: UpdateChecklistItemInput, o?: RequestOptions): Promise<ChecklistItemView> {
    return this.request('PATCH', `/boards/${boardId}/tasks/${taskId}/checklist/${itemId}`, input, o);
  }
  deleteChecklistItem(boardId: string, taskId: string, itemId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/tasks/${taskId}/checklist/${itemId}`, undefined, o);
  }

  // labels
  listLabels(boardId: string): Promise<LabelView[]> {
    return this.request('GET', `/boards/${boardId}/labels`);
  }
  createLabel(boardId: string, input: { name: string; color: string }, o?: RequestOptions): Promise<LabelView> {
    return this.request('POST', `/boards/${boardId}/labels`, input, o);
  }
  updateLabel(boardId: string, labelId: string, input: { name?: string; color?: string }, o?: RequestOptions): Promise<LabelView> {
    return this.request('PATCH', `/boards/${boardId}/labels/${labelId}`, input, o);
  }
  deleteLabel(boardId: string, labelId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/labels/${labelId}`, undefined, o);
  }

  // archive
  listArchive(boardId: string, query: PageQuery = {}, o?: RequestOptions): Promise<Page<ArchiveEntry>> {
    return this.request('GET', `/boards/${boardId}/archive${qs(query)}`, undefined, o);
  }
  archiveTask(boardId: string, taskId: string, o?: RequestOptions): Promise<TaskView> {
    return this.request('POST', `/boards/${boardId}/tasks/${taskId}/archive`, undefined, o);
  }
  restoreTask(boardId: string, taskId: string, o?: RequestOptions): Promise<TaskView> {
    return this.request('POST', `/boards/${boardId}/tasks/${taskId}/restore`, undefined, o);
  }
  archiveColumn(boardId: string, columnId: string, o?: RequestOptions): Promise<ColumnView> {
    return this.request('POST', `/boards/${boardId}/columns/${columnId}/archive`, undefined, o);
  }
  restoreColumn(boardId: string, columnId: string, o?: RequestOptions): Promise<ColumnView> {
    return this.request('POST', `/boards/${boardId}/columns/${columnId}/restore`, undefined, o);
  }

  /** The access token of an auth answer becomes this client's token. */
  private authenticated(auth: AuthResponse): AuthResponse {
    this.token = auth.accessToken;
    return auth;
  }

  // events
  listEvents(boardId: string, after: number, limit?: number, o?: RequestOptions): Promise<EventsPage> {
    return this.request('GET', `/boards/${boardId}/events${qs({ after, limit })}`, undefined, o);
  }

  // activity
  /** The board's activity, newest first. */
  boardActivity(boardId: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<ActivityEntry>> {
    return this.request('GET', `/boards/${boardId}/activity${qs(query)}`);
  }
  /** One task's activity, newest first. */
  taskActivity(boardId: string, taskId: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<ActivityEntry>> {
    return this.request('GET', `/boards/${boardId}/tasks/${taskId}/activity${qs(query)}`);
  }

  // notifications
  /** My notifications, newest first; `afterSeq` for catch-up, `unread` for unread only. */
  listNotifications(query: NotificationsQuery = {}, o?: RequestOptions): Promise<NotificationPage> {
    return this.request('GET', `/users/me/notifications${qs(query)}`, undefined, o);
  }
  unreadNotifications(): Promise<UnreadCount> {
    return this.request('GET', '/users/me/notifications/unread-count');
  }
  /** Marks `{ ids }` or `{ all: true }` read; answers the new unread count. */
  markNotificationsRead(which: MarkNotificationsRead): Promise<UnreadCount> {
    return this.request('POST', '/users/me/notifications/read', which);
  }

  // search
  /** Full-text search across my boards. */
  search(query: SearchQuery, o?: RequestOptions): Promise<SearchPage> {
    return this.request('GET', `/search${qs(query)}`, undefined, o);
  }

  // webhooks (owners of the board)
  /** The board's webhooks, oldest first (one page: a board has at most WEBHOOKS_PER_BOARD_MAX). */
  async listWebhooks(boardId: string, o?: RequestOptions): Promise<WebhookView[]> {
    return (await this.request<Page<WebhookView>>('GET', `/boards/${boardId}/webhooks`, undefined, o)).items;
  }
  /** The answer carries the HMAC `secret` this once. @throws TasklaneHttpError 400 WEBHOOK_URL_REFUSED (SSRF rules) or VALIDATION_FAILED */
  createWebhook(boardId: string, input: CreateWebhookInput, o?: RequestOptions): Promise<WebhookCreated> {
    return this.request('POST', `/boards/${boardId}/webhooks`, input, o);
  }
  updateWebhook(boardId: string, webhookId: string, input: UpdateWebhookInput, o?: RequestOptions): Promise<WebhookView> {
    return this.request('PATCH', `/boards/${boardId}/webhooks/${webhookId}`, input, o);
  }
  deleteWebhook(boardId: string, webhookId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/webhooks/${webhookId}`, undefined, o);
  }
  /** Queues a signed `webhook.test` delivery; resolves with its (pending) log entry. */
  testWebhook(boardId: string, webhookId: string, o?: RequestOptions): Promise<DeliveryView> {
    return this.request('POST', `/boards/${boardId}/webhooks/${webhookId}/test`, undefined, o);
  }
  /** The webhook's delivery log, newest first. */
  listDeliveries(boardId: string, webhookId: string, query: PageQuery = {}, o?: RequestOptions): Promise<Page<DeliveryView>> {
    return this.request('GET', `/boards/${boardId}/webhooks/${webhookId}/deliveries${qs(query)}`, undefined, o);
  }
  /** Sends the delivery again, next, with the same `Tasklane-Delivery` id. */
  redeliver(boardId: string, webhookId: string, deliveryId: string, o?: RequestOptions): Promise<DeliveryView> {
    return this.request('POST', `/boards/${boardId}/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver`, undefined, o);
  }

  // export and import
  /**
   * Downloads the board's export (any member): `json` is the Tasklane board file that
   * `importBoard` reads back, `csv` one row per task. Resolves with the file and the name the
   * server gave it (Content-Disposition), e.g. `tasklane-board-<id>.csv`.
   */
  async exportBoard(boardId: string, format: 'json' | 'csv', o: RequestOptions = {}): Promise<{ blob: Blob; fileName: string }> {
    const res = await this.send('GET', `/boards/${boardId}/export${qs({ format })}`, { headers: { accept: format === 'csv' ? 'text/csv' : 'application/json', ...o.headers }, signal: o.signal });
    return { blob: await res.blob(), fileName: attachmentName(res.headers.get('content-disposition')) ?? `tasklane-board-${boardId}.${format}` };
  }
  /**
   * Uploads a Tasklane export or a Trello board export (JSON, multipart field `file`) to become a
   * new board owned by the caller; resolves with the queued import (follow it with `getImport`).
   * @throws TasklaneHttpError 400 VALIDATION_FAILED whose `details` (FieldError[]) name each problem by its JSON path; 413 over the size limit
   */
  importBoard(file: Blob, fileName = 'board.json', o: RequestOptions = {}): Promise<ImportView> {
    const form = new FormData();
    form.append('file', file, fileName);
    return this.send('POST', '/boards/import', { headers: { accept: 'application/json', ...o.headers }, body: form, signal: o.signal }).then((res) => res.json() as Promise<ImportView>);
  }
  /** An import's status: `queued`, then `succeeded` with `boardId` or `failed` with `error`. */
  getImport(importId: string, o: RequestOptions = {}): Promise<ImportView> {
    return this.request('GET', `/imports/${importId}`, undefined, o);
  }

  // email preferences
  preferences(o?: RequestOptions): Promise<PreferencesView> {
    return this.request('GET', '/users/me/preferences', undefined, o);
  }
  /** Kinds absent are unchanged; resolves with every kind. */
  updatePreferences(input: UpdatePreferencesInput): Promise<PreferencesView> {
    return this.request('PATCH', '/users/me/preferences', input);
  }
}

/** The `filename` of a Content-Disposition header (quoted or bare), or null. */
export function attachmentName(header: string | null): string | null {
  const m = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  return m ? decodeURIComponent(m[1]) : null;
}

/** Query of `listNotifications`. */
export interface NotificationsQuery {
  unread?: boolean;
  afterSeq?: number;
  limit?: number;
  cursor?: string;
}

/** Query of `search`: `q` is required (1–200 characters). */
export interface SearchQuery {
  q: string;
  boardId?: string;
  assigneeId?: string;
  labelId?: string;
  due?: SearchDue;
  archived?: boolean;
  limit?: number;
  cursor?: string;
}

function qs(query: object): string {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]);
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}
