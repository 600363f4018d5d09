import type { AnyBoardEvent, BoardEventEnvelope, BoardEventType } from './events.js';
import type { ColumnView, TaskView } from './resources.js';

/**
 * One readable line of a board's history (`GET /boards/:boardId/activity`, `…/tasks/:taskId/activity`):
 * a board event with its actor's name and a sentence. Built from the event stream itself, so it
 * has the stream's seq and its retention.
 */
export interface ActivityEntry {
  boardId: string;
  /** The event's seq (activity lists are newest first: seq descending). */
  seq: number;
  type: BoardEventType;
  actorId: string;
  /** The actor's current name ("Someone" for a deleted account). */
  actorName: string;
  occurredAt: string;
  /** The task the event is about (task events), else null. */
  taskId: string | null;
  /** E.g. `Ann moved 'Write README' from To do to Done`. Plain text: escape it when rendering HTML. */
  text: string;
}

/**
 * What a renderer may look up besides the event: names, and the state of the event's subject just
 * before it (the previous event about the same task, column or member), which is what turns
 * "moved 'X' to Done" into "moved 'X' from To do to Done". Every lookup may miss (a deleted column,
 * an expired previous event); renderers then say less, never throw.
 */
export interface ActivityLookup {
  /** A user's name, or null when unknown. */
  userName(userId: string): string | null;
  /** A column's name, or null when unknown (deleted). */
  columnName(columnId: string): string | null;
  /** A task's title, or null when unknown (deleted), for events about a task's comments and checklist. */
  taskTitle(taskId: string): string | null;
  /** The `data` of the previous event about the same subject (same `id`, or `userId` for members), or null. */
  before: unknown;
}

type Renderer<K extends BoardEventType> = (actor: string, event: BoardEventEnvelope<K>, lookup: ActivityLookup) => string;

/** Quotes a title or name: `'Write README'`. */
const q = (s: string): string => `'${s}'`;
const column = (lookup: ActivityLookup, id: string): string => lookup.columnName(id) ?? 'a deleted column';
const someone = (lookup: ActivityLookup, id: string): string => lookup.userName(id) ?? 'someone';
const beforeTask = (lookup: ActivityLookup): Partial<TaskView> | null => (lookup.before && typeof lookup.before === 'object' ? (lookup.before as Partial<TaskView>) : null);
const beforeColumn = (lookup: ActivityLookup): Partial<ColumnView> | null => (lookup.before && typeof lookup.before === 'object' ? (lookup.before as Partial<ColumnView>) : null);
const named = (lookup: ActivityLookup): string | null => {
  const b = lookup.before as { title?: unknown; name?: unknown; text?: unknown } | null;
  const n = b && typeof b === 'object' ? (b.title ?? b.name ?? b.text) : undefined;
  return typeof n === 'string' ? n : null;
};
const task = (lookup: ActivityLookup, id: string): string => {
  const title = lookup.taskTitle(id);
  return title === null ? 'a task' : q(title);
};
const beforeItem = (lookup: ActivityLookup): { text?: string; done?: boolean } | null => (lookup.before && typeof lookup.before === 'object' ? (lookup.before as { text?: string; done?: boolean }) : null);

