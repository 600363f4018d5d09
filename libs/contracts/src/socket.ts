import type { ErrorCode } from './errors.js';
import type { AnyBoardEvent } from './events.js';

/** Socket.IO path, on the same port as REST. */
export const SOCKET_PATH = '/socket.io';

/** Room names: every member socket of a board is in `board:<id>`; each user's sockets in `user:<id>`. */
export const boardRoom = (boardId: string): string => `board:${boardId}`;
export const userRoom = (userId: string): string => `user:${userId}`;

/** connect_error message when the handshake token is missing, malformed or expired. */
export const UNAUTHORIZED = 'unauthorized';

export interface JoinRequest {
  boardId: string;
  /** Last seq the client has applied; the ack then carries the events after it. */
  afterSeq?: number;
}

export interface AckError {
  ok: false;
  error: { code: ErrorCode; message: string };
}

export interface JoinOk {
  ok: true;
  /** The board's last seq at join time. Every event with a greater seq will arrive as `board:event`. */
  seq: number;
  /** With `afterSeq`: events (afterSeq, seq], in order. */
  events?: AnyBoardEvent[];
  /** With `afterSeq`: true when those events are no longer retained or too many; refetch the snapshot. */
  resync?: boolean;
}

export type JoinAck = JoinOk | AckError;
export type LeaveAck = { ok: true } | AckError;

export interface BoardSeqNotice {
  boardId: string;
  seq: number;
}

/** One user viewing a board now (on any replica, with one or more sockets). */
export interface PresenceUser {
  userId: string;
}

/**
 * Who is viewing a board: every user with a socket joined to it on any replica, sorted by userId.
 * Sent as `presence:state` to a socket right after its `board:join` succeeds, and as
 * `presence:update` to the whole room whenever the set changes. Not part of the seq stream: each
 * notice is the full set, so a lost or reordered one is repaired by the next.
 */
export interface PresenceNotice {
  boardId: string;
  users: PresenceUser[];
}

/** Events the client sends (typed Socket.IO: `Socket<ServerToClientEvents, ClientToServerEvents>`). */
export interface ClientToServerEvents {
  'board:join': (request: JoinRequest, ack: (response: JoinAck) => void) => void;
  'board:leave': (request: { boardId: string }, ack?: (response: LeaveAck) => void) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  'board:event': (event: AnyBoardEvent) => void;
  /** The board's current last seq; lets a client notice it missed the last events. */
  'board:seq': (notice: BoardSeqNotice) => void;
  /** The server removed this socket from a board (membership revoked or board deleted). */
  'board:removed': (notice: { boardId: string; reason: string }) => void;
  /** Who is viewing the board, sent to the joining socket after a successful `board:join`. */
  'presence:state': (notice: PresenceNotice) => void;
  /** Who is viewing the board, sent to the room when someone arrives or leaves (or a replica died). */
  'presence:update': (notice: PresenceNotice) => void;
}
