import { applyEvent, type BoardState } from '@tasklane/client';
import { activitySubject, type ActivityEntry, type ActivityLookup } from '@tasklane/contracts';
import type { AnyBoardEvent, ColumnView, MemberView, TaskView } from '@tasklane/contracts';
import { generateKeyBetween } from 'fractional-indexing';

/**
 * An optimistic change: shown at once on top of the confirmed board, dropped when the event with
 * its Idempotency-Key (`key`) arrives or when its request fails (rollback).
 */
export type Optimistic =
  | { kind: 'task.create'; key: string; task: TaskView; afterTaskId?: string; beforeTaskId?: string }
  | { kind: 'task.update'; key: string; taskId: string; patch: Partial<Pick<TaskView, 'title' | 'description' | 'labelIds' | 'assigneeIds' | 'dueAt' | 'completedAt'>> }
  | { kind: 'task.move'; key: string; taskId: string; columnId: string; afterTaskId?: string; beforeTaskId?: string }
  | { kind: 'task.delete'; key: string; taskId: string }
  | { kind: 'column.create'; key: string; column: ColumnView }
  | { kind: 'column.update'; key: string; columnId: string; name?: string; afterColumnId?: string | null }
  | { kind: 'column.delete'; key: string; columnId: string }
  | { kind: 'board.update'; key: string; name: string };

/** A pending optimistic change and whether its request has answered yet. */
export interface Pending {
  op: Optimistic;
  /** The request answered 2xx; the op now only waits for its event. */
  settled: boolean;
}

const byPosition = (a: { position: string }, b: { position: string }) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

/** A key between two positions, or a best-effort one when the keys are not in order. */
export function positionBetween(before: string | null, after: string | null): string {
  try {
    return generateKeyBetween(before, after);
  } catch {
    return before !== null ? `${before}V` : generateKeyBetween(null, after && after > 'a0' ? after : null);
  }
}

/** Event application without mutating `state` (copies the lists it changes; entities are replaced, never edited). */
export function applyEventImmutably(state: BoardState, event: AnyBoardEvent): BoardState {
  return applyEvent({ ...state, columns: [...state.columns], tasks: [...state.tasks], members: [...state.members], labels: [...state.labels] }, event);
}

function placeTask(tasks: TaskView[], task: TaskView, afterTaskId?: string, beforeTaskId?: string): TaskView {
  const column = tasks.filter((t) => t.columnId === task.columnId && t.id !== task.id).sort(byPosition);
  let lo: string | null;
  let hi: string | null = null;
  if (afterTaskId) {
    const i = column.findIndex((t) => t.id === afterTaskId);
    lo = column[i]?.position ?? null;
    hi = column[i + 1]?.position ?? null;
  } else if (beforeTaskId) {
    const i = column.findIndex((t) => t.id === beforeTaskId);
    lo = column[i - 1]?.position ?? null;
    hi = column[i]?.position ?? null;
  } else {
    lo = column[column.length - 1]?.position ?? null;
  }
  return { ...task, position: positionBetween(lo, hi) };
}

function sortTasks(state: BoardState): void {
  const order = new Map(state.columns.map((c, i) => [c.id, i]));
  state.tasks.sort((a, b) => (order.get(a.columnId) ?? 0) - (order.get(b.columnId) ?? 0) || byPosition(a, b));
}

