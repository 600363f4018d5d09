import { describe, expect, it } from '@jest/globals';
// The activity renderer of libs/contracts (which imports nothing, not even a test runner, so its spec lives here).
import { ACTIVITY_RENDERERS, BOARD_EVENT_TYPES, describeEvent, type ActivityLookup, type AnyBoardEvent, type TaskView } from '@tasklane/contracts';

const task: TaskView = {
  id: 't1', boardId: 'b1', columnId: 'c2', title: 'Write README', description: '', position: 'a0', assigneeIds: ['u2'], labelIds: [], dueAt: null, completedAt: null,
  version: 2, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1', updatedBy: 'u1',
  archivedAt: null, commentCount: 0, checklist: { done: 0, total: 0 },
};
const names: Record<string, string> = { u1: 'Ann', u2: 'Bob', c1: 'To do', c2: 'Done' };
const lookup = (before: unknown = null): ActivityLookup => ({ userName: (id) => names[id] ?? null, columnName: (id) => names[id] ?? null, taskTitle: (id) => (id === 't1' ? 'Write README' : null), before });
const event = (type: AnyBoardEvent['type'], data: unknown): AnyBoardEvent => ({ boardId: 'b1', seq: 7, type, actorId: 'u1', occurredAt: '2026-01-01T00:00:00.000Z', data }) as AnyBoardEvent;

describe('describeEvent', () => {
  it('has a renderer for every event type', () => {
    expect(Object.keys(ACTIVITY_RENDERERS).sort()).toEqual([...BOARD_EVENT_TYPES].sort());
  });

  it('names the column a task moved from, when the previous state is known', () => {
    expect(describeEvent(event('task.moved', task), lookup({ ...task, columnId: 'c1' })).text).toBe("Ann moved 'Write README' from To do to Done");
    expect(describeEvent(event('task.moved', task), lookup()).text).toBe("Ann moved 'Write README' to Done");
    expect(describeEvent(event('task.moved', task), lookup({ ...task, columnId: 'gone' })).text).toBe("Ann moved 'Write README' from a deleted column to Done");
  });

  it('names the task of comment and checklist events, and what an item change did', () => {
    const item = { id: 'i1', boardId: 'b1', taskId: 't1', text: 'Tests', done: true, position: 'a0', version: 2, createdAt: '', updatedAt: '', progress: { done: 1, total: 2 } };
    expect(describeEvent(event('comment.created', { id: 'c1', taskId: 't1', body: 'x' }), lookup()).text).toBe("Ann commented on 'Write README'");
    expect(describeEvent(event('comment.created', { id: 'c1', taskId: 't1', body: 'x' }), lookup()).taskId).toBe('t1');
    expect(describeEvent(event('checklist.item_updated', item), lookup({ ...item, done: false })).text).toBe("Ann checked 'Tests' on 'Write README'");
    expect(describeEvent(event('checklist.item_deleted', { id: 'i1', taskId: 'gone', progress: { done: 0, total: 0 } }), lookup(item)).text).toBe("Ann removed 'Tests' from the checklist of a task");
    expect(describeEvent(event('label.deleted', { id: 'l1' }), lookup({ id: 'l1', name: 'bug' })).text).toBe("Ann deleted the label 'bug'");
  });

  it('says what an update changed', () => {
    expect(describeEvent(event('task.updated', task), lookup({ ...task, assigneeIds: [] })).text).toBe("Ann assigned Bob to 'Write README'");
    expect(describeEvent(event('task.updated', { ...task, dueAt: null }), lookup({ ...task, dueAt: '2030-01-02T00:00:00.000Z' })).text).toBe("Ann cleared the due date of 'Write README'");
    expect(describeEvent(event('task.updated', task), lookup()).text).toBe("Ann edited 'Write README'");
  });

  it('says a task was marked done or reopened when only its completion changed', () => {
    const done = { ...task, completedAt: '2030-01-02T00:00:00.000Z' };
    expect(describeEvent(event('task.updated', done), lookup(task)).text).toBe("Ann marked 'Write README' done");
    expect(describeEvent(event('task.updated', task), lookup(done)).text).toBe("Ann reopened 'Write README'");
    // Done again (the time kept) is no change; a previous state from before completion existed says nothing about it.
    expect(describeEvent(event('task.updated', done), lookup(done)).text).toBe("Ann edited 'Write README'");
    const { completedAt: _omitted, ...older } = task;
    expect(describeEvent(event('task.updated', done), lookup(older)).text).toBe("Ann edited 'Write README'");
  });

  it('never throws for unknown names or a missing previous state, and returns the entry fields', () => {
    for (const type of BOARD_EVENT_TYPES) {
      const data =
        type === 'column.restored' ? { column: { id: 'x', name: 'N' }, tasks: [] }
        : type.startsWith('comment') || type.startsWith('checklist') ? { id: 'x', taskId: 'gone', text: 'Item', done: true, body: 'b' }
        : type.endsWith('.deleted') || type === 'member.removed' ? { id: 'x' }
        : type.startsWith('member') ? { userId: 'x', name: 'X', role: 'viewer', addedAt: '' }
        : type.startsWith('column') || type.startsWith('label') ? { id: 'x', name: 'N' }
        : type.startsWith('board') ? { name: 'B' }
        : task;
      const entry = describeEvent({ ...event(type, data), actorId: 'nobody' } as AnyBoardEvent, lookup());
      expect(entry.text.startsWith('Someone ')).toBe(true);
      expect(entry).toMatchObject({ boardId: 'b1', seq: 7, type, actorName: 'Someone' });
    }
    expect(describeEvent(event('task.deleted', { id: 't1' }), lookup(task)).taskId).toBe('t1');
  });
});
