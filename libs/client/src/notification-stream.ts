import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { SOCKET_PATH, UNAUTHORIZED, type MarkNotificationsRead, type NotificationView } from '@tasklane/contracts';
import { backoffDelay } from './backoff.js';
import type { TasklaneSocket } from './board-stream.js';
import { TasklaneRestClient, timeoutSignal } from './rest-client.js';

/** What a NotificationStream holds: the newest notifications, the unread count and the last seq applied. */
export interface NotificationsState {
  /** Newest first, at most `keep`. */
  items: NotificationView[];
  unreadCount: number;
  /** The user's last notification seq this stream has applied (0 before the first). */
  lastSeq: number;
}

export interface NotificationStreamOptions {
  /** Server (replica or load balancer) base URL. */
  baseUrl: string;
  /** Access token, or a function returning the current one (read at every (re)connect). */
  token: string | (() => string);
  /** REST client (default: one on baseUrl with the same token). */
  rest?: TasklaneRestClient;
  /**
   * A socket of this user to listen on (its owner connects it). Default: the stream opens its own,
   * which reconnects by itself, also after the server ended it (expired access token: the token
   * function should have a fresh one by then).
   */
  socket?: TasklaneSocket;
  /** How many notifications `state.items` keeps (default 50). */
  keep?: number;
  /**
   * How long one page request may take, body included, before it is aborted (ms, default 10 000).
   * The first page's timeout rejects `start()`; a catch-up's is reported through `onError`, and
   * the next notice or reconnect catches up again. Without a bound a hung catch-up would hold
   * every later notice behind it.
   */
  requestTimeoutMs?: number;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Called after every change of `state` (a copy). */
  onChange?: (state: NotificationsState) => void;
  /** Called once per notification that arrives after start, in seq order, exactly once (live or caught up). */
  onNotification?: (notification: NotificationView) => void;
  onError?: (error: unknown) => void;
  /**
   * Called when a (re)connect of the stream's own socket is refused as `unauthorized` (the access
   * token expired, e.g. after a laptop slept): get a new token (refresh the session) and the
   * stream connects again. Without it, and for any other refusal (`shutting down`, too many
   * connections), it connects again after a backoff. Not used with `socket` (its owner reconnects it).
   */
  refreshToken?: () => Promise<void>;
}

/**
 * Follows the user's notifications the way BoardStream follows a board: the first page over REST,
 * then `notification:new` live; each carries the user's seq, so a duplicate (seq already applied)
 * is dropped and a gap (seq > last + 1), like every (re)connect, is filled from
 * `GET /users/me/notifications?afterSeq=<last>`. `onNotification` therefore sees each one once,
 * in seq order. `markRead` updates the count from the server's answer.
 */
