import { describe, expect, it } from 'vitest';
import type { TaskView } from '@tasklane/contracts';
import { taskPatch, toFormValues } from './task-form.js';

const task = (over: Partial<TaskView> = {}): TaskView => ({
  id: 't', boardId: 'b', columnId: 'c', title: 'T', description: '', position: 'a0', assigneeIds: [], labelIds: [], dueAt: null, completedAt: null, version: 1,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1', updatedBy: 'u1',
  archivedAt: null, commentCount: 0, checklist: { done: 0, total: 0 }, ...over,
});

describe('task form: the Done box', () => {
  it('starts as the task is and sends `completed` only when toggled', () => {
    const open = task();
    const done = task({ completedAt: '2026-02-01T00:00:00.000Z' });
    expect(toFormValues(open).done).toBe(false);
    expect(toFormValues(done).done).toBe(true);
    expect(taskPatch(open, toFormValues(open))).toEqual({});
    expect(taskPatch(done, toFormValues(done))).toEqual({});
    expect(taskPatch(open, { ...toFormValues(open), done: true })).toEqual({ completed: true });
    expect(taskPatch(done, { ...toFormValues(done), done: false, title: 'New' })).toEqual({ title: 'New', completed: false });
  });
});
