import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pollUntil, type Cluster } from '@tasklane/cluster';
import { registerClient } from './support/client-fixtures.js';
import { TEST_PASSWORD } from './support/fixtures.js';
import { connectSocket } from './support/sockets.js';
import { startRunCluster } from './support/run-cluster.js';

type Line = Record<string, unknown>;

/**
 * The logs as production writes them: a BUILT replica (LOG_LEVEL=debug) whose stdout libs/cluster
 * captures in replica-0.log. Every line must be JSON; the request lines carry the request id, the
 * replica, the user, the route template, the status and the duration; socket connects and joins
 * appear at debug; audit events are JSON lines of the same logger; and no secret that crossed the
 * wire (password, access and refresh tokens, API token, cookie) appears anywhere.
 */
describe('logs (pino, JSON lines) of a built replica', () => {
  let cluster: Cluster;
  const lines = (): Line[] =>
    readFileSync(join(cluster.logDir, 'replica-0.log'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
    cluster = await startRunCluster({ replicas: 1, nginx: false, env: { LOG_LEVEL: 'debug' } });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('request lines carry requestId, replica, userId, route, status and duration; sockets log at debug; secrets are redacted', async () => {
    const url = cluster.replicaUrls[0];
    const owner = await registerClient(url, 'Logged owner');
    const board = await owner.rest.createBoard({ name: 'Logged', columns: ['A'] });
    const apiToken = await owner.rest.createApiToken({ name: 'ci', scopes: ['boards:read'] });
    // A request with our own id, authenticated with the API token.
    const traced = await fetch(`${url}/api/v1/boards/${board.id}`, { headers: { Authorization: `Bearer ${apiToken.token}`, 'X-Request-Id': 'log-test-1' } });
    expect(traced.status).toBe(200);
    // Credentials in a body and a cookie that the API refuses.
    const refused = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `tasklane_refresh=${owner.auth.refreshToken}`, 'X-Request-Id': 'log-test-2' },
      body: JSON.stringify({ email: owner.auth.user.email, password: `${TEST_PASSWORD} wrong` }),
    });
    expect(refused.status).toBe(401);
    await fetch(`${url}/api/v1/auth/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: owner.auth.refreshToken }) });
    const socket = await connectSocket(url, owner.auth.accessToken);
    await expect(socket.emitWithAck('board:join', { boardId: board.id })).resolves.toMatchObject({ ok: true });
    socket.disconnect();

    await pollUntil('the socket lines', async () => {
      if (!lines().some((l) => l.msg === 'socket disconnected')) throw new Error('not yet');
    }, 10_000);
    const all = lines();
    for (const l of all) expect({ replica: l.replica, level: typeof l.level, time: typeof l.time }).toEqual({ replica: 'replica-0', level: 'string', time: 'string' });

    const request = all.find((l) => l.msg === 'request completed' && l.requestId === 'log-test-1');
    expect(request).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      replica: 'replica-0',
      requestId: 'log-test-1',
      route: '/api/v1/boards/:boardId',
      userId: owner.auth.user.id,
      method: 'GET',
      status: 200,
      duration: expect.any(Number),
      msg: 'request completed',
    });
    expect(all.find((l) => l.msg === 'request completed' && l.requestId === 'log-test-2')).toMatchObject({ route: '/api/v1/auth/login', status: 401 });
    // Ids of requests without X-Request-Id are the UUIDs the API answers with.
    expect(all.filter((l) => l.msg === 'request completed').every((l) => typeof l.requestId === 'string' && l.requestId !== '')).toBe(true);

    const audit = all.filter((l) => l.audit === true);
    expect(audit.map((l) => l.event)).toEqual(expect.arrayContaining(['user.registered', 'api_token.created', 'login.failed']));
    expect(audit.find((l) => l.event === 'login.failed')).toMatchObject({ context: 'Audit', requestId: 'log-test-2', level: 'info' });

    const joined = all.find((l) => l.msg === 'socket joined board');
    expect(joined).toMatchObject({ level: 'debug', boardId: board.id, userId: owner.auth.user.id, socketId: expect.any(String) });
    expect(all.find((l) => l.msg === 'socket connected')).toMatchObject({ level: 'debug', socketId: joined!.socketId });

    const text = all.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of [TEST_PASSWORD, owner.auth.accessToken, owner.auth.refreshToken, apiToken.token, owner.auth.user.email]) expect(text).not.toContain(secret);
  }, 60_000);
});
