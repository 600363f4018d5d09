// The `due` filter of the task list: overdue (due before now) and week (due within the next 7 days), and
// task completion (`completed` on PATCH/POST, `completedAt`), which takes a task out of both.
import { describe, expect, it } from '@jest/globals';
import type { Page, TaskView } from '@tasklane/contracts';
import { createTask, tasksPath } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('task list due filter (e2e)', () => {
  const t = useTestApp();

  it('lists overdue tasks and tasks due within 7 days; refuses other values with 400', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    for (const [title, dueAt] of [['late', hours(-5)], ['soon', hours(5)], ['in six days', hours(24 * 6)], ['in eight days', hours(24 * 8)], ['undated', null]] as const) {
      await createTask(t, owner.auth, board.id, { columnId: todo.id, title, dueAt });
    }
    const titles = async (due: string) => ((await t.http().get(`${tasksPath(board.id)}?due=${due}`).set(owner.auth).expect(200)).body as Page<TaskView>).items.map((x) => x.title);
    expect(await titles('overdue')).toEqual(['late']);
    expect(await titles('week')).toEqual(['soon', 'in six days']);
    expect((await t.http().get(`${tasksPath(board.id)}?due=tomorrow`).set(owner.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('marks a task done and reopens it (version bumps, If-Match holds); a done task is neither overdue nor due this week; 400 for a non-boolean', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const late = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'late', dueAt: hours(-5) });
    const soon = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'soon', dueAt: hours(5) });
    const born = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'born done', dueAt: hours(-1), completed: true });
    expect(late.completedAt).toBeNull();
    expect(Date.parse(born.completedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    const path = (id: string) => `${tasksPath(board.id)}/${id}`;

    const done = (await t.http().patch(path(late.id)).set(owner.auth).set('If-Match', `"${late.version}"`).send({ completed: true }).expect(200)).body as TaskView;
    expect(done.completedAt).not.toBeNull();
    expect(done.version).toBe(late.version + 1);
    expect((await t.http().get(path(late.id)).set(owner.auth).expect(200)).body.completedAt).toBe(done.completedAt);
    // Marking it done again keeps the first time (the version still bumps, as for any PATCH); a stale If-Match is refused.
    const again = (await t.http().patch(path(late.id)).set(owner.auth).send({ completed: true }).expect(200)).body as TaskView;
    expect(again.completedAt).toBe(done.completedAt);
    await t.http().patch(path(late.id)).set(owner.auth).set('If-Match', `"${done.version}"`).send({ completed: false }).expect(412);
    await t.http().patch(path(soon.id)).set(owner.auth).send({ completed: true }).expect(200);

    const titles = async (due: string) => ((await t.http().get(`${tasksPath(board.id)}?due=${due}`).set(owner.auth).expect(200)).body as Page<TaskView>).items.map((x) => x.title);
    expect(await titles('overdue')).toEqual([]);
    expect(await titles('week')).toEqual([]);

    const reopened = (await t.http().patch(path(late.id)).set(owner.auth).send({ completed: false }).expect(200)).body as TaskView;
    expect(reopened.completedAt).toBeNull();
    expect(reopened.version).toBe(again.version + 1);
    expect(await titles('overdue')).toEqual(['late']);

    for (const completed of ['yes', 1, null]) {
      const res = await t.http().patch(path(late.id)).set(owner.auth).send({ completed }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x', completed: 'true' }).expect(400);
  });
});
