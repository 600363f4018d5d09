import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { addMember, createBoard, createTask, pruneNow, registerUser, type Auth } from './support/fixtures.js';

// A short lead so the reminders fire within the test; read when the app is created (beforeAll), restored after.
const saved = process.env.REMINDER_LEAD_S;
process.env.REMINDER_LEAD_S = '5';
const { useTestApp } = await import('./support/test-app.js');
const { RetentionService } = await import('../src/retention/retention.service.js');
const { REMINDERS_SENT_RETENTION_S, RemindersService } = await import('../src/reminders/reminders.service.js');
const { BoardEventsRepository } = await import('../src/events/board-events.repository.js');

describe('due-date reminders (e2e)', () => {
  const t = useTestApp();
  afterAll(() => {
    if (saved === undefined) delete process.env.REMINDER_LEAD_S;
    else process.env.REMINDER_LEAD_S = saved;
  });

  /** The task's `reminders.due` jobs in pgboss.job (any state), oldest first: `kind@dueAt`. */
  const jobsOf = async (taskId: string): Promise<string[]> =>
    (
      (await t.app.get(DataSource).query(`SELECT data->>'kind' AS kind, data->>'dueAt' AS due FROM pgboss.job WHERE name = 'reminders.due' AND data->>'taskId' = $1 ORDER BY created_on, data->>'kind'`, [taskId])) as {
        kind: string;
        due: string;
      }[]
    ).map((j) => `${j.kind}@${j.due}`);

  /** How many notifications of `kind` about `taskId` the user signed in with `auth` has. */
  const notified = async (auth: Auth, taskId: string, kind: string): Promise<number> =>
    ((await t.http().get('/api/v1/users/me/notifications').set(auth).expect(200)).body.items as { kind: string; taskId: string | null }[]).filter((n) => n.kind === kind && n.taskId === taskId).length;

  /** Polls `notified` every 250 ms until it reaches `n` or `ms` have passed; returns the last count. */
  const untilNotified = async (auth: Auth, taskId: string, kind: string, n: number, ms: number): Promise<number> => {
    const deadline = Date.now() + ms;
    while ((await notified(auth, taskId, kind)) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    return notified(auth, taskId, kind);
  };

  /** The states of the task's `due_soon` jobs in pgboss.job. */
  const dueSoonStates = async (taskId: string): Promise<string[]> =>
    ((await t.app.get(DataSource).query(`SELECT state FROM pgboss.job WHERE name = 'reminders.due' AND data->>'taskId' = $1 AND data->>'kind' = 'due_soon'`, [taskId])) as { state: string }[]).map((j) => j.state);

  /** Polls every 250 ms (at most 30 s) until the task's one `due_soon` job has run; returns its jobs' states. */
  const untilDueSoonRan = async (taskId: string): Promise<string[]> => {
    const deadline = Date.now() + 30_000;
    while ((await dueSoonStates(taskId)).join() !== 'completed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    return dueSoonStates(taskId);
  };

  // Dates a day and more ahead: every job waits, so pgboss.job shows exactly what each write enqueued.
  it('enqueues reminder jobs only when they matter: created with a due date, date changed; reopened or restored only when its jobs no longer wait; not for a rename or the same date again', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const day = 24 * 3600 * 1000;
    const first = new Date(Date.now() + day).toISOString();
    const second = new Date(Date.now() + 2 * day).toISOString();
    const both = (due: string) => [`due_soon@${due}`, `overdue@${due}`];
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'counted', dueAt: first });
    const taskPath = `/api/v1/boards/${board.id}/tasks/${task.id}`;
    const patch = (body: Record<string, unknown>) => t.http().patch(taskPath).set(owner.auth).send(body).expect(200);
    expect(await jobsOf(task.id)).toEqual(both(first));
    // Plain updates with the due date unchanged: none added.
    await patch({ title: 'counted, renamed' });
    await patch({ description: 'more words' });
    await patch({ dueAt: first });
    await patch({ assigneeIds: [owner.user.id] });
    expect(await jobsOf(task.id)).toEqual(both(first));
    // A new date: two more (the first two cancel themselves when they run: the date is not theirs).
    await patch({ dueAt: second });
    expect(await jobsOf(task.id)).toEqual([...both(first), ...both(second)]);
    // Done: none; a rename while done: none; reopened: none either, because the current date's two
    // jobs still wait and will remind (a reopen after one of them ran adds it again: the test
    // 'reminds a task reopened after its due_soon job ran while it was done').
    await patch({ completed: true });
    await patch({ title: 'done, renamed' });
    expect(await jobsOf(task.id)).toEqual([...both(first), ...both(second)]);
    await patch({ completed: false });
    expect(await jobsOf(task.id)).toEqual([...both(first), ...both(second)]);
    // Reopening an open task changes nothing.
    await patch({ completed: false });
    expect(await jobsOf(task.id)).toHaveLength(4);
    // Archived: none; restored: none while the current date's jobs wait.
    await t.http().post(`${taskPath}/archive`).set(owner.auth).expect(200);
    expect(await jobsOf(task.id)).toHaveLength(4);
    await t.http().post(`${taskPath}/restore`).set(owner.auth).expect(200);
    expect(await jobsOf(task.id)).toEqual([...both(first), ...both(second)]);
    // Done and reopened with a new date in one write: the new date's two.
    await patch({ completed: true });
    const third = new Date(Date.now() + 3 * day).toISOString();
    await patch({ completed: false, dueAt: third });
    expect(await jobsOf(task.id)).toEqual([...both(first), ...both(second), ...both(third)]);
    // Cleared: none.
    await patch({ dueAt: null });
    expect(await jobsOf(task.id)).toHaveLength(6);
    // Created without a date, or done: none.
    const plain = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'no date' });
    const createdDone = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'done', dueAt: first, completed: true });
    await t.http().patch(`/api/v1/boards/${board.id}/tasks/${plain.id}`).set(owner.auth).send({ title: 'still no date' }).expect(200);
    expect(await jobsOf(plain.id)).toEqual([]);
    expect(await jobsOf(createdDone.id)).toEqual([]);
  });

  // Due in 15 s, due soon at 10 s: the setup (cancelling three of them) has 10 s even on a loaded machine.
  it('notifies the assignee due soon (lead time before) and overdue (at the due date); not for a date cleared, changed, a task deleted or completed meanwhile, or created done', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const assignee = await addMember(t, owner.auth, board.id, 'editor');
    const columnId = board.columns[0].id;
    const due = (ms: number) => new Date(Date.now() + ms).toISOString();
    const live = await createTask(t, owner.auth, board.id, { columnId, title: 'due in 15 s', assigneeIds: [assignee.user.id], dueAt: due(15_000) });
    const cleared = await createTask(t, owner.auth, board.id, { columnId, title: 'cleared', assigneeIds: [assignee.user.id], dueAt: due(15_000) });
    const moved = await createTask(t, owner.auth, board.id, { columnId, title: 'moved to next year', assigneeIds: [assignee.user.id], dueAt: due(15_000) });
    const deleted = await createTask(t, owner.auth, board.id, { columnId, title: 'deleted', assigneeIds: [assignee.user.id], dueAt: due(15_000) });
    // Identical to `live` but marked done after its reminders were scheduled: the jobs must cancel themselves.
    const completed = await createTask(t, owner.auth, board.id, { columnId, title: 'completed', assigneeIds: [assignee.user.id], dueAt: due(15_000) });
    // Created done: nothing is scheduled.
    const createdDone = await createTask(t, owner.auth, board.id, { columnId, title: 'created done', assigneeIds: [assignee.user.id], dueAt: due(15_000), completed: true });
    expect(createdDone.completedAt).not.toBeNull();
    const done = await t.http().patch(`/api/v1/boards/${board.id}/tasks/${completed.id}`).set(owner.auth).send({ completed: true }).expect(200);
    expect(done.body.completedAt).not.toBeNull();
    await t.http().patch(`/api/v1/boards/${board.id}/tasks/${cleared.id}`).set(owner.auth).send({ dueAt: null }).expect(200);
    await t.http().patch(`/api/v1/boards/${board.id}/tasks/${moved.id}`).set(owner.auth).send({ dueAt: due(365 * 24 * 3600 * 1000) }).expect(200);
    await t.http().delete(`/api/v1/boards/${board.id}/tasks/${deleted.id}`).set(owner.auth).expect(204);

    const kinds = async () =>
      ((await t.http().get('/api/v1/users/me/notifications').set(assignee.auth).expect(200)).body.items as { kind: string; taskId: string | null }[])
        .filter((n) => n.kind === 'due_soon' || n.kind === 'overdue')
        .map((n) => `${n.kind}:${n.taskId}`)
        .sort();
    const started = Date.now();
    let got: string[] = [];
    while (got.length < 2 && Date.now() - started < 45_000) {
      await new Promise((r) => setTimeout(r, 250));
      got = await kinds();
    }
    expect(got).toEqual([`due_soon:${live.id}`, `overdue:${live.id}`]);
    // Nothing more arrives for the others (their jobs have run and cancelled themselves).
    await new Promise((r) => setTimeout(r, 1500));
    expect(got.some((k) => k.endsWith(completed.id) || k.endsWith(createdDone.id))).toBe(false);
    expect(await kinds()).toEqual(got);
    // The owner (not assigned) gets none.
    const ownerKinds = ((await t.http().get('/api/v1/users/me/notifications').set(owner.auth).expect(200)).body.items as { kind: string }[]).map((n) => n.kind);
    expect(ownerKinds.filter((k) => k === 'due_soon' || k === 'overdue')).toEqual([]);
  });

  // Due in 12 s, due soon at 7 s. After due_soon fired, re-saving the task (same date) enqueues
  // nothing; a job for the same date that runs again (a reopened task's) must not notify twice.
  it('reminds once per task, due date and kind: re-saving the same date after it fired adds nothing; a new date reminds again', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const assignee = await addMember(t, owner.auth, board.id, 'editor');
    const dueAt = new Date(Date.now() + 12_000).toISOString();
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'resaved', assigneeIds: [assignee.user.id], dueAt });
    const taskPath = `/api/v1/boards/${board.id}/tasks/${task.id}`;
    const count = (kind: string) => notified(assignee.auth, task.id, kind);
    const until = (kind: string, n: number, ms: number) => untilNotified(assignee.auth, task.id, kind, n, ms);
    expect(await until('due_soon', 1, 30_000)).toBe(1);
    // Re-save: another field, then the same due date sent again (neither schedules a job: the date did not change).
    await t.http().patch(taskPath).set(owner.auth).send({ title: 'resaved, renamed' }).expect(200);
    await t.http().patch(taskPath).set(owner.auth).send({ dueAt }).expect(200);
    // The re-enqueued jobs run within a poll (0.5 s): give them 3 s.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await count('due_soon')).toBe(1);
    expect(await until('overdue', 1, 30_000)).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count('overdue')).toBe(1);
    // A new due date is a new reminder: due soon at once (within the lead), overdue 6 s later.
    await t.http().patch(taskPath).set(owner.auth).send({ dueAt: new Date(Date.now() + 6_000).toISOString() }).expect(200);
    expect(await until('due_soon', 2, 30_000)).toBe(2);
    expect(await until('overdue', 2, 30_000)).toBe(2);
  }, 120_000);
  // Due in 12 s, due soon at 7 s; marked done at once, so the due_soon job runs while it is done and
  // cancels itself. Reopening must schedule the reminders again, or due_soon would never come.
  it('reminds a task reopened after its due_soon job ran while it was done', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const assignee = await addMember(t, owner.auth, board.id, 'editor');
    const dueAt = new Date(Date.now() + 12_000).toISOString();
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'reopened', assigneeIds: [assignee.user.id], dueAt });
    const taskPath = `/api/v1/boards/${board.id}/tasks/${task.id}`;
    await t.http().patch(taskPath).set(owner.auth).send({ completed: true }).expect(200);
    expect(await untilDueSoonRan(task.id)).toEqual(['completed']);
    const count = (kind: string) => notified(assignee.auth, task.id, kind);
    expect(await count('due_soon')).toBe(0);
    // Reopened: a new due_soon job (the first one ran); the overdue job still waits and is kept, not doubled.
    await t.http().patch(taskPath).set(owner.auth).send({ completed: false }).expect(200);
    expect(await jobsOf(task.id)).toEqual([`due_soon@${dueAt}`, `overdue@${dueAt}`, `due_soon@${dueAt}`]);
    const until = (kind: string, ms: number) => untilNotified(assignee.auth, task.id, kind, 1, ms);
    expect(await until('due_soon', 30_000)).toBe(1);
    // Overdue: the job scheduled at creation, at the date.
    expect(await until('overdue', 30_000)).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect([await count('due_soon'), await count('overdue')]).toEqual([1, 1]);
  }, 90_000);

  // Dates a day ahead: every job waits, so pgboss.job shows what each write enqueued.
  it('schedules the reminders of the open tasks with a date ahead that come back with a restored column; archiving it adds none', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const columnId = board.columns[0].id;
    const ahead = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const open = await createTask(t, owner.auth, board.id, { columnId, title: 'open, due ahead', dueAt: ahead });
    const done = await createTask(t, owner.auth, board.id, { columnId, title: 'done', dueAt: ahead, completed: true });
    const alone = await createTask(t, owner.auth, board.id, { columnId, title: 'archived on its own', dueAt: ahead });
    const past = await createTask(t, owner.auth, board.id, { columnId, title: 'due an hour ago', dueAt: new Date(Date.now() - 3600_000).toISOString() });
    const plain = await createTask(t, owner.auth, board.id, { columnId, title: 'no date' });
    const elsewhere = await createTask(t, owner.auth, board.id, { columnId: board.columns[1].id, title: 'other column', dueAt: ahead });
    await t.http().post(`/api/v1/boards/${board.id}/tasks/${alone.id}/archive`).set(owner.auth).expect(200);
    const counts = async () => Promise.all([open, done, alone, past, plain, elsewhere].map(async (x) => (await jobsOf(x.id)).length));
    expect(await counts()).toEqual([2, 0, 2, 0, 0, 2]);
    await t.http().post(`/api/v1/boards/${board.id}/columns/${columnId}/archive`).set(owner.auth).expect(200);
    expect(await counts()).toEqual([2, 0, 2, 0, 0, 2]);
    // Restored: the open task's two again (jobs that ran while the column was archived sent
    // nothing); not the one archived on its own (it stays archived), nor the done, past or undated ones.
    const restored = await t.http().post(`/api/v1/boards/${board.id}/columns/${columnId}/restore`).set(owner.auth).expect(200);
    expect(restored.body.archivedAt).toBeNull();
    expect(await counts()).toEqual([4, 0, 2, 0, 0, 2]);
    expect(await jobsOf(open.id)).toEqual([`due_soon@${ahead}`, `overdue@${ahead}`, `due_soon@${ahead}`, `overdue@${ahead}`]);
  });

  // Due in 10 s, due soon at 5 s; its column is archived at once, so the due_soon job runs while the
  // task is hidden and must send nothing. Restoring the column schedules it again: due soon at once.
  it('sends no reminder for a task in an archived column, and reminds it again once the column is restored', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const assignee = await addMember(t, owner.auth, board.id, 'editor');
    const columnId = board.columns[0].id;
    const dueAt = new Date(Date.now() + 10_000).toISOString();
    const task = await createTask(t, owner.auth, board.id, { columnId, title: 'hidden with its column', assigneeIds: [assignee.user.id], dueAt });
    await t.http().post(`/api/v1/boards/${board.id}/columns/${columnId}/archive`).set(owner.auth).expect(200);
    expect(await untilDueSoonRan(task.id)).toEqual(['completed']);
    const count = (kind: string) => notified(assignee.auth, task.id, kind);
    expect(await count('due_soon')).toBe(0);
    await t.http().post(`/api/v1/boards/${board.id}/columns/${columnId}/restore`).set(owner.auth).expect(200);
    const until = (kind: string, ms: number) => untilNotified(assignee.auth, task.id, kind, 1, ms);
    expect(await until('due_soon', 30_000)).toBe(1);
    // Overdue: the job scheduled at creation and the restore's both run at the date; one notifies.
    expect(await until('overdue', 30_000)).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect([await count('due_soon'), await count('overdue')]).toEqual([1, 1]);
  }, 90_000);

  // The race a reminder job had with a write: the job runs while a transaction holding the board's
  // write lock (BoardEventsRepository.lock, as every board write) changes the task or its column.
  // The job is called directly (its date is a day ahead: no queued job runs meanwhile); the write
  // commits once the job waits for the board (pg_locks), or once it has finished (the old code read
  // the task outside its transaction without waiting, saw it open and reminded).
  it('reads the task after the board\'s writes, in the transaction that records the reminder: a write holding the board when the job runs is honoured (done, re-dated, archived, column archived); a rename is not a reason to stay silent', async () => {
    const ds = t.app.get(DataSource);
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const columnId = board.columns[0].id;
    const dueAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    /** Whether a transaction waits for the board's advisory lock in shared mode (the reminder's). */
    const reminderWaits = async (): Promise<boolean> =>
      ((await ds.query(
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND mode = 'ShareLock' AND classid = x'544c01'::int::oid AND objid = hashtext($1::uuid::text)::oid AND objsubid = 2) AS waits`,
        [board.id],
      )) as { waits: boolean }[])[0].waits;
    /** Runs the due_soon job of a new task while `change` (the SQL and parameters of a change to it) holds the board; whether the job waited, and its `reminders_sent` rows and notifications. */
    const remindDuring = async (title: string, change: (taskId: string) => [string, string[]]): Promise<{ waited: boolean; sent: number; notified: number }> => {
      const task = await createTask(t, owner.auth, board.id, { columnId, title, assigneeIds: [owner.user.id], dueAt });
      const write = ds.createQueryRunner();
      await write.connect();
      await write.startTransaction();
      try {
        expect(await t.app.get(BoardEventsRepository).lock(write.manager, board.id)).not.toBeNull();
        await write.query(...change(task.id));
        let settled = false;
        const reminded = t.app
          .get(RemindersService)
          .remind({ boardId: board.id, taskId: task.id, dueAt, kind: 'due_soon' })
          .finally(() => (settled = true));
        const deadline = Date.now() + 5_000;
        while (!settled && !(await reminderWaits()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const waited = !settled;
        await write.commitTransaction();
        await reminded;
        const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM reminders_sent WHERE task_id = $1`, [task.id])) as { n: number }[];
        return { waited, sent: n, notified: await notified(owner.auth, task.id, 'due_soon') };
      } finally {
        if (write.isTransactionActive) await write.rollbackTransaction();
        await write.release();
      }
    };
    const silent = { waited: true, sent: 0, notified: 0 };
    expect(await remindDuring('renamed meanwhile', (id) => [`UPDATE tasks SET title = 'renamed' WHERE id = $1`, [id]])).toEqual({ waited: true, sent: 1, notified: 1 });
    expect(await remindDuring('done meanwhile', (id) => [`UPDATE tasks SET completed_at = now() WHERE id = $1`, [id]])).toEqual(silent);
    expect(await remindDuring('re-dated meanwhile', (id) => [`UPDATE tasks SET due_at = due_at + interval '1 hour' WHERE id = $1`, [id]])).toEqual(silent);
    expect(await remindDuring('archived meanwhile', (id) => [`UPDATE tasks SET archived_at = now() WHERE id = $1`, [id]])).toEqual(silent);
    // Last: the column holds every task of this test.
    expect(await remindDuring('column archived meanwhile', () => [`UPDATE columns SET archived_at = now() WHERE id = $1`, [columnId]])).toEqual(silent);
  }, 60_000);

  // One task due in 9 s (due soon 4 s from now, 5 s lead) and one a day ahead get their jobs; done,
  // archived, past and undated ones get nothing.
  it('schedules the reminders of imported open tasks with a date ahead, in the import, and reminds the importer', async () => {
    const importer = await registerUser(t, 'Importer');
    const soon = new Date(Date.now() + 9_000).toISOString();
    const ahead = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const task = (title: string, fields: Record<string, unknown>) => ({ id: title, columnId: 'c1', title, description: '', labels: [], dueAt: null, completedAt: null, archived: false, ...fields });
    const file = {
      format: 'tasklane.board',
      version: 1,
      board: { name: 'Imported with dates', description: '' },
      labels: [],
      columns: [{ id: 'c1', name: 'To do' }],
      tasks: [
        task('soon', { dueAt: soon }),
        task('ahead', { dueAt: ahead }),
        task('done', { dueAt: ahead, completedAt: new Date().toISOString() }),
        task('archived', { dueAt: ahead, archived: true }),
        task('past', { dueAt: new Date(Date.now() - 3600_000).toISOString() }),
        task('undated', {}),
      ],
      members: [],
    };
    const started = await t
      .http()
      .post('/api/v1/boards/import')
      .set(importer.auth)
      .attach('file', Buffer.from(JSON.stringify(file)), { filename: 'board.json', contentType: 'application/json' })
      .expect(202);
    let status = started.body as { status: string; boardId: string | null };
    for (const end = Date.now() + 30_000; status.status === 'queued' && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await t.http().get(started.headers.location).set(importer.auth).expect(200)).body;
    }
    expect(status).toMatchObject({ status: 'succeeded' });
    const ids = new Map(
      ((await t.app.get(DataSource).query(`SELECT id, title FROM tasks WHERE board_id = $1`, [status.boardId])) as { id: string; title: string }[]).map((r) => [r.title, r.id]),
    );
    const jobs = Object.fromEntries(await Promise.all(['soon', 'ahead', 'done', 'archived', 'past', 'undated'].map(async (title) => [title, await jobsOf(ids.get(title) as string)])));
    expect(jobs).toMatchObject({ ahead: [`due_soon@${ahead}`, `overdue@${ahead}`], done: [], archived: [], past: [], undated: [] });
    expect([...jobs.soon].sort()).toEqual([`due_soon@${soon}`, `overdue@${soon}`]);
    // The importer (imported tasks have no assignees) is reminded due soon.
    const dueSoon = async () =>
      ((await t.http().get('/api/v1/users/me/notifications').set(importer.auth).expect(200)).body.items as { kind: string; taskId: string | null }[]).filter((n) => n.kind === 'due_soon').map((n) => n.taskId);
    const end = Date.now() + 20_000;
    while ((await dueSoon()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
    expect(await dueSoon()).toEqual([ids.get('soon')]);
  }, 60_000);

  it('retention deletes reminders_sent rows more than REMINDERS_SENT_RETENTION_S past their due date and keeps the others', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'pruned reminders' });
    const db = t.app.get(DataSource);
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
    const old = ago(REMINDERS_SENT_RETENTION_S + 3600);
    const recent = ago(REMINDERS_SENT_RETENTION_S - 3600);
    const future = new Date(Date.now() + 3600_000).toISOString();
    for (const [kind, dueAt] of [['overdue', old], ['due_soon', old], ['overdue', recent], ['due_soon', future]]) {
      await db.query(`INSERT INTO reminders_sent (task_id, kind, due_at) VALUES ($1, $2, $3)`, [task.id, kind, dueAt]);
    }
    await pruneNow(t.app.get(RetentionService));
    const left = ((await db.query(`SELECT kind, due_at FROM reminders_sent WHERE task_id = $1 ORDER BY due_at`, [task.id])) as { kind: string; due_at: Date }[]).map(
      (r) => `${r.kind}@${r.due_at.toISOString()}`,
    );
    expect(left).toEqual([`overdue@${recent}`, `due_soon@${future}`]);
  });
});
