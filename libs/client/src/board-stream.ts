import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  BOARD_EVENT_TYPES,
  SOCKET_PATH,
  UNAUTHORIZED,
  type AnyBoardEvent,
  type AuthRefreshAck,
  type BoardSeqNotice,
  type ClientToServerEvents,
  type JoinAck,
  type PresenceNotice,
  type ServerToClientEvents,
  type SessionExpiredNotice,
} from '@tasklane/contracts';
import { backoffDelay } from './backoff.js';
import { applyEvent, type BoardState } from './board-state.js';
import { jwtExpiresAt } from './jwt.js';
import { type RequestOptions, TasklaneHttpError, TasklaneRestClient, timeoutSignal } from './rest-client.js';
import { SeqOrderer } from './seq-orderer.js';

export type TasklaneSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Where a stream stands, for a connection indicator: `connecting` before the first join,
 * `live` while joined with nothing missing, `catching-up` while (re)joining or fetching missed
 * events or a snapshot, `reconnecting` while the socket is down, `closed` after close() or removal.
 */
export type BoardStreamStatus = 'connecting' | 'live' | 'catching-up' | 'reconnecting' | 'closed';

/** A timer handle in Node and in browsers alike. */
type Timer = ReturnType<typeof setTimeout>;

export interface BoardStreamOptions {
  /** Server (replica or load balancer) base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /**
   * Access token (or API token), or a function returning the current one: read at every
   * (re)connect, and before the socket's access token expires (see `authRefreshLeadMs`).
   */
  token: string | (() => string);
  /**
   * How long before the socket's access token expires (its JWT `exp`, read without verifying) the
   * stream sends `auth:refresh` with the token function's current token, if that is a new one
   * (ms, default 60 000). The server disconnects a socket whose access token expired unrefreshed.
   * Keep your token function fresh (refresh over REST before `exp`); while it returns the old
   * token the stream asks again every few seconds until expiry.
   */
  authRefreshLeadMs?: number;
  boardId: string;
  /**
   * Where the stream starts: `'snapshot'` (default) fetches `GET /boards/:id` and follows from its
   * seq, keeping `state`; a number is the last seq the caller already applied; `'live'` starts at
   * the seq current when the join is acknowledged.
   */
  from?: 'snapshot' | 'live' | number;
  /** How long an out-of-order event may wait for the missing ones before a REST catch-up (ms). */
  gapTimeoutMs?: number;
  /** REST client for catch-up and snapshots (default: one on baseUrl with the same token). */
  rest?: TasklaneRestClient;
  /**
   * How long one snapshot or catch-up request (`GET /boards/:id`, `GET /boards/:id/events`) may
   * take, body included, before it is aborted (a `TimeoutError`, reported through `onError`) and
   * handled like any failed request: a catch-up or resync is retried with backoff; the first
   * snapshot rejects `start()`. Milliseconds, default 10 000 (the join ack's bound). Without a
   * bound, a request that hangs (a replica killed mid-answer behind a proxy that keeps the
   * connection) would leave the stream `catching-up` forever with no error.
   */
  requestTimeoutMs?: number;
  /** Extra Socket.IO client options (e.g. `transportOptions`, reconnection delays). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Called for every event, in seq order, exactly once. */
  onEvent?: (event: AnyBoardEvent) => void;
  /** Called with every snapshot the stream starts from: at start (with `from: 'snapshot'`) and at each resync, before any later event. */
  onSnapshot?: (snapshot: BoardState) => void;
  /** Called when the stream had to start over from a fresh snapshot (events no longer retained). */
  onResync?: (snapshot: BoardState) => void;
  /** Called when the server removed this client from the board (membership revoked, board deleted). */
  onRemoved?: (reason: string) => void;
  /**
   * Called when the server ended the socket's session and the stream stopped: `session_revoked`
   * (logout, password change, token revoked) or `token_expired` with no newer token to reconnect
   * with. After an expiry the stream reconnects by itself when the token function has a new token.
   */
  onSessionExpired?: (reason: SessionExpiredNotice['reason']) => void;
  onError?: (error: unknown) => void;
  /** Called whenever {@link BoardStream.status} changes. */
  onStatus?: (status: BoardStreamStatus) => void;
  /** Called with each `presence:state` / `presence:update` notice of this board (who is viewing it). */
  onPresence?: (notice: PresenceNotice) => void;
  /**
   * Called when a (re)connect is refused as `unauthorized` (the access token expired): get a new
   * token (e.g. refresh the session) and the stream connects again. Without it, and for any other
   * refusal (`shutting down`), it connects again after a backoff.
   */
  refreshToken?: () => Promise<void>;
}

