import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from '@tasklane/cluster';
import type { TasklaneSocket } from '@tasklane/client';
import type { AuthResponse } from '@tasklane/contracts';
import { registerUser, TEST_PASSWORD } from '../support/fixtures.js';
import { connectSocket, stillConnectedAfter, whenEnded } from '../support/sockets.js';
import { httpTarget } from '../support/test-app.js';
import { startRunCluster } from '../support/run-cluster.js';

/** Revocations reach sockets on every replica: two built replicas with the Redis adapter, behind nginx. */
describe('session revocation across replicas (e2e, 2 replicas + Redis)', () => {
  let cluster: Cluster;
  const sockets: TasklaneSocket[] = [];

  beforeAll(async () => {
    cluster = await startRunCluster({ replicas: 2 });
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster?.stop();
  });

  const connectTo = async (replica: number, token: string) => {
    const s = await connectSocket(cluster.replicaUrls[replica], token);
    sockets.push(s);
    return s;
  };
  const login = async (email: string) =>
    (await httpTarget(cluster.lbUrl!).http().post('/api/v1/auth/login').send({ email, password: TEST_PASSWORD }).expect(200)).body as AuthResponse & { refreshToken: string };

  it('logout-all on one replica disconnects the user’s sockets on every replica within 2 s', async () => {
    const user = await registerUser(httpTarget(cluster.lbUrl!));
    const second = await login(user.user.email);
    const bystander = await registerUser(httpTarget(cluster.lbUrl!));
    const onZero = await connectTo(0, user.accessToken);
    const onOne = await connectTo(1, second.accessToken);
    const alsoOnOne = await connectTo(1, user.accessToken);
    const other = await connectTo(1, bystander.accessToken);
    const ends = [whenEnded(onZero), whenEnded(onOne), whenEnded(alsoOnOne)];

    await httpTarget(cluster.replicaUrls[0]).http().post('/api/v1/auth/logout-all').set(user.auth).expect(204);
    for (const end of await Promise.all(ends)) {
      expect(end).toMatchObject({ reason: 'io server disconnect', notice: { reason: 'session_revoked' } });
      expect(end.afterMs).toBeLessThan(2_000);
    }
    expect(await stillConnectedAfter(other, 300)).toBe(true);
  }, 30_000);

  it('refresh-token reuse detected on one replica disconnects the session’s socket on the other', async () => {
    const user = await registerUser(httpTarget(cluster.lbUrl!));
    const rotated = (await httpTarget(cluster.replicaUrls[0]).http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200))
      .body as AuthResponse & { refreshToken: string };
    // The successor is used (on the other replica), so the first token is no longer a retry within the grace window.
    const newest = (await httpTarget(cluster.replicaUrls[1]).http().post('/api/v1/auth/refresh').send({ refreshToken: rotated.refreshToken }).expect(200))
      .body as AuthResponse & { refreshToken: string };
    const s = await connectTo(1, newest.accessToken);
    const end = whenEnded(s);
    await httpTarget(cluster.replicaUrls[0]).http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
    await expect(end).resolves.toMatchObject({ reason: 'io server disconnect', notice: { reason: 'session_revoked' } });
    expect((await end).afterMs).toBeLessThan(2_000);
    await httpTarget(cluster.replicaUrls[1]).http().post('/api/v1/auth/refresh').send({ refreshToken: newest.refreshToken }).expect(401);
  }, 30_000);
});
