import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCluster, type Cluster } from '@tasklane/cluster';
import type { TasklaneSocket } from '@tasklane/client';
import { UNAUTHORIZED } from '@tasklane/contracts';
import { registerUser } from './support/fixtures.js';
import { handshake } from './support/sockets.js';
import { httpTarget } from './support/test-app.js';

/** Real processes: two built replicas behind real nginx, against the run's migrated database and Redis. */
describe('local cluster (e2e)', () => {
  let cluster: Cluster;
  let lb: string;
  const sockets: TasklaneSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      replicas: 2,
      databaseUrl: process.env.DATABASE_URL ?? '',
      redisUrl: process.env.REDIS_URL,
      jwtSecret: process.env.JWT_SECRET,
      // Tests the cluster machinery, not the limits (rate-limits.e2e-spec.ts does that).
      env: { RATE_LIMITS: 'off' },
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
      const res = await httpTarget(lb).http().get('/health/ready');
      expect(res.status).toBe(200);
      seen.add(res.headers['x-replica'] ?? null);
    }
    expect([...seen].sort()).toEqual(['replica-0', 'replica-1']);
  });

  it('upgrades Socket.IO websockets through nginx; without a token the handshake is refused', async () => {
    // registerUser expects 201 from POST /auth/register through nginx
    const { accessToken } = await registerUser(httpTarget(lb), 'Cluster');

    const ok = await handshake(lb, accessToken);
    sockets.push(ok.socket);
    expect(ok.error).toBeNull();
    expect(ok.socket.connected).toBe(true);
    expect(ok.socket.io.engine.transport.name).toBe('websocket');

    const refused = await handshake(lb);
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
    await expect(httpTarget(replica.url).http().get('/health/live')).rejects.toThrow();
    // Connection refused is retried on the other replica (proxy_next_upstream error).
    for (let i = 0; i < 4; i++) {
      const res = await httpTarget(lb).http().get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.headers['x-replica']).toBe('replica-0');
    }

    await replica.start();
    expect(replica.pid).toEqual(expect.any(Number));
    expect(replica.pid).not.toBe(before);
    const ready = await httpTarget(replica.url).http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.headers['x-replica']).toBe('replica-1');
  }, 60_000);
});
