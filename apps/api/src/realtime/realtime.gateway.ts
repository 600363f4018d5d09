import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import { isUUID } from 'class-validator';
import { boardRoom, SOCKET_PATH, TOO_MANY_CONNECTIONS, UNAUTHORIZED, type AckError, type AuthRefreshAck, type ErrorCode, type JoinAck, type JoinOk, type LeaveAck } from '@tasklane/contracts';
import { AppError } from '../errors/app-error.js';
import { ShutdownState } from '../health/shutdown-state.service.js';
import { Metrics } from '../metrics/metrics.service.js';
import { BoardRoomsService } from './board-rooms.service.js';
import { PresenceService } from './presence.service.js';
import { RoomAccessService } from './room-access.service.js';
import { SocketLimitsService } from './socket-limits.service.js';
import { instrumentSockets } from './socket-instrumentation.js';
import { SocketServer, type IoServer, type IoSocket } from './socket-server.js';
import { SocketSessionsService } from './socket-sessions.service.js';
import { coalesceWrites } from './socket-write-coalescing.js';

const fail = (code: ErrorCode, message: string): AckError => ({ ok: false, error: { code, message } });
const MAX_SEQ = 2_147_483_647;

/**
 * Socket.IO gateway on the HTTP port at `/socket.io`: authenticates the handshake
 * (`auth: { token }`, an access token or API token, refused with connect_error `unauthorized`) and
 * takes `auth:refresh` (the rules are SocketSessionsService's), joins and leaves board rooms on
 * request (RoomAccessService's and BoardRoomsService's rules; the limits on sockets per user,
 * events per socket and rooms per socket are SocketLimitsService's), and drains on shutdown.
 * Allowed origins: RedisIoAdapter.
 */
