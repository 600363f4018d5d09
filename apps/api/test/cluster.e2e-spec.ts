import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYED_WRITE_ROUTES, pollUntil, startCluster, startLoadBalancer, type Cluster, type LoadBalancer } from '@tasklane/cluster';
import type { TasklaneSocket } from '@tasklane/client';
import { UNAUTHORIZED } from '@tasklane/contracts';
import { createBoard, registerUser, tasksPath } from './support/fixtures.js';
import { handshake } from './support/sockets.js';
import { httpTarget } from './support/test-app.js';
import { startRunCluster } from './support/run-cluster.js';

/** Real processes: two built replicas behind real nginx, against the run's migrated database and Redis. */
describe('local cluster (e2e)', () => {
  let cluster: Cluster;
  let lb: string;
  const sockets: TasklaneSocket[] = [];

  beforeAll(async () => {
    cluster = await startRunCluster({
      replicas: 2,
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

  /** The replica that answered each of `count` requests made one after another by `send`. */
  async function answeredBy(count: number, send: (i: number) => Promise<{ status: number; headers: Record<string, string> }>, status: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await send(i);
      expect(res.status).toBe(status);
      seen.push(res.headers['x-replica'] ?? 'none');
    }
    return seen;
  }

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

  it('listens with a queue of LISTEN_BACKLOG (default 4096, as far as net.core.somaxconn allows), not Node’s 511', () => {
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    // The replicas inherit this environment (startCluster's env is on top of it).
    const backlog = Number(process.env.LISTEN_BACKLOG || 4096);
    for (const r of cluster.replicas) {
      // ss -ltnH: State Recv-Q Send-Q Local Peer; a listening socket's Send-Q is its backlog.
      const line = execFileSync('ss', ['-ltnH', `sport = :${r.port}`], { encoding: 'utf8' }).trim();
      expect(line).toMatch(/^LISTEN\s/);
      expect(Number(line.split(/\s+/)[2])).toBe(Math.min(backlog, somaxconn));
    }
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

  it("sends every write to one board to one replica (board affinity), reads round robin, and moves the board's writes when that replica dies", async () => {
    const owner = await registerUser(httpTarget(lb), 'Affinity');
    const board = await createBoard(httpTarget(lb), owner.auth);
    const columnId = board.columns[0].id;
    const http = () => httpTarget(lb).http();

    const creates = await answeredBy(8, (i) => http().post(tasksPath(board.id)).set(owner.auth).send({ columnId, title: `t${i}` }), 201);
    const pinned = creates[0];
    expect(pinned).toMatch(/^replica-[01]$/);
    expect(creates).toEqual(Array(8).fill(pinned));
    // A PATCH of the board itself and a column write carry the same key.
    expect(await answeredBy(2, (i) => http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ name: `Renamed ${i}` }), 200)).toEqual([pinned, pinned]);
    expect(await answeredBy(2, (i) => http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: `c${i}` }), 201)).toEqual([pinned, pinned]);
    // Reads of the same board are not pinned: both replicas answer.
    expect(new Set(await answeredBy(10, () => http().get(`/api/v1/boards/${board.id}`).set(owner.auth), 200))).toEqual(new Set(['replica-0', 'replica-1']));
    // The key is the board: another board's writes can be pinned to the other replica (about one
    // board in two is; 16 tries miss it with a chance of 1 in 65,536).
    const index = Number(pinned.slice('replica-'.length));
    const other = `replica-${1 - index}`;
    let otherBoard: string | null = null;
    for (let i = 0; i < 16 && otherBoard === null; i++) {
      const b = await createBoard(httpTarget(lb), owner.auth, { name: `Other ${i}`, columns: [] });
      const [by] = await answeredBy(1, () => http().post(`/api/v1/boards/${b.id}/columns`).set(owner.auth).send({ name: 'c' }), 201);
      if (by === other) otherBoard = b.id;
    }
    expect(otherBoard).not.toBeNull();
    expect(await answeredBy(3, (i) => http().post(`/api/v1/boards/${otherBoard}/columns`).set(owner.auth).send({ name: `c${i}` }), 201)).toEqual(Array(3).fill(other));

    // The pinned replica dies: nginx moves the board's writes to the other one, and nothing is lost.
    // (Runs before the next test's kill: within nginx's fail_timeout of this one, the other
    // replica would still count as failed.)
    await cluster.replicas[index].kill('SIGKILL');
    try {
      expect(await answeredBy(4, (i) => http().post(tasksPath(board.id)).set(owner.auth).send({ columnId, title: `after ${i}` }), 201)).toEqual(Array(4).fill(other));
      const after = await http().get(`/api/v1/boards/${board.id}`).set(owner.auth).expect(200);
      expect(after.body.tasks).toHaveLength(12);
      expect(after.body.name).toBe('Renamed 1');
    } finally {
      await cluster.replicas[index].start();
      // nginx tries a failed replica again once its fail_timeout (5 s, counted in whole seconds,
      // so up to 6 s) has passed since the last failure; waiting here, even after a failed
      // assertion, also keeps the next test's kill from finding both replicas marked failed.
      await new Promise((r) => setTimeout(r, 6_500));
    }
    // Back up, it gets the board's writes again (the hash ring did not change).
    expect(await answeredBy(3, (i) => http().post(tasksPath(board.id)).set(owner.auth).send({ columnId, title: `back ${i}` }), 201)).toEqual(Array(3).fill(pinned));
  }, 60_000);

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

/** startCluster's nodeBin: the replicas run on the given Node.js executable (used by `npm run bench -- --replica-node`). */
describe('local cluster on another Node.js executable (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasklane-nodebin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the replicas with nodeBin, restarts included, and refuses a nodeBin that does not exist', async () => {
    // A stand-in executable: notes its arguments, then becomes this Node.js (exec keeps the pid).
    const calls = join(dir, 'calls.log');
    const nodeBin = join(dir, 'node');
    writeFileSync(nodeBin, `#!/bin/sh\necho "$$ [$NODE_OPTIONS] $*" >> '${calls}'\nexec '${process.execPath}' "$@"\n`);
    chmodSync(nodeBin, 0o755);
    // NODE_OPTIONS through `env` (the inherited one is dropped), as `npm run bench -- --replica-node-options` passes it.
    const cluster = await startRunCluster({ replicas: 1, workers: 1, nginx: false, env: { RATE_LIMITS: 'off', NODE_OPTIONS: '--max-semi-space-size=16' }, nodeBin });
    try {
      const [replica] = cluster.replicas;
      const [worker] = cluster.workers;
      const first = replica.pid;
      expect((await httpTarget(replica.url).http().get('/health/ready')).status).toBe(200);
      await replica.kill('SIGKILL');
      await replica.start();
      const lines = readFileSync(calls, 'utf8').trim().split('\n');
      // One line per start, each from the process's own pid, with the built server as its entry and the given NODE_OPTIONS.
      expect(lines.map((l) => Number(l.split(' ')[0])).sort()).toEqual([first, worker.pid, replica.pid].sort());
      for (const l of lines) expect(l).toMatch(/^\d+ \[--max-semi-space-size=16\] \S*dist\/apps\/api\/src\/main\.js( --role worker)?$/);
      expect(lines.filter((l) => l.endsWith(' --role worker')).map((l) => Number(l.split(' ')[0]))).toEqual([worker.pid]);
    } finally {
      await cluster.stop();
    }
    const refused = { replicas: 1, nginx: false, databaseUrl: process.env.DATABASE_URL ?? '' };
    await expect(startCluster({ ...refused, nodeBin: join(dir, 'missing') })).rejects.toThrow(/nodeBin is not an executable file/);
    await expect(startCluster({ ...refused, nodeBin: dir })).rejects.toThrow(/nodeBin is not an executable file/);
    await expect(startCluster({ ...refused, nodeBin: calls })).rejects.toThrow(/nodeBin is not an executable file/);
  }, 60_000);
});

/**
 * The balancer's re-send rule, against real nginx with the cluster's configuration and two stand-in
 * replicas: `answering` answers every request with what it received; `cutting` answers GETs but
 * resets the connection of any other request once it has read it, as a replica does that is killed,
 * or closes a kept-alive connection, while a write is on its way.
 */
describe('load balancer in front of a replica that resets writes (e2e)', () => {
  const cut: { method: string; key: string | null }[] = [];
  const answering = createServer((req, res) => {
    void text(req).then((body) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, key: req.headers['idempotency-key'] ?? null, body }));
    });
  });
  const cutting = createServer((req, res) => {
    if (req.method === 'GET') return void res.end('{}');
    void text(req).then(() => {
      cut.push({ method: req.method ?? '', key: (req.headers['idempotency-key'] as string | undefined) ?? null });
      req.socket.resetAndDestroy();
    });
  });
  let lb: LoadBalancer | null = null;

  beforeAll(async () => {
    const ports = await Promise.all([answering, cutting].map(async (server) => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return (server.address() as AddressInfo).port;
    }));
    lb = await startLoadBalancer({ upstreams: ports.map((p) => `127.0.0.1:${p}`) });
  }, 60_000);

  afterAll(async () => {
    await lb?.stop();
    answering.closeAllConnections();
    cutting.closeAllConnections();
    await Promise.all([answering, cutting].map((s) => new Promise((r) => s.close(r))));
  });

  /** POST `{ title }` to `path` (under /api/v1) through the balancer, with `key` as Idempotency-Key unless null. */
  async function post(path: string, title: string, key: string | null): Promise<{ status: number; body: string }> {
    const res = await fetch(`${lb!.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }) },
      body: JSON.stringify({ title }),
    });
    return { status: res.status, body: await res.text() };
  }

  /** Waits out nginx's fail_timeout for `cutting` (5 s, counted in whole seconds, so up to 6 s), after which it is tried again. */
  const failTimeout = () => new Promise((r) => setTimeout(r, 6_500));

  it('re-sends a keyed board write, method, path and body intact, to the next replica; the same without a key, or a keyed write whose route ignores keys, gets 502', async () => {
    // Writes to one board go to one replica (consistent hash of its id): new boards until one maps to `cutting`.
    let cutBoard: string | null = null;
    for (let i = 0; i < 100 && cutBoard === null; i++) {
      const board = randomUUID();
      const key = randomUUID();
      const res = await post(`/boards/${board}/tasks`, `task ${i}`, key);
      // Every keyed POST is answered by `answering`, also the one `cutting` reset.
      expect(res.status).toBe(201);
      expect(JSON.parse(res.body)).toEqual({ method: 'POST', url: `/api/v1/boards/${board}/tasks`, key, body: JSON.stringify({ title: `task ${i}` }) });
      if (cut.some((c) => c.key === key)) cutBoard = board;
    }
    expect(cutBoard).not.toBeNull();
    expect(cut).toEqual([{ method: 'POST', key: expect.any(String) }]);

    await failTimeout();
    const unkeyed = await post(`/boards/${cutBoard}/tasks`, 'no key', null);
    expect(cut).toEqual([{ method: 'POST', key: expect.any(String) }, { method: 'POST', key: null }]);
    // nginx never re-sends a POST without the flag: its own 502 page, not a replica's JSON error.
    expect(unkeyed.status).toBe(502);
    expect(unkeyed.body).toContain('502 Bad Gateway');

    // Board import ignores Idempotency-Key (a re-send would import twice): not re-sent even with one.
    // It is not a board write, so it goes round robin: until one reaches `cutting`.
    await failTimeout();
    const imports: number[] = [];
    for (let i = 0; i < 6 && cut.length === 2; i++) imports.push((await post('/boards/import', `import ${i}`, randomUUID())).status);
    expect(cut).toHaveLength(3);
    expect(cut[2]).toEqual({ method: 'POST', key: expect.any(String) });
    expect(imports.at(-1)).toBe(502);
    expect(imports.slice(0, -1).every((status) => status === 201)).toBe(true);
  }, 60_000);

  it('lists exactly the writes whose Idempotency-Key the API honours: the OpenAPI operations that take one', () => {
    const document = JSON.parse(readFileSync(process.env.TASKLANE_OPENAPI_FILE ?? '', 'utf8')) as { paths: Record<string, Record<string, { parameters?: { name?: string; in?: string }[] }>> };
    const listed = KEYED_WRITE_ROUTES.map((route) => new RegExp(route.slice(1))); // nginx's `~` regexes (PCRE), plain enough for JavaScript's
    const writes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => {
          const request = `${method.toUpperCase()}:${path.replace(/\{\w+\}/g, () => randomUUID())}`;
          return {
            route: `${method.toUpperCase()} ${path}`,
            takesKey: (operation.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
            resent: listed.some((re) => re.test(request)),
          };
        }),
    );
    expect(writes.length).toBeGreaterThan(40);
    expect(writes.filter((w) => w.takesKey).length).toBeGreaterThan(30);
    expect(writes.filter((w) => w.takesKey !== w.resent)).toEqual([]);
  });
});

/** SIGTERM's drain (ShutdownState), seen from outside by a client with a kept-alive connection, as nginx is. */
describe('graceful drain of a real replica (e2e)', () => {
  it('stops accepting connections at once and keeps answering on kept-alive ones, with Connection: close, until it closes', async () => {
    const cluster = await startRunCluster({
      replicas: 1,
      nginx: false,
      env: { RATE_LIMITS: 'off', SHUTDOWN_KEEPALIVE_DRAIN_MS: '4000' },
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const [replica] = cluster.replicas;
      const first = await get(agent, replica.port, '/health/live');
      expect(first).toEqual({ status: 200, connection: 'keep-alive', reused: false });

      const exited = replica.kill('SIGTERM');
      // New connections are refused soon after the signal (SHUTDOWN_GRACE_MS is 0; the bound leaves
      // room for other modules' shutdown hooks on a busy machine)…
      const refusedAfter = await untilRefused(replica.port, 3_000);
      expect(refusedAfter).toBeLessThan(3_000);
      // …while the kept-alive connection, inside the 4 s drain, is still answered, and told to close.
      // (Before the listening socket closed first, refusals began only when the server closed, and
      // this connection with them.)
      expect(await get(agent, replica.port, '/health/live')).toEqual({ status: 200, connection: 'close', reused: true });
      // A clean shutdown ends by the signal itself; SHUTDOWN_TIMEOUT_MS (10 s) would exit with code 1,
      // and kill() SIGKILLs after 10 s.
      expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(replica.pid).toBeNull();
    } finally {
      agent.destroy();
      await cluster.stop();
    }
  }, 60_000);
});

/** The request body of `req` as text. */
async function text(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

/** GET `path` on 127.0.0.1:`port` through `agent`: status, Connection header, whether a kept-alive connection carried it. */
function get(agent: Agent, port: number, path: string): Promise<{ status: number; connection: string | undefined; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Milliseconds until a new TCP connection to 127.0.0.1:`port` is refused, trying every 20 ms; `limitMs` if it never is. */
async function untilRefused(port: number, limitMs: number): Promise<number> {
  const start = Date.now();
  const refused = await pollUntil(`connections to :${port} refused`, () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        reject(new Error('accepted'));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve() : reject(error)));
    }), limitMs, { intervalMs: 20 }).then(() => true, () => false);
  return refused ? Date.now() - start : limitMs;
}
