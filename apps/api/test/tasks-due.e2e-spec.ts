// The `due` filter of the task list: overdue (due before now) and week (due within the next 7 days).
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
});
