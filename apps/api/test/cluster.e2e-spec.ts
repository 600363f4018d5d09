import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { startCluster, type Cluster } from '@tasklane/cluster';
import { SOCKET_PATH, UNAUTHORIZED, type AuthResponse } from '@tasklane/contracts';

/** Connects a websocket-only client and reports how the handshake ended. */
function connect(url: string, auth: Record<string, unknown>): Promise<{ socket: Socket; error: Error | null }> {
  const socket = io(url, { path: SOCKET_PATH, transports: ['websocket'], auth, reconnection: false, forceNew: true, timeout: 10_000 });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (error) => resolve({ socket, error }));
  });
}

/** Real processes: two built replicas behind real nginx, against the run's migrated database and Redis. */
describe('local cluster (e2e)', () => {
  let cluster: Cluster;
  let lb: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      replicas: 2,
      databaseUrl: process.env.DATABASE_URL ?? '',
      redisUrl: process.env.REDIS_URL,
      jwtSecret: process.env.JWT_SECRET,
    });
    lb = cluster.lbUrl ?? '';
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster?.stop();
    // stop() waited for every exit: nothing is left running
    for (const r of cluster?.replicas ?? []) expect(r.pid).toBeNull();
  });

  it('serves /health/ready through nginx, round robin over both replicas', async () => {
    expect(lb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const seen = new Set<string | null>();
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${lb}/health/ready`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      seen.add(res.headers.get('x-replica'));
    }
    expect([...seen].sort()).toEqual(['replica-0', 'replica-1']);
  });

  it('upgrades Socket.IO websockets through nginx; without a token the handshake is refused', async () => {
    const res = await fetch(`${lb}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${randomUUID()}@example.test`, password: 'correct horse battery', name: 'Cluster' }),
    });
    expect(res.status).toBe(201);
    const { accessToken } = (await res.json()) as AuthResponse;

    const ok = await connect(lb, { token: accessToken });
    sockets.push(ok.socket);
    expect(ok.error).toBeNull();
    expect(ok.socket.connected).toBe(true);
    expect(ok.socket.io.engine.transport.name).toBe('websocket');

    const refused = await connect(lb, {});
    sockets.push(refused.socket);
    expect(refused.error?.message).toBe(UNAUTHORIZED);
    expect(refused.socket.connected).toBe(false);
  });

  it('brings a SIGKILLed replica back with start(), while nginx keeps serving from the other', async () => {
    const replica = cluster.replicas[1];
    const before = replica.pid;
    expect(before).toEqual(expect.any(Number));

    await replica.kill('SIGKILL');
    expect(replica.pid).toBeNull();
    await expect(fetch(`${replica.url}/health/live`)).rejects.toThrow();
    // Connection refused is retried on the other replica (proxy_next_upstream error).
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${lb}/health/ready`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-replica')).toBe('replica-0');
      await res.arrayBuffer();
    }

    await replica.start();
    expect(replica.pid).toEqual(expect.any(Number));
    expect(replica.pid).not.toBe(before);
    const ready = await fetch(`${replica.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-replica')).toBe('replica-1');
    await ready.arrayBuffer();
  }, 60_000);
});