/** What a task update changed, in words, comparing with the state before it when known. */
function taskChanges(lookup: ActivityLookup, after: TaskView): string {
  const before = beforeTask(lookup);
  if (!before) return `edited ${q(after.title)}`;
  const parts: string[] = [];
  if (before.title !== undefined && before.title !== after.title) parts.push(`renamed ${q(before.title)} to ${q(after.title)}`);
  const added = after.assigneeIds.filter((id) => !(before.assigneeIds ?? []).includes(id));
  const removed = (before.assigneeIds ?? []).filter((id) => !after.assigneeIds.includes(id));
  if (added.length) parts.push(`assigned ${added.map((id) => someone(lookup, id)).join(', ')} to ${q(after.title)}`);
  if (removed.length) parts.push(`unassigned ${removed.map((id) => someone(lookup, id)).join(', ')} from ${q(after.title)}`);
  if (before.description !== undefined && before.description !== after.description) parts.push(`edited the description of ${q(after.title)}`);
  if (before.dueAt !== undefined && before.dueAt !== after.dueAt) parts.push(after.dueAt ? `set the due date of ${q(after.title)} to ${after.dueAt.slice(0, 10)}` : `cleared the due date of ${q(after.title)}`);
  if (before.labelIds !== undefined && JSON.stringify(before.labelIds) !== JSON.stringify(after.labelIds)) parts.push(`changed the labels of ${q(after.title)}`);
  // `completedAt` absent from `before` (an event of an older release) says nothing about a change.
  if (before.completedAt !== undefined && (before.completedAt === null) !== (after.completedAt === null)) parts.push(after.completedAt ? `marked ${q(after.title)} done` : `reopened ${q(after.title)}`);
  return parts.length ? parts.join('; ') : `edited ${q(after.title)}`;
}

/**
 * One renderer per event type: `Record<BoardEventType, …>` is exhaustive, so a new event type does
 * not compile until it has a sentence here. Each returns the sentence without the actor, who is
 * prefixed by `describeEvent`.
 */
export const ACTIVITY_RENDERERS: { [K in BoardEventType]: Renderer<K> } = {
  'board.updated': (_a, e) => `updated the board ${q(e.data.name)}`,
  'board.deleted': () => 'deleted the board',
  'column.created': (_a, e) => `added the column ${q(e.data.name)}`,
  'column.updated': (_a, e, l) => {
    const before = beforeColumn(l);
    return before?.name !== undefined && before.name !== e.data.name ? `renamed the column ${q(before.name)} to ${q(e.data.name)}` : `moved the column ${q(e.data.name)}`;
  },
  'column.deleted': (_a, _e, l) => {
    const name = named(l);
    return name ? `deleted the column ${q(name)} and its tasks` : 'deleted a column and its tasks';
  },
  'column.archived': (_a, e) => `archived the column ${q(e.data.name)} and its tasks`,
  'column.restored': (_a, e) => `restored the column ${q(e.data.column.name)}${e.data.tasks.length ? ` with ${e.data.tasks.length} task${e.data.tasks.length === 1 ? '' : 's'}` : ''}`,
  'task.created': (_a, e, l) => `created ${q(e.data.title)} in ${column(l, e.data.columnId)}`,
  'task.updated': (_a, e, l) => taskChanges(l, e.data),
  'task.moved': (_a, e, l) => {
    const from = beforeTask(l)?.columnId;
    if (from && from !== e.data.columnId) return `moved ${q(e.data.title)} from ${column(l, from)} to ${column(l, e.data.columnId)}`;
    return from ? `reordered ${q(e.data.title)} in ${column(l, e.data.columnId)}` : `moved ${q(e.data.title)} to ${column(l, e.data.columnId)}`;
  },
  'task.deleted': (_a, _e, l) => {
    const title = named(l);
    return title ? `deleted ${q(title)}` : 'deleted a task';
  },
  'task.archived': (_a, e) => `archived ${q(e.data.title)}`,
  'task.restored': (_a, e) => `restored ${q(e.data.title)}`,
  'comment.created': (_a, e, l) => `commented on ${task(l, e.data.taskId)}`,
  'comment.updated': (_a, e, l) => `edited a comment on ${task(l, e.data.taskId)}`,
  'comment.deleted': (_a, e, l) => `deleted a comment on ${task(l, e.data.taskId)}`,
  'checklist.item_created': (_a, e, l) => `added ${q(e.data.text)} to the checklist of ${task(l, e.data.taskId)}`,
  'checklist.item_updated': (_a, e, l) => {
    const before = beforeItem(l);
    if (before?.done !== undefined && before.done !== e.data.done) return `${e.data.done ? 'checked' : 'unchecked'} ${q(e.data.text)} on ${task(l, e.data.taskId)}`;
    if (before?.text !== undefined && before.text !== e.data.text) return `renamed the checklist item ${q(before.text)} to ${q(e.data.text)}`;
    return `changed the checklist item ${q(e.data.text)} on ${task(l, e.data.taskId)}`;
  },
  'checklist.item_deleted': (_a, e, l) => {
    const text = named(l);
    return `removed ${text ? q(text) : 'an item'} from the checklist of ${task(l, e.data.taskId)}`;
  },
  'label.created': (_a, e) => `created the label ${q(e.data.name)}`,
  'label.updated': (_a, e, l) => {
    const before = named(l);
    return before !== null && before !== e.data.name ? `renamed the label ${q(before)} to ${q(e.data.name)}` : `changed the label ${q(e.data.name)}`;
  },
  'label.deleted': (_a, _e, l) => {
    const name = named(l);
    return name ? `deleted the label ${q(name)}` : 'deleted a label';
  },
  'member.added': (_a, e) => (e.data.userId === e.actorId ? `joined the board as ${e.data.role}` : `added ${e.data.name} as ${e.data.role}`),
  'member.updated': (_a, e) => `made ${e.data.name} ${e.data.role === 'owner' ? 'an owner' : `an ${e.data.role}`}`,
  'member.removed': (_a, e, l) => {
    if (e.data.id === e.actorId) return 'left the board';
    const name = named(l) ?? l.userName(e.data.id);
    return name ? `removed ${name} from the board` : 'removed a member from the board';
  },
};

