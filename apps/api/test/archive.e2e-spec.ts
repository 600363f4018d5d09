// Archive: tasks and columns leave the board view (snapshot, task list) and come back in place;
// the archive list; 409 for writes to archived items; events; roles.
import { describe, expect, it } from '@jest/globals';
import type { ArchiveEntry, EventsPage, Page, TaskView } from '@tasklane/contracts';
import { addMember, createTask, snapshot, tasksPath } from './support/fixtures.js';
import { tasksBoardWithAbc } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('archive (e2e)', () => {
  const t = useTestApp();
  const base = (boardId: string) => `/api/v1/boards/${boardId}`;

  it('archives a task out of the snapshot and the task list, lists it in the archive, and restores it in place', async () => {
    const { owner, board, a, b, c } = await tasksBoardWithAbc(t);
    const archived = (await t.http().post(`${tasksPath(board.id)}/${b.id}/archive`).set(owner.auth).expect(200)).body as TaskView;
    expect(archived).toEqual({ ...b, archivedAt: expect.any(String), updatedBy: owner.user.id });
    expect((await snapshot(t, owner.auth, board.id)).tasks.map((x) => x.title)).toEqual(['A', 'C']);
    expect(((await t.http().get(tasksPath(board.id)).set(owner.auth).expect(200)).body as Page<TaskView>).items.map((x) => x.title)).toEqual(['A', 'C']);
    expect((await t.http().get(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).expect(200)).body.archivedAt).toBe(archived.archivedAt);
    const archive = (await t.http().get(`${base(board.id)}/archive`).set(owner.auth).expect(200)).body as Page<ArchiveEntry>;
    expect(archive).toEqual({ items: [{ kind: 'task', archivedAt: archived.archivedAt, task: archived }], nextCursor: null });

    expect((await t.http().patch(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).send({ title: 'x' }).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect((await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: board.columns[1].id }).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect((await t.http().post(`${tasksPath(board.id)}/${b.id}/archive`).set(owner.auth).expect(409)).body.code).toBe('TASK_ARCHIVED');
    // A task placed between A and C now does not take B's old key.
    const between = await createTask(t, owner.auth, board.id, { columnId: a.columnId, title: 'New', afterTaskId: a.id, beforeTaskId: c.id });
    expect(between.position).not.toBe(b.position);

    const restored = (await t.http().post(`${tasksPath(board.id)}/${b.id}/restore`).set(owner.auth).expect(200)).body as TaskView;
    expect(restored).toMatchObject({ archivedAt: null, position: b.position, version: b.version });
    expect((await snapshot(t, owner.auth, board.id)).tasks.map((x) => x.title).sort()).toEqual(['A', 'B', 'C', 'New']);
    expect((await t.http().post(`${tasksPath(board.id)}/${b.id}/restore`).set(owner.auth).expect(409)).body.code).toBe('NOT_ARCHIVED');
  });

  it('archives a column with its tasks, refuses writes into it, and restores both (not tasks archived on their own)', async () => {
    const { owner, board, todo, a, b } = await tasksBoardWithAbc(t);
    await t.http().post(`${tasksPath(board.id)}/${a.id}/archive`).set(owner.auth).expect(200);
    const { lastSeq } = (await t.http().get(`${base(board.id)}/events?after=0`).set(owner.auth).expect(200)).body as EventsPage;
    const column = (await t.http().post(`${base(board.id)}/columns/${todo.id}/archive`).set(owner.auth).expect(200)).body;
    expect(column).toEqual({ ...todo, archivedAt: expect.any(String) });
    const snap = await snapshot(t, owner.auth, board.id);
    expect(snap.columns.map((c) => c.name)).toEqual(['Done']);
    expect(snap.tasks).toEqual([]);
    expect(((await t.http().get(tasksPath(board.id)).set(owner.auth).expect(200)).body as Page<TaskView>).items).toEqual([]);
    expect((await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X' }).expect(409)).body.code).toBe('COLUMN_ARCHIVED');
    expect((await t.http().patch(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).send({ title: 'X' }).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect((await t.http().patch(`${base(board.id)}/columns/${todo.id}`).set(owner.auth).send({ name: 'X' }).expect(409)).body.code).toBe('COLUMN_ARCHIVED');
    expect((await t.http().post(`${tasksPath(board.id)}/${a.id}/restore`).set(owner.auth).expect(409)).body.code).toBe('COLUMN_ARCHIVED');

    const archive = ((await t.http().get(`${base(board.id)}/archive?limit=1`).set(owner.auth).expect(200)).body) as Page<ArchiveEntry>;
    expect(archive.items).toEqual([{ kind: 'column', archivedAt: column.archivedAt, column, taskCount: 2 }]);
    const rest = ((await t.http().get(`${base(board.id)}/archive?limit=1&cursor=${archive.nextCursor as string}`).set(owner.auth).expect(200)).body) as Page<ArchiveEntry>;
    expect(rest.items.map((e) => (e.kind === 'task' ? e.task.title : e.column.name))).toEqual(['A']);
    expect(rest.nextCursor).toBeNull();

    await t.http().post(`${base(board.id)}/columns/${todo.id}/restore`).set(owner.auth).expect(200);
    const events = ((await t.http().get(`${base(board.id)}/events?after=${lastSeq}`).set(owner.auth).expect(200)).body as EventsPage).items;
    expect(events.map((e) => e.type)).toEqual(['column.archived', 'column.restored']);
    const restoredData = events[1].data as { column: { id: string }; tasks: TaskView[] };
    expect(restoredData.column.id).toBe(todo.id);
    expect(restoredData.tasks.map((x) => x.title)).toEqual(['B', 'C']);
    expect((await snapshot(t, owner.auth, board.id)).tasks.map((x) => x.title)).toEqual(['B', 'C']);
    expect((await t.http().post(`${base(board.id)}/columns/${todo.id}/restore`).set(owner.auth).expect(409)).body.code).toBe('NOT_ARCHIVED');
  });

  it('lets viewers read the archive and refuses their archive writes; deleting an archived task still works', async () => {
    const { owner, board, todo, a } = await tasksBoardWithAbc(t);
    const viewer = await addMember(t, owner.auth, board.id, 'viewer');
    expect((await t.http().post(`${tasksPath(board.id)}/${a.id}/archive`).set(viewer.auth).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http().post(`${base(board.id)}/columns/${todo.id}/archive`).set(viewer.auth).expect(403)).body.code).toBe('FORBIDDEN');
    await t.http().post(`${tasksPath(board.id)}/${a.id}/archive`).set(owner.auth).expect(200);
    expect(((await t.http().get(`${base(board.id)}/archive`).set(viewer.auth).expect(200)).body as Page<ArchiveEntry>).items).toHaveLength(1);
    await t.http().delete(`${tasksPath(board.id)}/${a.id}`).set(owner.auth).expect(204);
    expect(((await t.http().get(`${base(board.id)}/archive`).set(viewer.auth).expect(200)).body as Page<ArchiveEntry>).items).toEqual([]);
    expect((await t.http().get(`${base(board.id)}/archive?cursor=nope`).set(viewer.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });
});
