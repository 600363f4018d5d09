import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on `host` (default 127.0.0.1) by listening on port 0 and closing
 * again. Another process may take the port before the caller binds it; callers that must not race
 * should retry on EADDRINUSE.
 * @returns a port number, 1–65535.
 * @throws the listen error (e.g. EADDRNOTAVAIL for a host that is not local).
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : port > 0 ? resolve(port) : reject(new Error('listen(0) returned no port'))));
    });
  });
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