/** Counters for tests and the load tool. */
export interface BoardStreamStats {
  /** `board:event` messages received over the socket, duplicates included. */
  received: number;
  /** Events dropped because their seq was already applied (at-least-once delivery). */
  duplicates: number;
  /** Events obtained through REST catch-up or join acks rather than live. */
  caughtUp: number;
  /** REST catch-ups started because of a gap. */
  gapFills: number;
  resyncs: number;
  /** Successful joins after the first (i.e. after reconnects). */
  rejoins: number;
  /**
   * Events of a type this client does not know (a newer server during a rolling deploy): skipped,
   * not handed to `onEvent`, and followed by a snapshot resync that includes their effect.
   */
  unknownTypes: number;
}

const DEFAULT_GAP_TIMEOUT_MS = 250;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** The event types this build of the client can apply; others come from a newer server. */
const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(BOARD_EVENT_TYPES);
const DEFAULT_AUTH_REFRESH_LEAD_MS = 60_000;
/** Bounds of the pause before asking the token function again for a newer token (ms). */
const AUTH_RETRY_MIN_MS = 100;
const AUTH_RETRY_MAX_MS = 5_000;

/**
 * Follows one board's event stream over Socket.IO and hands events to `onEvent` in seq order,
 * exactly once, with no gaps:
 *  - out-of-order events wait in a buffer; a gap still open after `gapTimeoutMs` is filled from
 *    `GET /boards/:id/events?after=` (at-least-once delivery + dedupe by seq);
 *  - `board:seq` notices reveal missed trailing events, filled the same way;
 *  - on every (re)connect it re-joins with `afterSeq` = last applied seq and applies the ack's
 *    missed events; when the server says `resync` (or answers 410), it refetches the snapshot.
 * With `from: 'snapshot'` it also maintains `state` (the board as of `seq`).
 */