export class NotificationStream {
  private current: NotificationsState = { items: [], unreadCount: 0, lastSeq: 0 };
  private readonly rest: TasklaneRestClient;
  /** The user's socket it listens on: other `user:<id>` room events (e.g. `import:progress`, see followImport) can be followed on it. */
  readonly socket: TasklaneSocket;
  private readonly ownsSocket: boolean;
  private readonly keep: number;
  private started = false;
  private closed = false;
  /** The catch-up in flight; live notices wait behind it. */
  private catchingUp: Promise<void> | null = null;
  /** Asked for again while one was in flight (a reconnect): its request may predate what was missed. */
  private catchUpAgain = false;
  private readonly onNew = (n: NotificationView) => void this.receive(n);
  private readonly onConnect = () => {
    this.refusals = 0;
    if (this.started) void this.catchUp();
  };
  private readonly onDisconnect = (reason: string) => {
    // The server ended the socket (expired token, revoked session): Socket.IO does not come back by itself.
    if (this.ownsSocket && reason === 'io server disconnect' && !this.closed) setTimeout(() => !this.closed && this.socket.connect(), 1_000);
  };
  /** Refused handshakes in a row (reset at every connect), for the backoff. */
  private refusals = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** A reconnect after a refusal is being prepared (refresh, then the timer): one chain at a time. */
  private retrying = false;
  /**
   * A handshake the server's middleware refused ends Socket.IO's own reconnection (`active` turns
   * false): connect again after a backoff (200 ms doubling, at most 5 s, with jitter), refreshing
   * the token first when the refusal was `unauthorized`. Transport errors are Socket.IO's to retry.
   */
  private readonly onConnectError = (error: Error) => {
    this.options.onError?.(error);
    if (this.closed || this.socket.active || this.retrying) return;
    this.retrying = true;
    const delay = backoffDelay(200, this.refusals++, 5_000);
    const refresh = error.message === UNAUTHORIZED && this.options.refreshToken ? this.options.refreshToken() : Promise.resolve();
    void refresh
      .catch((e: unknown) => this.options.onError?.(e))
      .then(() => {
        if (this.closed) return void (this.retrying = false);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.retrying = false;
          if (!this.closed) this.socket.connect();
        }, delay);
      });
  };

  constructor(private readonly options: NotificationStreamOptions) {
    const token = () => (typeof options.token === 'function' ? options.token() : options.token);
    this.rest = options.rest ?? new TasklaneRestClient(options.baseUrl, token);
    this.keep = options.keep ?? 50;
    this.ownsSocket = !options.socket;
    this.socket =
      options.socket ??
      io(options.baseUrl, {
        path: SOCKET_PATH,
        transports: ['websocket'],
        autoConnect: false,
        forceNew: true,
        reconnectionDelay: 200,
        reconnectionDelayMax: 5000,
        auth: (cb) => cb({ token: token() }),
        ...options.socketOptions,
      });
    this.socket.on('notification:new', this.onNew);
    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    if (this.ownsSocket) this.socket.on('connect_error', this.onConnectError);
  }

  /** A copy of the current state. */
  get state(): NotificationsState {
    return { ...this.current, items: [...this.current.items] };
  }

  /**
   * Reads the first page, then connects (its own socket) and follows; connects nothing when close()
   * came first. @throws the REST error of the first page
   */
  async start(): Promise<void> {
    const page = await this.rest.listNotifications({ limit: this.keep }, this.bounded());
    if (this.closed) return; // closed while the page was on its way: never connect
    this.current = { items: page.items, unreadCount: page.unreadCount, lastSeq: page.lastSeq };
    this.started = true;
    this.changed();
    if (this.ownsSocket) this.socket.connect();
    else if (this.socket.connected) void this.catchUp();
  }

  /** Marks `{ ids }` or `{ all: true }` read, here and on the server. @throws TasklaneHttpError */
  async markRead(which: MarkNotificationsRead): Promise<void> {
    const { unreadCount } = await this.rest.markNotificationsRead(which);
    const now = new Date().toISOString();
    const ids = 'ids' in which ? new Set(which.ids) : null;
    this.current = { ...this.current, unreadCount, items: this.current.items.map((n) => (n.readAt === null && (!ids || ids.has(n.id)) ? { ...n, readAt: now } : n)) };
    this.changed();
  }

  /** Stops listening; disconnects the socket only if the stream opened it. */
  close(): void {
    this.closed = true;
    this.socket.off('notification:new', this.onNew);
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('connect_error', this.onConnectError);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.ownsSocket) this.socket.disconnect();
  }

  private async receive(n: NotificationView): Promise<void> {
    if (this.catchingUp) await this.catchingUp;
    if (this.closed || !this.started || n.seq <= this.current.lastSeq) return; // a duplicate, or one the first page had
    if (n.seq === this.current.lastSeq + 1) this.apply([n]);
    else await this.catchUp(); // a gap: fetch everything after the last applied seq (n among them)
  }

  /** Fetches every notification after `lastSeq` (paging back through newest-first pages) and applies them oldest first. */
  private catchUp(): Promise<void> {
    if (this.catchingUp) this.catchUpAgain = true;
    else {
      this.catchingUp = (async () => {
        try {
          const after = this.current.lastSeq;
          const missed: NotificationView[] = [];
          let cursor: string | undefined;
          do {
            const page = await this.rest.listNotifications({ afterSeq: after, cursor, limit: 100 }, this.bounded());
            missed.push(...page.items);
            cursor = page.nextCursor ?? undefined;
          } while (cursor && !this.closed);
          if (!this.closed) this.apply(missed.filter((n) => n.seq > this.current.lastSeq).sort((a, b) => a.seq - b.seq));
        } catch (error) {
          this.options.onError?.(error);
        } finally {
          this.catchingUp = null;
        }
        if (this.catchUpAgain && !this.closed) {
          this.catchUpAgain = false;
          await this.catchUp();
        }
      })();
    }
    return this.catchingUp;
  }

  /** Options of one page request: aborted after `requestTimeoutMs`. */
  private bounded(): { signal: AbortSignal } {
    return { signal: timeoutSignal(this.options.requestTimeoutMs ?? 10_000) };
  }

  /** Applies notifications in seq order (each > lastSeq). */
  private apply(ordered: readonly NotificationView[]): void {
    if (ordered.length === 0) return;
    const items = [...this.current.items];
    const have = new Set(items.map((n) => n.id));
    let { unreadCount, lastSeq } = this.current;
    const added: NotificationView[] = [];
    for (const n of ordered) {
      lastSeq = Math.max(lastSeq, n.seq);
      if (have.has(n.id)) continue; // already listed (defensive: the server's first page and lastSeq are one snapshot)
      items.unshift(n);
      added.push(n);
      if (n.readAt === null) unreadCount += 1;
    }
    this.current = { items: items.slice(0, this.keep), unreadCount, lastSeq };
    for (const n of added) this.options.onNotification?.(n);
    this.changed();
  }

  private changed(): void {
    if (!this.closed) this.options.onChange?.(this.state);
  }
}