@WebSocketGateway({ path: SOCKET_PATH, pingInterval: 25_000, pingTimeout: 20_000, maxHttpBufferSize: 64 * 1024 })
export class RealtimeGateway implements OnGatewayInit<IoServer>, BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);
  private server: IoServer | null = null;
  /** Each socket's `board:join`s still running, by room (weak: a socket's entry goes with it). */
  private readonly joining = new WeakMap<IoSocket, Map<string, Promise<JoinAck>>>();

  constructor(
    private readonly sessions: SocketSessionsService,
    private readonly rooms: BoardRoomsService,
    private readonly access: RoomAccessService,
    private readonly sockets: SocketServer,
    private readonly shutdown: ShutdownState,
    private readonly limits: SocketLimitsService,
    private readonly presence: PresenceService,
    private readonly metrics: Metrics,
  ) {}

  /** Handshake middleware: guards do not run on connection (nestjs/nest#882), so auth lives here. */
  afterInit(server: IoServer): void {
    this.server = server;
    this.sockets.attach(server);
    instrumentSockets(server, this.metrics, this.logger);
    /** Ends a middleware step: `next()`, or `next(error)` with the refusal (connect_error's message) after `refused`. */
    const settle = (socket: IoSocket, step: Promise<string | null>, next: (error?: Error) => void, refused?: () => void) =>
      step.then(
        (reason) => {
          if (reason !== null) {
            this.logger.debug({ socketId: socket.id, reason }, 'socket refused');
            refused?.();
          }
          next(reason === null ? undefined : new Error(reason));
        },
        (error: unknown) => {
          refused?.();
          next(error instanceof Error ? error : new Error(String(error)));
        },
      );
    server.use((socket, next) => {
      // A draining replica takes no new sockets: the client retries and the load balancer sends it elsewhere.
      if (this.shutdown.shuttingDown) return next(new Error('shutting down'));
      void settle(socket, this.sessions.authenticate(socket, socket.handshake.auth?.token), next);
    });
    server.use((socket, next) =>
      this.limits.admit(socket, (error) => {
        if (error?.message !== TOO_MANY_CONNECTIONS) return next(error);
        void this.sessions.revoked(socket).then((revoked) => next(revoked ? new Error(UNAUTHORIZED) : error));
      }),
    );
    // Last, with nothing after it: the liveness read must be the handshake's last wait (SocketSessionsService).
    // A socket that does not connect (refused here, or its client gone meanwhile) never fires
    // 'disconnect', so its socket slot is given back here.
    server.use((socket, next) => {
      const giveBack = () => this.limits.release(socket);
      const done = (error?: Error) => {
        if (!error && socket.conn.readyState !== 'open') giveBack();
        next(error);
      };
      void settle(socket, this.sessions.confirm(socket), done, giveBack);
    });
    server.on('connection', (socket) => this.sessions.connected(socket));
    // Socket.IO keeps each session's first HTTP request (headers, socket references) for its whole
    // life; nothing here needs it after the handshake, so drop it (Socket.IO docs, "Memory usage").
    server.engine.on('connection', (raw: { request: unknown } & Parameters<typeof coalesceWrites>[0]) => {
      raw.request = null;
      coalesceWrites(raw);
    });
    this.rooms.startHeartbeat();
  }

  /**
   * Drain: after the readiness grace period, close this replica's connections at the transport.
   * Every Socket.IO client takes a closed transport as a lost connection and reconnects by itself,
   * through the load balancer to another replica (a server-side `disconnect()` would instead tell
   * standard clients not to reconnect). Sockets on other replicas are untouched.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.shutdown.drain(signal);
    this.rooms.stopHeartbeat();
    for (const socket of this.server?.of('/').sockets.values() ?? []) socket.conn.close();
  }

  /**
   * Joins `board:<id>` only after a membership check, then reads the seq (and missed events), in
   * that order (see BoardRoomsService.catchUp). A non-member is never in the room, not even while
   * the check runs. A removal that commits between the check and the join is caught by a second
   * check after the join (its eviction may have run before the socket was in the room), which runs
   * beside the catch-up read; a socket that fails it leaves at once. A join that fails leaves the
   * room, unless the socket was in it before this join and a read failed (it keeps the access it
   * had; evictions and the heartbeat's sweep still apply). Each check reads after it was asked;
   * concurrent joins' checks share one query (RoomAccessService.roleOf). Also sends `board:seq`
   * with the ack's seq. Joins still running count against ROOMS_PER_SOCKET_MAX; a `board:leave` of
   * the board waits for this join. Ack: JoinAck (BOARD_NOT_FOUND for a non-member, or a board
   * deleted during the join; LIMIT_REACHED; SERVICE_UNAVAILABLE when a read failed).
   */
  @SubscribeMessage('board:join')
  async join(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Promise<JoinAck> {
    const { boardId: rawBoardId, afterSeq } = (body ?? {}) as { boardId?: unknown; afterSeq?: unknown };
    const boardId = typeof rawBoardId === 'string' ? rawBoardId.toLowerCase() : rawBoardId;
    if (typeof boardId !== 'string' || !isUUID(boardId, 'all')) return fail('VALIDATION_FAILED', 'boardId must be a UUID');
    if (afterSeq !== undefined && !(typeof afterSeq === 'number' && Number.isInteger(afterSeq) && afterSeq >= 0 && afterSeq <= MAX_SEQ)) {
      return fail('VALIDATION_FAILED', `afterSeq must be an integer from 0 to ${MAX_SEQ}`);
    }
    const room = boardRoom(boardId);
    let pending = this.joining.get(socket);
    if (!pending) this.joining.set(socket, (pending = new Map()));
    // Joins still running count against the rooms limit too (a burst of joins would pass it otherwise).
    const full = this.limits.refuseJoin(socket, room, [...pending.keys()].filter((r) => r !== room && !socket.rooms.has(r)).length);
    if (full) return full;
    const joined = this.joinRoom(socket, boardId, room, afterSeq);
    pending.set(room, joined);
    void joined
      .finally(() => {
        if (pending.get(room) === joined) pending.delete(room);
      })
      .catch(() => undefined); // the caller gets the rejection through `joined` itself
    return joined;
  }

  /** The body of `board:join` (see there), once its input is checked. */
  private async joinRoom(socket: IoSocket, boardId: string, room: string, afterSeq: number | undefined): Promise<JoinAck> {
    const wasIn = socket.rooms.has(room);
    try {
      const member = async () => (await this.access.roleOf(boardId, socket.data.userId)) !== null;
      if (!(await member())) {
        if (wasIn) await socket.leave(room);
        return fail('BOARD_NOT_FOUND', 'Board not found');
      }
      await socket.join(room);
      // Both read after the join and neither needs the other, so they run side by side (one round
      // trip, not two): the second check and the catch-up. The check is awaited first, so a socket
      // that fails it leaves at once, not after the catch-up read (which may queue behind others).
      const caughtUp = this.rooms.catchUp(boardId, afterSeq);
      caughtUp.catch(() => undefined); // its error is handled below, or not needed
      if (!(await member())) {
        await socket.leave(room);
        return fail('BOARD_NOT_FOUND', 'Board not found');
      }
      let ack: JoinOk;
      try {
        ack = await caughtUp;
      } catch (error) {
        // The board's stream is gone: deleted since the check.
        if (!(error instanceof AppError && error.code === 'BOARD_NOT_FOUND')) throw error;
        await socket.leave(room);
        return fail('BOARD_NOT_FOUND', 'Board not found');
      }
      socket.emit('board:seq', { boardId, seq: ack.seq });
      this.logger.debug({ socketId: socket.id, userId: socket.data.userId, boardId, afterSeq, seq: ack.seq }, 'socket joined board');
      void this.presence.joined(socket, boardId);
      return ack;
    } catch (error) {
      if (!wasIn) await socket.leave(room);
      this.logger.error({ socketId: socket.id, boardId, err: error }, `board:join ${boardId} failed`);
      return fail('SERVICE_UNAVAILABLE', 'Could not join the board, retry');
    }
  }

  /** Replaces the socket's credential before it expires; ack AuthRefreshAck (SocketSessionsService.refresh). */
  @SubscribeMessage('auth:refresh')
  refreshAuth(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Promise<AuthRefreshAck> {
    return this.sessions.refresh(socket, body);
  }

  /**
   * Leaves `board:<id>`. A join of that board still running is waited for first, so that the
   * socket ends out of the room, as its last request asked (the join would otherwise put it back
   * after the leave). Ack LeaveAck.
   */
  @SubscribeMessage('board:leave')
  async leave(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Promise<LeaveAck> {
    const boardId = (body as { boardId?: unknown } | null)?.boardId;
    if (typeof boardId !== 'string' || !isUUID(boardId, 'all')) return fail('VALIDATION_FAILED', 'boardId must be a UUID');
    const room = boardRoom(boardId.toLowerCase());
    await this.joining.get(socket)?.get(room)?.catch(() => undefined);
    await socket.leave(room);
    void this.presence.left(socket, boardId.toLowerCase());
    return { ok: true };
  }
}