/** The task an event is about (exhaustive like ACTIVITY_RENDERERS), or null. */
export const ACTIVITY_TASK_ID: { [K in BoardEventType]: (event: BoardEventEnvelope<K>) => string | null } = {
  'board.updated': () => null,
  'board.deleted': () => null,
  'column.created': () => null,
  'column.updated': () => null,
  'column.deleted': () => null,
  'column.archived': () => null,
  'column.restored': () => null,
  'task.created': (e) => e.data.id,
  'task.updated': (e) => e.data.id,
  'task.moved': (e) => e.data.id,
  'task.deleted': (e) => e.data.id,
  'task.archived': (e) => e.data.id,
  'task.restored': (e) => e.data.id,
  'comment.created': (e) => e.data.taskId,
  'comment.updated': (e) => e.data.taskId,
  'comment.deleted': (e) => e.data.taskId,
  'checklist.item_created': (e) => e.data.taskId,
  'checklist.item_updated': (e) => e.data.taskId,
  'checklist.item_deleted': (e) => e.data.taskId,
  'label.created': () => null,
  'label.updated': () => null,
  'label.deleted': () => null,
  'member.added': () => null,
  'member.updated': () => null,
  'member.removed': () => null,
};

/**
 * The subject of an event: the id the previous event about the same thing carries (`data.id`, or
 * `data.userId` for `member.added|updated`), which is how `before` is found. Mirrors the SQL
 * expression `coalesce(data->>'id', data->>'userId')` of the activity query. (`column.restored`
 * has none: its data is `{ column, tasks }`.)
 */
export function activitySubject(event: AnyBoardEvent): string | null {
  const data = event.data as { id?: unknown; userId?: unknown };
  const id = data.id ?? data.userId;
  return typeof id === 'string' ? id : null;
}

/**
 * Renders a board event as an ActivityEntry: `<actor name> <sentence>`. Pure; `lookup` supplies
 * names and the subject's previous state (the API reads them from the stream and the tables; the
 * web app from its BoardState before applying the event). Never throws for a missing lookup.
 */
export function describeEvent(event: AnyBoardEvent, lookup: ActivityLookup): ActivityEntry {
  const actorName = lookup.userName(event.actorId) ?? 'Someone';
  const render = ACTIVITY_RENDERERS[event.type] as Renderer<BoardEventType>;
  const taskId = (ACTIVITY_TASK_ID[event.type] as (e: AnyBoardEvent) => string | null)(event);
  return {
    boardId: event.boardId,
    seq: event.seq,
    type: event.type,
    actorId: event.actorId,
    actorName,
    occurredAt: event.occurredAt,
    taskId,
    text: `${actorName} ${render(actorName, event, lookup)}`,
  };
}
