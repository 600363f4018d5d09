import type { AnyBoardEvent, BoardSnapshot, ColumnView, TaskView } from '@tasklane/contracts';

/** A board's state as a client holds it: the snapshot shape plus whether the board was deleted. */
export type BoardState = BoardSnapshot & { deleted?: boolean };

const byPosition = (a: { position: string }, b: { position: string }) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

function upsert<T>(list: T[], item: T, key: (x: T) => string): void {
  const i = list.findIndex((x) => key(x) === key(item));
  if (i >= 0) list[i] = item;
  else list.push(item);
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
      state.tasks = state.tasks.filter((t) => t.id !== event.data.id);
      break;
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
 * (their order depends on join time, which events do not carry). Two replicas' snapshots of the
 * same seq, or a snapshot and a replayed state, are deep-equal in this form.
 */
export function normalizeState(state: BoardState): Omit<BoardState, 'role'> {
  const { role: _role, ...rest } = state;
  return {
    ...rest,
    columns: [...rest.columns].sort(byPosition),
    tasks: [...rest.tasks],
    members: rest.members.map(({ email: _email, ...member }) => member).sort((a, b) => (a.userId < b.userId ? -1 : 1)),
  };
}

/** Deep copy of a snapshot, so replays do not mutate the original. */
export const cloneState = (s: BoardState): BoardState => structuredClone(s);
