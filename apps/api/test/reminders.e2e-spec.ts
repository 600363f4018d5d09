import { afterAll, describe, expect, it } from '@jest/globals';
import { addMember, createBoard, createTask, registerUser } from './support/fixtures.js';

// A short lead so the reminders fire within the test; read when the app is created (beforeAll), restored after.
const saved = process.env.REMINDER_LEAD_S;
process.env.REMINDER_LEAD_S = '5';
const { useTestApp } = await import('./support/test-app.js');

describe('due-date reminders (e2e)', () => {
  const t = useTestApp();
  afterAll(() => {
    if (saved === undefined) delete process.env.REMINDER_LEAD_S;
    else process.env.REMINDER_LEAD_S = saved;
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

  // Due in 12 s, due soon at 7 s. After due_soon fired, re-saving the task (same date) enqueues the
  // same reminders again (pg-boss' singletonKey only holds while a job waits or runs); they must not notify twice.
  it('reminds once per task, due date and kind: re-saving the same date after it fired adds nothing; a new date reminds again', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const assignee = await addMember(t, owner.auth, board.id, 'editor');
    const dueAt = new Date(Date.now() + 12_000).toISOString();
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'resaved', assigneeIds: [assignee.user.id], dueAt });
    const taskPath = `/api/v1/boards/${board.id}/tasks/${task.id}`;
    const count = async (kind: string) =>
      ((await t.http().get('/api/v1/users/me/notifications').set(assignee.auth).expect(200)).body.items as { kind: string; taskId: string | null }[]).filter((n) => n.kind === kind && n.taskId === task.id).length;
    const until = async (kind: string, n: number, ms: number) => {
      const deadline = Date.now() + ms;
      while ((await count(kind)) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      return count(kind);
    };
    expect(await until('due_soon', 1, 30_000)).toBe(1);
    // Re-save: another field, then the same due date sent again. Both events schedule due_soon "now" (its moment has passed).
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
});
