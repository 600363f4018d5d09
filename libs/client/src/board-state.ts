import type { AnyBoardEvent, BoardSnapshot, ColumnView, LabelView, TaskView } from '@tasklane/contracts';

/** A board's state as a client holds it: the snapshot shape plus whether the board was deleted. */
export type BoardState = BoardSnapshot & { deleted?: boolean };

const byPosition = (a: { position: string }, b: { position: string }) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

function upsert<T>(list: T[], item: T, key: (x: T) => string): void {
  const i = list.findIndex((x) => key(x) === key(item));
  if (i >= 0) list[i] = item;
  else list.push(item);
}

/** Labels by name ignoring case, then name, then id (the server's order, up to its collation). */
const byName = (a: LabelView, b: LabelView) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1;
};

/** Applies `change` to the task `taskId` if the state has it (a task of an archived column is not there). */
function patchTask(state: BoardState, taskId: string, change: Partial<TaskView>): void {
  const i = state.tasks.findIndex((t) => t.id === taskId);
  if (i >= 0) state.tasks[i] = { ...state.tasks[i], ...change };
}

function sortTasks(state: BoardState): void {
  const columnOrder = new Map(state.columns.map((c, i) => [c.id, i]));
  state.tasks.sort((a, b) => (columnOrder.get(a.columnId) ?? 0) - (columnOrder.get(b.columnId) ?? 0) || byPosition(a, b));
}

/**
 * Applies one event to `state` in place and returns it. Events must be applied in seq order, each
 * exactly once (BoardStream guarantees that); `state.seq` becomes the event's seq. Keeps the
 * snapshot's orderings: columns by position, tasks by (column position, position).
 */
export function applyEvent(state: BoardState, event: AnyBoardEvent): BoardState {
  switch (event.type) {
    case 'board.updated': {
      const { name, description, version, updatedAt, createdAt } = event.data;
      Object.assign(state, { name, description, version, updatedAt, createdAt });
      break;
    }
    case 'board.deleted':
      state.deleted = true;
      break;
    case 'column.created':
    case 'column.updated':
      upsert<ColumnView>(state.columns, event.data, (c) => c.id);
      state.columns.sort(byPosition);
      sortTasks(state);
      break;
    case 'column.deleted':
      state.columns = state.columns.filter((c) => c.id !== event.data.id);
      state.tasks = state.tasks.filter((t) => t.columnId !== event.data.id);
      break;
    case 'task.created':
    case 'task.updated':
    case 'task.moved':
      upsert<TaskView>(state.tasks, event.data, (t) => t.id);
      sortTasks(state);
      break;
    case 'task.deleted':
    case 'task.archived':
      state.tasks = state.tasks.filter((t) => t.id !== event.data.id);
      break;
    case 'task.restored':
      // Its column is live (the server refuses to restore a task into an archived column).
      upsert<TaskView>(state.tasks, event.data, (t) => t.id);
      sortTasks(state);
      break;
    case 'column.archived':
      state.columns = state.columns.filter((c) => c.id !== event.data.id);
      state.tasks = state.tasks.filter((t) => t.columnId !== event.data.id);
      break;
    case 'column.restored':
      upsert<ColumnView>(state.columns, event.data.column, (c) => c.id);
      state.columns.sort(byPosition);
      for (const task of event.data.tasks) upsert<TaskView>(state.tasks, task, (t) => t.id);
      sortTasks(state);
      break;
    case 'comment.created':
    case 'comment.updated':
    case 'comment.deleted':
      patchTask(state, event.data.taskId, { commentCount: event.data.commentCount });
      break;
    case 'checklist.item_created':
    case 'checklist.item_updated':
    case 'checklist.item_deleted':
      patchTask(state, event.data.taskId, { checklist: { ...event.data.progress } });
      break;
    case 'label.created':
    case 'label.updated':
      upsert<LabelView>(state.labels, event.data, (l) => l.id);
      state.labels.sort(byName);
      break;
    case 'label.deleted': {
      const gone = event.data.id;
      state.labels = state.labels.filter((l) => l.id !== gone);
      state.tasks = state.tasks.map((t) => (t.labelIds.includes(gone) ? { ...t, labelIds: t.labelIds.filter((id) => id !== gone) } : t));
      break;
    }
    case 'member.added':
      upsert(state.members, { ...event.data }, (m) => m.userId);
      break;
    case 'member.updated': {
      // Events carry no email; keep the one an owner's snapshot has.
      const current = state.members.find((m) => m.userId === event.data.userId);
      upsert(state.members, { ...current, ...event.data }, (m) => m.userId);
      break;
    }
    case 'member.removed':
      state.members = state.members.filter((m) => m.userId !== event.data.id);
      break;
    default: {
      const unknown: never = event;
      throw new Error(`unknown event type ${(unknown as AnyBoardEvent).type}`);
    }
  }
  state.seq = event.seq;
  return state;
}

/**
 * A comparable form of a board state: drops what depends on the caller (`role`, and members'
 * `email`, which only owners' snapshots have and no event carries), sorts members by user id
 * (their order depends on join time, which events do not carry) and labels by id (their name order
 * depends on the server's collation). Two replicas' snapshots of the
 * same seq, or a snapshot and a replayed state, are deep-equal in this form.
 */
export function normalizeState(state: BoardState): Omit<BoardState, 'role'> {
  const { role: _role, ...rest } = state;
  return {
    ...rest,
    columns: [...rest.columns].sort(byPosition),
    tasks: [...rest.tasks],
    members: rest.members.map(({ email: _email, ...member }) => member).sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    labels: [...(rest.labels ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

/** Deep copy of a snapshot, so replays do not mutate the original. */
export const cloneState = (s: BoardState): BoardState => structuredClone(s);
