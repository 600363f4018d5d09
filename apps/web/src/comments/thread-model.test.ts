import { describe, expect, it } from 'vitest';
import type { AnyBoardEvent, ChecklistItemView, CommentView } from '@tasklane/contracts';
import { applyChecklistEvent, applyCommentEvent } from './thread-model.js';

const comment = (id: string, createdAt: string, version = 1, taskId = 't'): CommentView => ({ id, boardId: 'b', taskId, authorId: 'u', body: id, mentionIds: [], version, createdAt, updatedAt: createdAt });
const item = (id: string, position: string, version = 1, done = false): ChecklistItemView => ({ id, boardId: 'b', taskId: 't', text: id, done, position, version, createdAt: '', updatedAt: '' });
const ev = (type: AnyBoardEvent['type'], data: unknown): AnyBoardEvent => ({ boardId: 'b', seq: 1, type, actorId: 'u', occurredAt: '', data }) as AnyBoardEvent;

describe('applyCommentEvent', () => {
  it('adds new comments in time order, replaces newer versions, ignores older ones and other tasks', () => {
    let list: readonly CommentView[] = [comment('a', '2026-01-01T00:00:01Z')];
    list = applyCommentEvent(list, 't', ev('comment.created', { ...comment('c', '2026-01-01T00:00:03Z'), commentCount: 2 }));
    list = applyCommentEvent(list, 't', ev('comment.created', { ...comment('b', '2026-01-01T00:00:02Z'), commentCount: 3 }));
    expect(list.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    list = applyCommentEvent(list, 't', ev('comment.updated', { ...comment('b', '2026-01-01T00:00:02Z', 2), body: 'edited', commentCount: 3 }));
    expect(list[1]).toMatchObject({ body: 'edited', version: 2 });
    expect(list[1]).not.toHaveProperty('commentCount');
    const same = applyCommentEvent(list, 't', ev('comment.updated', { ...comment('b', '2026-01-01T00:00:02Z', 1), commentCount: 3 }));
    expect(same).toBe(list);
    expect(applyCommentEvent(list, 't', ev('comment.created', { ...comment('x', '2026-01-01T00:00:04Z', 1, 'other'), commentCount: 1 }))).toBe(list);
    expect(applyCommentEvent(list, 't', ev('comment.deleted', { id: 'a', taskId: 't', commentCount: 2 })).map((c) => c.id)).toEqual(['b', 'c']);
  });
});

describe('applyChecklistEvent', () => {
  it('keeps items by position through creates, moves and deletes', () => {
    let items: readonly ChecklistItemView[] = [item('a', 'a0'), item('b', 'a1')];
    items = applyChecklistEvent(items, 't', ev('checklist.item_created', { ...item('c', 'a0V'), progress: { done: 0, total: 3 } }));
    expect(items.map((x) => x.id)).toEqual(['a', 'c', 'b']);
    items = applyChecklistEvent(items, 't', ev('checklist.item_updated', { ...item('a', 'a2', 2, true), progress: { done: 1, total: 3 } }));
    expect(items.map((x) => [x.id, x.done])).toEqual([['c', false], ['b', false], ['a', true]]);
    items = applyChecklistEvent(items, 't', ev('checklist.item_deleted', { id: 'b', taskId: 't', progress: { done: 1, total: 2 } }));
    expect(items.map((x) => x.id)).toEqual(['c', 'a']);
  });
});
