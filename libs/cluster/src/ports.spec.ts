import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ephemeralPortStart, findFreePort, findFreePorts } from './ports.js';

/** Listens on `port` of 127.0.0.1 (0: any) and resolves with the server once it is bound. */
const listen = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const portOf = (server: Server): number => (server.address() as { port: number }).port;

describe('findFreePort', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('reads the start of the kernel’s ephemeral range', () => {
    const start = ephemeralPortStart();
    expect(Number.isInteger(start)).toBe(true);
    expect(start).toBeGreaterThan(1024);
  });

  // Where the range below the ephemeral ports is too small, findFreePort uses listen(0) instead.
  const drawn = Math.min(ephemeralPortStart(), 30_000) - 10_000 >= 1_000 ? it : it.skip;

  drawn('returns ports from 10000 up to 29999 and below the ephemeral range that a server can then bind', async () => {
    const ports = await findFreePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(Math.min(ephemeralPortStart(), 30_000));
      await close(await listen(port));
    }
  });

  drawn('skips a port that is taken and tries another', async () => {
    const start = Math.min(ephemeralPortStart(), 30_000);
    const taken = await listen(await findFreePort());
    try {
      const free = await findFreePort();
      // The first draw lands on the taken port, the second on the free one.
      const draws = [portOf(taken), free].map((port) => (port - 10_000 + 0.5) / (start - 10_000));
      const random = jest.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? 0.5);
      await expect(findFreePort()).resolves.toBe(free);
      expect(random).toHaveBeenCalledTimes(2);
    } finally {
      await close(taken);
    }
  });
});
