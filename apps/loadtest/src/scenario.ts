import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { BoardStream, TasklaneHttpError, TasklaneRestClient, type BoardState, type BoardStreamStatus, type RequestOptions } from '@tasklane/client';
import type { AnyBoardEvent, AuthResponse, BoardSnapshot, ErrorBody } from '@tasklane/contracts';
import type { LoadTestOptions } from './options.js';

/** Milliseconds a REST request may take before it fails with `timeout`. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Keep-alive connections per target per source address. */
const MAX_SOCKETS_PER_AGENT = 128;
/** Requests in flight during setup (registration hashes passwords with argon2: CPU-bound). */
const SETUP_CONCURRENCY = 8;

/** The refresh token of a body-mode session (the load tool never asks for cookie sessions). @throws Error when the answer has none */
function bodyRefreshToken(auth: AuthResponse): string {
  if (!auth.refreshToken) throw new Error('the auth response has no refreshToken (cookie session?)');
  return auth.refreshToken;
}
/** Socket.IO streams starting at once. */
const SOCKET_START_CONCURRENCY = 100;
/** Tasks created per board before the load, so updates, moves and deletes have targets at once. */
export const SEED_TASKS_PER_BOARD = 5;
/** Access tokens live 15 min (ACCESS_TOKEN_TTL); refresh well before. */
const TOKEN_REFRESH_MS = 10 * 60_000;

/** A user the tool registered. `token` is refreshed in place during long runs. */
export interface LoadUser {
  index: number;
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

/** A board the tool created; every user is a member (the owner plus editors). */
export interface LoadBoard {
  index: number;
  id: string;
  columnIds: string[];
  /** Ids of tasks believed to exist: the write driver's pool for updates, moves and deletes. */
  tasks: string[];
  /** Tasks with a write of ours in flight (not picked again until it is answered). */
  busy: Set<string>;
  /** Streams following this board that started: the receivers every event is expected to reach. */
  streams: number;
}

/** One Socket.IO client following one board through one target. */
export interface StreamHandle {
  /** Also its id in the ConsistencyChecker. */
  id: number;
  board: LoadBoard;
  via: string;
  stream: BoardStream;
  started: boolean;
}

/** What the scenario reports to the rest of the tool while streams run. */
export interface ScenarioHooks {
  /** Registers a stream before it starts (events may arrive before start() resolves). @returns its id */
  addStream(board: LoadBoard, via: string, start: BoardState): number;
  onEvent(handle: StreamHandle, event: AnyBoardEvent): void;
  onSnapshot(handle: StreamHandle, snapshot: BoardState): void;
  /** The stream's status changed (BoardStream's `onStatus`). */
  onStatus(handle: StreamHandle, status: BoardStreamStatus): void;
  onStreamError(handle: StreamHandle, error: unknown): void;
  /** A stream could not start; it is closed and left out of the checks. */
  onStartFailed(handle: StreamHandle, error: unknown): void;
  log(message: string): void;
}

/**
 * TasklaneRestClient over node:http with a caller-chosen keep-alive Agent (for source-address
 * spreading: `new http.Agent({ localAddress, keepAlive: true })`) instead of the global fetch, and
 * with the token read from `auth` at each request (so refreshed tokens apply). Same contract:
 * resolves with the parsed body, rejects with TasklaneHttpError for non-2xx, or with the socket
 * error (`code` ECONNRESET, ECONNREFUSED, …; `timeout` after REQUEST_TIMEOUT_MS, `aborted`).
 */
export class AgentRestClient extends TasklaneRestClient {
  constructor(
    baseUrl: string,
    private readonly auth: { token?: string } | null,
    private readonly agents: Agents,
    private readonly sourceIndex: number,
  ) {
    super(baseUrl, auth?.token);
  }

