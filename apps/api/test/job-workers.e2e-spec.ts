import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startCluster, type Cluster } from '@tasklane/cluster';
import type { TasklaneSocket } from '@tasklane/client';
import type { ImportProgressNotice } from '@tasklane/contracts';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { createBoard, registerUser } from './support/fixtures.js';
import { logTail, startPostgres, type FaultPostgres } from './support/fault-env.js';
import { connectSocket } from './support/sockets.js';
import { httpTarget, type HttpTarget } from './support/test-app.js';
import { startWebhookReceiver, verifySignature, type WebhookReceiver } from './support/webhook-receiver.js';

/**
 * The worker role, as real processes on a throwaway PostgreSQL: one API replica (JOB_WORKERS=false)
 * and two `main.js --role worker` processes. A worker killed with -9 in the middle of a webhook
 * POST loses nothing: pg-boss' supervisor (on the other worker) fails the job once its heartbeats
 * stop (JOB_HEARTBEAT_S=10, supervisor every second), and the retry sends the same delivery again,
 * then everything queued behind it, in seq order. An import whose last attempt is killed the same
 * way ends failed through pg-boss' dead letter queue (`imports.fail`).
 */
describe('job workers (e2e, real processes)', () => {
  let db: FaultPostgres;
  let cluster: Cluster;
  let api: HttpTarget;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    db = await startPostgres();
    cluster = await startCluster({
      replicas: 1,
      workers: 2,
      nginx: false,
      databaseUrl: db.url,
      redisUrl: process.env.REDIS_URL!,
      env: {
        JOB_HEARTBEAT_S: '10',
        JOB_SUPERVISE_INTERVAL_S: '1',
        JOB_POLL_INTERVAL_S: '0.5',
        WEBHOOK_TIMEOUT_MS: '120000',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOK_RETRY_BASE_MS: '200',
      },
    });
    api = httpTarget(cluster.replicaUrls[0]);
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await cluster?.stop();
    await db?.cleanup();
  });

  it('a worker answers only health and metrics', async () => {
    const worker = cluster.workers[0].url;
    expect((await fetch(`${worker}/health/live`)).status).toBe(200);
    expect((await fetch(`${worker}/health/ready`)).status).toBe(200);
    const metrics = await fetch(`${worker}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/tasklane_jobs_queued\{[^}]*queue="webhooks.drain"/);
    for (const path of ['/api/v1/boards', '/docs', '/socket.io/?EIO=4&transport=polling', '/']) expect([path, (await fetch(`${worker}${path}`)).status]).toEqual([path, 404]);
    const post = await fetch(`${worker}/health/live`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('import progress from a job on a worker (no listening Socket.IO server) reaches the importer’s socket on the API replica, and nobody else’s', async () => {
    const [importer, stranger] = [await registerUser(api), await registerUser(api)];
    const sockets: TasklaneSocket[] = [await connectSocket(cluster.replicaUrls[0], importer.accessToken), await connectSocket(cluster.replicaUrls[0], stranger.accessToken)];
    try {
      const heard: ImportProgressNotice[] = [];
      const overheard: ImportProgressNotice[] = [];
      sockets[1].on('import:progress', (n) => overheard.push(n));
      const final = new Promise<ImportProgressNotice>((resolve) =>
        sockets[0].on('import:progress', (n) => {
          heard.push(n);
          if (n.status !== 'running') resolve(n);
        }),
      );
      const tasks = Array.from({ length: 30 }, (_, i) => ({ columnId: 'a', title: `t${i}` }));
      const file = JSON.stringify({ format: 'tasklane.board', version: 1, board: { name: 'From a worker', description: '' }, labels: [], columns: [{ id: 'a', name: 'A' }], tasks, members: [] });
      const started = await api.http().post('/api/v1/boards/import').set(importer.auth).attach('file', Buffer.from(file), { filename: 'b.json', contentType: 'application/json' }).expect(202);
      await expect(final).resolves.toEqual({ importId: started.body.id, status: 'succeeded', processed: 30, total: 30, boardId: started.body.id });
      expect(heard.filter((n) => n.status === 'running').length).toBeGreaterThanOrEqual(2);
      // The job ran on a worker: the API replica runs none (JOB_WORKERS=false).
      const runs = await Promise.all(cluster.workers.map(async (w) => /tasklane_job_duration_seconds_count\{[^}]*queue="imports\.run"[^}]*\} [1-9]/.test(await (await fetch(`${w.url}/metrics`)).text())));
      expect(runs).toContain(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(overheard).toEqual([]);
    } finally {
      sockets.forEach((s) => s.disconnect());
    }
  });

  it('an import whose last attempt dies with its worker (kill -9) ends failed, with the final notice a failed last attempt sends', async () => {
    const importer = await registerUser(api);
    const socket = await connectSocket(cluster.replicaUrls[0], importer.accessToken);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    const [doomed, other] = cluster.workers;
    try {
      const final = new Promise<ImportProgressNotice>((resolve) => socket.on('import:progress', (n) => n.status !== 'running' && resolve(n)));
      // No worker while the import is queued, so it waits for the one we kill.
      await Promise.all([doomed.kill('SIGTERM'), other.kill('SIGTERM')]);
      const tasks = Array.from({ length: 5 }, (_, i) => ({ columnId: 'a', title: `t${i}` }));
      const file = JSON.stringify({ format: 'tasklane.board', version: 1, board: { name: 'Doomed', description: '' }, labels: [], columns: [{ id: 'a', name: 'A' }], tasks, members: [] });
      const started = await api.http().post('/api/v1/boards/import').set(importer.auth).attach('file', Buffer.from(file), { filename: 'b.json', contentType: 'application/json' }).expect(202);
      const importId = started.body.id as string;
      // Its last attempt: the ten retries (JOB_RETRY_LIMIT) used up, as if ten workers had died before.
      const { rows: jobs } = await client.query(`UPDATE pgboss.job SET retry_count = retry_limit WHERE name = 'imports.run' AND data->>'importId' = $1 RETURNING id`, [importId]);
      expect(jobs).toHaveLength(1);
      // The import's row locked: the run stops at its first write (the `running` count) until we let go.
      await locker.query('BEGIN');
      await locker.query(`SELECT id FROM board_imports WHERE id = $1 FOR UPDATE`, [importId]);
      await doomed.start();
      const waiting = async () => (await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE board_imports SET processed%'`)).rows[0].n as number;
      for (const deadline = Date.now() + 20_000; (await waiting()) === 0; ) {
        if (Date.now() > deadline) throw new Error(`the import never started on worker-0\n${logTail(`${cluster.logDir}/worker-0.log`)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await client.query(`SELECT state FROM pgboss.job WHERE id = $1`, [jobs[0].id])).rows[0].state).toBe('active');
      const pid = doomed.pid!;
      await doomed.kill('SIGKILL');
      expect(() => process.kill(pid, 0)).toThrow();
      await locker.query('COMMIT');
      // The other worker's supervisor fails the job once its heartbeat is JOB_HEARTBEAT_S (10 s) old.
      await other.start();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no final notice\n${logTail(`${cluster.logDir}/worker-1.log`)}`)), 40_000)));
      const generic = 'The import failed on the server; nothing was imported. Try again later.';
      await expect(Promise.race([final, timeout]).finally(() => clearTimeout(timer))).resolves.toEqual({ importId, status: 'failed', processed: 0, total: 5, error: generic });
      const status = await api.http().get(started.headers.location).set(importer.auth).expect(200);
      expect(status.body).toMatchObject({ id: importId, status: 'failed', error: generic, boardId: null, finishedAt: expect.any(String) });
      expect((await api.http().get('/api/v1/boards').set(importer.auth).expect(200)).body.items).toEqual([]);
      // pg-boss failed the job for good and moved its payload to the dead letter queue, whose job did this.
      expect((await client.query(`SELECT state FROM pgboss.job WHERE id = $1`, [jobs[0].id])).rows[0].state).toBe('failed');
      // (The notice is pushed just before the handler returns: give pg-boss a moment to complete it.)
      let dead: unknown[] = [];
      for (let i = 0; i < 50 && (dead[0] as { state?: string } | undefined)?.state !== 'completed'; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        dead = (await client.query(`SELECT name, state, data FROM pgboss.job WHERE source_id = $1`, [jobs[0].id])).rows;
      }
      expect(dead).toEqual([{ name: 'imports.fail', state: 'completed', data: { importId } }]);
    } finally {
      socket.disconnect();
      await locker.end();
      await client.end();
      // Both workers running again for the tests after this one.
      await Promise.all([doomed.start(), other.start()]);
    }
  }, 90_000);

  it('a worker killed with -9 mid-delivery loses nothing: another worker sends it again, then the rest in order', async () => {
    const owner = await registerUser(api);
    const board = await createBoard(api, owner.auth);
    const hook = (await api.http().post(`/api/v1/boards/${board.id}/webhooks`).set(owner.auth).send({ url: receiver.url, events: ['column.created'] }).expect(201)).body as { id: string; secret: string };
    // Only worker-0 runs while the first delivery starts, so we know whom to kill.
    const [victim, survivor] = cluster.workers;
    await survivor.kill('SIGTERM');
    receiver.respond((n) => (n === 0 ? 'hang' : { status: 200 }));
    await api.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'first' }).expect(201);
    await receiver.waitFor((got) => got.length === 1, 20_000);
    // More events while the head is stuck: they wait behind it.
    for (const name of ['second', 'third']) await api.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name }).expect(201);
    await survivor.start();
    const pid = victim.pid!;
    await victim.kill('SIGKILL');
    expect(() => process.kill(pid, 0)).toThrow();
    const killedAt = Date.now();

    await receiver.waitFor((got) => got.filter((g) => g.status === 200).length >= 3, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- worker-1 log ---\n${logTail(`${cluster.logDir}/worker-1.log`)}`);
    });
    const got = receiver.received;
    // The first delivery, sent twice with the same id (the receiver deduplicates), then the others.
    expect(got[1].headers['tasklane-delivery']).toBe(got[0].headers['tasklane-delivery']);
    expect(got[1].at - killedAt).toBeLessThan(30_000);
    const seqs = [...new Map(got.filter((g) => g.status === 200).map((g) => [g.headers['tasklane-delivery'], JSON.parse(g.body).seq as number])).values()];
    expect(seqs).toEqual([1, 2, 3]);
    for (const g of got) expect(verifySignature(g.headers['tasklane-signature'] as string, g.body, hook.secret)).toBe(true);
    // The receiver has answered the last one; the worker records it right after: poll the log.
    let statuses: string[] = [];
    for (let i = 0; i < 50 && statuses.join() !== 'succeeded,succeeded,succeeded'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const log = await api.http().get(`/api/v1/boards/${board.id}/webhooks/${hook.id}/deliveries`).set(owner.auth).expect(200);
      statuses = (log.body.items as { status: string }[]).map((d) => d.status);
    }
    expect(statuses).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('runs retention as a scheduled job stored in the database, on a worker', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows: schedules } = await client.query(`SELECT name, cron, timezone FROM pgboss.schedule WHERE name = 'retention.prune'`);
      expect(schedules).toEqual([{ name: 'retention.prune', cron: '* * * * *', timezone: 'UTC' }]);
      // An old finished delivery is pruned by the job (WEBHOOK_DELIVERY_RETENTION_S, default 7 days).
      const { rows: hooks } = await client.query(`SELECT id FROM webhooks LIMIT 1`);
      await client.query(`INSERT INTO webhook_deliveries (id, webhook_id, event_type, body, status, created_at) VALUES (gen_random_uuid(), $1, 'x', '{}', 'succeeded', now() - interval '8 days')`, [hooks[0].id]);
      const boss = new PgBoss({ connectionString: db.url, supervise: false, schedule: false, migrate: false });
      await boss.start();
      // A key of its own: the queue is stately (one created job per key), and the scheduled
      // occurrence may be waiting right now, which would make a keyless send return null.
      const id = await boss.send('retention.prune', {}, { singletonKey: randomUUID() });
      expect(id).toEqual(expect.any(String));
      await boss.stop({ graceful: false });
      const deadline = Date.now() + 20_000;
      let state = '';
      while (state !== 'completed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        state = (await client.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id])).rows[0]?.state ?? '';
      }
      expect(state).toBe('completed');
      const { rows: old } = await client.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE created_at < now() - interval '7 days'`);
      expect(old[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });
});
