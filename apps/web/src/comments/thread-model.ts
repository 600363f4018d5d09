import type { AnyBoardEvent, ChecklistItemView, CommentView } from '@tasklane/contracts';

/**
 * A task's comments (oldest first) after `event`: created and updated comments of `taskId` are
 * upserted (an update older than the copy held is ignored, so an event that arrives before the
 * first page was read cannot roll it back), deleted ones removed; other events leave the list as is.
 */
export function applyCommentEvent(comments: readonly CommentView[], taskId: string, event: AnyBoardEvent): readonly CommentView[] {
  switch (event.type) {
    case 'comment.created':
    case 'comment.updated': {
      if (event.data.taskId !== taskId) return comments;
      const { commentCount: _count, ...comment } = event.data;
      const i = comments.findIndex((c) => c.id === comment.id);
      if (i < 0) return [...comments, comment].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
      return comments[i].version >= comment.version ? comments : comments.map((c, j) => (j === i ? comment : c));
    }
    case 'comment.deleted':
      return comments.some((c) => c.id === event.data.id) ? comments.filter((c) => c.id !== event.data.id) : comments;
    default:
      return comments;
  }
}

/** A task's checklist (by position) after `event`, with the same rules as applyCommentEvent. */
export function applyChecklistEvent(items: readonly ChecklistItemView[], taskId: string, event: AnyBoardEvent): readonly ChecklistItemView[] {
  switch (event.type) {
    case 'checklist.item_created':
    case 'checklist.item_updated': {
      if (event.data.taskId !== taskId) return items;
      const { progress: _progress, ...item } = event.data;
      const current = items.find((x) => x.id === item.id);
      if (current && current.version >= item.version) return items;
      return [...items.filter((x) => x.id !== item.id), item].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    }
    case 'checklist.item_deleted':
      return items.some((x) => x.id === event.data.id) ? items.filter((x) => x.id !== event.data.id) : items;
    default:
      return items;
  }
}
