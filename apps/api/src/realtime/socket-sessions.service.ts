import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { UNAUTHORIZED, userRoom, type AckError, type AuthRefreshAck, type ErrorCode } from '@tasklane/contracts';
import { AuthService } from '../auth/auth.service.js';
import type { AuthUser } from '../http/current-user.decorator.js';
import { sessionRoom, type IoSocket } from './socket-server.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry is reached in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** Longest token `auth:refresh` accepts (a JWT is ~250 characters, an API token 46). */
const MAX_TOKEN_LENGTH = 4096;

const fail = (code: ErrorCode, message: string): AckError => ({ ok: false, error: { code, message } });
const credentialIdOf = (user: AuthUser): string | null => (user.kind === 'api-token' ? user.tokenId : user.sessionId);

/**
 * The life of a socket's credential, kept out of the gateway (which only wires sockets):
 *  - handshake, in two middleware steps: `authenticate` (first) checks `auth.token` (access JWT or
 *    API token) and sets `socket.data`; `confirm` (last, after every other step) puts the socket in
 *    `user:<id>` and `session:<id>`, then checks that the session or API token is still live. A
 *    revocation committed before that read fails it; one committed after it is published to those
 *    rooms and reaches the socket, because nothing asynchronous runs between the read and the
 *    connection (Socket.IO connects the socket in the next tick). A room message that arrives
 *    while the socket is still connecting finds no socket (Socket.IO delivers only to connected
 *    ones), which is why no other step may come after `confirm`;
 *  - `connected` (on `connection`): starts the expiry timer. When the credential expires the
 *    socket gets `session:expired` `{ reason: 'token_expired' }` and is disconnected, unless
 *    `auth:refresh` gave it a new one first. A refused or abandoned handshake never gets a timer
 *    (it would hold the socket until the credential expires, with no disconnect to clear it);
 *  - `refresh` (`auth:refresh`): a new credential of the same user, which re-arms the expiry; the
 *    socket joins the new credential's room before its liveness read, as in the handshake.
 * Timers are per replica and per socket; a socket's timer goes with its disconnect.
 */
@Injectable()
export class SocketSessionsService implements OnApplicationShutdown {
  private readonly logger = new Logger(SocketSessionsService.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The credential of each socket between `authenticate` and `confirm` (weak: a refused handshake leaves nothing behind). */
  private readonly handshakes = new WeakMap<IoSocket, AuthUser>();

  constructor(private readonly auth: AuthService) {}

  /**
   * Handshake step 1 (first middleware): checks the token's signature and expiry (an API token is
   * looked up) and sets `socket.data`. Resolves null when the handshake may go on, else the
   * connect_error message (`unauthorized`; `service unavailable` when an API token cannot be checked).
   */
  async authenticate(socket: IoSocket, token: unknown): Promise<string | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return UNAUTHORIZED;
    let user: AuthUser | null;
    try {
      user = await this.auth.authenticate(token);
    } catch (error) {
      this.logger.warn(`handshake: credential check failed: ${(error as Error).message}`);
      return 'service unavailable';
    }
    if (!user) return UNAUTHORIZED;
    socket.data.userId = user.id;
    socket.data.sessionId = credentialIdOf(user);
    this.handshakes.set(socket, user);
    return null;
  }

  /**
   * Handshake step 2 (the LAST middleware, see the class comment): joins the socket's user and
   * session rooms, then checks that the credential is still live; leaves them again when it is not.
   * Resolves null when the socket may connect, else `unauthorized`.
   */
  async confirm(socket: IoSocket): Promise<string | null> {
    const user = this.handshakes.get(socket);
    this.handshakes.delete(socket);
    if (!user) return UNAUTHORIZED;
    const rooms = [userRoom(user.id), ...(socket.data.sessionId ? [sessionRoom(socket.data.sessionId)] : [])];
    await socket.join(rooms);
    if (!(await this.stillLive(user))) {
      for (const room of rooms) await socket.leave(room);
      return UNAUTHORIZED;
    }
    socket.data.expiresAt = user.expiresAt;
    return null;
  }

