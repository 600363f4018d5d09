// Tasks, one at a time: create (defaults, fields, assignees, validation), read, update, delete,
// and the board scoping of task ids. Placement and moves: tasks-positions; lists: tasks-list;
// malformed requests: tasks-garbage-input.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import { addMember, createBoard, createLabel, createTask, fieldsOf, outcomesOf, registerUser, snapshot, tasksPath } from './support/fixtures.js';
import { tasksBoard, tasksBoardWithAbc, titlesIn } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('tasks (e2e)', () => {
  const t = useTestApp();

  describe('POST /boards/:boardId/tasks', () => {
    it('creates a task with defaults and returns the full task view', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: '  Write tests  ' }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        boardId: board.id,
        columnId: todo.id,
        title: 'Write tests',
        description: '',
        position: expect.any(String),
        assigneeIds: [],
        labelIds: [],
        dueAt: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        createdBy: owner.user.id,
        updatedBy: owner.user.id,
        archivedAt: null,
        completedAt: null,
        commentCount: 0,
        checklist: { done: 0, total: 0 },
      });
    });

    it('answers 404 COLUMN_NOT_FOUND for an unknown column or a column of another board', async () => {
      const { owner, board } = await tasksBoard(t);
      const other = await createBoard(t, owner.auth, { name: 'Other' });
      for (const columnId of [randomUUID(), other.columns[0].id]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId, title: 'X' }).expect(404);
        expect(res.body.code).toBe('COLUMN_NOT_FOUND');
      }
      expect((await snapshot(t, owner.auth, other.id)).tasks).toEqual([]);
    });

    it('stores label ids, description and dueAt (normalised to UTC ISO-8601)', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const labels = [await createLabel(t, owner.auth, board.id, 'bug'), await createLabel(t, owner.auth, board.id, 'p1'), await createLabel(t, owner.auth, board.id, 'ünïcödé 🚀')];
      const task = await createTask(t, owner.auth, board.id, {
        columnId: todo.id,
        title: 'Labelled',
        description: 'Some *markdown*',
        labelIds: labels.map((l) => l.id),
        dueAt: '2030-05-06T07:08:09+02:00',
      });
      expect(task).toMatchObject({ description: 'Some *markdown*', labelIds: labels.map((l) => l.id), dueAt: '2030-05-06T05:08:09.000Z' });
      const fetched = await t.http().get(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(200);
      expect(fetched.body).toEqual(task);
    });

    it('accepts board members as assignees and rejects non-members with 400 listing assigneeIds', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const editor = await addMember(t, owner.auth, board.id, 'editor');
      const viewer = await addMember(t, owner.auth, board.id, 'viewer');
      const stranger = await registerUser(t);

      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Assigned', assigneeIds: [editor.user.id, viewer.user.id] });
      expect(task.assigneeIds).toEqual([editor.user.id, viewer.user.id]);

      for (const assigneeIds of [[stranger.user.id], [owner.user.id, stranger.user.id], [randomUUID()]]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', assigneeIds }).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(res.body)).toEqual(['assigneeIds']);
      }
      expect((await snapshot(t, owner.auth, board.id)).tasks.map((x) => x.title)).toEqual(['Assigned']);
    });

    it('does not keep the same assignee twice when their id is sent in two letter cases', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'Twice', assigneeIds: [owner.user.id, owner.user.id.toUpperCase()] });
      if (res.status === 400) {
        expect(fieldsOf(res.body)).toEqual(['assigneeIds']);
      } else {
        expect(res.status).toBe(201);
        expect(res.body.assigneeIds).toEqual([owner.user.id]);
      }
    });

    it('rejects invalid fields with 400 VALIDATION_FAILED listing every field', async () => {
      const { owner, board } = await tasksBoard(t);
      const res = await t.http()
        .post(tasksPath(board.id))
        .set(owner.auth)
        .send({
          columnId: 'not-a-uuid',
          title: '   ',
          description: 42,
          labelIds: ['ok', 'ok', ''],
          assigneeIds: ['nope'],
          dueAt: 'tomorrow',
          afterTaskId: 'x',
          beforeTaskId: 5,
          position: 'a0',
        })
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      expect(fieldsOf(res.body)).toEqual(['afterTaskId', 'assigneeIds', 'beforeTaskId', 'columnId', 'description', 'dueAt', 'labelIds', 'position', 'title']);
      for (const detail of res.body.details as { field: string; errors: string[] }[]) {
        expect(detail.errors.length).toBeGreaterThan(0);
        for (const message of detail.errors) expect(message).toEqual(expect.any(String));
      }
    });

    it.each([
      ['a title over 500 characters', { title: 'x'.repeat(501) }, ['title']],
      ['a description over 20000 characters', { title: 'ok', description: 'x'.repeat(20_001) }, ['description']],
      ['more than 50 labels', { title: 'ok', labelIds: Array.from({ length: 51 }, () => randomUUID()) }, ['labelIds']],
      ['a label id that is not a UUID', { title: 'ok', labelIds: ['bug'] }, ['labelIds']],
      ['a label id of no label of the board', { title: 'ok', labelIds: [randomUUID()] }, ['labelIds']],
      ['duplicate assignees', { title: 'ok', assigneeIds: ['6f1c1f4e-8a43-4a5e-9d59-2f1c8e0d1a11', '6f1c1f4e-8a43-4a5e-9d59-2f1c8e0d1a11'] }, ['assigneeIds']],
      ['an impossible date', { title: 'ok', dueAt: '2030-02-30T00:00:00Z' }, ['dueAt']],
    ])('rejects %s with 400', async (_what, body, fields) => {
      const { owner, board, todo } = await tasksBoard(t);
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, ...body }).expect(400);
      expect(fieldsOf(res.body)).toEqual(fields);
    });
  });

  describe('GET /boards/:boardId/tasks/:taskId', () => {
    it('returns one task', async () => {
      const { owner, board, b } = await tasksBoardWithAbc(t);
      const res = await t.http().get(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).expect(200);
      expect(res.body).toEqual(b);
    });

    it('answers 404 TASK_NOT_FOUND for an unknown id', async () => {
      const { owner, board } = await tasksBoard(t);
      const res = await t.http().get(`${tasksPath(board.id)}/${randomUUID()}`).set(owner.auth).expect(404);
      expect(res.body.code).toBe('TASK_NOT_FOUND');
    });
  });

  describe('PATCH /boards/:boardId/tasks/:taskId', () => {
    it('updates the given fields only; version grows by one and updatedBy is the caller', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const editor = await addMember(t, owner.auth, board.id, 'editor');
      const [a, b, c] = [await createLabel(t, owner.auth, board.id, 'a'), await createLabel(t, owner.auth, board.id, 'b'), await createLabel(t, owner.auth, board.id, 'c')];
      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Old', description: 'keep me', labelIds: [a.id], dueAt: '2030-01-01T00:00:00Z' });

      const res = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(editor.auth).send({ title: ' New ', labelIds: [b.id, c.id], assigneeIds: [editor.user.id] }).expect(200);
      expect(res.body).toEqual({
        ...task,
        title: 'New',
        labelIds: [b.id, c.id],
        assigneeIds: [editor.user.id],
        version: 2,
        updatedAt: expect.any(String),
        updatedBy: editor.user.id,
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));

      const again = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ description: '' }).expect(200);
      expect(again.body).toMatchObject({ title: 'New', description: '', version: 3, updatedBy: owner.user.id, dueAt: '2030-01-01T00:00:00.000Z' });
    });

    it('clears dueAt with null, and labels and assignees with empty arrays', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const x = await createLabel(t, owner.auth, board.id, 'x');
      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Due', labelIds: [x.id], assigneeIds: [owner.user.id], dueAt: '2031-12-31T23:59:59.000Z' });
      expect(task.dueAt).toBe('2031-12-31T23:59:59.000Z');
      const res = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ dueAt: null, labelIds: [], assigneeIds: [] }).expect(200);
      expect(res.body).toMatchObject({ dueAt: null, labelIds: [], assigneeIds: [], version: 2, title: 'Due' });
      expect((await t.http().get(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(200)).body.dueAt).toBeNull();
    });

    it('keeps dueAt when it is absent from the body', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Due', dueAt: '2031-01-01T00:00:00.000Z' });
      const res = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ title: 'Still due' }).expect(200);
      expect(res.body.dueAt).toBe('2031-01-01T00:00:00.000Z');
    });

    it('rejects non-member assignees and invalid or read-only fields with 400, changing nothing', async () => {
      const { owner, board, todo, done } = await tasksBoard(t);
      const stranger = await registerUser(t);
      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Stable' });
      const strangers = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ assigneeIds: [stranger.user.id] }).expect(400);
      expect(fieldsOf(strangers.body)).toEqual(['assigneeIds']);
      const invalid = await t.http()
        .patch(`${tasksPath(board.id)}/${task.id}`)
        .set(owner.auth)
        .send({ title: '', columnId: done.id, position: 'a0', version: 9, dueAt: 'soon' })
        .expect(400);
      expect(fieldsOf(invalid.body)).toEqual(['columnId', 'dueAt', 'position', 'title', 'version']);
      expect((await t.http().get(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(200)).body).toEqual(task);
    });

    it('answers 404 TASK_NOT_FOUND for an unknown task', async () => {
      const { owner, board } = await tasksBoard(t);
      const res = await t.http().patch(`${tasksPath(board.id)}/${randomUUID()}`).set(owner.auth).send({ title: 'x' }).expect(404);
      expect(res.body.code).toBe('TASK_NOT_FOUND');
      expect((await snapshot(t, owner.auth, board.id)).seq).toBe(0);
    });
  });

  describe('DELETE /boards/:boardId/tasks/:taskId', () => {
    it('deletes with 204; afterwards the task answers 404 everywhere', async () => {
      const { owner, board, todo, b } = await tasksBoardWithAbc(t);
      await t.http().delete(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).expect(204);
      const path = `${tasksPath(board.id)}/${b.id}`;
      const requests: [string, () => Test][] = [
        ['get', () => t.http().get(path)],
        ['update', () => t.http().patch(path).send({ title: 'x' })],
        ['move', () => t.http().post(`${path}/move`).send({ columnId: todo.id })],
        ['delete again', () => t.http().delete(path)],
      ];
      expect(await outcomesOf(owner.auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 404, code: 'TASK_NOT_FOUND' })));
      expect(await titlesIn(t, owner.auth, board.id, todo.id)).toEqual(['A', 'C']);
    });
  });

  describe('tasks of another board', () => {
    it('answers 404 TASK_NOT_FOUND for a task id of another board under this board path, and leaves it alone', async () => {
      const mine = await tasksBoard(t);
      const theirs = await tasksBoardWithAbc(t);
      // the caller may see the foreign task through its own board, so only the path scoping can refuse it
      await addMember(t, theirs.owner.auth, theirs.board.id, 'editor', mine.owner);
      const foreign = theirs.a;
      const path = `${tasksPath(mine.board.id)}/${foreign.id}`;
      const requests: [string, () => Test][] = [
        ['get', () => t.http().get(path)],
        ['update', () => t.http().patch(path).send({ title: 'stolen' })],
        ['move', () => t.http().post(`${path}/move`).send({ columnId: mine.todo.id })],
        ['delete', () => t.http().delete(path)],
      ];
      expect(await outcomesOf(mine.owner.auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 404, code: 'TASK_NOT_FOUND' })));
      expect((await t.http().get(`${tasksPath(theirs.board.id)}/${foreign.id}`).set(theirs.owner.auth).expect(200)).body).toEqual(foreign);
      expect((await snapshot(t, mine.owner.auth, mine.board.id)).tasks).toEqual([]);
    });
  });
});