/** Applies one optimistic change to a copy of `state`; a change whose target is gone is skipped. */
export function applyOptimistic(state: BoardState, op: Optimistic): BoardState {
  const s: BoardState = { ...state, columns: [...state.columns], tasks: [...state.tasks] };
  switch (op.kind) {
    case 'task.create':
      if (!s.columns.some((c) => c.id === op.task.columnId)) return state;
      s.tasks.push(placeTask(s.tasks, op.task, op.afterTaskId, op.beforeTaskId));
      break;
    case 'task.update': {
      const i = s.tasks.findIndex((t) => t.id === op.taskId);
      if (i < 0) return state;
      s.tasks[i] = { ...s.tasks[i], ...op.patch };
      return s;
    }
    case 'task.move': {
      const i = s.tasks.findIndex((t) => t.id === op.taskId);
      if (i < 0 || !s.columns.some((c) => c.id === op.columnId)) return state;
      s.tasks[i] = placeTask(s.tasks, { ...s.tasks[i], columnId: op.columnId }, op.afterTaskId, op.beforeTaskId);
      break;
    }
    case 'task.delete':
      s.tasks = s.tasks.filter((t) => t.id !== op.taskId);
      return s;
    case 'column.create': {
      const last = s.columns[s.columns.length - 1]?.position ?? null;
      s.columns.push({ ...op.column, position: positionBetween(last, null) });
      break;
    }
    case 'column.update': {
      const i = s.columns.findIndex((c) => c.id === op.columnId);
      if (i < 0) return state;
      let column = { ...s.columns[i], ...(op.name !== undefined ? { name: op.name } : {}) };
      if (op.afterColumnId !== undefined) {
        const others = s.columns.filter((c) => c.id !== op.columnId);
        const at = op.afterColumnId === null ? -1 : others.findIndex((c) => c.id === op.afterColumnId);
        column = { ...column, position: positionBetween(others[at]?.position ?? null, others[at + 1]?.position ?? null) };
      }
      s.columns[i] = column;
      break;
    }
    case 'column.delete':
      s.columns = s.columns.filter((c) => c.id !== op.columnId);
      s.tasks = s.tasks.filter((t) => t.columnId !== op.columnId);
      return s;
    case 'board.update':
      return { ...s, name: op.name };
  }
  s.columns.sort(byPosition);
  sortTasks(s);
  return s;
}

/** The board as shown: the confirmed state with every pending change on top, in the order made. */
export function withPending(state: BoardState, pending: readonly Pending[]): BoardState {
  return pending.reduce((s, p) => applyOptimistic(s, p.op), state);
}

/** Pending changes left after `event`: the one it confirms (same Idempotency-Key) is dropped. */
export function confirm(pending: readonly Pending[], event: AnyBoardEvent): Pending[] {
  return event.idempotencyKey ? pending.filter((p) => p.op.key !== event.idempotencyKey) : [...pending];
}

/** Pending changes left after a fresh snapshot: those already answered are in it (or lost with it). */
export function afterSnapshot(pending: readonly Pending[]): Pending[] {
  return pending.filter((p) => !p.settled);
}

/** Tasks grouped by column, each in position order (the state's tasks are already sorted). */
export function tasksByColumn(state: BoardState): Map<string, TaskView[]> {
  const map = new Map<string, TaskView[]>(state.columns.map((c) => [c.id, []]));
  for (const t of state.tasks) map.get(t.columnId)?.push(t);
  return map;
}

/**
 * `next` with each column's list replaced by the one in `prev` when it holds the same tasks (same
 * objects, same order), so memoised columns that did not change skip rendering.
 */
export function keepUnchanged(prev: ReadonlyMap<string, TaskView[]>, next: Map<string, TaskView[]>): Map<string, TaskView[]> {
  for (const [id, list] of next) {
    const old = prev.get(id);
    if (old && old.length === list.length && old.every((t, i) => t === list[i])) next.set(id, old);
  }
  return next;
}

/**
 * The placement anchors for dropping `taskId` at `index` of `columnTasks` (that column's tasks in
 * order, the dragged task possibly among them): `{ afterTaskId, beforeTaskId }` for one `move`.
 */
export function anchorsFor(columnTasks: readonly TaskView[], taskId: string, index: number): { afterTaskId?: string; beforeTaskId?: string } {
  const others = columnTasks.filter((t) => t.id !== taskId);
  const at = Math.max(0, Math.min(index, others.length));
  const after = others[at - 1];
  const before = others[at];
  return { ...(after ? { afterTaskId: after.id } : {}), ...(before ? { beforeTaskId: before.id } : {}) };
}