  /**
   * For a handshake the per-user limit refused: true when its credential is no longer live, so
   * that it is refused as `unauthorized` (what a client acts on, by refreshing or signing out)
   * rather than as one socket too many. One liveness read, only on that rare path.
   */
  async revoked(socket: IoSocket): Promise<boolean> {
    const user = this.handshakes.get(socket);
    return !user || !(await this.stillLive(user));
  }

  /** On `connection`: starts the socket's expiry timer, cleared by its disconnect. */
  connected(socket: IoSocket): void {
    this.arm(socket, socket.data.expiresAt);
    socket.once('disconnect', () => this.disarm(socket.id));
  }

  /**
   * `auth:refresh`: replaces the socket's credential with `token` (an access token or API token of
   * the same user, live) and re-arms the expiry. The socket joins the new credential's room before
   * its liveness read (a revocation committed after the read reaches it there) and leaves the old
   * one after. On failure the old credential and its expiry stay.
   */
  async refresh(socket: IoSocket, body: unknown): Promise<AuthRefreshAck> {
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return fail('VALIDATION_FAILED', 'token must be a non-empty string');
    const unauthorized = fail('UNAUTHORIZED', 'Invalid, expired or revoked token, or another user’s');
    let user: AuthUser | null;
    try {
      user = await this.auth.authenticate(token);
    } catch (error) {
      this.logger.warn(`auth:refresh: credential check failed: ${(error as Error).message}`);
      return fail('SERVICE_UNAVAILABLE', 'Could not check the token, retry');
    }
    if (!user || user.id !== socket.data.userId) return unauthorized;
    const id = credentialIdOf(user);
    const room = id === null ? null : sessionRoom(id);
    if (room) await socket.join(room);
    // A failed refresh leaves the room it joined, unless the socket's credential is that one
    // (already, or since: a concurrent refresh to the same token that went through).
    const leaveUnlessCurrent = async () => {
      if (room && socket.data.sessionId !== id) await socket.leave(room);
    };
    let live: boolean;
    try {
      live = await this.auth.isLive(user);
    } catch (error) {
      await leaveUnlessCurrent();
      this.logger.warn(`auth:refresh: credential check failed: ${(error as Error).message}`);
      return fail('SERVICE_UNAVAILABLE', 'Could not check the token, retry');
    }
    if (!live || !socket.connected) {
      await leaveUnlessCurrent();
      return unauthorized;
    }
    if (id !== socket.data.sessionId) {
      const old = socket.data.sessionId;
      socket.data.sessionId = id;
      if (old) await socket.leave(sessionRoom(old));
    }
    // Again after the read (a no-op when still in it): a concurrent refresh that failed may have
    // left the room this one joined, and the socket must be in its credential's room.
    if (room) await socket.join(room);
    socket.data.expiresAt = user.expiresAt;
    this.arm(socket, user.expiresAt);
    return { ok: true, expiresAt: user.expiresAt === null ? null : new Date(user.expiresAt).toISOString() };
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * For an access token whose session cannot be checked (PostgreSQL down), the token's signature
   * and expiry are enough, as on REST: sockets keep connecting through a database outage.
   */
  private async stillLive(user: AuthUser): Promise<boolean> {
    try {
      return await this.auth.isLive(user);
    } catch (error) {
      this.logger.warn(`handshake: session check failed, admitting on the token alone: ${(error as Error).message}`);
      return user.kind === 'session';
    }
  }

  /** (Re)starts the socket's expiry timer; none for a credential without expiry. */
  private arm(socket: IoSocket, expiresAt: number | null): void {
    this.disarm(socket.id);
    if (expiresAt === null) return;
    const delay = expiresAt - Date.now();
    const timer = setTimeout(() => (delay > MAX_TIMEOUT_MS ? this.arm(socket, expiresAt) : this.expire(socket)), Math.max(0, Math.min(delay, MAX_TIMEOUT_MS)));
    timer.unref();
    this.timers.set(socket.id, timer);
  }

  private disarm(socketId: string): void {
    const timer = this.timers.get(socketId);
    if (timer) clearTimeout(timer);
    this.timers.delete(socketId);
  }

  private expire(socket: IoSocket): void {
    this.timers.delete(socket.id);
    if (!socket.connected) return;
    socket.emit('session:expired', { reason: 'token_expired' });
    socket.disconnect(true);
  }
}
