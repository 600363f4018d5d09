/**
 * How auth ends the live connections of a session it revoked, without importing `realtime` (which
 * imports auth): the same port pattern as EVENT_PUBLISHER. RealtimeModule provides it under
 * `SESSION_SOCKETS` (realtime/socket-sessions.service.ts). Every socket is in room `user:<userId>`
 * and in `session:<id>`, id being its access token's session (`sid`) or its API token's id.
 */
export interface SessionSockets {
  /**
   * On every replica (through the Socket.IO Redis adapter): sends `session:expired`
   * `{ reason: 'session_revoked' }` to the sockets authenticated through any of these sessions or
   * API tokens, then disconnects them. Never throws; at most once, like every Redis broadcast (a
   * socket that missed it still dies when its access token expires, and cannot reconnect).
   */
  endSessions(ids: readonly string[]): void;
  /** The same for every socket of the user (logout-all). */
  endUser(userId: string): void;
}

/** Injection token of SessionSockets. */
export const SESSION_SOCKETS = Symbol('SESSION_SOCKETS');