/**
 * Where a drop lands, as an index among the target column's tasks without the dragged one (for
 * `anchorsFor`): over a column → its end; over a task → that task's place, which is after it when
 * moving down within a column and before it otherwise (dnd-kit's sortable convention).
 */
export function dropTarget(
  byColumn: Map<string, TaskView[]>,
  active: { taskId: string },
  over: { taskId?: string; columnId: string },
): { columnId: string; index: number } {
  const target = byColumn.get(over.columnId) ?? [];
  const overIndex = over.taskId ? target.findIndex((t) => t.id === over.taskId) : -1;
  if (overIndex < 0) return { columnId: over.columnId, index: target.filter((t) => t.id !== active.taskId).length };
  // Same column, moving down: without the dragged task `over` shifts up one, and the task goes after it.
  return { columnId: over.columnId, index: overIndex };
}

/** What an event did, for the activity line and the highlight: "Ana moved “Fix login”". */
export function describeEvent(event: AnyBoardEvent, nameOf: (userId: string) => string, before?: BoardState): string {
  const who = nameOf(event.actorId);
  const taskTitle = (id: string) => before?.tasks.find((t) => t.id === id)?.title ?? 'a task';
  const columnName = (id: string) => before?.columns.find((c) => c.id === id)?.name ?? 'a column';
  switch (event.type) {
    case 'task.created':
      return `${who} added “${event.data.title}”`;
    case 'task.updated':
      return `${who} edited “${event.data.title}”`;
    case 'task.moved':
      return `${who} moved “${event.data.title}”`;
    case 'task.deleted':
      return `${who} deleted “${taskTitle(event.data.id)}”`;
    case 'column.created':
      return `${who} added column “${event.data.name}”`;
    case 'column.updated':
      return `${who} changed column “${event.data.name}”`;
    case 'column.deleted':
      return `${who} deleted column “${columnName(event.data.id)}”`;
    case 'board.updated':
      return `${who} renamed the board to “${event.data.name}”`;
    case 'board.deleted':
      return `${who} deleted the board`;
    case 'member.added':
      return `${who} added ${event.data.name} as ${event.data.role}`;
    case 'member.updated':
      return `${who} made ${event.data.name} ${event.data.role}`;
    case 'member.removed':
      return `${who} removed a member`;
    case 'task.archived':
      return `${who} archived “${event.data.title}”`;
    case 'task.restored':
      return `${who} restored “${event.data.title}”`;
    case 'column.archived':
      return `${who} archived column “${event.data.name}”`;
    case 'column.restored':
      return `${who} restored column “${event.data.column.name}”`;
    case 'comment.created':
      return `${who} commented on “${taskTitle(event.data.taskId)}”`;
    case 'comment.updated':
      return `${who} edited a comment on “${taskTitle(event.data.taskId)}”`;
    case 'comment.deleted':
      return `${who} deleted a comment on “${taskTitle(event.data.taskId)}”`;
    case 'checklist.item_created':
      return `${who} added “${event.data.text}” to the checklist of “${taskTitle(event.data.taskId)}”`;
    case 'checklist.item_updated':
      return `${who} ${event.data.done ? 'checked' : 'changed'} “${event.data.text}” on “${taskTitle(event.data.taskId)}”`;
    case 'checklist.item_deleted':
      return `${who} removed a checklist item from “${taskTitle(event.data.taskId)}”`;
    case 'label.created':
      return `${who} added label “${event.data.name}”`;
    case 'label.updated':
      return `${who} changed label “${event.data.name}”`;
    case 'label.deleted':
      return `${who} deleted a label`;
  }
}

/** Hours ahead that count as "due soon" (7 days): the same window as the task list's `due=week` filter. */
export const DUE_SOON_HOURS = 7 * 24;

/**
 * A card's due badge: `done` for a completed task (`completedAt` set: never overdue, like the
 * API's due filters), `overdue` when the due time has passed, `soon` when it is within the next
 * DUE_SOON_HOURS, else `later`; null without a due date. `now` in ms since the epoch.
 */
