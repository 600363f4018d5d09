// Where tasks go: placement on create (append, afterTaskId / beforeTaskId anchors, byte order of
// fractional positions, bad anchors) and POST .../move within and across columns.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { TaskView } from '@tasklane/contracts';
import { createBoard, createTask, fieldsOf, snapshot, tasksPath } from './support/fixtures.js';
import { tasksBoard, tasksBoardWithAbc, titlesIn } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('tasks (e2e)', () => {
  const t = useTestApp();

  describe('POST /boards/:boardId/tasks', () => {
    it('appends to the end of the column by default', async () => {
      const { owner, board, todo, a, b, c } = await tasksBoardWithAbc(t);
      expect(a.position < b.position && b.position < c.position).toBe(true);
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('places a task right after afterTaskId', async () => {
      const { owner, board, todo, a, b, c } = await tasksBoardWithAbc(t);
      const ab = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'AB', afterTaskId: a.id });
      expect(a.position < ab.position && ab.position < b.position).toBe(true);
      await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'C+', afterTaskId: c.id });
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'AB', 'B', 'C', 'C+']);
    });

    it('places a task right before beforeTaskId', async () => {
      const { owner, board, todo, a, c } = await tasksBoardWithAbc(t);
      const first = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'first', beforeTaskId: a.id });
      expect(first.position < a.position).toBe(true);
      await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'BC', beforeTaskId: c.id });
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['first', 'A', 'B', 'BC', 'C']);
    });

    it('places a task between two adjacent anchors', async () => {
      const { owner, board, todo, b, c } = await tasksBoardWithAbc(t);
      const bc = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'BC', afterTaskId: b.id, beforeTaskId: c.id });
      expect(b.position < bc.position && bc.position < c.position).toBe(true);
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'BC', 'C']);
    });

    it('keeps byte order over many inserts into the same gap', async () => {
      const { owner, board, todo, a } = await tasksBoardWithAbc(t);
      const expected = ['A'];
      for (let i = 0; i < 15; i++) {
        await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `n${i}`, afterTaskId: a.id });
        expected.splice(1, 0, `n${i}`);
      }
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual([...expected, 'B', 'C']);
    });

    it('rejects anchors in the wrong order with 400 INVALID_POSITION and creates nothing', async () => {
      const { owner, board, todo, a, c } = await tasksBoardWithAbc(t);
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId: c.id, beforeTaskId: a.id }).expect(400);
      expect(res.body.code).toBe('INVALID_POSITION');
      const same = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId: a.id, beforeTaskId: a.id }).expect(400);
      expect(same.body.code).toBe('INVALID_POSITION');
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('never gives two tasks the same position, even with non-adjacent anchors', async () => {
      const { owner, board, todo, a, c } = await tasksBoardWithAbc(t);
      // "right after A" and "right before C" cannot both hold while B sits between them: either
      // refuse with INVALID_POSITION or place the task at a position of its own.
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId: a.id, beforeTaskId: c.id });
      if (res.status === 400) {
        expect(res.body.code).toBe('INVALID_POSITION');
      } else {
        expect(res.status).toBe(201);
      }
      const { tasks } = await snapshot(t, owner.auth, board.id);
      const positions = tasks.filter((task) => task.columnId === todo.id).map((task) => task.position);
      expect(new Set(positions).size).toBe(positions.length);
    });

    it('rejects an anchor from another column with 400 INVALID_POSITION', async () => {
      const { owner, board, todo, done, a } = await tasksBoardWithAbc(t);
      const other = await createTask(t, owner.auth, board.id, { columnId: done.id, title: 'elsewhere' });
      for (const anchor of [{ afterTaskId: other.id }, { beforeTaskId: other.id }, { afterTaskId: a.id, beforeTaskId: other.id }]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', ...anchor });
        expect({ anchor, status: res.status, code: res.body.code }).toEqual({ anchor, status: 400, code: 'INVALID_POSITION' });
      }
      // also when the task is created in the anchor's neighbour column
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: done.id, title: 'X', afterTaskId: a.id }).expect(400);
      expect(res.body.code).toBe('INVALID_POSITION');
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('answers 404 TASK_NOT_FOUND for an unknown anchor, and for an anchor on another board', async () => {
      const { owner, board, todo } = await tasksBoardWithAbc(t);
      const elsewhere = await tasksBoard(t);
      const foreign = await createTask(t, elsewhere.owner.auth, elsewhere.board.id, { columnId: elsewhere.todo.id, title: 'foreign' });
      for (const afterTaskId of [randomUUID(), foreign.id]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId }).expect(404);
        expect(res.body.code).toBe('TASK_NOT_FOUND');
      }
    });

    it('accepts upper-case UUIDs for columnId and anchors, like it does in paths', async () => {
      const { owner, board, todo, a, b } = await tasksBoardWithAbc(t);
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id.toUpperCase(), title: 'AB', afterTaskId: a.id.toUpperCase() });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 201, code: undefined });
      expect(res.body.columnId).toBe(todo.id);
      expect(a.position < res.body.position && res.body.position < b.position).toBe(true);
      const moved = await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: todo.id.toUpperCase(), beforeTaskId: a.id.toUpperCase() });
      expect({ status: moved.status, code: moved.body.code }).toEqual({ status: 200, code: undefined });
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['B', 'A', 'AB', 'C']);
    });
  });

  describe('POST /boards/:boardId/tasks/:taskId/move', () => {
    it('reorders within a column', async () => {
      const { owner, board, todo, a, b, c } = await tasksBoardWithAbc(t);
      const moved = await t.http().post(`${tasksPath(board.id)}/${c.id}/move`).set(owner.auth).send({ columnId: todo.id, afterTaskId: a.id }).expect(200);
      expect(moved.body).toMatchObject({ id: c.id, columnId: todo.id, version: 2, updatedBy: owner.user.id });
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'C', 'B']);

      await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: todo.id, beforeTaskId: a.id }).expect(200);
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['B', 'A', 'C']);

      await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: todo.id }).expect(200);
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'C', 'B']);

      await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ columnId: todo.id, afterTaskId: c.id, beforeTaskId: b.id }).expect(200);
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['C', 'A', 'B']);
    });

    it('moving a task to the end when it already is last keeps the order', async () => {
      const { owner, board, todo, c } = await tasksBoardWithAbc(t);
      await t.http().post(`${tasksPath(board.id)}/${c.id}/move`).set(owner.auth).send({ columnId: todo.id }).expect(200);
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('moves across columns: to the end of the target by default, or between anchors', async () => {
      const { owner, board, todo, done, a, b, c } = await tasksBoardWithAbc(t);
      const moved = await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: done.id }).expect(200);
      expect(moved.body).toMatchObject({ id: b.id, columnId: done.id, title: 'B', version: 2 });
      await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ columnId: done.id, beforeTaskId: b.id }).expect(200);
      await t.http().post(`${tasksPath(board.id)}/${c.id}/move`).set(owner.auth).send({ columnId: done.id, afterTaskId: a.id, beforeTaskId: b.id }).expect(200);
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual([]);
      expect(await titlesIn(t, owner.auth, board.id, done.id)).toEqual(['A', 'C', 'B']);
      // snapshot order is (column position, task position)
      const snap = await snapshot(t, owner.auth, board.id);
      expect(snap.tasks.map((task) => task.title)).toEqual(['A', 'C', 'B']);
      const filtered = await t.http().get(tasksPath(board.id)).query({ columnId: done.id }).set(owner.auth).expect(200);
      expect(filtered.body.items.map((task: TaskView) => task.title).sort()).toEqual(['A', 'B', 'C']);
    });

    it('rejects bad anchors: the task itself, wrong order, another column (400) and unknown ones (404)', async () => {
      const { owner, board, todo, done, a, b, c } = await tasksBoardWithAbc(t);
      const elsewhere = await createTask(t, owner.auth, board.id, { columnId: done.id, title: 'elsewhere' });
      const move = (id: string, body: Record<string, unknown>) => t.http().post(`${tasksPath(board.id)}/${id}/move`).set(owner.auth).send(body);
      const cases: [string, Record<string, unknown>, number, string][] = [
        [b.id, { columnId: todo.id, afterTaskId: b.id }, 400, 'INVALID_POSITION'],
        [b.id, { columnId: todo.id, beforeTaskId: b.id }, 400, 'INVALID_POSITION'],
        [b.id, { columnId: todo.id, afterTaskId: c.id, beforeTaskId: a.id }, 400, 'INVALID_POSITION'],
        [b.id, { columnId: todo.id, afterTaskId: elsewhere.id }, 400, 'INVALID_POSITION'],
        [b.id, { columnId: done.id, afterTaskId: a.id }, 400, 'INVALID_POSITION'],
        [b.id, { columnId: todo.id, afterTaskId: randomUUID() }, 404, 'TASK_NOT_FOUND'],
        [b.id, { columnId: randomUUID() }, 404, 'COLUMN_NOT_FOUND'],
        [randomUUID(), { columnId: todo.id }, 404, 'TASK_NOT_FOUND'],
      ];
      for (const [id, body, status, code] of cases) {
        const res = await move(id, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
      }
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
      expect((await t.http().get(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).expect(200)).body.version).toBe(1);
    });

    it('answers 404 COLUMN_NOT_FOUND when moving to a column of another board', async () => {
      const { owner, board, a } = await tasksBoardWithAbc(t);
      const other = await createBoard(t, owner.auth, { name: 'Other' });
      const res = await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ columnId: other.columns[0].id }).expect(404);
      expect(res.body.code).toBe('COLUMN_NOT_FOUND');
      expect((await snapshot(t, owner.auth, other.id)).tasks).toEqual([]);
    });

    it('rejects a body without columnId or with extra fields with 400', async () => {
      const { owner, board, a } = await tasksBoardWithAbc(t);
      const res = await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ title: 'x', position: 'a0' }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['columnId', 'position', 'title']);
    });
  });
});
