import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TasklaneSocket } from '@tasklane/client';
import type { Cluster } from '@tasklane/cluster';
import type { Response } from 'supertest';
import { registerUser, TEST_PASSWORD } from '../support/fixtures.js';
import { connectSocket, handshake } from '../support/sockets.js';
import { httpTarget, type HttpTarget } from '../support/test-app.js';
import { startRunCluster } from '../support/run-cluster.js';

// Limits shared by all replicas: three built replicas behind nginx on the run's database and the
// real Redis, rate limits ON at their defaults (TRUST_PROXY=loopback and EXPOSE_REPLICA_HEADER from
// startCluster). The replicas inherit the run's RATE_LIMIT_KEY_PREFIX and raised
// RATE_LIMIT_REGISTER from global-setup.mjs.
const REPLICAS = 3;

describe('rate limits across replicas (e2e, 3 replicas behind nginx, Redis)', () => {
  let cluster: Cluster;
  let lb: HttpTarget;
  const sockets: TasklaneSocket[] = [];

  beforeAll(async () => {
    cluster = await startRunCluster({ replicas: REPLICAS });
    lb = httpTarget(cluster.lbUrl!);
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster?.stop();
  });

  it('refuses failed logins for one email from the 11th on, whichever replica answers, with Retry-After and RateLimit-*', async () => {
    const user = await registerUser(lb);
    // The client's own address as a proxy in front of nginx would report it; nginx appends the
    // address it saw (127.0.0.1), which TRUST_PROXY=loopback trusts, so the replicas see `from`.
    const address = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const from = address();
    const answers: Response[] = [];
    for (let i = 0; i < 40; i++) {
      answers.push(await lb.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email: user.user.email, password: 'wrong password!' }));
    }
    expect(answers.map((r) => r.status)).toEqual([...Array(10).fill(401), ...Array(30).fill(429)]);
    const limited = answers.slice(10);
    expect(new Set(limited.map((r) => r.headers['x-replica'])).size).toBe(REPLICAS);
    for (const r of limited) {
      expect(r.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(800);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(r.headers).toMatchObject({ 'ratelimit-limit': '10', 'ratelimit-remaining': '0' });
      expect(Number(r.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    // Even the right password is refused while the window lasts, on every replica.
    for (let i = 0; i < REPLICAS; i++) {
      await lb.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email: user.user.email, password: TEST_PASSWORD }).expect(429);
    }
    // The same email from another address is another window.
    await lb.http().post('/api/v1/auth/login').set('X-Forwarded-For', address()).send({ email: user.user.email, password: TEST_PASSWORD }).expect(200);
  }, 60_000);

  it('counts a user’s sockets across replicas: the 21st is refused with too_many_connections on any of them', async () => {
    const user = await registerUser(lb);
    const [r0, r1, r2] = cluster.replicaUrls;
    for (let i = 0; i < 10; i++) sockets.push(await connectSocket(r0, user.accessToken));
    for (let i = 0; i < 10; i++) sockets.push(await connectSocket(r1, user.accessToken));
    for (const url of [r0, r1, r2, cluster.lbUrl!]) {
      const extra = await handshake(url, user.accessToken);
      sockets.push(extra.socket);
      expect(extra.error?.message).toBe('too_many_connections');
    }
    // A socket closed on one replica frees a slot for another replica.
    sockets[0].disconnect();
    let replacement: Awaited<ReturnType<typeof handshake>> | null = null;
    for (let i = 0; i < 40 && !replacement?.socket.connected; i++) {
      await new Promise((r) => setTimeout(r, 50));
      replacement = await handshake(r2, user.accessToken);
      sockets.push(replacement.socket);
    }
    expect(replacement?.error).toBeNull();
  }, 60_000);
});