export class BoardStream {
  readonly stats: BoardStreamStats = { received: 0, duplicates: 0, caughtUp: 0, gapFills: 0, resyncs: 0, rejoins: 0, unknownTypes: 0 };
  /** Board state (only with `from: 'snapshot'`). */
  state: BoardState | null = null;
  readonly socket: TasklaneSocket;
  private readonly rest: TasklaneRestClient;
  private readonly order = new SeqOrderer<AnyBoardEvent>();
  private fillTimer: Timer | null = null;
  private filling = false;
  private joined = false;
  /** A join was acknowledged on the current connection (reset at every disconnect). */
  private inRoom = false;
  /** Counts connects: a join that outlived its connection (a resync spanning a reconnect) must not mark the new one joined. */
  private connection = 0;
  private closed = false;
  private readonly waiters: { seq: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private startResolve: (() => void) | null = null;
  private startReject: ((e: unknown) => void) | null = null;
  /** The board id as the server writes it (lower case). */
  private readonly boardId: string;
  private readonly timers = new Set<Timer>();
  private resyncing: Promise<void> | null = null;
  /** A join found the board behind `seq`: the next snapshot is taken even though it is older. */
  private rewinding = false;
  /** Seq of the newest skipped event of an unknown type, until a snapshot covering every event taken since arrives. */
  private staleAt: number | null = null;
  private joinFailures = 0;
  private fillFailures = 0;
  /** The token the socket is authenticated with now (handshake or last `auth:refresh`). */
  private socketToken: string | undefined;
  private authTimer: Timer | null = null;
  /** Why the server said it is about to disconnect us (`session:expired`), until the disconnect. */
  private endedBecause: SessionExpiredNotice['reason'] | null = null;
  private connectFailures = 0;
  /** Server-side disconnects without a session notice, and when the last one was (ms): their reconnect's backoff. */
  private serverDisconnects = 0;
  private lastServerDisconnect = 0;
  private currentStatus: BoardStreamStatus = 'connecting';

  private readonly token: () => string;

  constructor(private readonly options: BoardStreamOptions) {
    this.boardId = options.boardId.toLowerCase();
    const token = () => (typeof options.token === 'function' ? options.token() : options.token);
    this.rest = options.rest ?? new TasklaneRestClient(options.baseUrl, token);
    this.socket = io(options.baseUrl, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      autoConnect: false,
      // One connection per stream, never multiplexed with another stream's.
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 2000,
      randomizationFactor: 0.5,
      auth: (cb) => {
        this.socketToken = token();
        cb({ token: this.socketToken });
      },
      ...options.socketOptions,
    });
    this.token = token;
    this.socket.on('board:event', (e) => this.onLive(e));
    this.socket.on('board:seq', (n) => this.onSeqNotice(n));
    this.socket.on('board:removed', (n) => {
      if (n.boardId === this.boardId) this.removed(n.reason);
    });
    // Every (re)connect re-joins from the last applied seq. A draining replica closes the transport,
    // which Socket.IO treats as a lost connection: it reconnects through the load balancer by itself.
    this.socket.on('connect', () => {
      this.endedBecause = null;
      this.connectFailures = 0;
      this.connection += 1;
      this.setStatus('catching-up');
      this.scheduleAuthRefresh();
      void this.join();
    });
    this.socket.on('session:expired', (notice) => {
      this.endedBecause = notice.reason;
    });
    this.socket.on('disconnect', (reason) => {
      this.inRoom = false;
      this.onDisconnect(reason);
      if (!this.closed) this.setStatus('reconnecting');
    });
    const presence = (n: PresenceNotice) => {
      if (n.boardId === this.boardId && !this.closed) options.onPresence?.(n);
    };
    this.socket.on('presence:state', presence);
    this.socket.on('presence:update', presence);
    this.socket.on('connect_error', (e) => {
      if (!this.joined) this.startReject?.(e);
      options.onError?.(e);
      // A refusal by the server's middleware (expired token, draining replica) ends Socket.IO's own
      // reconnection; only a stream that was already live keeps trying here.
      if (this.joined && !this.socket.active) this.reconnectAfterRefusal(e);
    });
  }

  /** Where the stream stands (see {@link BoardStreamStatus}). */
  get status(): BoardStreamStatus {
    return this.currentStatus;
  }

  private setStatus(status: BoardStreamStatus): void {
    if (status === this.currentStatus || (this.currentStatus === 'closed' && status !== 'closed')) return;
    this.currentStatus = status;
    this.options.onStatus?.(status);
  }

  private reconnectAfterRefusal(error: Error): void {
    this.setStatus('reconnecting');
    const refresh = error.message === UNAUTHORIZED && this.options.refreshToken ? this.options.refreshToken() : Promise.resolve();
    const delay = backoffDelay(200, this.connectFailures++, 5_000);
    void refresh
      .catch((e: unknown) => this.options.onError?.(e))
      .then(() => this.later(() => this.socket.connect(), delay));
  }

  /** Last seq handed to `onEvent` (or the starting seq); null before the first join. */
  get seq(): number | null {
    return this.order.last;
  }

