import { Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ConnectedSocket, MessageBody, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { isUUID } from 'class-validator';
import type { Server, Socket } from 'socket.io';
import {
  boardRoom,
  SOCKET_PATH,
  UNAUTHORIZED,
  userRoom,
  type AnyBoardEvent,
  type ClientToServerEvents,
  type JoinAck,
  type LeaveAck,
  type ServerToClientEvents,
} from '@tasklane/contracts';
import { AuthService } from '../auth/auth.service.js';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { BoardEventsService } from '../events/board-events.service.js';
import { EventBroadcaster, type EventSink } from '../events/event-broadcaster.service.js';
import { BoardAccessService } from '../members/board-access.service.js';
import type { Env } from '../config/env.schema.js';
import { RedisConnections } from './redis-connections.service.js';
import { ShutdownState } from '../health/shutdown-state.service.js';

interface SocketData {
  userId: string;
}
type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

/**
 * Socket.IO gateway on the HTTP port at `/socket.io`. Authenticates the handshake
 * (`auth: { token }`, refused with connect_error `unauthorized`), joins and leaves board rooms after
 * checking membership, and emits committed events to `board:<id>`. No business logic here.
 */
@WebSocketGateway({ path: SOCKET_PATH, cors: { origin: true, credentials: true }, pingInterval: 25_000, pingTimeout: 20_000, maxHttpBufferSize: 64 * 1024 })
export class RealtimeGateway implements OnGatewayInit<IoServer>, EventSink, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);
  @WebSocketServer() private server: IoServer;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly auth: AuthService,
    private readonly access: BoardAccessService,
    private readonly events: BoardEventsService,
    private readonly redis: RedisConnections,
    private readonly config: ConfigService<Env, true>,
    private readonly shutdown: ShutdownState,
    broadcaster: EventBroadcaster,
  ) {
    broadcaster.attach(this);
  }

  get canReachAllReplicas(): boolean {
    return this.redis.ready;
  }

  /**
   * Drain: after the readiness grace period, close this replica's sockets with a server-side
   * disconnect, which clients treat as "reconnect elsewhere" (BoardStream does, re-joining with its
   * last seq). Sockets on other replicas are untouched (`local`).
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.shutdown.drain(signal);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.server?.local.disconnectSockets(true);
  }

  onApplicationShutdown(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /**
   * The heartbeat, for the board rooms with sockets on THIS replica (each replica covers its own):
   *  1. membership sweep: a socket whose user is no longer a member of a live board leaves the room
   *     and gets `board:removed` (backstop for a removal whose eviction request Redis dropped);
   *  2. `board:seq` to each room, so a client that missed the last events of a quiet board notices
   *     within one interval and catches up.
   * Two queries per interval for all rooms.
   */
  async sendSeqNotices(): Promise<void> {
    const nsp = this.server.of('/');
    const rooms = [...nsp.adapter.rooms.entries()].filter(([r]) => r.startsWith('board:'));
    if (rooms.length === 0) return;
    try {
      const pairs: { boardId: string; userId: string; socketId: string }[] = [];
      for (const [room, ids] of rooms) {
        for (const id of ids) {
          const userId = nsp.sockets.get(id)?.data.userId;
          if (userId) pairs.push({ boardId: room.slice('board:'.length), userId, socketId: id });
        }
      }
      const members = await this.access.membersAmong(pairs);
      for (const p of pairs) {
        if (members.has(`${p.boardId}:${p.userId}`)) continue;
        const socket = nsp.sockets.get(p.socketId);
        socket?.emit('board:removed', { boardId: p.boardId, reason: 'not a member' });
        await socket?.leave(boardRoom(p.boardId));
      }
      const seqs = await this.events.currentSeqs(rooms.map(([r]) => r.slice('board:'.length)));
      for (const [boardId, seq] of seqs) this.server.local.to(boardRoom(boardId)).emit('board:seq', { boardId, seq });
    } catch (error) {
      this.logger.warn(`board:seq heartbeat skipped: ${(error as Error).message}`);
    }
  }

  /** Handshake middleware: guards do not run on connection (nestjs/nest#882), so auth lives here. */
  afterInit(server: IoServer): void {
    server.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      const user = typeof token === 'string' ? this.auth.verifyAccessToken(token) : null;
      if (!user) return next(new Error(UNAUTHORIZED));
      socket.data.userId = user.id;
      void socket.join(userRoom(user.id));
      next();
    });
    // Socket.IO keeps each session's first HTTP request (headers, socket references) for its whole
    // life; nothing here needs it after the handshake, so drop it (Socket.IO docs, "Memory usage").
    server.engine.on('connection', (raw: { request: unknown }) => {
      raw.request = null;
    });
    this.heartbeat = setInterval(() => void this.sendSeqNotices(), this.config.getOrThrow('SEQ_HEARTBEAT_MS', { infer: true }));
    this.heartbeat.unref();
  }

  /**
   * Joins `board:<id>` after a membership check, then reads the seq (and missed events), in that
   * order: every event committed after the read reaches this socket through the room, every
   * earlier one is in the ack or the client's snapshot. Also sends `board:seq` with that seq (the
   * heartbeat's first beat). Ack: JoinAck.
   */
  @SubscribeMessage('board:join')
  async join(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Promise<JoinAck> {
    const { boardId: rawBoardId, afterSeq } = (body ?? {}) as { boardId?: unknown; afterSeq?: unknown };
    const boardId = typeof rawBoardId === 'string' ? rawBoardId.toLowerCase() : rawBoardId;
    if (typeof boardId !== 'string' || !isUUID(boardId, 'all')) return fail(ErrorCode.ValidationFailed, 'boardId must be a UUID');
    if (afterSeq !== undefined && !(Number.isInteger(afterSeq) && (afterSeq as number) >= 0 && (afterSeq as number) <= 2_147_483_647)) {
      return fail(ErrorCode.ValidationFailed, 'afterSeq must be an integer from 0 to 2147483647');
    }
    try {
      // Join first, then check: a removal that commits in between evicts this socket or is seen
      // by the check (checking first could let the join land after the eviction).
      await socket.join(boardRoom(boardId));
      const role = await this.access.roleOf(boardId, socket.data.userId);
      if (!role) {
        await socket.leave(boardRoom(boardId));
        return fail(ErrorCode.BoardNotFound, 'Board not found');
      }
      if (afterSeq === undefined) {
        const seq = (await this.events.currentSeq(boardId)) ?? 0;
        socket.emit('board:seq', { boardId, seq });
        return { ok: true, seq };
      }
      try {
        const page = await this.events.listAfter(boardId, afterSeq as number);
        socket.emit('board:seq', { boardId, seq: page.lastSeq });
        const complete = page.items.length === 0 || page.items[page.items.length - 1].seq === page.lastSeq;
        return complete ? { ok: true, seq: page.lastSeq, events: page.items } : { ok: true, seq: page.lastSeq, resync: true };
      } catch (error) {
        if (error instanceof AppError && error.code === ErrorCode.EventsExpired) {
          return { ok: true, seq: (await this.events.currentSeq(boardId)) ?? 0, resync: true };
        }
        throw error;
      }
    } catch (error) {
      this.logger.error(`board:join ${boardId} failed`, error instanceof Error ? error.stack : String(error));
      return fail(ErrorCode.ServiceUnavailable, 'Could not join the board, retry');
    }
  }

  @SubscribeMessage('board:leave')
  async leave(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Promise<LeaveAck> {
    const boardId = (body as { boardId?: unknown } | null)?.boardId;
    if (typeof boardId !== 'string' || !isUUID(boardId, 'all')) return fail(ErrorCode.ValidationFailed, 'boardId must be a UUID');
    await socket.leave(boardRoom(boardId));
    return { ok: true };
  }

  /**
   * Emits a committed event to its board's room on every replica and, on its first delivery,
   * revokes room access after a removal or deletion: locally at once, and through Redis for the
   * other replicas (that request is at-most-once; the heartbeat's membership sweep is the backstop).
   * A re-sent event (`resent`, from the relay) has no side effects: the member may be back by then.
   */
  deliver(event: AnyBoardEvent, resent = false): boolean {
    const reachesAll = this.redis.ready;
    const room = boardRoom(event.boardId);
    this.server.to(room).emit('board:event', event);
    if (resent) return reachesAll;
    if (event.type === 'member.removed') {
      this.server.to(userRoom(event.data.id)).emit('board:removed', { boardId: event.boardId, reason: 'membership revoked' });
      this.server.local.in(userRoom(event.data.id)).socketsLeave(room);
      this.server.in(userRoom(event.data.id)).socketsLeave(room);
    } else if (event.type === 'board.deleted') {
      this.server.to(room).emit('board:removed', { boardId: event.boardId, reason: 'board deleted' });
      this.server.local.in(room).socketsLeave(room);
      this.server.in(room).socketsLeave(room);
    }
    return reachesAll;
  }
}
