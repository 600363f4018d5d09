/**
 * Origin checks shared by REST CORS (app.factory.ts) and the Socket.IO handshake
 * (realtime/redis-io.adapter.ts). Origins are compared exactly as browsers send them
 * (`scheme://host[:port]`, no path), case-insensitively.
 */

/** Whether `origin` is in CORS_ORIGINS. */
export function isListedOrigin(origin: string, allowed: readonly string[]): boolean {
  const o = origin.toLowerCase();
  return allowed.some((a) => a.toLowerCase() === o);
}

/**
 * Whether a request whose `Origin` is `origin` came from the page's own origin: its host (with the
 * port) equals the `Host` header. A proxy that forwards `Host` without the port (nginx's `$host`)
 * leaves only the host name to compare.
 */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const h = host.toLowerCase();
  return url.host.toLowerCase() === h || (!h.includes(':') && url.hostname.toLowerCase() === h);
}

/**
 * The Socket.IO handshake rule: no `Origin` (not a browser: nothing to protect, the token is the
 * credential), the page's own origin, or a listed one. Browsers do not apply CORS to WebSockets, so
 * this check is what keeps a foreign page from opening a socket with a token it obtained.
 */
export function mayOpenSocket(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || isSameOrigin(origin, host) || isListedOrigin(origin, allowed);
}
