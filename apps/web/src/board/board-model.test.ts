import { describe, expect, it } from 'vitest';
import type { BoardState } from '@tasklane/client';
import type { AnyBoardEvent, ColumnView, TaskView } from '@tasklane/contracts';
import {
  afterSnapshot,
  anchorsFor,
  applyEventImmutably,
  confirm,
  describeEvent,
  dropTarget,
  positionBetween,
  presenceList,
  keepUnchanged,
  tasksByColumn,
  withPending,
  dueStatus,
  optimisticTaskPatch,
  type Pending,
} from './board-model.js';

const col = (id: string, position: string, name = id): ColumnView => ({ id, boardId: 'b', name, position, version: 1, archivedAt: null });
const task = (id: string, columnId: string, position: string, title = id): TaskView => ({
  id, boardId: 'b', columnId, title, description: '', position, assigneeIds: [], labelIds: [], dueAt: null, completedAt: null, version: 1,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1', updatedBy: 'u1',
  archivedAt: null, commentCount: 0, checklist: { done: 0, total: 0 },
});

function board(): BoardState {
  return {
    id: 'b', name: 'Board', description: '', seq: 10, version: 1, createdAt: '', updatedAt: '', role: 'owner',
    columns: [col('todo', 'a0', 'To do'), col('done', 'a1', 'Done')],
    tasks: [task('t1', 'todo', 'a0'), task('t2', 'todo', 'a1'), task('t3', 'todo', 'a2'), task('t4', 'done', 'a0')],
    members: [
      { userId: 'u1', name: 'Ana Lima', role: 'owner', addedAt: '', email: 'ana@example.com' },
      { userId: 'u2', name: 'Bruno', role: 'editor', addedAt: '' },
    ],
    labels: [],
  };
}
const titles = (s: BoardState) => Object.fromEntries([...tasksByColumn(s)].map(([c, ts]) => [c, ts.map((t) => t.id)]));
const pending = (op: Pending['op'], settled = false): Pending => ({ op, settled });
const event = (e: Partial<AnyBoardEvent> & Pick<AnyBoardEvent, 'type' | 'data'>, seq = 11): AnyBoardEvent =>
  ({ boardId: 'b', seq, actorId: 'u2', occurredAt: '', ...e }) as AnyBoardEvent;

describe('optimistic changes on top of the confirmed board', () => {
  it('shows a move at once, between the anchors, without touching the confirmed state', () => {
    const s = board();
    const shown = withPending(s, [pending({ kind: 'task.move', key: 'k1', taskId: 't3', columnId: 'todo', afterTaskId: 't1', beforeTaskId: 't2' })]);
    expect(titles(shown)).toEqual({ todo: ['t1', 't3', 't2'], done: ['t4'] });
    expect(titles(s)).toEqual({ todo: ['t1', 't2', 't3'], done: ['t4'] });
  });

  it('moves across columns to the end, and to the top with only beforeTaskId', () => {
    const s = board();
    expect(titles(withPending(s, [pending({ kind: 'task.move', key: 'k', taskId: 't1', columnId: 'done' })]))).toEqual({ todo: ['t2', 't3'], done: ['t4', 't1'] });
    expect(titles(withPending(s, [pending({ kind: 'task.move', key: 'k', taskId: 't1', columnId: 'done', beforeTaskId: 't4' })]))).toEqual({ todo: ['t2', 't3'], done: ['t1', 't4'] });
  });

  it('applies several pending changes in the order they were made', () => {
    const shown = withPending(board(), [
      pending({ kind: 'task.create', key: 'k1', task: task('pending-k1', 'done', '', 'New') }),
      pending({ kind: 'task.update', key: 'k2', taskId: 't4', patch: { title: 'Renamed' } }),
      pending({ kind: 'task.delete', key: 'k3', taskId: 't2' }),
      pending({ kind: 'column.update', key: 'k4', columnId: 'done', afterColumnId: null }),
    ]);
    expect(shown.columns.map((c) => c.id)).toEqual(['done', 'todo']);
    expect(titles(shown)).toEqual({ done: ['t4', 'pending-k1'], todo: ['t1', 't3'] });
    expect(shown.tasks.find((t) => t.id === 't4')?.title).toBe('Renamed');
  });

  it('skips a change whose target is gone (a task deleted meanwhile by someone else)', () => {
    const s = applyEventImmutably(board(), event({ type: 'task.deleted', data: { id: 't1' } }));
    expect(titles(withPending(s, [pending({ kind: 'task.move', key: 'k', taskId: 't1', columnId: 'done' })]))).toEqual({ todo: ['t2', 't3'], done: ['t4'] });
  });

  it('drops a change when the event with its Idempotency-Key arrives (no flicker, no double)', () => {
    const ops = [pending({ kind: 'task.create', key: 'k1', task: task('pending-k1', 'todo', '', 'New') }), pending({ kind: 'task.delete', key: 'k2', taskId: 't4' })];
    const created = task('real', 'todo', 'a3', 'New');
    const e = event({ type: 'task.created', data: created, idempotencyKey: 'k1' });
    const confirmed = applyEventImmutably(board(), e);
    const left = confirm(ops, e);
    expect(left.map((p) => p.op.key)).toEqual(['k2']);
    expect(withPending(confirmed, left).tasks.filter((t) => t.title === 'New').map((t) => t.id)).toEqual(['real']);
  });

  it('keeps pending changes on an event from someone else (no key, or another key)', () => {
    const ops = [pending({ kind: 'task.delete', key: 'k2', taskId: 't4' })];
    expect(confirm(ops, event({ type: 'task.deleted', data: { id: 't1' } }))).toEqual(ops);
    expect(confirm(ops, event({ type: 'task.deleted', data: { id: 't1' }, idempotencyKey: 'other' }))).toEqual(ops);
  });

  it('rolls back: removing a failed change shows the confirmed board again', () => {
    const s = board();
    const ops = [pending({ kind: 'task.move', key: 'k1', taskId: 't1', columnId: 'done' })];
    const rolledBack = ops.filter((p) => p.op.key !== 'k1');
    expect(titles(withPending(s, rolledBack))).toEqual(titles(s));
  });

  it('after a resync snapshot keeps only the changes still waiting for an answer', () => {
    const ops = [pending({ kind: 'task.delete', key: 'a', taskId: 't1' }, true), pending({ kind: 'task.delete', key: 'b', taskId: 't2' }, false)];
    expect(afterSnapshot(ops).map((p) => p.op.key)).toEqual(['b']);
  });
});

