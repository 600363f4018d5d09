// The boards the tasks-*.e2e-spec.ts suites start from, and how they read a column's order.
import type { BoardSnapshot, ColumnView, TaskView } from '@tasklane/contracts';
import { boardWithMembers, createTask, inPositionOrder, snapshot, type Auth, type TestUser } from './fixtures.js';
import type { HttpTarget } from './test-app.js';

/** What `tasksBoard` returns: the owner, the board as created, and its two columns. */
export interface TasksBoard {
  /** Registered as `Owner`. */
  owner: TestUser;
  board: BoardSnapshot;
  todo: ColumnView;
  done: ColumnView;
}

/**
 * An owner (`Owner`) and a new board `Tasks` with the columns Todo and Done, no tasks, seq 0.
 * @throws the supertest assertion error when registering or creating fails
 */
export async function tasksBoard(t: HttpTarget): Promise<TasksBoard> {
  const { owner, board } = await boardWithMembers(t, { ownerName: 'Owner', board: { name: 'Tasks', columns: ['Todo', 'Done'] } });
  const [todo, done] = board.columns;
  return { owner, board, todo, done };
}

/**
 * `tasksBoard` plus tasks A, B, C appended to Todo in that order (seq 3), as the owner.
 * @returns the TasksBoard and the three task views as created (version 1)
 * @throws the supertest assertion error when any request fails
 */
export async function tasksBoardWithAbc(t: HttpTarget): Promise<TasksBoard & { a: TaskView; b: TaskView; c: TaskView }> {
  const s = await tasksBoard(t);
  const a = await createTask(t, s.owner.auth, s.board.id, { columnId: s.todo.id, title: 'A' });
  const b = await createTask(t, s.owner.auth, s.board.id, { columnId: s.todo.id, title: 'B' });
  const c = await createTask(t, s.owner.auth, s.board.id, { columnId: s.todo.id, title: 'C' });
  return { ...s, a, b, c };
}

/**
 * Titles of a column's tasks in position order, from the board's snapshot. Sorts by byte order
 * here and asserts that the snapshot returned the same order and that no two tasks share a position
 * (`inPositionOrder`).
 * @throws the supertest or expect assertion error
 */
export async function titlesIn(t: HttpTarget, auth: Auth, boardId: string, columnId: string): Promise<string[]> {
  const { tasks } = await snapshot(t, auth, boardId);
  return inPositionOrder(tasks.filter((task) => task.columnId === columnId)).map((task) => task.title);
}
