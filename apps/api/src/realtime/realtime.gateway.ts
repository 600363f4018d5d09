import { Logger } from '@nestjs/common';
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
import { EventBroadcaster, type EventSink } from '../events/event-broadcaster.js';
import { BoardAccessService } from '../members/board-access.service.js';

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
export class RealtimeGateway implements OnGatewayInit<IoServer>, EventSink {
  private readonly logger = new Logger(RealtimeGateway.name);
  @WebSocketServer() private server: IoServer;

  constructor(
    private readonly auth: AuthService,
    private readonly access: BoardAccessService,
    private readonly events: BoardEventsService,
    broadcaster: EventBroadcaster,
  ) {
    broadcaster.attach(this);
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
  }

  /**
   * Joins `board:<id>` after a membership check, then reads the seq (and missed events), in that
   * order: every event committed after the read reaches this socket through the room, every
   * earlier one is in the ack or the client's snapshot. Ack: JoinAck.
   */
  @SubscribeMessage('board:join')
  async join(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Promise<JoinAck> {
    const { boardId, afterSeq } = (body ?? {}) as { boardId?: unknown; afterSeq?: unknown };
    if (typeof boardId !== 'string' || !isUUID(boardId, 'all')) return fail(ErrorCode.ValidationFailed, 'boardId must be a UUID');
    if (afterSeq !== undefined && !(Number.isInteger(afterSeq) && (afterSeq as number) >= 0)) return fail(ErrorCode.ValidationFailed, 'afterSeq must be an integer >= 0');
    try {
      const role = await this.access.roleOf(boardId, socket.data.userId);
      if (!role) return fail(ErrorCode.BoardNotFound, 'Board not found');
      await socket.join(boardRoom(boardId));
      if (afterSeq === undefined) {
        const seq = await this.events.currentSeq(boardId);
        return { ok: true, seq: seq ?? 0 };
      }
      try {
        const page = await this.events.listAfter(boardId, afterSeq as number);
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

  /** Emits a committed event to its board's room on every replica; revokes room access after removals. */
  deliver(event: AnyBoardEvent): void {
    const room = boardRoom(event.boardId);
    this.server.to(room).emit('board:event', event);
    if (event.type === 'member.removed') {
      this.server.to(userRoom(event.data.id)).emit('board:removed', { boardId: event.boardId, reason: 'membership revoked' });
      this.server.in(userRoom(event.data.id)).socketsLeave(room);
    } else if (event.type === 'board.deleted') {
      this.server.in(room).socketsLeave(room);
    }
  }
}