export function dueStatus(dueAt: string | null, now: number, completedAt: string | null = null): 'done' | 'overdue' | 'soon' | 'later' | null {
  if (!dueAt) return null;
  if (completedAt) return 'done';
  const due = Date.parse(dueAt);
  if (due < now) return 'overdue';
  return due - now <= DUE_SOON_HOURS * 3_600_000 ? 'soon' : 'later';
}

/**
 * The optimistic form of a task PATCH: the request's `completed` becomes the `completedAt` the
 * server will answer (kept when already done, `now` (ISO) when newly done, null when reopened);
 * the other fields as they are.
 */
export function optimisticTaskPatch(
  task: Pick<TaskView, 'completedAt'>,
  patch: Partial<Pick<TaskView, 'title' | 'description' | 'labelIds' | 'assigneeIds' | 'dueAt'>> & { completed?: boolean },
  now: string,
): Partial<Pick<TaskView, 'title' | 'description' | 'labelIds' | 'assigneeIds' | 'dueAt' | 'completedAt'>> {
  const { completed, ...fields } = patch;
  return completed === undefined ? fields : { ...fields, completedAt: completed ? (task.completedAt ?? now) : null };
}

/** The entity an event highlights (a task or column id), if any. */
export function highlightTarget(event: AnyBoardEvent): string | null {
  switch (event.type) {
    case 'task.created':
    case 'task.updated':
    case 'task.moved':
    case 'task.restored':
    case 'column.created':
    case 'column.updated':
      return event.data.id;
    case 'column.restored':
      return event.data.column.id;
    case 'comment.created':
    case 'comment.updated':
    case 'checklist.item_created':
    case 'checklist.item_updated':
      return event.data.taskId;
    default:
      return null;
  }
}

/** Names for user ids from the board's members ("Someone" for a user no longer there). */
export function memberNames(members: readonly MemberView[]): (userId: string) => string {
  const names = new Map(members.map((m) => [m.userId, m.name]));
  return (userId) => names.get(userId) ?? 'Someone';
}

/** Presence as shown: the viewers' names (members only, me first, then by name). */
export function presenceList(userIds: readonly string[], members: readonly MemberView[], me: string): MemberView[] {
  const byId = new Map(members.map((m) => [m.userId, m]));
  return [...new Set(userIds)]
    .flatMap((id) => byId.get(id) ?? [])
    .sort((a, b) => (a.userId === me ? -1 : b.userId === me ? 1 : a.name.localeCompare(b.name)));
}

/**
 * What libs/contracts' activity renderer (`describeEvent`, the API's too) may look up for `event`
 * on this board: names from the state after the event (falling back to before it), and the
 * event's subject as it was just before (the task, column or member), so a live entry reads
 * "moved 'X' from To do to Done" like the API's.
 */
export function activityLookup(event: AnyBoardEvent, before: BoardState, after: BoardState): ActivityLookup {
  const users = new Map([...before.members, ...after.members].map((m) => [m.userId, m.name]));
  const columns = new Map([...before.columns, ...after.columns].map((c) => [c.id, c.name]));
  const subject = activitySubject(event);
  const prior = subject ? (before.tasks.find((t) => t.id === subject) ?? before.columns.find((c) => c.id === subject) ?? before.members.find((m) => m.userId === subject) ?? null) : null;
  const titles = new Map([...before.tasks, ...after.tasks].map((t) => [t.id, t.title]));
  return { userName: (id) => users.get(id) ?? null, columnName: (id) => columns.get(id) ?? null, taskTitle: (id) => titles.get(id) ?? null, before: prior };
}

/** Live entries on top of fetched ones, newest first, each seq once. */
export function mergeActivity(live: readonly ActivityEntry[], fetched: readonly ActivityEntry[]): ActivityEntry[] {
  const seen = new Set<number>();
  return [...live, ...fetched].filter((e) => !seen.has(e.seq) && seen.add(e.seq)).sort((a, b) => b.seq - a.seq);
}
