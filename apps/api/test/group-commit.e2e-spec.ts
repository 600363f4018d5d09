// Group commit against PostgreSQL: concurrent writes to one board share transactions (fewer
// COMMITs than writes), yet each keeps its own outcome: a refused or stale write in the middle of a
// batch is rolled back alone (real savepoints), the others commit with consecutive seqs, and the
// stored event log holds exactly the successful writes, once each, in seq order.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import { pollUntil } from '@tasklane/cluster';
import type { AnyBoardEvent } from '@tasklane/contracts';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../src/errors/app-exception.filter.js';
import { BoardGroupCommit, type WriteStep } from '../src/events/group-commit.js';
import { addMember, createTask, snapshot, tasksPath } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

/** Sum and count of `tasklane_group_commit_writes` (writes, and committed board transactions) on the app's /metrics. */
async function batchCounters(t: ReturnType<typeof useTestApp>): Promise<{ writes: number; commits: number }> {
  const text = (await t.http().get('/metrics').expect(200)).text;
  const read = (name: string) => Number(text.split('\n').find((line) => line.startsWith(`tasklane_group_commit_writes_${name}{`))?.split(' ').at(-1) ?? 0);
  return { writes: read('sum'), commits: read('count') };
}

describe('group commit (e2e)', () => {
  const t = useTestApp();

  it('runs on pipelined connections (DB_PIPELINE, on by default), so every test here sends savepoints pipelined', async () => {
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      const client = (await runner.connect()) as { pipeline?: boolean };
      expect(client.pipeline).toBe(true);
    } finally {
      await runner.release();
    }
  });

  it('commits 60 concurrent writes to one board in fewer transactions, every write once, seqs contiguous', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    // Three writers, 20 writes each: within every user's write burst (RATE_LIMIT_WRITES_BURST).
    const writers = [owner, await addMember(t, owner.auth, board.id, 'editor'), await addMember(t, owner.auth, board.id, 'editor')];
    const before = await batchCounters(t);
    const titles = Array.from({ length: 60 }, (_, i) => `w${i}`);
    const answers = await Promise.all(titles.map((title, i) => t.http().post(tasksPath(board.id)).set(writers[i % 3].auth).send({ columnId: todo.id, title })));
    expect(answers.map((a) => a.status)).toEqual(titles.map(() => 201));
    const after = await batchCounters(t);
    // Every write went through the group commit, and at least some shared a COMMIT.
    expect(after.writes - before.writes).toBe(60);
    expect(after.commits - before.commits).toBeLessThan(60);

    const events = (await t.http().get(`/api/v1/boards/${board.id}/events?after=0`).set(owner.auth).expect(200)).body.items as AnyBoardEvent[];
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    const created = events.filter((e) => e.type === 'task.created').map((e) => (e.data as { title: string }).title);
    expect(created.sort()).toEqual([...titles].sort());
    expect((await snapshot(t, owner.auth, board.id)).tasks).toHaveLength(60);
  });

  it('keeps a busy board consistent when its busy API connections are terminated mid-load (batches open): each write answered 201 or 503, every 201 stored once with its event, seqs contiguous', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const writers = [owner, await addMember(t, owner.auth, board.id, 'editor'), await addMember(t, owner.auth, board.id, 'editor')];
    const dataSource = t.app.get(DataSource);
    const seqBefore = (await snapshot(t, owner.auth, board.id)).seq;
    // The app's own pooled backends on this test's database that are running a statement or are
    // inside a transaction (a batch), not idle ones (other suites run on databases of their own).
    const terminateBusyApiBackends = async () =>
      (
        (await dataSource.query(
          "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tasklane-api' AND state <> 'idle' AND pid <> pg_backend_pid()",
        )) as Array<{ n: number }>
      )[0].n;
    // 45 writes at once (15 per writer: within each user's write burst), so that batches with
    // several savepoints are open when the backends go.
    const titles = Array.from({ length: 45 }, (_, i) => `f${i}`);
    const sent = titles.map((title, i) => t.http().post(tasksPath(board.id)).set(writers[i % 3].auth).send({ columnId: todo.id, title }));
    let settled = false;
    const answers = Promise.all(sent).finally(() => (settled = true));
    // Up to twice while writes are in flight: as soon as a batch is at the database, every busy
    // backend goes (then 30 ms of calm). A fast machine may finish the burst after the first.
    const terminated: number[] = [];
    while (terminated.length < 2 && !settled) {
      const n = await terminateBusyApiBackends();
      if (n > 0) terminated.push(n);
      await new Promise((resolve) => setTimeout(resolve, n > 0 ? 30 : 2));
    }
    expect(terminated.length).toBeGreaterThan(0);
    const statuses = (await answers).map((a) => a.status);
    expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
    const ok = titles.filter((_, i) => statuses[i] === 201);

    // What committed: events contiguous after the board's seq, one task.created per task, and
    // every write answered 201 among them once. A 503 may still have committed (its COMMIT's answer
    // lost with the connection): then it is stored like the rest, never half.
    const events = (await t.http().get(`/api/v1/boards/${board.id}/events?after=${seqBefore}`).set(owner.auth).expect(200)).body.items as AnyBoardEvent[];
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => seqBefore + 1 + i));
    const created = events.filter((e) => e.type === 'task.created').map((e) => (e.data as { title: string }).title);
    expect(new Set(created).size).toBe(created.length);
    expect(created).toEqual(expect.arrayContaining(ok));
    const stored = (await snapshot(t, owner.auth, board.id)).tasks.map((task) => task.title);
    expect([...stored].sort()).toEqual([...created].sort());
  });

  it('rolls back a refused or stale write alone, in the middle of a busy batch, and leaves no trace of it', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const viewer = await addMember(t, owner.auth, board.id, 'viewer');
    const target = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'target' });
    const seqBefore = (await snapshot(t, owner.auth, board.id)).seq;
    const sends = [
      ...Array.from({ length: 20 }, (_, i) => ['ok', () => t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: `ok${i}` })] as const),
      // A viewer's write (403) and a stale If-Match (412, except for the one that wins) interleaved.
      ...Array.from({ length: 5 }, () => ['viewer', () => t.http().post(tasksPath(board.id)).set(viewer.auth).send({ columnId: todo.id, title: 'never' })] as const),
      ...Array.from({ length: 5 }, (_, i) => ['stale', () => t.http().patch(`${tasksPath(board.id)}/${target.id}`).set({ ...owner.auth, 'If-Match': '"1"' }).send({ title: `stale${i}` })] as const),
      ...Array.from({ length: 5 }, () => ['column', () => t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: randomUUID(), title: 'no column' })] as const),
    ];
    // Interleave the kinds so refusals land between successes of the same batch.
    const order = sends.map((s, i) => ({ s, k: (i * 7) % sends.length })).sort((a, b) => a.k - b.k).map((x) => x.s);
    const answers = await Promise.all(order.map(async ([kind, send]) => ({ kind, res: await send() })));
    const statuses = (kind: string) => answers.filter((a) => a.kind === kind).map((a) => a.res.status).sort();
    expect(statuses('ok')).toEqual(Array(20).fill(201));
    expect(statuses('viewer')).toEqual(Array(5).fill(403));
    expect(statuses('stale')).toEqual([200, 412, 412, 412, 412]);
    expect(statuses('column')).toEqual(Array(5).fill(404));

    const snap = await snapshot(t, owner.auth, board.id);
    expect(snap.seq).toBe(seqBefore + 21);
    expect(snap.tasks.map((task) => task.title)).not.toContain('never');
    expect(snap.tasks.map((task) => task.title)).not.toContain('no column');
    const winner = answers.find((a) => a.kind === 'stale' && a.res.status === 200)!.res.body as { title: string };
    expect(snap.tasks.find((task) => task.id === target.id)).toMatchObject({ title: winner.title, version: 2 });
    const events = (await t.http().get(`/api/v1/boards/${board.id}/events?after=${seqBefore}`).set(owner.auth).expect(200)).body.items as AnyBoardEvent[];
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => seqBefore + 1 + i));
    expect(events.filter((e) => e.type === 'task.updated')).toHaveLength(1);
  });

  it('applies a demotion and a removal to the later writes of the same batch (a writer’s role is read once per batch, until a membership changes)', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const demoted = await addMember(t, owner.auth, board.id, 'editor');
    const removed = await addMember(t, owner.auth, board.id, 'editor');
    const seqBefore = (await snapshot(t, owner.auth, board.id)).seq;
    const before = await batchCounters(t);
    const creates = (who: typeof owner) => Array.from({ length: 4 }, () => ({ who, send: () => t.http().post(tasksPath(board.id)).set(who.auth).send({ columnId: todo.id, title: 'x' }) }));
    // Each writer's creates on both sides of the owner's membership changes, in this order.
    const sends = [
      ...creates(demoted),
      ...creates(removed),
      { who: owner, send: () => t.http().patch(`/api/v1/boards/${board.id}/members/${demoted.user.id}`).set(owner.auth).send({ role: 'viewer' }) },
      { who: owner, send: () => t.http().delete(`/api/v1/boards/${board.id}/members/${removed.user.id}`).set(owner.auth) },
      ...creates(demoted),
      ...creates(removed),
    ];
    // Another transaction holds the board's stream row, so the writes queue up on this replica in
    // the order sent and then run as one batch. Each is sent once the one before it has reached the
    // queue (BoardGroupCommit.run called): a request's way there (session, rate limit) may stall
    // on a busy machine, and a fixed pause would then let the next one overtake it.
    const queued = jest.spyOn(BoardGroupCommit.prototype, 'run');
    const holder = t.app.get(DataSource).createQueryRunner();
    await holder.connect();
    let answers: { who: typeof owner; status: number }[];
    try {
      await holder.startTransaction();
      await holder.query(`SELECT seq FROM board_streams WHERE board_id = $1 FOR UPDATE`, [board.id]);
      const pending: Promise<{ who: typeof owner; status: number }>[] = [];
      for (const [i, { who, send }] of sends.entries()) {
        pending.push(send().then((res) => ({ who, status: res.status })));
        await pollUntil(`write ${i} in the group commit's queue`, async () => {
          if (queued.mock.calls.length < i + 1) throw new Error(`${queued.mock.calls.length} queued`);
        }, 10_000, { intervalMs: 5 });
      }
      await holder.commitTransaction();
      answers = await Promise.all(pending);
    } finally {
      queued.mockRestore();
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    expect(answers.filter((a) => a.who === owner).map((a) => a.status)).toEqual([200, 204]);
    const after = await batchCounters(t);
    // One transaction; the histogram counts the writes it committed (the refused ones were rolled back).
    expect(after.commits - before.commits).toBe(1);
    expect(after.writes - before.writes).toBe(10);
    // In order: each member's first 4 creates commit, their last 4 are refused.
    expect(answers.filter((a) => a.who === demoted).map((a) => a.status)).toEqual([201, 201, 201, 201, 403, 403, 403, 403]);
    expect(answers.filter((a) => a.who === removed).map((a) => a.status)).toEqual([201, 201, 201, 201, 404, 404, 404, 404]);
    const events = (await t.http().get(`/api/v1/boards/${board.id}/events?after=${seqBefore}`).set(owner.auth).expect(200)).body.items as AnyBoardEvent[];
    expect(events.map((e) => [e.type, e.actorId])).toEqual([
      ...Array(4).fill(['task.created', demoted.user.id]),
      ...Array(4).fill(['task.created', removed.user.id]),
      ['member.updated', owner.user.id],
      ['member.removed', owner.user.id],
    ]);
  });

  it('answers one Idempotency-Key sent 8 times at once with one task and one event, even inside one batch', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => t.http().post(tasksPath(board.id)).set({ ...owner.auth, 'Idempotency-Key': key }).send({ columnId: todo.id, title: 'once' })),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    const snap = await snapshot(t, owner.auth, board.id);
    expect(snap.tasks.filter((task) => task.title === 'once')).toHaveLength(1);
    expect(snap.seq).toBe(1);
  });

  it('answers retries whose own change would fail (the task is gone, the If-Match is stale) with the first response, inside one batch and after it', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const doomed = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'doomed' });
    const edited = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'edited' });
    const seqBefore = (await snapshot(t, owner.auth, board.id)).seq;
    const deleteKey = randomUUID();
    const patchKey = randomUUID();
    const del = () => t.http().delete(`${tasksPath(board.id)}/${doomed.id}`).set({ ...owner.auth, 'Idempotency-Key': deleteKey });
    const patch = () => t.http().patch(`${tasksPath(board.id)}/${edited.id}`).set({ ...owner.auth, 'Idempotency-Key': patchKey, 'If-Match': '"1"' }).send({ title: 'edited once' });
    // Sent at once, most retries land in the first attempt's batch (uncommitted when they fail).
    const answers = await Promise.all([...Array.from({ length: 8 }, del), ...Array.from({ length: 8 }, patch)]);
    expect(answers.slice(0, 8).map((a) => a.status)).toEqual(Array(8).fill(204));
    expect(answers.slice(8).map((a) => a.status)).toEqual(Array(8).fill(200));
    // Equal bodies (a replay comes from jsonb, which orders keys its own way).
    for (const a of answers.slice(9)) expect(a.body).toEqual(answers[8].body);
    expect(answers[8].body).toMatchObject({ id: edited.id, title: 'edited once', version: 2 });
    // And once more after everything committed.
    await del().expect(204);
    expect((await patch().expect(200)).body).toEqual(answers[8].body);
    // The key of another request is still refused, though its change would fail anyway.
    const reused = await t.http().delete(`${tasksPath(board.id)}/${edited.id}`).set({ ...owner.auth, 'Idempotency-Key': deleteKey, 'If-Match': '"9"' }).expect(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const events = (await t.http().get(`/api/v1/boards/${board.id}/events?after=${seqBefore}`).set(owner.auth).expect(200)).body.items as AnyBoardEvent[];
    expect(events.map((e) => e.type).sort()).toEqual(['task.deleted', 'task.updated']);
    expect(events.every((e) => e.idempotencyKey === deleteKey || e.idempotencyKey === patchKey)).toBe(true);
  });

  it('when a batch’s connection breaks (backend terminated), rejects its writes with a 503 error and runs the writes not yet taken on a new connection', async () => {
    // The group commit itself on the app's real pool, with a write that terminates its own backend
    // as a PostgreSQL restart does to every connection. TypeORM then releases the runner, and what
    // the batch sends next fails with an error that says nothing about why: the writes queued
    // behind it used to inherit that error (500).
    const dataSource = t.app.get(DataSource);
    const terminate: WriteStep<unknown> = async (tx) => ({ result: await tx.query('SELECT pg_terminate_backend(pg_backend_pid())'), event: null });
    const select = (n: number): WriteStep<unknown> => async (tx) => ({ result: await tx.query(`SELECT ${n} AS n`), event: null });
    const rejection = (write: Promise<unknown>) => write.then(() => null, (e: unknown) => e);
    /** A group commit whose batches wait at the lock until `open()`, so that writes pile up into one batch. */
    const heldGroup = () => {
      let open!: () => void;
      const held = new Promise<void>((resolve) => (open = resolve));
      return { group: new BoardGroupCommit(dataSource, async (tx) => (await held, await tx.query('SELECT 1'), { seq: 0, webhooks: false }), 32, () => undefined), open };
    };

    // The first write breaks the connection: it fails, the one behind it runs in a new transaction.
    const first = heldGroup();
    const broken = first.group.run('board', terminate);
    const next = first.group.run('board', select(1));
    first.open();
    expect(isDatabaseUnavailable(await rejection(broken))).toBe(true);
    await expect(next).resolves.toMatchObject({ result: [{ n: 1 }] });

    // A later write breaks it: every write of that batch fails with a database-unavailable error (503).
    const later = heldGroup();
    const batch = [later.group.run('board', select(2)), later.group.run('board', terminate)];
    later.open();
    for (const write of batch) expect(isDatabaseUnavailable(await rejection(write))).toBe(true);
    await expect(later.group.run('board', select(3))).resolves.toMatchObject({ result: [{ n: 3 }] });

    // And the app's own group commit serves requests as before.
    const { owner, board, todo } = await tasksBoard(t);
    await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'after' }).expect(201);
  });
});