  /**
   * Connects and joins. Resolves after the first join is acknowledged and its events applied, or
   * at once when the caller calls close() first (its choice, not a failure: nothing is connected
   * afterwards). On failure the stream is closed (no reconnection continues in the background).
   * @throws the snapshot, connect or join error; an Error when the server removed the member or
   *   ended the session before the first join
   */
  async start(): Promise<void> {
    try {
      await this.open();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private async open(): Promise<void> {
    const from = this.options.from ?? 'snapshot';
    if (from === 'snapshot') {
      const snapshot = await this.rest.getBoard(this.boardId, this.bounded());
      if (this.closed) return; // closed while the snapshot was on its way: never connect
      this.state = snapshot;
      this.order.resetTo(this.state.seq);
      this.options.onSnapshot?.(structuredClone(this.state));
    } else if (typeof from === 'number') {
      this.order.resetTo(from);
    }
    if (this.closed) return;
    await new Promise<void>((resolve, reject) => {
      this.startResolve = resolve;
      this.startReject = reject;
      this.socket.connect();
    });
  }

  /**
   * Resolves once every event up to `seq` has been delivered.
   * @throws Error after `timeoutMs`, or at once when the stream is or gets closed
   */
  waitForSeq(seq: number, timeoutMs = 10_000): Promise<void> {
    if (this.order.last !== null && this.order.last >= seq) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`board ${this.options.boardId}: closed at seq ${this.order.last}, before ${seq}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`board ${this.options.boardId}: seq ${seq} not reached within ${timeoutMs} ms (at ${this.order.last})`)), timeoutMs);
      this.waiters.push({
        seq,
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  /** Leaves the board and disconnects; no callbacks fire and no timer runs afterwards. */
  close(): void {
    this.closed = true;
    this.setStatus('closed');
    this.startResolve?.(); // a start() still waiting for its first join ends here
    this.startResolve = this.startReject = null;
    for (const w of this.waiters.splice(0)) w.reject(new Error(`board ${this.options.boardId}: closed at seq ${this.order.last}, before ${w.seq}`));
    if (this.fillTimer) clearTimeout(this.fillTimer);
    if (this.authTimer) clearTimeout(this.authTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.socket.disconnect();
  }

  /** setTimeout that close() cancels and that never runs after close(). */
  private later(fn: () => void, ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Options of one REST request: aborted (a `TimeoutError` DOMException) after `requestTimeoutMs`. */
  private bounded(): RequestOptions {
    return { signal: timeoutSignal(this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) };
  }

  private retryJoin(): void {
    this.later(() => {
      if (this.socket.connected) void this.join();
    }, backoffDelay(500, this.joinFailures++, 10_000));
  }

  private async join(): Promise<void> {
    const connection = this.connection;
    /** The socket reconnected meanwhile: that connection's own join takes over. */
    const outlived = () => this.closed || connection !== this.connection;
    const afterSeq = this.order.last ?? undefined;
    let ack: JoinAck;
    try {
      ack = await this.socket.timeout(10_000).emitWithAck('board:join', { boardId: this.boardId, afterSeq });
    } catch (error) {
      this.fail(error);
      if (!outlived()) this.retryJoin();
      return;
    }
    if (outlived()) return;
    if (!ack.ok) {
      this.fail(new Error(`board:join refused: ${ack.error.code} ${ack.error.message}`));
      if (ack.error.code === 'BOARD_NOT_FOUND') this.removed('not a member of this board, or it was deleted');
      else this.retryJoin();
      return;
    }
    // The board is behind the seq this join asked from (a wrong `from`, or a database restored to
    // before events the stream saw), and the server says resync: start over from a snapshot even
    // though it is older, or the next events, whose seqs the stream already passed, would be
    // dropped as duplicates. (A live event applied while the ack was on its way is no such case:
    // the server answered from afterSeq, not behind it.)
    this.rewinding = ack.resync === true && afterSeq !== undefined && ack.seq < afterSeq;
    this.order.observe(ack.seq);
    if (ack.resync) {
      try {
        await this.resync();
      } catch (error) {
        this.fail(error);
        if (!outlived()) this.retryJoin();
        return;
      }
      if (outlived()) return; // the snapshot is applied; the new connection's join does the rest
    } else if (this.order.last === null) {
      this.order.resetTo(ack.seq); // 'live': start here; buffered events up to seq predate our start
    } else {
      for (const e of ack.events ?? []) this.accept(e, true);
    }
    if (this.joined) this.stats.rejoins += 1;
    this.joined = true;
    this.inRoom = true;
    this.joinFailures = 0;
    this.drain();
    if (!this.order.hasGap && !this.filling && this.staleAt === null) this.setStatus('live');
    this.startResolve?.();
    this.startResolve = this.startReject = null;
  }

  /**
   * Arms `auth:refresh` for `authRefreshLeadMs` before the socket's access token expires; nothing
   * for a token without `exp` (an API token).
   */
  private scheduleAuthRefresh(delayMs?: number): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    const expiresAt = jwtExpiresAt(this.socketToken);
    if (this.closed || expiresAt === null) return;
    const lead = this.options.authRefreshLeadMs ?? DEFAULT_AUTH_REFRESH_LEAD_MS;
    const delay = delayMs ?? Math.max(0, expiresAt - lead - Date.now());
    this.authTimer = setTimeout(() => void this.refreshAuth(), delay);
  }

  /** Sends the token function's token with `auth:refresh` if it is new; otherwise, or on failure, asks again shortly until expiry. */
  private async refreshAuth(): Promise<void> {
    this.authTimer = null;
    if (this.closed || !this.socket.connected) return;
    const next = this.token();
    if (next && next !== this.socketToken) {
      try {
        const ack: AuthRefreshAck = await this.socket.timeout(10_000).emitWithAck('auth:refresh', { token: next });
        if (ack.ok) {
          this.socketToken = next;
          this.scheduleAuthRefresh();
          return;
        }
        this.options.onError?.(new Error(`auth:refresh refused: ${ack.error.code} ${ack.error.message}`));
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    const left = (jwtExpiresAt(this.socketToken) ?? 0) - Date.now();
    if (left > 0) this.scheduleAuthRefresh(Math.min(AUTH_RETRY_MAX_MS, Math.max(AUTH_RETRY_MIN_MS, left / 4)));
  }

  /**
   * A server-side disconnect: Socket.IO will not reconnect by itself. After `session:expired`
   * with an expiry, reconnect if the token function has a newer token (the re-join catches up from
   * the last seq); otherwise stop and tell `onSessionExpired`. Without it (a socket that kept
   * flooding past its event limit gets `disconnect:reason` instead; or a session notice that did
   * not arrive first), reconnect after a backoff: a revoked session is then refused at the
   * handshake, and that refusal's own path takes over.
   */
  private onDisconnect(reason: string): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    const ended = this.endedBecause;
    this.endedBecause = null;
    if (this.closed || reason !== 'io server disconnect') return;
    if (ended === null) {
      // Backoff over such disconnects (a flooding client is not let back at once every time),
      // starting over after a minute without one.
      const now = Date.now();
      if (now - this.lastServerDisconnect > 60_000) this.serverDisconnects = 0;
      this.lastServerDisconnect = now;
      this.later(() => this.socket.connect(), backoffDelay(200, this.serverDisconnects++, 5_000));
      return;
    }
    if (ended === 'token_expired') {
      if (this.hasNewerToken()) {
        this.socket.connect();
        return;
      }
      // No newer token yet: let the application refresh its session once, then try again.
      if (this.options.refreshToken) {
        void this.options.refreshToken().then(
          () => {
            if (this.closed) return; // left while the refresh ran: never connect again
            if (this.hasNewerToken()) this.socket.connect();
            else this.end(ended);
          },
          (error: unknown) => {
            this.options.onError?.(error);
            this.end(ended);
          },
        );
        return;
      }
    }
    this.end(ended);
  }

  /** Whether the token function returns a token other than the socket's, not expired yet. */
  private hasNewerToken(): boolean {
    const next = this.token();
    return !!next && next !== this.socketToken && (jwtExpiresAt(next) ?? Infinity) > Date.now();
  }

  /** Stops the stream after the server ended its session, and says why. */
  private end(reason: SessionExpiredNotice['reason']): void {
    if (this.closed) return;
    this.startReject?.(new Error(`board ${this.options.boardId}: session ended (${reason}) before the first join`));
    this.close();
    this.options.onSessionExpired?.(reason);
  }

  /** The server will not send this board any more (membership revoked, board deleted): stop. */
  private removed(reason: string): void {
    if (this.closed) return;
    this.startReject?.(new Error(`board ${this.options.boardId}: removed before the first join (${reason})`));
    this.close();
    this.options.onRemoved?.(reason);
  }

  private fail(error: unknown): void {
    if (!this.joined) this.startReject?.(error);
    this.options.onError?.(error);
  }

  private onLive(event: AnyBoardEvent): void {
    if (event.boardId !== this.boardId || this.closed) return;
    this.stats.received += 1;
    this.accept(event, false);
    this.drain();
  }

  private onSeqNotice(notice: BoardSeqNotice): void {
    if (notice.boardId !== this.boardId || this.closed) return;
    this.order.observe(notice.seq);
    if (this.order.hasGap) this.scheduleFill();
  }

  /** Buffers an event unless already applied or buffered (then counts a duplicate). */
  private accept(event: AnyBoardEvent, caughtUp: boolean): void {
    if (!this.order.offer(event)) this.stats.duplicates += 1;
    else if (caughtUp) this.stats.caughtUp += 1;
  }

  /** Delivers every contiguous buffered event; schedules a catch-up if a gap remains. */
  private drain(): void {
    if (this.closed) return; // no onEvent after close(), e.g. from a catch-up page that was on its way
    for (const event of this.order.take()) {
      if (!KNOWN_EVENT_TYPES.has(event.type)) {
        this.stats.unknownTypes += 1;
        this.staleAt = event.seq;
        continue;
      }
      if (this.staleAt !== null) continue; // the snapshot being fetched will include it
      if (this.state) applyEvent(this.state, event);
      this.options.onEvent?.(event);
    }
    if (this.staleAt !== null) this.resyncAfterUnknown();
    const last = this.order.last;
    if (last === null) return;
    const remaining: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (last >= w.seq) w.resolve();
      else remaining.push(w);
    }
    this.waiters.splice(0, this.waiters.length, ...remaining);
    if (this.order.hasGap) this.scheduleFill();
    else {
      if (this.fillTimer) {
        clearTimeout(this.fillTimer);
        this.fillTimer = null;
      }
      // A gap left by the join ack that live events closed before the catch-up ran: nothing else
      // would end `catching-up` (fill() sets `live` only when it runs).
      if (this.inRoom && !this.filling && this.socket.connected && this.staleAt === null) this.setStatus('live');
    }
  }

  private scheduleFill(): void {
    if (this.fillTimer || this.filling || this.closed) return;
    const base = this.options.gapTimeoutMs ?? DEFAULT_GAP_TIMEOUT_MS;
    const delay = this.fillFailures === 0 ? base : backoffDelay(base, this.fillFailures, 10_000);
    this.fillTimer = setTimeout(() => void this.fill(), delay);
  }

  /** REST catch-up from the last applied seq until no gap remains (or the server says 410). */
  private async fill(): Promise<void> {
    this.fillTimer = null;
    if (this.closed || !this.order.hasGap) return;
    this.filling = true;
    this.stats.gapFills += 1;
    if (this.socket.connected) this.setStatus('catching-up'); // while the socket is down it stays `reconnecting`
    try {
      for (;;) {
        const before = this.order.last as number;
        const page = await this.rest.listEvents(this.boardId, before, undefined, this.bounded());
        this.order.observe(page.lastSeq);
        for (const e of page.items) this.accept(e, true);
        this.drain(); // delivers only: scheduleFill() is a no-op while `filling`
        const now = this.order.last as number;
        if (now >= page.lastSeq || now === before) break;
      }
      this.fillFailures = 0;
    } catch (error) {
      if (error instanceof TasklaneHttpError && error.status === 410) {
        try {
          await this.resync();
          this.fillFailures = 0;
        } catch (resyncError) {
          this.fillFailures += 1;
          this.options.onError?.(resyncError);
        }
      } else if (error instanceof TasklaneHttpError && error.status === 404) {
        this.removed('not a member of this board, or it was deleted');
      } else {
        this.fillFailures += 1;
        this.options.onError?.(error);
      }
    } finally {
      this.filling = false;
    }
    this.drain();
    if (!this.closed && this.socket.connected && this.inRoom && !this.order.hasGap && this.staleAt === null) this.setStatus('live');
  }

  /**
   * After an event of an unknown type (rolling deploy: the server is newer than this client), the
   * local state can no longer follow events: fetch a snapshot at or after that seq, retrying with
   * backoff; events delivered meanwhile are held back (the snapshot includes them). The status is
   * `catching-up` meanwhile (not `live`: what is shown is behind), and `live` again once it applied.
   */
  private resyncAfterUnknown(attempt = 0): void {
    if (this.closed || this.resyncing || this.staleAt === null) return;
    if (this.currentStatus === 'live') this.setStatus('catching-up');
    this.resync().then(
      () => {
        if (this.staleAt !== null) this.later(() => this.resyncAfterUnknown(attempt + 1), backoffDelay(250, attempt + 1, 10_000));
        else if (this.currentStatus === 'catching-up' && this.inRoom && !this.filling && !this.order.hasGap) this.setStatus('live');
      },
      (error: unknown) => {
        this.options.onError?.(error);
        this.later(() => this.resyncAfterUnknown(attempt + 1), backoffDelay(250, attempt + 1, 10_000));
      },
    );
  }

  /**
   * Starts over from a fresh snapshot: the events in between are no longer available. One at a
   * time; a snapshot that is not ahead of what was already applied (a concurrent catch-up got
   * further) is dropped, so `seq` never moves backwards and no event is delivered twice. The one
   * exception is a board that went back (`rewinding`, set by a join): its older snapshot is taken
   * and `seq` moves back to it.
   * @throws the snapshot request's error
   */
  private resync(): Promise<void> {
    this.resyncing ??= (async () => {
      try {
        const snapshot = await this.rest.getBoard(this.boardId, this.bounded());
        if (this.closed) return;
        const last = this.order.last;
        if (this.rewinding && last !== null && snapshot.seq < last) {
          // The board went back (see join): its snapshot replaces everything, seq included.
          this.rewinding = false;
          this.staleAt = null;
          this.stats.resyncs += 1;
          if (this.state || this.options.from === 'snapshot') this.state = snapshot;
          this.order.rewindTo(snapshot.seq);
          this.options.onSnapshot?.(structuredClone(snapshot));
          this.options.onResync?.(snapshot);
          return;
        }
        this.rewinding = false;
        // Stale after an unknown event type: events up to `last` were consumed without being
        // applied, so only a snapshot that covers all of them will do.
        const stale = this.staleAt !== null && (last === null || snapshot.seq >= last);
        if (this.staleAt !== null && !stale) return;
        if (last !== null && snapshot.seq <= last && !stale) return;
        this.staleAt = null;
        this.stats.resyncs += 1;
        if (this.state || this.options.from === 'snapshot') this.state = snapshot;
        this.order.resetTo(snapshot.seq);
        this.options.onSnapshot?.(structuredClone(snapshot));
        this.options.onResync?.(snapshot);
      } finally {
        this.resyncing = null;
        // Taken or not, a rewind is asked by one join ack only: the next join decides again.
        this.rewinding = false;
      }
    })();
    return this.resyncing;
  }
}