describe('ordering', () => {
  it('applies events immutably, keeping columns and tasks in position order', () => {
    const s = board();
    const next = applyEventImmutably(s, event({ type: 'task.moved', data: { ...task('t3', 'todo', 'Zz'), position: positionBetween(null, 'a0') } }));
    expect(titles(next).todo).toEqual(['t3', 't1', 't2']);
    expect(next).not.toBe(s);
    expect(titles(s).todo).toEqual(['t1', 't2', 't3']);
    expect(next.seq).toBe(11);
  });

  it('positionBetween sorts between its bounds', () => {
    const k = positionBetween('a0', 'a1');
    expect(k > 'a0' && k < 'a1').toBe(true);
    expect(positionBetween(null, null)).toBe('a0');
  });

  it('dropTarget + anchorsFor: one move request with the neighbours of the drop place', () => {
    const byColumn = tasksByColumn(board());
    // down within a column: over t3 → after t3
    let target = dropTarget(byColumn, { taskId: 't1' }, { taskId: 't3', columnId: 'todo' });
    expect(anchorsFor(byColumn.get('todo')!, 't1', target.index)).toEqual({ afterTaskId: 't3' });
    // up within a column: over t1 → before t1
    target = dropTarget(byColumn, { taskId: 't3' }, { taskId: 't1', columnId: 'todo' });
    expect(anchorsFor(byColumn.get('todo')!, 't3', target.index)).toEqual({ beforeTaskId: 't1' });
    // across columns onto a task: before it
    target = dropTarget(byColumn, { taskId: 't2' }, { taskId: 't4', columnId: 'done' });
    expect(target.columnId).toBe('done');
    expect(anchorsFor(byColumn.get('done')!, 't2', target.index)).toEqual({ beforeTaskId: 't4' });
    // onto a column: at its end
    target = dropTarget(byColumn, { taskId: 't2' }, { columnId: 'done' });
    expect(anchorsFor(byColumn.get('done')!, 't2', target.index)).toEqual({ afterTaskId: 't4' });
    // middle of three
    expect(anchorsFor(byColumn.get('todo')!, 'x', 1)).toEqual({ afterTaskId: 't1', beforeTaskId: 't2' });
  });
});

