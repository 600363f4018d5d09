// Raw Socket.IO clients for the e2e suites: websocket transport only, no reconnection, a new
// Manager per socket, so each test sees exactly the handshakes and events it caused.
import { io } from 'socket.io-client';
import type { TasklaneSocket } from '@tasklane/client';
import { SOCKET_PATH, type SessionExpiredNotice } from '@tasklane/contracts';

/** How long a handshake may take before socket.io-client gives up with a `timeout` connect_error. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Opens a socket to `url` (it starts connecting at once). Wait for the handshake with `connected`.
 * @param url origin of a replica or the load balancer, e.g. http://127.0.0.1:41234
 * @param token access token sent as `handshake.auth.token`; none unless given
 */
export function openSocket(url: string, token?: string): TasklaneSocket {
  return io(url, { path: SOCKET_PATH, transports: ['websocket'], auth: token ? { token } : {}, reconnection: false, forceNew: true, timeout: HANDSHAKE_TIMEOUT_MS });
}

/**
 * Resolves when `socket` connects.
 * @throws (rejects with) the connect_error, e.g. `Error('unauthorized')` from the auth middleware
 */
export function connected(socket: TasklaneSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/**
 * `openSocket` then `connected`: a socket whose handshake succeeded.
 * @throws (rejects with) the connect_error
 */
export async function connectSocket(url: string, token: string): Promise<TasklaneSocket> {
  const socket = openSocket(url, token);
  await connected(socket);
  return socket;
}

/**
 * Opens a socket and reports how its handshake ended, without throwing.
 * @returns the socket (disconnect it afterwards) and `error`: null when it connected, else the connect_error
 */
export async function handshake(url: string, token?: string): Promise<{ socket: TasklaneSocket; error: Error | null }> {
  const socket = openSocket(url, token);
  try {
    await connected(socket);
    return { socket, error: null };
  } catch (error) {
    return { socket, error: error as Error };
  }
}

/** How a socket's connection ended: Socket.IO's disconnect reason and the `session:expired` notice that came before it, if any. */
export interface SocketEnd {
  reason: string;
  notice: SessionExpiredNotice | null;
  /** Milliseconds from the call of `whenEnded` to the disconnect. */
  afterMs: number;
}

/**
 * Resolves when `socket` disconnects. Call it before the action that should end the socket (it
 * records the `session:expired` notice from then on).
 */
export function whenEnded(socket: TasklaneSocket): Promise<SocketEnd> {
  const started = Date.now();
  let notice: SessionExpiredNotice | null = null;
  socket.on('session:expired', (n) => (notice = n));
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve({ reason, notice, afterMs: Date.now() - started })));
}

/**
 * Resolves with whether `socket` is still connected after `ms` milliseconds (a `disconnect` in
 * between counts as not connected even if it reconnected).
 */
export async function stillConnectedAfter(socket: TasklaneSocket, ms: number): Promise<boolean> {
  let dropped = false;
  const onDisconnect = () => (dropped = true);
  socket.on('disconnect', onDisconnect);
  await new Promise((r) => setTimeout(r, ms));
  socket.off('disconnect', onDisconnect);
  return !dropped && socket.connected;
}
