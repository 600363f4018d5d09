import type {
  AuthResponse,
  BoardRole,
  BoardSnapshot,
  BoardSummary,
  ColumnView,
  ErrorBody,
  ErrorCode,
  EventsPage,
  InvitationView,
  MemberView,
  MyInvitationView,
  Page,
  TaskView,
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

export interface CreateTaskInput {
  columnId: string;
  title: string;
  description?: string;
  assigneeIds?: string[];
  labels?: string[];
  dueAt?: string | null;
  afterTaskId?: string;
  beforeTaskId?: string;
}
export type UpdateTaskInput = Partial<Pick<CreateTaskInput, 'title' | 'description' | 'assigneeIds' | 'labels' | 'dueAt'>>;
export interface MoveTaskInput {
  columnId: string;
  afterTaskId?: string;
  beforeTaskId?: string;
}
export interface ListTasksQuery {
  columnId?: string;
  assigneeId?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

/** Options of one request: extra headers (e.g. Idempotency-Key, If-Match) and an abort signal. */
export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** How the refresh token travels: in the JSON bodies (`'body'`, default) or as an HttpOnly cookie. */
export type SessionMode = 'body' | 'cookie';

/** Client-wide options (browsers mostly). */
export interface RestClientOptions {
  /**
   * fetch's `credentials`: `'include'` sends the refresh cookie to another origin (a dev server on
   * another port without a proxy); the browser default `'same-origin'` suffices behind one origin.
   */
  credentials?: 'omit' | 'same-origin' | 'include';
  /**
   * Called once when a request other than `/auth/*` answers 401; resolve true after getting a new
   * access token (e.g. a refresh) and the request is sent again, once.
   */
  onUnauthorized?: () => Promise<boolean>;
}

/**
 * Typed REST client for `/api/v1` on one base URL (a replica or the load balancer; `''` for the
 * page's own origin in a browser), using the global fetch. Methods resolve with the response body
 * and reject with TasklaneHttpError for any non-2xx status. `token` is the access token sent as
 * `Authorization: Bearer`. Runs in Node and in browsers (no Node built-ins).
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
    const send = () => {
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const token = this.currentToken();
      if (token) headers.authorization = `Bearer ${token}`;
      return fetch(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal,
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
    };
    let res = await send();
    if (res.status === 401 && this.options.onUnauthorized && !path.startsWith('/auth/') && (await this.options.onUnauthorized())) res = await send();
    const text = await res.text();
    if (!res.ok) {
      // A proxy's error page (nginx 502/504) is not JSON: keep the status, drop the body.
      let body: ErrorBody | undefined;
      try {
        body = text ? (JSON.parse(text) as ErrorBody) : undefined;
      } catch {
        body = undefined;
      }
      throw new TasklaneHttpError(res.status, body, method, path);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  // accounts
  /**
   * With `session: 'cookie'` the server sets the refresh token as the HttpOnly cookie
   * `tasklane_refresh` and leaves it out of the answer (servers without that mode answer 400).
   */
  async register(email: string, password: string, name: string, session: SessionMode = 'body'): Promise<AuthResponse> {
    const auth = await this.request<AuthResponse>('POST', '/auth/register', { email, password, name, ...sessionField(session) });
    this.token = auth.accessToken;
    return auth;
  }
  async login(email: string, password: string, session: SessionMode = 'body'): Promise<AuthResponse> {
    const auth = await this.request<AuthResponse>('POST', '/auth/login', { email, password, ...sessionField(session) });
    this.token = auth.accessToken;
    return auth;
  }
  /** Rotates the refresh token: the given one, or without one (`{}`) the `tasklane_refresh` cookie. */
  async refresh(refreshToken?: string): Promise<AuthResponse> {
    const auth = await this.request<AuthResponse>('POST', '/auth/refresh', refreshToken === undefined ? {} : { refreshToken });
    this.token = auth.accessToken;
    return auth;
  }
  /** Revokes the refresh token (the given one, or the cookie) and forgets the access token. */
  async logout(refreshToken?: string): Promise<void> {
    try {
      await this.request<void>('POST', '/auth/logout', refreshToken === undefined ? {} : { refreshToken });
    } finally {
      this.token = undefined;
    }
  }
  me(): Promise<UserView> {
    return this.request('GET', '/users/me');
  }

  // boards
  listBoards(query: { limit?: number; cursor?: string } = {}): Promise<Page<BoardSummary>> {
    return this.request('GET', `/boards${qs(query)}`);
  }
  createBoard(input: { name: string; description?: string; columns?: string[] }, o?: RequestOptions): Promise<BoardSnapshot> {
    return this.request('POST', '/boards', input, o);
  }
  getBoard(boardId: string): Promise<BoardSnapshot> {
    return this.request('GET', `/boards/${boardId}`);
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
  addMember(boardId: string, email: string, role: BoardRole, o?: RequestOptions): Promise<MemberView> {
    return this.request('POST', `/boards/${boardId}/members`, { email, role }, o);
  }
  updateMember(boardId: string, userId: string, role: BoardRole, o?: RequestOptions): Promise<MemberView> {
    return this.request('PATCH', `/boards/${boardId}/members/${userId}`, { role }, o);
  }
  removeMember(boardId: string, userId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/members/${userId}`, undefined, o);
  }

  // invitations
  inviteMember(boardId: string, email: string, role: BoardRole, o?: RequestOptions): Promise<InvitationView> {
    return this.request('POST', `/boards/${boardId}/invitations`, { email, role }, o);
  }
  listInvitations(boardId: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<InvitationView>> {
    return this.request('GET', `/boards/${boardId}/invitations${qs(query)}`);
  }
  revokeInvitation(boardId: string, invitationId: string, o?: RequestOptions): Promise<void> {
    return this.request('DELETE', `/boards/${boardId}/invitations/${invitationId}`, undefined, o);
  }
  myInvitations(query: { limit?: number; cursor?: string } = {}): Promise<Page<MyInvitationView>> {
    return this.request('GET', `/users/me/invitations${qs(query)}`);
  }
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

  // events
  listEvents(boardId: string, after: number, limit?: number): Promise<EventsPage> {
    return this.request('GET', `/boards/${boardId}/events${qs({ after, limit })}`);
  }
}

const sessionField = (session: SessionMode) => (session === 'cookie' ? { session } : {});

function qs(query: object): string {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]);
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}
