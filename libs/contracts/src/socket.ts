import type { ErrorCode } from './errors.js';
import type { AnyBoardEvent } from './events.js';
import type { NotificationNotice } from './notifications.js';

/** Socket.IO path, on the same port as REST. */
export const SOCKET_PATH = '/socket.io';

/** Room names: every member socket of a board is in `board:<id>`; each user's sockets in `user:<id>`. */
export const boardRoom = (boardId: string): string => `board:${boardId}`;
export const userRoom = (userId: string): string => `user:${userId}`;

/** connect_error message when the handshake token is missing, malformed or expired. */
export const UNAUTHORIZED = 'unauthorized';

/** connect_error message when the user already has SOCKETS_PER_USER sockets open (across all replicas). */
export const TOO_MANY_CONNECTIONS = 'too_many_connections';

/** Why the server is about to close this socket (`disconnect:reason`), sent just before it does. */
export interface DisconnectNotice {
  /** `rate_limited`: the socket kept sending events far beyond its rate limit. */
  reason: 'rate_limited';
}

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

/** `auth:refresh` request: a new credential for this socket (an access token, or an API token), of the same user. */
export interface AuthRefreshRequest {
  token: string;
}

/**
 * `auth:refresh` ack. `expiresAt`: when the socket's new credential expires (ISO-8601; null for an
 * API token without expiry); the server sends `session:expired` and disconnects then, unless
 * refreshed again.
 */
export type AuthRefreshAck = { ok: true; expiresAt: string | null } | AckError;

/**
 * Why the server is about to disconnect a socket: `token_expired` (its access token expired without
 * an `auth:refresh`), `session_revoked` (logout, logout-all, password change, refresh-token reuse,
 * API token revoked). Socket.IO cannot carry a reason in the disconnect itself, so this event
 * comes right before it.
 */
export interface SessionExpiredNotice {
  reason: 'token_expired' | 'session_revoked';
}

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
 * `presence:update` to the whole room when the set changes (at once for a quiet board's first
 * change, then at most one notice per 500 ms per board and replica). Not part of the seq stream:
 * each notice is the full set, so a lost, merged or reordered one is repaired by the next.
 */
export interface PresenceNotice {
  boardId: string;
  users: PresenceUser[];
}

/** Where a board import stands (`import:progress`; `GET /api/v1/imports/:id` reports the same `processed`). */
export type ImportProgressStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * `import:progress`: a board import's progress, to every socket of its importer (room `user:<id>`)
 * on every replica. `processed` counts the tasks written so far (with their checklists and
 * comments) out of `total`; it never decreases, also across a retried job. The stream is
 * `running` notices, then exactly one final `succeeded` (with `boardId`; `processed` = `total`) or
 * `failed` (with `error`, nothing imported). `queued` is never sent: it is what the 202 answer says.
 * Delivery is at most once per socket: a socket that was away reads the import's status from
 * `GET /api/v1/imports/:id` (the final status is always there).
 */
export interface ImportProgressNotice {
  importId: string;
  status: ImportProgressStatus;
  /** Tasks written so far, 0 … total. */
  processed: number;
  /** Tasks in the file (the import's `taskCount`). */
  total: number;
  /** The new board, with `succeeded`. */
  boardId?: string;
  /** Why it failed, with `failed`. */
  error?: string;
}

/** Events the client sends (typed Socket.IO: `Socket<ServerToClientEvents, ClientToServerEvents>`). */
export interface ClientToServerEvents {
  'board:join': (request: JoinRequest, ack: (response: JoinAck) => void) => void;
  'board:leave': (request: { boardId: string }, ack?: (response: LeaveAck) => void) => void;
  /** Replaces the socket's credential before it expires (see SessionExpiredNotice). */
  'auth:refresh': (request: AuthRefreshRequest, ack: (response: AuthRefreshAck) => void) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  'board:event': (event: AnyBoardEvent) => void;
  /** The board's current last seq; lets a client notice it missed the last events. */
  'board:seq': (notice: BoardSeqNotice) => void;
  /** The server removed this socket from a board (membership revoked or board deleted). */
  'board:removed': (notice: { boardId: string; reason: string }) => void;
  /** Sent right before the server disconnects this socket because its credential ended. */
  'session:expired': (notice: SessionExpiredNotice) => void;
  /**
   * Sent right before the server disconnects this socket on purpose (`socket.disconnect(true)`, so a
   * standard client does not reconnect by itself). Wait before reconnecting.
   */
  'disconnect:reason': (notice: DisconnectNotice) => void;
  /** Who is viewing the board, sent to the joining socket after a successful `board:join`. */
  'presence:state': (notice: PresenceNotice) => void;
  /** Who is viewing the board, sent to the room when someone arrives or leaves (or a replica died); throttled per board (PresenceNotice). */
  'presence:update': (notice: PresenceNotice) => void;
  /**
   * A new notification of this socket's user, sent to every socket of the user (room `user:<id>`)
   * on every replica, once, after the write that caused it committed. Its `seq` is the user's own:
   * a gap means a missed one; fetch `GET /users/me/notifications?afterSeq=<last seen>`.
   */
  'notification:new': (notice: NotificationNotice) => void;
  /** Progress of a board import, to every socket of its importer only (see ImportProgressNotice). */
  'import:progress': (notice: ImportProgressNotice) => void;
}
