import { describe, expect, it } from '@jest/globals';
import type { AnyBoardEvent, BoardSnapshot, ChecklistItemView, ColumnView, CommentView, TaskView } from '@tasklane/contracts';
import { applyEvent, cloneState, normalizeState } from './board-state.js';

// Member events carry no email (every member receives them; only owners' snapshots have emails).
const boardId = '00000000-0000-4000-8000-00000000000b';
const T = new Date(0).toISOString();
const ownerSnapshot = (): BoardSnapshot => ({
  id: boardId,
  name: 'b',
  description: '',
  seq: 1,
  version: 1,
  createdAt: T,
  updatedAt: T,
  role: 'owner',
  columns: [],
  tasks: [],
  members: [{ userId: 'u1', email: 'u1@example.test', name: 'U1', role: 'viewer', addedAt: T }],
  labels: [],
});
const event = (seq: number, type: 'member.added' | 'member.updated', userId: string, role: 'viewer' | 'editor'): AnyBoardEvent =>
  ({ boardId, seq, type, actorId: userId, occurredAt: T, data: { userId, name: userId.toUpperCase(), role, addedAt: T } }) as AnyBoardEvent;

describe('applyEvent for member events', () => {
  it('adds a member without email and keeps the email an owner’s snapshot had when a member is updated', () => {
    const state = applyEvent(applyEvent(cloneState(ownerSnapshot()), event(2, 'member.updated', 'u1', 'editor')), event(3, 'member.added', 'u2', 'viewer'));
    expect(state.members).toEqual([
      { userId: 'u1', email: 'u1@example.test', name: 'U1', role: 'editor', addedAt: T },
      { userId: 'u2', name: 'U2', role: 'viewer', addedAt: T },
    ]);
    expect(state.seq).toBe(3);
  });

  it('compares states without the caller-specific role and emails (normalizeState)', () => {
    const asOwner = ownerSnapshot();
    const asViewer: BoardSnapshot = { ...ownerSnapshot(), role: 'viewer', members: [{ userId: 'u1', name: 'U1', role: 'viewer', addedAt: T }] };
    expect(normalizeState(asOwner)).toEqual(normalizeState(asViewer));
    expect(normalizeState(asOwner).members).toEqual([{ userId: 'u1', name: 'U1', role: 'viewer', addedAt: T }]);
  });
});

const col = (id: string, position: string): ColumnView => ({ id, boardId, name: id, position, version: 1, archivedAt: null });
const task = (id: string, columnId: string, position: string, extra: Partial<TaskView> = {}): TaskView => ({
  id,
  boardId,
  columnId,
  title: id,
  description: '',
  position,
  assigneeIds: [],
  labelIds: [],
  dueAt: null,
  completedAt: null,
  version: 1,
  createdAt: T,
  updatedAt: T,
  createdBy: 'u1',
  updatedBy: 'u1',
  archivedAt: null,
  commentCount: 0,
  checklist: { done: 0, total: 0 },
  ...extra,
});
let seq = 10;
const ev = <E extends AnyBoardEvent>(type: E['type'], data: E['data']): AnyBoardEvent => ({ boardId, seq: ++seq, type, actorId: 'u1', occurredAt: T, data }) as AnyBoardEvent;
const board = (): BoardSnapshot => ({ ...ownerSnapshot(), columns: [col('c1', 'a0'), col('c2', 'a1')], tasks: [task('t1', 'c1', 'a0'), task('t2', 'c1', 'a1'), task('t3', 'c2', 'a0')] });
const comment = (id: string, taskId: string): CommentView => ({ id, boardId, taskId, authorId: 'u1', body: 'hi', mentionIds: [], version: 1, createdAt: T, updatedAt: T });
const item = (id: string, taskId: string): ChecklistItemView => ({ id, boardId, taskId, text: 'x', done: false, position: 'a0', version: 1, createdAt: T, updatedAt: T });

describe('applyEvent for comments, checklists, labels and archive', () => {
  it('sets the task’s comment count from comment events, and ignores tasks it does not hold', () => {
    const state = cloneState(board());
    applyEvent(state, ev('comment.created', { ...comment('k1', 't1'), commentCount: 1 }));
    applyEvent(state, ev('comment.created', { ...comment('k2', 't1'), commentCount: 2 }));
    applyEvent(state, ev('comment.updated', { ...comment('k2', 't1'), commentCount: 2 }));
    applyEvent(state, ev('comment.deleted', { id: 'k1', taskId: 't1', commentCount: 1 }));
    applyEvent(state, ev('comment.created', { ...comment('k3', 'archived-task'), commentCount: 5 }));
    expect(state.tasks.map((t) => [t.id, t.commentCount])).toEqual([['t1', 1], ['t2', 0], ['t3', 0]]);
    expect(state.seq).toBe(seq);
  });

  it('sets the task’s checklist progress from checklist events', () => {
    const state = cloneState(board());
    applyEvent(state, ev('checklist.item_created', { ...item('i1', 't2'), progress: { done: 0, total: 1 } }));
    applyEvent(state, ev('checklist.item_updated', { ...item('i1', 't2'), done: true, progress: { done: 1, total: 1 } }));
    expect(state.tasks.find((t) => t.id === 't2')?.checklist).toEqual({ done: 1, total: 1 });
    applyEvent(state, ev('checklist.item_deleted', { id: 'i1', taskId: 't2', progress: { done: 0, total: 0 } }));
    expect(state.tasks.find((t) => t.id === 't2')?.checklist).toEqual({ done: 0, total: 0 });
  });

  it('keeps labels by name and removes a deleted label from every task', () => {
    const state = cloneState({ ...board(), tasks: [task('t1', 'c1', 'a0', { labelIds: ['l1', 'l2'] }), task('t2', 'c1', 'a1', { labelIds: ['l2'] })] });
    applyEvent(state, ev('label.created', { id: 'l1', boardId, name: 'bug', color: '#ff0000', version: 1 }));
    applyEvent(state, ev('label.created', { id: 'l2', boardId, name: 'Alpha', color: '#00ff00', version: 1 }));
    expect(state.labels.map((l) => l.name)).toEqual(['Alpha', 'bug']);
    applyEvent(state, ev('label.updated', { id: 'l1', boardId, name: 'Aardvark', color: '#ff0000', version: 2 }));
    expect(state.labels.map((l) => l.name)).toEqual(['Aardvark', 'Alpha']);
    applyEvent(state, ev('label.deleted', { id: 'l2' }));
    expect(state.labels.map((l) => l.id)).toEqual(['l1']);
    expect(state.tasks.map((t) => t.labelIds)).toEqual([['l1'], []]);
  });

  it('drops archived tasks and puts restored ones back in place', () => {
    const state = cloneState(board());
    const t1 = state.tasks[0];
    applyEvent(state, ev('task.archived', { ...t1, archivedAt: T }));
    expect(state.tasks.map((t) => t.id)).toEqual(['t2', 't3']);
    applyEvent(state, ev('task.restored', t1));
    expect(state.tasks.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
  });

  it('drops an archived column with its tasks and restores both from column.restored', () => {
    const state = cloneState(board());
    const [c1] = state.columns;
    const tasks = state.tasks.filter((t) => t.columnId === 'c1');
    applyEvent(state, ev('column.archived', { ...c1, archivedAt: T }));
    expect(state.columns.map((c) => c.id)).toEqual(['c2']);
    expect(state.tasks.map((t) => t.id)).toEqual(['t3']);
    applyEvent(state, ev('column.restored', { column: c1, tasks }));
    expect(normalizeState(state)).toEqual(normalizeState({ ...board(), seq }));
  });
});
