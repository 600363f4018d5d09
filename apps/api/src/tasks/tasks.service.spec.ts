import { describe, expect, it, jest } from '@jest/globals';
import type { TaskView } from '@tasklane/contracts';
import type { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { ColumnsService } from '../columns/columns.service.js';
import { columnNotFound } from '../columns/columns.errors.js';
import type { LabelsService } from '../labels/labels.service.js';
import type { Env } from '../config/env.schema.js';
import { AppError } from '../errors/app-error.js';
import type { BoardEventsService, WriteContext, WriteOutcome } from '../events/board-events.service.js';
import type { BoardAccessService } from '../board-access/board-access.service.js';
import type { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

// Unit tests of the task rules with our own repository mocked; BoardEventsService.write is replaced
// by a stub that runs the work function and returns its result, recording the event (the
// transaction and event stream are covered by board-events.service.spec.ts and the e2e suites).
const BOARD = '00000000-0000-4000-8000-00000000000b';
const COLUMN = '00000000-0000-4000-8000-00000000000c';
const OTHER_COLUMN = '00000000-0000-4000-8000-0000000000cc';
const USER = '00000000-0000-4000-8000-00000000000a';
const tx = {} as EntityManager;

const task = (id: string, over: Partial<TaskView> = {}): TaskView => ({
  id,
  boardId: BOARD,
  columnId: COLUMN,
  title: 't',
  description: '',
  position: 'a0',
  assigneeIds: [],
  labelIds: [],
  dueAt: null,
  completedAt: null,
  version: 1,
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
  createdBy: USER,
  updatedBy: USER,
  archivedAt: null,
  commentCount: 0,
  checklist: { done: 0, total: 0 },
  ...over,
});

function setup(repo: Partial<Record<keyof TasksRepository, unknown>>, options: { columnExists?: boolean; strangers?: string[]; maxTasks?: number; limits?: 'on' | 'off' } = {}) {
  const emitted: WriteOutcome<unknown>['event'][] = [];
  const events = {
    write: jest.fn(async (_b: string, _u: string, _r: string, work: (ctx: WriteContext) => Promise<WriteOutcome<unknown>>) => {
      const outcome = await work({ tx, seq: 1, webhookEnabled: () => undefined });
      emitted.push(outcome.event);
      return outcome.result;
    }),
  } as unknown as BoardEventsService;
  const columns = {
    exists: async () => options.columnExists ?? true,
    find: async () => (options.columnExists ?? true ? { id: COLUMN, archivedAt: null } : null),
    requireLive: async () => {
      if (!(options.columnExists ?? true)) throw columnNotFound();
    },
  } as unknown as ColumnsService;
  const labels = { requireLabels: async () => undefined, onDelete: () => undefined } as unknown as LabelsService;
  const access = { nonMembers: async () => options.strangers ?? [] } as unknown as BoardAccessService;
  const settings: Record<string, unknown> = { RATE_LIMITS: options.limits ?? 'on', TASKS_PER_BOARD_MAX: options.maxTasks ?? 10_000 };
  const config = { getOrThrow: (key: string) => settings[key] } as unknown as ConfigService<Env, true>;
  // The live check reads the task with its column's state; the stubs give the task through `find`.
  const find = repo.find as ((boardId: string, taskId: string) => Promise<TaskView | null>) | undefined;
  const findWithColumnState = async (_tx: unknown, boardId: string, taskId: string) => {
    const task = (await find?.(boardId, taskId)) ?? null;
    return task ? { task, columnArchived: false } : null;
  };
  // A create or move to the end of a column reads the column's state with its last position.
  const columnEnd = async () => ({ column: (options.columnExists ?? true) ? { archived: false } : null, lastPosition: null });
  const service = new TasksService({ countUpTo: async () => 0, findWithColumnState, columnEnd, ...repo } as unknown as TasksRepository, columns, events, access, labels, config);
  return { service, emitted };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof AppError ? e.code : e;
  }
  return 'resolved';
};

describe('TasksService', () => {
  it('appends a new task after the last one of the column', async () => {
    const insert = jest.fn(async (_tx: EntityManager, t: { position: string }) => task('n', { position: t.position }));
    const { service, emitted } = setup({ columnEnd: async () => ({ column: { archived: false }, lastPosition: 'a3' }), insert });
    const created = await service.create(BOARD, USER, { columnId: COLUMN, title: 'x' });
    const position = (insert.mock.calls[0][1] as { position: string }).position;
    expect(position > 'a3').toBe(true);
    expect(created).toMatchObject({ id: 'n' });
    expect(emitted).toEqual([{ type: 'task.created', data: created }]);
  });

  it('refuses an unknown column with COLUMN_NOT_FOUND and writes nothing', async () => {
    const insert = jest.fn();
    const { service } = setup({ insert }, { columnExists: false });
    expect(await code(service.create(BOARD, USER, { columnId: COLUMN, title: 'x' }))).toBe('COLUMN_NOT_FOUND');
    expect(insert).not.toHaveBeenCalled();
  });

  it('refuses assignees who are not members, naming them', async () => {
    const { service } = setup({}, { strangers: ['u2'] });
    await expect(service.create(BOARD, USER, { columnId: COLUMN, title: 'x', assigneeIds: ['u1', 'u2'] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'assigneeIds', errors: ['not members: u2'] }],
    });
  });

  it('places a task between adjacent anchors, and refuses non-adjacent ones', async () => {
    const placements: Record<string, { columnId: string; position: string }> = { a: { columnId: COLUMN, position: 'a0' }, c: { columnId: COLUMN, position: 'a2' } };
    const insert = jest.fn(async (_tx: EntityManager, t: { position: string }) => task('n', { position: t.position }));
    const placement = async (_t: EntityManager, _b: string, id: string) => placements[id];
    const adjacent = setup({ placement, neighbour: async () => 'a2', insert });
    await adjacent.service.create(BOARD, USER, { columnId: COLUMN, title: 'x', afterTaskId: 'a', beforeTaskId: 'c' });
    const position = (insert.mock.calls[0][1] as { position: string }).position;
    expect('a0' < position && position < 'a2').toBe(true);

    // a task (a1) lies between the anchors: a key between a0 and a2 could collide with it
    const gap = setup({ placement, neighbour: async () => 'a1', insert: jest.fn() });
    expect(await code(gap.service.create(BOARD, USER, { columnId: COLUMN, title: 'x', afterTaskId: 'a', beforeTaskId: 'c' }))).toBe('INVALID_POSITION');
  });

  it('refuses an anchor from another column and the moving task as its own anchor', async () => {
    const { service } = setup({ find: async () => task('t1'), placement: async () => ({ columnId: OTHER_COLUMN, position: 'a0' }) });
    expect(await code(service.create(BOARD, USER, { columnId: COLUMN, title: 'x', afterTaskId: 'a' }))).toBe('INVALID_POSITION');
    expect(await code(service.move(BOARD, USER, 't1', { columnId: COLUMN, afterTaskId: 't1' }))).toBe('INVALID_POSITION');
  });

  it('names the anchor field of an unknown anchor task', async () => {
    const { service } = setup({ placement: async () => null });
    await expect(service.create(BOARD, USER, { columnId: COLUMN, title: 'x', beforeTaskId: 'gone' })).rejects.toMatchObject({ code: 'TASK_NOT_FOUND', message: expect.stringContaining('beforeTaskId') });
  });

  it('answers a stale If-Match with PRECONDITION_FAILED carrying the current task', async () => {
    const { service } = setup({ update: async () => null, find: async () => task('t1', { version: 3, title: 'now' }) });
    await expect(service.update(BOARD, USER, 't1', { title: 'x' }, { ifMatch: 2 })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      details: { current: { id: 't1', version: 3, title: 'now' } },
    });
    const moved = setup({ find: async () => task('t1', { version: 3 }), columnEnd: async () => ({ column: { archived: false }, lastPosition: null }), move: jest.fn() });
    expect(await code(moved.service.move(BOARD, USER, 't1', { columnId: COLUMN }, { ifMatch: 1 }))).toBe('PRECONDITION_FAILED');
  });

  it('tells an unknown task (404) from a stale one (412) when an update matches no row', async () => {
    const { service } = setup({ update: async () => null, find: async () => null });
    expect(await code(service.update(BOARD, USER, 'nope', { title: 'x' }))).toBe('TASK_NOT_FOUND');
  });

  it('orders a snapshot’s tasks by the position of their column, then their own', async () => {
    const rows = [task('x1', { columnId: 'x', position: 'a0' }), task('x2', { columnId: 'x', position: 'a1' }), task('y1', { columnId: 'y', position: 'a0' })];
    const { service } = setup({ listByBoard: async () => [...rows] });
    const columns = [{ id: 'y' }, { id: 'x' }].map((c, i) => ({ ...c, boardId: BOARD, name: c.id, position: `a${i}`, version: 1, archivedAt: null }));
    expect((await service.listByBoard(tx, BOARD, columns)).map((t) => t.id)).toEqual(['y1', 'x1', 'x2']);
  });

  it('refuses a task beyond TASKS_PER_BOARD_MAX with LIMIT_REACHED, counting inside the write, and not with RATE_LIMITS=off', async () => {
    const countUpTo = jest.fn(async (_tx: EntityManager, _board: string, upTo: number) => upTo);
    const insert = jest.fn(async () => task('t9'));
    const full = setup({ countUpTo, insert, columnEnd: async () => ({ column: { archived: false }, lastPosition: null }) }, { maxTasks: 3 });
    await expect(full.service.create(BOARD, USER, { columnId: COLUMN, title: 'x' })).rejects.toMatchObject({ code: 'LIMIT_REACHED', details: { limit: 'tasks_per_board', max: 3 } });
    expect(countUpTo).toHaveBeenCalledWith(tx, BOARD, 3);
    expect(insert).not.toHaveBeenCalled();
    const below = setup({ countUpTo: async () => 2, insert, columnEnd: async () => ({ column: { archived: false }, lastPosition: null }) }, { maxTasks: 3 });
    await expect(below.service.create(BOARD, USER, { columnId: COLUMN, title: 'x' })).resolves.toMatchObject({ id: 't9' });
    const off = setup({ countUpTo, insert, columnEnd: async () => ({ column: { archived: false }, lastPosition: null }) }, { maxTasks: 3, limits: 'off' });
    countUpTo.mockClear();
    await expect(off.service.create(BOARD, USER, { columnId: COLUMN, title: 'x' })).resolves.toMatchObject({ id: 't9' });
    expect(countUpTo).not.toHaveBeenCalled();
  });
});