describe('presence and activity', () => {
  it('lists viewers once each, members only, me first then by name', () => {
    const members = board().members.concat({ userId: 'u3', name: 'Aaron', role: 'viewer', addedAt: '' });
    expect(presenceList(['u2', 'u3', 'u2', 'gone', 'u1'], members, 'u2').map((m) => m.name)).toEqual(['Bruno', 'Aaron', 'Ana Lima']);
    expect(presenceList([], members, 'u1')).toEqual([]);
  });

  it('names the actor of each change', () => {
    const s = board();
    const nameOf = (id: string) => s.members.find((m) => m.userId === id)?.name ?? 'Someone';
    expect(describeEvent(event({ type: 'task.moved', data: task('t1', 'done', 'a5', 'Fix login') }), nameOf, s)).toBe('Bruno moved “Fix login”');
    expect(describeEvent(event({ type: 'task.deleted', data: { id: 't2' } }), nameOf, s)).toBe('Bruno deleted “t2”');
    expect(describeEvent(event({ type: 'column.deleted', data: { id: 'done' }, actorId: 'zz' }), nameOf, s)).toBe('Someone deleted column “Done”');
  });
});

describe('keepUnchanged', () => {
  it('reuses the previous list of a column whose tasks did not change, and only that', () => {
    const s = board();
    const before = tasksByColumn(s);
    const moved = applyEventImmutably(s, event({ type: 'task.moved', data: { ...s.tasks[0], columnId: 'done', position: 'a1' } }));
    const after = keepUnchanged(before, tasksByColumn(moved));
    expect(after.get('todo')).not.toBe(before.get('todo'));
    expect(after.get('done')).not.toBe(before.get('done'));
    const renamed = applyEventImmutably(moved, event({ type: 'task.updated', data: { ...moved.tasks.find((t) => t.id === 't4')!, title: 'x' } }, 12));
    const again = keepUnchanged(after, tasksByColumn(renamed));
    expect(again.get('todo')).toBe(after.get('todo'));
    expect(again.get('done')).not.toBe(after.get('done'));
  });
});

describe('dueStatus', () => {
  const now = Date.parse('2026-06-10T12:00:00.000Z');
  it('is overdue once the due time has passed, soon within 7 days, later after, null without a date', () => {
    expect(dueStatus(null, now)).toBeNull();
    expect(dueStatus('2026-06-10T11:59:59.000Z', now)).toBe('overdue');
    expect(dueStatus('2026-06-10T12:00:00.000Z', now)).toBe('soon');
    expect(dueStatus('2026-06-17T12:00:00.000Z', now)).toBe('soon');
    expect(dueStatus('2026-06-17T12:00:01.000Z', now)).toBe('later');
  });

  it('is done, never overdue nor soon, for a completed task with a due date', () => {
    expect(dueStatus('2026-06-10T11:59:59.000Z', now, '2026-06-10T11:00:00.000Z')).toBe('done');
    expect(dueStatus('2026-06-12T12:00:00.000Z', now, '2026-06-10T11:00:00.000Z')).toBe('done');
    expect(dueStatus(null, now, '2026-06-10T11:00:00.000Z')).toBeNull();
  });
});

describe('optimisticTaskPatch', () => {
  const now = '2026-06-10T12:00:00.000Z';
  it('turns `completed` into the completedAt the server will answer, keeping the first time, and passes other fields', () => {
    expect(optimisticTaskPatch({ completedAt: null }, { completed: true, title: 'x' }, now)).toEqual({ title: 'x', completedAt: now });
    expect(optimisticTaskPatch({ completedAt: '2026-01-01T00:00:00.000Z' }, { completed: true }, now)).toEqual({ completedAt: '2026-01-01T00:00:00.000Z' });
    expect(optimisticTaskPatch({ completedAt: '2026-01-01T00:00:00.000Z' }, { completed: false }, now)).toEqual({ completedAt: null });
    expect(optimisticTaskPatch({ completedAt: null }, { dueAt: null }, now)).toEqual({ dueAt: null });
  });

  it('shows the card done at once through withPending', () => {
    const state = board();
    const t = state.tasks[0];
    const op = pending({ kind: 'task.update', key: 'k', taskId: t.id, patch: optimisticTaskPatch(t, { completed: true }, now) });
    expect(withPending(state, [op]).tasks[0].completedAt).toBe(now);
    expect(state.tasks[0].completedAt).toBeNull();
  });
});

describe('applyEventImmutably', () => {
  it('gives new arrays for what an event changes (labels too), so memoised views re-render, and leaves the old state as it was', () => {
    const before = { ...board(), labels: [{ id: 'l1', boardId: 'b', name: 'bug', color: '#e5484d', version: 1 }] };
    const after = applyEventImmutably(before, event({ type: 'label.updated', data: { id: 'l1', boardId: 'b', name: 'regression', color: '#e5484d', version: 2 } }));
    expect(after.labels).not.toBe(before.labels);
    expect(after.labels.map((l) => l.name)).toEqual(['regression']);
    expect(before.labels.map((l) => l.name)).toEqual(['bug']);
  });
});