  override request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const url = new URL(`${this.baseUrl}/api/v1${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const token = this.auth ? this.auth.token : this.currentToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.agents.get(url.protocol, this.sourceIndex), signal: options.signal, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) reject(new TasklaneHttpError(status, parsed as ErrorBody | undefined, method, path));
          else resolve(parsed as T);
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`${method} ${path}: no response within ${REQUEST_TIMEOUT_MS} ms`), { code: 'timeout' })));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** One keep-alive HTTP(S) agent per source address (or a single one when none are given). */
export class Agents {
  private readonly http: HttpAgent[];
  private readonly https: HttpsAgent[];

  constructor(readonly sourceIps: string[]) {
    const opts = (localAddress?: string) => ({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_AGENT, ...(localAddress ? { localAddress } : {}) });
    const addresses = sourceIps.length ? sourceIps : [undefined];
    this.http = addresses.map((a) => new HttpAgent(opts(a)));
    this.https = addresses.map((a) => new HttpsAgent(opts(a)));
  }

  get count(): number {
    return this.http.length;
  }

  get(protocol: string, index: number): HttpAgent {
    const list = protocol === 'https:' ? this.https : this.http;
    return list[index % list.length];
  }

  /** The source address for slot `index`, or undefined (the OS picks). */
  address(index: number): string | undefined {
    return this.sourceIps.length ? this.sourceIps[index % this.sourceIps.length] : undefined;
  }

  destroy(): void {
    for (const a of [...this.http, ...this.https]) a.destroy();
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time; rejects with the first error. */
export async function runPool<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/**
 * The load test's world, set up through the API: `users` registered users, `boards` boards (board b
 * owned by user b mod users, every other user an editor, three columns, SEED_TASKS_PER_BOARD tasks),
 * one start snapshot per board per target, and `sockets` BoardStreams. Stream i follows board
 * i mod boards through target ⌊i / boards⌋ mod targets (so each board's streams cover every
 * target), authenticates as user i mod users and binds source address i mod sourceIps.
 */
export class Scenario {
  readonly users: LoadUser[] = [];
  readonly boards: LoadBoard[] = [];
  readonly streams: StreamHandle[] = [];
  readonly agents: Agents;
  private refreshTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly options: LoadTestOptions,
    readonly runId: string,
  ) {
    this.agents = new Agents(options.sourceIps);
  }

  /** A REST client on target `t` (index, round-robin) for `user`, using source slot `source`. */
  client(t: number, user: LoadUser | null, source: number): AgentRestClient {
    const targets = this.options.targets;
    return new AgentRestClient(targets[t % targets.length], user, this.agents, source);
  }

  /**
   * Builds the scenario. Streams that fail to start are reported through hooks.onStartFailed and
   * closed; everything else failing rejects (after closing what was opened).
   * @throws TasklaneHttpError or a network error from a setup request.
   */
  static async setup(options: LoadTestOptions, hooks: ScenarioHooks, signal?: AbortSignal): Promise<Scenario> {
    const s = new Scenario(options, randomBytes(4).toString('hex'));
    try {
      await s.createUsers(hooks);
      await s.createBoards(hooks);
      const starts = await s.fetchStartSnapshots();
      await s.startStreams(starts, hooks, signal);
      s.refreshTimer = setInterval(() => void s.refreshTokens(hooks), TOKEN_REFRESH_MS);
      s.refreshTimer.unref();
      return s;
    } catch (error) {
      s.close();
      throw error;
    }
  }

  private async createUsers(hooks: ScenarioHooks): Promise<void> {
    const { users } = this.options;
    hooks.log(`registering ${users} users…`);
    const password = randomBytes(12).toString('base64url');
    const list = Array.from({ length: users }, (_, i) => i);
    const created: LoadUser[] = new Array(users);
    await runPool(list, SETUP_CONCURRENCY, async (i) => {
      const email = `loadtest-${this.runId}-${i}@example.test`;
      const auth = await this.client(i, null, i).register(email, password, `Load ${i}`);
      created[i] = { index: i, id: auth.user.id, email, token: auth.accessToken, refreshToken: bodyRefreshToken(auth) };
    });
    this.users.push(...created);
  }

  private async createBoards(hooks: ScenarioHooks): Promise<void> {
    const { boards } = this.options;
    hooks.log(`creating ${boards} boards with ${this.users.length - 1} editors and ${SEED_TASKS_PER_BOARD} tasks each…`);
    const created: LoadBoard[] = new Array(boards);
    await runPool(
      Array.from({ length: boards }, (_, b) => b),
      SETUP_CONCURRENCY,
      async (b) => {
        const owner = this.users[b % this.users.length];
        const api = this.client(b, owner, b);
        const snapshot = await api.createBoard({ name: `loadtest ${this.runId} #${b}`, columns: ['To do', 'Doing', 'Done'] });
        created[b] = { index: b, id: snapshot.id, columnIds: snapshot.columns.map((c) => c.id), tasks: [], busy: new Set(), streams: 0 };
      },
    );
    this.boards.push(...created);
    const memberships = this.boards.flatMap((board) => this.users.filter((u) => u.index !== board.index % this.users.length).map((u) => ({ board, u })));
    await runPool(memberships, SETUP_CONCURRENCY, async ({ board, u }, i) => {
      // Members join by invitation: the owner invites the email, the user accepts.
      const owner = this.users[board.index % this.users.length];
      const invitation = await this.client(i, owner, i).inviteMember(board.id, u.email, 'editor');
      await this.client(i, u, i).acceptInvitation(invitation.id);
    });
    const seeds = this.boards.flatMap((board) => Array.from({ length: SEED_TASKS_PER_BOARD }, (_, k) => ({ board, k })));
    await runPool(seeds, SETUP_CONCURRENCY, async ({ board, k }, i) => {
      const owner = this.users[board.index % this.users.length];
      const task = await this.client(i, owner, i).createTask(board.id, { columnId: board.columnIds[k % board.columnIds.length], title: `seed ${k}` });
      board.tasks.push(task.id);
    });
  }

  /** Board index → target index → that target's snapshot (what streams via that target start from). */
  private async fetchStartSnapshots(): Promise<BoardSnapshot[][]> {
    const { targets } = this.options;
    const out: BoardSnapshot[][] = this.boards.map(() => new Array(targets.length));
    const jobs = this.boards.flatMap((board) => targets.map((_, t) => ({ board, t })));
    await runPool(jobs, SETUP_CONCURRENCY, async ({ board, t }, i) => {
      out[board.index][t] = await this.client(t, this.users[board.index % this.users.length], i).getBoard(board.id);
    });
    return out;
  }

  private async startStreams(starts: BoardSnapshot[][], hooks: ScenarioHooks, signal?: AbortSignal): Promise<void> {
    const { sockets, targets } = this.options;
    if (sockets === 0) return;
    hooks.log(`starting ${sockets} sockets over ${this.boards.length} boards and ${targets.length} targets…`);
    let done = 0;
    const started = performance.now();
    const ticker = setInterval(() => hooks.log(`  sockets started ${done}/${sockets}`), 1000);
    try {
      await runPool(
        Array.from({ length: sockets }, (_, i) => i),
        SOCKET_START_CONCURRENCY,
        async (i) => {
          if (signal?.aborted) return;
          const board = this.boards[i % this.boards.length];
          const t = Math.floor(i / this.boards.length) % targets.length;
          const start = starts[board.index][t];
          const handle = this.openStream(i, board, t, start, hooks);
          try {
            await handle.stream.start();
            handle.started = true;
            board.streams += 1;
          } catch (error) {
            handle.stream.close();
            hooks.onStartFailed(handle, error);
          }
          done += 1;
        },
      );
    } finally {
      clearInterval(ticker);
    }
    hooks.log(`  ${this.streams.filter((h) => h.started).length}/${sockets} sockets started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  private openStream(i: number, board: LoadBoard, t: number, start: BoardSnapshot, hooks: ScenarioHooks): StreamHandle {
    const via = this.options.targets[t];
    const user = this.users[i % this.users.length];
    const localAddress = this.agents.address(i);
    // engine.io-client hands `localAddress` to ws (transports/websocket.js picks it from the
    // options), which binds the socket there before connecting; it is not in the typings.
    const socketOptions: Partial<ManagerOptions & SocketOptions> & { localAddress?: string } = localAddress ? { localAddress } : {};
    const id = hooks.addStream(board, via, start);
    const handle = {} as StreamHandle;
    const stream = new BoardStream({
      baseUrl: via,
      token: () => user.token,
      boardId: board.id,
      from: start.seq,
      rest: this.client(t, user, i),
      socketOptions,
      onEvent: (e) => hooks.onEvent(handle, e),
      onSnapshot: (snap) => hooks.onSnapshot(handle, snap),
      onStatus: (status) => hooks.onStatus(handle, status),
      onError: (e) => hooks.onStreamError(handle, e),
    });
    Object.assign(handle, { id, board, via, stream, started: false });
    this.streams.push(handle);
    return handle;
  }

  private async refreshTokens(hooks: ScenarioHooks): Promise<void> {
    await runPool(this.users, SETUP_CONCURRENCY, async (u) => {
      try {
        const auth = await this.client(u.index, null, u.index).refresh(u.refreshToken);
        u.token = auth.accessToken;
        u.refreshToken = bodyRefreshToken(auth);
      } catch (error) {
        hooks.log(`token refresh for user ${u.index} failed: ${(error as Error).message}`);
      }
    });
  }

  /** Streams whose socket is connected right now. */
  get connected(): number {
    let n = 0;
    for (const h of this.streams) if (h.started && h.stream.socket.connected) n += 1;
    return n;
  }

  /** Closes every socket and keep-alive connection; idempotent. */
  close(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const h of this.streams) h.stream.close();
    this.agents.destroy();
  }
}
