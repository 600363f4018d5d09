import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port findFreePort picks from: above the well-known and most registered service ports. */
const LOWEST = 10_000;

/** Highest port findFreePort picks from, plus one: below Kubernetes' NodePort range (30000–32767), which a bind check cannot see. */
const HIGHEST = 30_000;

/** Attempts at random ports before falling back to one the OS picks. */
const ATTEMPTS = 50;

/**
 * The first port of the kernel's ephemeral range (`net.ipv4.ip_local_port_range`, 32768 by
 * default on Linux), from which outgoing connections take their local ports; 32768 where the file
 * cannot be read.
 */
export function ephemeralPortStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Listens on `port` of `host` and closes again: the port if that worked, null if it was taken (EADDRINUSE, EACCES). */
function tryPort(port: number, host: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(null) : reject(error)));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : bound > 0 ? resolve(bound) : reject(new Error(`listen(${port}) returned no port`))));
    });
  });
}

/**
 * A TCP port on `host` (default 127.0.0.1) that is free now, for a server the caller is about to
 * start (a replica, nginx, a throwaway Redis or PostgreSQL). Picked at random from 10000 up to
 * 29999 or the start of the kernel's ephemeral range, whichever is lower, and checked by listening
 * on it and closing again. Outside the ephemeral range, so an outgoing connection of any process
 * (a test's HTTP client, a pool connecting to PostgreSQL) cannot take it between this check and
 * the caller's bind, as it could a port the OS hands out for `listen(0)`; at random, so parallel
 * test workers rarely pick the same one (one chance in 20,000 per pair of picks). Falls back to
 * `listen(0)` when the range below the ephemeral ports is too small or after 50 taken ports.
 * Another process may still bind the port first; callers that must not race should retry on
 * EADDRINUSE.
 * @returns a port number, 1–65535.
 * @throws the listen error (e.g. EADDRNOTAVAIL for a host that is not local).
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const end = Math.min(ephemeralPortStart(), HIGHEST);
  if (end - LOWEST >= 1_000) {
    for (let i = 0; i < ATTEMPTS; i++) {
      const port = await tryPort(LOWEST + Math.floor(Math.random() * (end - LOWEST)), host);
      if (port !== null) return port;
    }
  }
  const port = await tryPort(0, host);
  if (port === null) throw new Error(`no free port on ${host}`);
  return port;
}

/**
 * Finds `count` distinct free ports (see {@link findFreePort}).
 * @throws as findFreePort.
 */
export async function findFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort(host));
  return [...ports];
}
