import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import type { BoardSnapshot, Page, TaskView } from '@tasklane/contracts';
import { createBoard, registerUser, startTestApp, type TestApp } from './support/test-app.js';

type Auth = { Authorization: string };
type User = Awaited<ReturnType<typeof registerUser>>;

/** Byte-order comparison, the order fractional-index keys are defined in (not localeCompare). */
const byPosition = (a: { position: string }, b: { position: string }) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);
const fieldsOf = (body: { details?: { field: string }[] }) => [...new Set((body.details ?? []).map((d) => d.field))].sort();

describe('tasks (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const tasksPath = (boardId: string) => `/api/v1/boards/${boardId}/tasks`;

  const snapshot = async (auth: Auth, boardId: string): Promise<BoardSnapshot> =>
    (await t.http().get(`/api/v1/boards/${boardId}`).set(auth).expect(200)).body as BoardSnapshot;

  const createTask = async (auth: Auth, boardId: string, body: Record<string, unknown>): Promise<TaskView> =>
    (await t.http().post(tasksPath(boardId)).set(auth).send(body).expect(201)).body as TaskView;

  /**
   * Titles of a column's tasks in position order. Sorts by byte order here and checks that the
   * snapshot returns the same order and that no two tasks share a position.
   */
  const titlesIn = async (auth: Auth, boardId: string, columnId: string): Promise<string[]> => {
    const { tasks } = await snapshot(auth, boardId);
    const inColumn = tasks.filter((task) => task.columnId === columnId);
    const sorted = [...inColumn].sort(byPosition);
    expect(inColumn.map((task) => task.id)).toEqual(sorted.map((task) => task.id));
    expect(new Set(inColumn.map((task) => task.position)).size).toBe(inColumn.length);
    return sorted.map((task) => task.title);
  };

  /** An owner and a board with columns Todo and Done. */
  const setup = async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth, { name: 'Tasks', columns: ['Todo', 'Done'] });
    const [todo, done] = board.columns;
    return { owner, board, todo, done };
  };

  /** setup() plus tasks A, B, C appended to Todo in that order. */
  const withAbc = async () => {
    const s = await setup();
    const a = await createTask(s.owner.auth, s.board.id, { columnId: s.todo.id, title: 'A' });
    const b = await createTask(s.owner.auth, s.board.id, { columnId: s.todo.id, title: 'B' });
    const c = await createTask(s.owner.auth, s.board.id, { columnId: s.todo.id, title: 'C' });
    return { ...s, a, b, c };
  };

  /** Sends labelled requests in order as `auth`; returns each one's status and error code. */
  const outcomesOf = async (auth: Auth, requests: [string, () => Test][]) => {
    const outcomes: { label: string; status: number; code: unknown }[] = [];
    for (const [label, send] of requests) {
      const res = await send().set(auth);
      outcomes.push({ label, status: res.status, code: res.body.code });
    }
    return outcomes;
  };

  const addMember = async (owner: Auth, boardId: string, role: 'editor' | 'viewer'): Promise<User> => {
    const user = await registerUser(t);
    await t.http().post(`/api/v1/boards/${boardId}/members`).set(owner).send({ email: user.user.email, role }).expect(201);
    return user;
  };

  describe('POST /boards/:boardId/tasks', () => {
    it('creates a task with defaults and returns the full task view', async () => {
      const { owner, board, todo } = await setup();
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: '  Write tests  ' }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        boardId: board.id,
        columnId: todo.id,
        title: 'Write tests',
        description: '',
        position: expect.any(String),
        assigneeIds: [],
        labels: [],
        dueAt: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        createdBy: owner.user.id,
        updatedBy: owner.user.id,
      });
    });

    it('appends to the end of the column by default', async () => {
      const { owner, board, todo, a, b, c } = await withAbc();
      expect(a.position < b.position && b.position < c.position).toBe(true);
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('places a task right after afterTaskId', async () => {
      const { owner, board, todo, a, b, c } = await withAbc();
      const ab = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'AB', afterTaskId: a.id });
      expect(a.position < ab.position && ab.position < b.position).toBe(true);
      await createTask(owner.auth, board.id, { columnId: todo.id, title: 'C+', afterTaskId: c.id });
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'AB', 'B', 'C', 'C+']);
    });

    it('places a task right before beforeTaskId', async () => {
      const { owner, board, todo, a, c } = await withAbc();
      const first = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'first', beforeTaskId: a.id });
      expect(first.position < a.position).toBe(true);
      await createTask(owner.auth, board.id, { columnId: todo.id, title: 'BC', beforeTaskId: c.id });
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['first', 'A', 'B', 'BC', 'C']);
    });

    it('places a task between two adjacent anchors', async () => {
      const { owner, board, todo, b, c } = await withAbc();
      const bc = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'BC', afterTaskId: b.id, beforeTaskId: c.id });
      expect(b.position < bc.position && bc.position < c.position).toBe(true);
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'BC', 'C']);
    });

    it('keeps byte order over many inserts into the same gap', async () => {
      const { owner, board, todo, a } = await withAbc();
      const expected = ['A'];
      for (let i = 0; i < 15; i++) {
        await createTask(owner.auth, board.id, { columnId: todo.id, title: `n${i}`, afterTaskId: a.id });
        expected.splice(1, 0, `n${i}`);
      }
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual([...expected, 'B', 'C']);
    });

    it('rejects anchors in the wrong order with 400 INVALID_POSITION and creates nothing', async () => {
      const { owner, board, todo, a, c } = await withAbc();
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId: c.id, beforeTaskId: a.id }).expect(400);
      expect(res.body.code).toBe('INVALID_POSITION');
      const same = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId: a.id, beforeTaskId: a.id }).expect(400);
      expect(same.body.code).toBe('INVALID_POSITION');
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('never gives two tasks the same position, even with non-adjacent anchors', async () => {
      const { owner, board, todo, a, c } = await withAbc();
      // "right after A" and "right before C" cannot both hold while B sits between them: either
      // refuse with INVALID_POSITION or place the task at a position of its own.
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId: a.id, beforeTaskId: c.id });
      if (res.status === 400) {
        expect(res.body.code).toBe('INVALID_POSITION');
      } else {
        expect(res.status).toBe(201);
      }
      const { tasks } = await snapshot(owner.auth, board.id);
      const positions = tasks.filter((task) => task.columnId === todo.id).map((task) => task.position);
      expect(new Set(positions).size).toBe(positions.length);
    });

    it('rejects an anchor from another column with 400 INVALID_POSITION', async () => {
      const { owner, board, todo, done, a } = await withAbc();
      const other = await createTask(owner.auth, board.id, { columnId: done.id, title: 'elsewhere' });
      for (const anchor of [{ afterTaskId: other.id }, { beforeTaskId: other.id }, { afterTaskId: a.id, beforeTaskId: other.id }]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', ...anchor });
        expect({ anchor, status: res.status, code: res.body.code }).toEqual({ anchor, status: 400, code: 'INVALID_POSITION' });
      }
      // also when the task is created in the anchor's neighbour column
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: done.id, title: 'X', afterTaskId: a.id }).expect(400);
      expect(res.body.code).toBe('INVALID_POSITION');
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('answers 404 TASK_NOT_FOUND for an unknown anchor, and for an anchor on another board', async () => {
      const { owner, board, todo } = await withAbc();
      const elsewhere = await setup();
      const foreign = await createTask(elsewhere.owner.auth, elsewhere.board.id, { columnId: elsewhere.todo.id, title: 'foreign' });
      for (const afterTaskId of [randomUUID(), foreign.id]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', afterTaskId }).expect(404);
        expect(res.body.code).toBe('TASK_NOT_FOUND');
      }
    });

    it('answers 404 COLUMN_NOT_FOUND for an unknown column or a column of another board', async () => {
      const { owner, board } = await setup();
      const other = await createBoard(t, owner.auth, { name: 'Other' });
      for (const columnId of [randomUUID(), other.columns[0].id]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId, title: 'X' }).expect(404);
        expect(res.body.code).toBe('COLUMN_NOT_FOUND');
      }
      expect((await snapshot(owner.auth, other.id)).tasks).toEqual([]);
    });

    it('stores labels, description and dueAt (normalised to UTC ISO-8601)', async () => {
      const { owner, board, todo } = await setup();
      const task = await createTask(owner.auth, board.id, {
        columnId: todo.id,
        title: 'Labelled',
        description: 'Some *markdown*',
        labels: ['bug', 'p1', 'ünïcödé 🚀'],
        dueAt: '2030-05-06T07:08:09+02:00',
      });
      expect(task).toMatchObject({ description: 'Some *markdown*', labels: ['bug', 'p1', 'ünïcödé 🚀'], dueAt: '2030-05-06T05:08:09.000Z' });
      const fetched = await t.http().get(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(200);
      expect(fetched.body).toEqual(task);
    });

    it('accepts board members as assignees and rejects non-members with 400 listing assigneeIds', async () => {
      const { owner, board, todo } = await setup();
      const editor = await addMember(owner.auth, board.id, 'editor');
      const viewer = await addMember(owner.auth, board.id, 'viewer');
      const stranger = await registerUser(t);

      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'Assigned', assigneeIds: [editor.user.id, viewer.user.id] });
      expect(task.assigneeIds).toEqual([editor.user.id, viewer.user.id]);

      for (const assigneeIds of [[stranger.user.id], [owner.user.id, stranger.user.id], [randomUUID()]]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', assigneeIds }).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(res.body)).toEqual(['assigneeIds']);
      }
      expect((await snapshot(owner.auth, board.id)).tasks.map((x) => x.title)).toEqual(['Assigned']);
    });

    it('does not keep the same assignee twice when their id is sent in two letter cases', async () => {
      const { owner, board, todo } = await setup();
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'Twice', assigneeIds: [owner.user.id, owner.user.id.toUpperCase()] });
      if (res.status === 400) {
        expect(fieldsOf(res.body)).toEqual(['assigneeIds']);
      } else {
        expect(res.status).toBe(201);
        expect(res.body.assigneeIds).toEqual([owner.user.id]);
      }
    });

    it('accepts upper-case UUIDs for columnId and anchors, like it does in paths', async () => {
      const { owner, board, todo, a, b } = await withAbc();
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id.toUpperCase(), title: 'AB', afterTaskId: a.id.toUpperCase() });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 201, code: undefined });
      expect(res.body.columnId).toBe(todo.id);
      expect(a.position < res.body.position && res.body.position < b.position).toBe(true);
      const moved = await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: todo.id.toUpperCase(), beforeTaskId: a.id.toUpperCase() });
      expect({ status: moved.status, code: moved.body.code }).toEqual({ status: 200, code: undefined });
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['B', 'A', 'AB', 'C']);
    });

    it('rejects invalid fields with 400 VALIDATION_FAILED listing every field', async () => {
      const { owner, board } = await setup();
      const res = await t.http()
        .post(tasksPath(board.id))
        .set(owner.auth)
        .send({
          columnId: 'not-a-uuid',
          title: '   ',
          description: 42,
          labels: ['ok', 'ok', ''],
          assigneeIds: ['nope'],
          dueAt: 'tomorrow',
          afterTaskId: 'x',
          beforeTaskId: 5,
          position: 'a0',
        })
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      expect(fieldsOf(res.body)).toEqual(['afterTaskId', 'assigneeIds', 'beforeTaskId', 'columnId', 'description', 'dueAt', 'labels', 'position', 'title']);
      for (const detail of res.body.details as { field: string; errors: string[] }[]) {
        expect(detail.errors.length).toBeGreaterThan(0);
        for (const message of detail.errors) expect(message).toEqual(expect.any(String));
      }
    });

    it.each([
      ['a title over 500 characters', { title: 'x'.repeat(501) }, ['title']],
      ['a description over 20000 characters', { title: 'ok', description: 'x'.repeat(20_001) }, ['description']],
      ['more than 50 labels', { title: 'ok', labels: Array.from({ length: 51 }, (_, i) => `l${i}`) }, ['labels']],
      ['a label over 50 characters', { title: 'ok', labels: ['x'.repeat(51)] }, ['labels']],
      ['duplicate assignees', { title: 'ok', assigneeIds: ['6f1c1f4e-8a43-4a5e-9d59-2f1c8e0d1a11', '6f1c1f4e-8a43-4a5e-9d59-2f1c8e0d1a11'] }, ['assigneeIds']],
      ['an impossible date', { title: 'ok', dueAt: '2030-02-30T00:00:00Z' }, ['dueAt']],
    ])('rejects %s with 400', async (_what, body, fields) => {
      const { owner, board, todo } = await setup();
      const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, ...body }).expect(400);
      expect(fieldsOf(res.body)).toEqual(fields);
    });
  });

  describe('GET /boards/:boardId/tasks pagination under deletes', () => {
    it('does not cut the list short when the last task of a page is deleted before the next page', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth, { name: 'Pages' });
      const path = `/api/v1/boards/${board.id}/tasks`;
      const ids: string[] = [];
      for (const title of ['one', 'two', 'three']) {
        ids.push((await t.http().post(path).set(owner.auth).send({ columnId: board.columns[0].id, title }).expect(201)).body.id);
      }
      const first = await t.http().get(path).query({ limit: 1 }).set(owner.auth).expect(200);
      expect(first.body.items.map((x: TaskView) => x.id)).toEqual([ids[0]]);
      await t.http().delete(`${path}/${ids[0]}`).set(owner.auth).expect(204);
      const next = await t.http().get(path).query({ limit: 5, cursor: first.body.nextCursor }).set(owner.auth).expect(200);
      expect(next.body.items.map((x: TaskView) => x.id)).toEqual([ids[1], ids[2]]);
      expect(next.body.nextCursor).toBeNull();
    });
  });

  describe('GET /boards/:boardId/tasks/:taskId', () => {
    it('returns one task', async () => {
      const { owner, board, b } = await withAbc();
      const res = await t.http().get(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).expect(200);
      expect(res.body).toEqual(b);
    });

    it('answers 404 TASK_NOT_FOUND for an unknown id', async () => {
      const { owner, board } = await setup();
      const res = await t.http().get(`${tasksPath(board.id)}/${randomUUID()}`).set(owner.auth).expect(404);
      expect(res.body.code).toBe('TASK_NOT_FOUND');
    });
  });

  describe('PATCH /boards/:boardId/tasks/:taskId', () => {
    it('updates the given fields only; version grows by one and updatedBy is the caller', async () => {
      const { owner, board, todo } = await setup();
      const editor = await addMember(owner.auth, board.id, 'editor');
      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'Old', description: 'keep me', labels: ['a'], dueAt: '2030-01-01T00:00:00Z' });

      const res = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(editor.auth).send({ title: ' New ', labels: ['b', 'c'], assigneeIds: [editor.user.id] }).expect(200);
      expect(res.body).toEqual({
        ...task,
        title: 'New',
        labels: ['b', 'c'],
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
      const { owner, board, todo } = await setup();
      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'Due', labels: ['x'], assigneeIds: [owner.user.id], dueAt: '2031-12-31T23:59:59.000Z' });
      expect(task.dueAt).toBe('2031-12-31T23:59:59.000Z');
      const res = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ dueAt: null, labels: [], assigneeIds: [] }).expect(200);
      expect(res.body).toMatchObject({ dueAt: null, labels: [], assigneeIds: [], version: 2, title: 'Due' });
      expect((await t.http().get(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(200)).body.dueAt).toBeNull();
    });

    it('keeps dueAt when it is absent from the body', async () => {
      const { owner, board, todo } = await setup();
      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'Due', dueAt: '2031-01-01T00:00:00.000Z' });
      const res = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ title: 'Still due' }).expect(200);
      expect(res.body.dueAt).toBe('2031-01-01T00:00:00.000Z');
    });

    it('rejects non-member assignees and invalid or read-only fields with 400, changing nothing', async () => {
      const { owner, board, todo, done } = await setup();
      const stranger = await registerUser(t);
      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'Stable' });
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
      const { owner, board } = await setup();
      const res = await t.http().patch(`${tasksPath(board.id)}/${randomUUID()}`).set(owner.auth).send({ title: 'x' }).expect(404);
      expect(res.body.code).toBe('TASK_NOT_FOUND');
      expect((await snapshot(owner.auth, board.id)).seq).toBe(0);
    });
  });

  describe('POST /boards/:boardId/tasks/:taskId/move', () => {
    it('reorders within a column', async () => {
      const { owner, board, todo, a, b, c } = await withAbc();
      const moved = await t.http().post(`${tasksPath(board.id)}/${c.id}/move`).set(owner.auth).send({ columnId: todo.id, afterTaskId: a.id }).expect(200);
      expect(moved.body).toMatchObject({ id: c.id, columnId: todo.id, version: 2, updatedBy: owner.user.id });
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'C', 'B']);

      await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: todo.id, beforeTaskId: a.id }).expect(200);
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['B', 'A', 'C']);

      await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: todo.id }).expect(200);
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'C', 'B']);

      await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ columnId: todo.id, afterTaskId: c.id, beforeTaskId: b.id }).expect(200);
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['C', 'A', 'B']);
    });

    it('moving a task to the end when it already is last keeps the order', async () => {
      const { owner, board, todo, c } = await withAbc();
      await t.http().post(`${tasksPath(board.id)}/${c.id}/move`).set(owner.auth).send({ columnId: todo.id }).expect(200);
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
    });

    it('moves across columns: to the end of the target by default, or between anchors', async () => {
      const { owner, board, todo, done, a, b, c } = await withAbc();
      const moved = await t.http().post(`${tasksPath(board.id)}/${b.id}/move`).set(owner.auth).send({ columnId: done.id }).expect(200);
      expect(moved.body).toMatchObject({ id: b.id, columnId: done.id, title: 'B', version: 2 });
      await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ columnId: done.id, beforeTaskId: b.id }).expect(200);
      await t.http().post(`${tasksPath(board.id)}/${c.id}/move`).set(owner.auth).send({ columnId: done.id, afterTaskId: a.id, beforeTaskId: b.id }).expect(200);
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual([]);
      expect(await titlesIn(owner.auth, board.id, done.id)).toEqual(['A', 'C', 'B']);
      // snapshot order is (column position, task position)
      const snap = await snapshot(owner.auth, board.id);
      expect(snap.tasks.map((task) => task.title)).toEqual(['A', 'C', 'B']);
      const filtered = await t.http().get(tasksPath(board.id)).query({ columnId: done.id }).set(owner.auth).expect(200);
      expect(filtered.body.items.map((task: TaskView) => task.title).sort()).toEqual(['A', 'B', 'C']);
    });

    it('rejects bad anchors: the task itself, wrong order, another column (400) and unknown ones (404)', async () => {
      const { owner, board, todo, done, a, b, c } = await withAbc();
      const elsewhere = await createTask(owner.auth, board.id, { columnId: done.id, title: 'elsewhere' });
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
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'B', 'C']);
      expect((await t.http().get(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).expect(200)).body.version).toBe(1);
    });

    it('answers 404 COLUMN_NOT_FOUND when moving to a column of another board', async () => {
      const { owner, board, a } = await withAbc();
      const other = await createBoard(t, owner.auth, { name: 'Other' });
      const res = await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ columnId: other.columns[0].id }).expect(404);
      expect(res.body.code).toBe('COLUMN_NOT_FOUND');
      expect((await snapshot(owner.auth, other.id)).tasks).toEqual([]);
    });

    it('rejects a body without columnId or with extra fields with 400', async () => {
      const { owner, board, a } = await withAbc();
      const res = await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ title: 'x', position: 'a0' }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['columnId', 'position', 'title']);
    });
  });

  describe('DELETE /boards/:boardId/tasks/:taskId', () => {
    it('deletes with 204; afterwards the task answers 404 everywhere', async () => {
      const { owner, board, todo, b } = await withAbc();
      await t.http().delete(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).expect(204);
      const path = `${tasksPath(board.id)}/${b.id}`;
      const requests: [string, () => Test][] = [
        ['get', () => t.http().get(path)],
        ['update', () => t.http().patch(path).send({ title: 'x' })],
        ['move', () => t.http().post(`${path}/move`).send({ columnId: todo.id })],
        ['delete again', () => t.http().delete(path)],
      ];
      expect(await outcomesOf(owner.auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 404, code: 'TASK_NOT_FOUND' })));
      expect(await titlesIn(owner.auth, board.id, todo.id)).toEqual(['A', 'C']);
    });
  });

  describe('tasks of another board', () => {
    it('answers 404 TASK_NOT_FOUND for a task id of another board under this board path, and leaves it alone', async () => {
      const mine = await setup();
      const theirs = await withAbc();
      // the caller may see the foreign task through its own board, so only the path scoping can refuse it
      await t.http().post(`/api/v1/boards/${theirs.board.id}/members`).set(theirs.owner.auth).send({ email: mine.owner.user.email, role: 'editor' }).expect(201);
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
      expect((await snapshot(mine.owner.auth, mine.board.id)).tasks).toEqual([]);
    });
  });

  describe('GET /boards/:boardId/tasks', () => {
    /** A board with tasks for the filter tests; returns ids by title. */
    const searchBoard = async () => {
      const s = await setup();
      const editor = await addMember(s.owner.auth, s.board.id, 'editor');
      const specs: Record<string, unknown>[] = [
        { columnId: s.todo.id, title: 'Fix LOGIN bug', assigneeIds: [editor.user.id] },
        { columnId: s.done.id, title: 'Write docs', description: 'mention the login page' },
        { columnId: s.todo.id, title: '100% done', assigneeIds: [editor.user.id, s.owner.user.id] },
        { columnId: s.done.id, title: '100 percent' },
        { columnId: s.todo.id, title: 'under_score' },
        { columnId: s.done.id, title: 'underXscore' },
        { columnId: s.todo.id, title: 'back\\slash' },
      ];
      const ids: Record<string, string> = {};
      for (const spec of specs) {
        const task = await createTask(s.owner.auth, s.board.id, spec);
        ids[task.title] = task.id;
      }
      return { ...s, editor, ids };
    };

    const titles = async (auth: Auth, boardId: string, query: Record<string, string | number>): Promise<string[]> => {
      const res = await t.http().get(tasksPath(boardId)).query(query).set(auth).expect(200);
      const page = res.body as Page<TaskView>;
      expect(page.nextCursor).toBeNull();
      return page.items.map((task) => task.title);
    };

    it('lists all tasks of the board, oldest first', async () => {
      const { owner, board } = await searchBoard();
      expect(await titles(owner.auth, board.id, {})).toEqual(['Fix LOGIN bug', 'Write docs', '100% done', '100 percent', 'under_score', 'underXscore', 'back\\slash']);
    });

    it('filters by columnId', async () => {
      const { owner, board, done } = await searchBoard();
      expect(await titles(owner.auth, board.id, { columnId: done.id })).toEqual(['Write docs', '100 percent', 'underXscore']);
      expect(await titles(owner.auth, board.id, { columnId: randomUUID() })).toEqual([]);
    });

    it('filters by assigneeId', async () => {
      const { owner, board, editor } = await searchBoard();
      expect(await titles(owner.auth, board.id, { assigneeId: editor.user.id })).toEqual(['Fix LOGIN bug', '100% done']);
      expect(await titles(owner.auth, board.id, { assigneeId: owner.user.id })).toEqual(['100% done']);
    });

    it('filters by q: case-insensitive substring of title or description', async () => {
      const { owner, board } = await searchBoard();
      expect(await titles(owner.auth, board.id, { q: 'login' })).toEqual(['Fix LOGIN bug', 'Write docs']);
      expect(await titles(owner.auth, board.id, { q: 'WRITE' })).toEqual(['Write docs']);
      expect(await titles(owner.auth, board.id, { q: 'nothing like this' })).toEqual([]);
    });

    it('treats %, _ and \\ in q literally', async () => {
      const { owner, board } = await searchBoard();
      expect(await titles(owner.auth, board.id, { q: '%' })).toEqual(['100% done']);
      expect(await titles(owner.auth, board.id, { q: '0%' })).toEqual(['100% done']);
      expect(await titles(owner.auth, board.id, { q: '_' })).toEqual(['under_score']);
      expect(await titles(owner.auth, board.id, { q: 'r_s' })).toEqual(['under_score']);
      expect(await titles(owner.auth, board.id, { q: '\\' })).toEqual(['back\\slash']);
      expect(await titles(owner.auth, board.id, { q: '%_%' })).toEqual([]);
    });

    it('combines filters', async () => {
      const { owner, board, editor, todo } = await searchBoard();
      expect(await titles(owner.auth, board.id, { columnId: todo.id, assigneeId: editor.user.id, q: '100' })).toEqual(['100% done']);
    });

    it('paginates with limit and cursor, with nextCursor null on the last page, also with filters', async () => {
      const { owner, board, todo } = await setup();
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await createTask(owner.auth, board.id, { columnId: todo.id, title: `Paged ${i}` })).id);

      const collect = async (query: Record<string, string | number>) => {
        const seen: string[] = [];
        let pages = 0;
        let cursor: string | null = null;
        do {
          const res = await t.http()
            .get(tasksPath(board.id))
            .query({ ...query, ...(cursor ? { cursor } : {}) })
            .set(owner.auth)
            .expect(200);
          const page = res.body as Page<TaskView>;
          expect(page.items.length).toBeLessThanOrEqual(Number(query.limit));
          seen.push(...page.items.map((task) => task.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        return { seen, pages };
      };

      expect(await collect({ limit: 3 })).toEqual({ seen: created, pages: 3 });
      expect(await collect({ limit: 7 })).toEqual({ seen: created, pages: 1 });
      expect(await collect({ limit: 2, q: 'paged 1' })).toEqual({ seen: [created[1]], pages: 1 });
    });

    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ columnId: 'nope' }, 'columnId'],
      [{ assigneeId: '123' }, 'assigneeId'],
      [{ q: 'x'.repeat(201) }, 'q'],
      [{ cursor: 'garbage' }, 'cursor'],
      [{ cursor: Buffer.from('-'.repeat(36)).toString('base64url') }, 'cursor'],
      [{ sort: 'title' }, 'sort'],
    ])('rejects the query %j with 400 naming %s', async (query, field) => {
      const { owner, board } = await setup();
      const res = await t.http().get(tasksPath(board.id)).query(query).set(owner.auth).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual([field]);
    });
  });

  describe('garbage input', () => {
    const expectClientError = (res: { status: number; body: { statusCode?: number; code?: string; requestId?: string } }, label: string) => {
      expect({ label, status: res.status < 500, body: res.body }).toEqual({
        label,
        status: true,
        body: expect.objectContaining({ statusCode: res.status, code: expect.any(String), requestId: expect.any(String) }),
      });
    };

    it('answers 400 to raw JSON bodies that are not objects, and to invalid JSON, never 500', async () => {
      const { owner, board, todo } = await setup();
      const raw = ['[]', `[{"columnId":"${todo.id}","title":"x"}]`, 'null', '"a string"', '123', 'true', '{', '{"title":}', '{"title":"x",}', "{'title':'x'}", 'NaN'];
      for (const body of raw) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', 'application/json').send(body);
        expectClientError(res, body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      expect((await snapshot(owner.auth, board.id)).tasks).toEqual([]);
    });

    it('answers 400 VALIDATION_FAILED to nulls, arrays and objects in place of scalars, never 500', async () => {
      const { owner, board, todo } = await setup();
      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'target' });
      const bodies: Record<string, unknown>[] = [
        { columnId: null, title: null },
        { columnId: todo.id, title: ['x'] },
        { columnId: todo.id, title: { $ne: '' } },
        { columnId: [todo.id], title: 'x' },
        { columnId: { id: todo.id }, title: 'x' },
        { columnId: todo.id, title: 'x', labels: [null] },
        { columnId: todo.id, title: 'x', labels: [[]] },
        { columnId: todo.id, title: 'x', labels: [{}] },
        { columnId: todo.id, title: 'x', labels: 'bug' },
        { columnId: todo.id, title: 'x', labels: { 0: 'bug' } },
        { columnId: todo.id, title: 'x', assigneeIds: [null] },
        { columnId: todo.id, title: 'x', assigneeIds: {} },
        { columnId: todo.id, title: 'x', dueAt: 1_900_000_000_000 },
        { columnId: todo.id, title: 'x', dueAt: {} },
        { columnId: todo.id, title: 'x', dueAt: [] },
        { columnId: todo.id, title: 'x', description: { text: 'x' } },
        { columnId: todo.id, title: 'x', afterTaskId: [task.id] },
        { columnId: todo.id, title: true },
        { columnId: todo.id, title: 1e308 },
        { columnId: todo.id, title: 'x', labels: [[[[[[[[[[['deep']]]]]]]]]]] },
      ];
      for (const body of bodies) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).send(body);
        expectClientError(res, JSON.stringify(body));
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      }
      const patches: Record<string, unknown>[] = [
        { title: ['x'] },
        { title: 5 },
        { labels: null, description: [] },
        { assigneeIds: 'everyone' },
        { dueAt: true },
        { dueAt: '' },
      ];
      for (const body of patches) {
        const res = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send(body);
        expectClientError(res, JSON.stringify(body));
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      const snap = await snapshot(owner.auth, board.id);
      expect(snap.tasks).toEqual([task]);
      expect(snap.seq).toBe(1);
    });

    it('answers 400 to deeply nested JSON, never 500', async () => {
      const { owner, board, todo } = await setup();
      const outcomes: { depth: number; status: number }[] = [];
      for (const depth of [100, 5_000, 50_000]) {
        const body = `{"columnId":"${todo.id}","title":"x","labels":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', 'application/json').send(body);
        outcomes.push({ depth, status: res.status });
      }
      expect(outcomes).toEqual([
        { depth: 100, status: 400 },
        { depth: 5_000, status: 400 },
        { depth: 50_000, status: 400 },
      ]);
      expect((await snapshot(owner.auth, board.id)).tasks).toEqual([]);
    });

    it('answers 400 to huge strings and 413 to bodies over the size limit, never 500', async () => {
      const { owner, board, todo } = await setup();
      const bigTitle = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x'.repeat(500_000) });
      expect({ status: bigTitle.status, fields: fieldsOf(bigTitle.body) }).toEqual({ status: 400, fields: ['title'] });
      const manyLabels = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x', labels: Array.from({ length: 20_000 }, (_, i) => `l${i}`) });
      expect({ status: manyLabels.status, fields: fieldsOf(manyLabels.body) }).toEqual({ status: 400, fields: ['labels'] });
      const tooLarge = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x', description: 'y'.repeat(2 * 1024 * 1024) });
      expect(tooLarge.status).toBe(413);
      expectClientError(tooLarge, 'over the body limit');
      const bigQuery = await t.http().get(tasksPath(board.id)).query({ q: 'z'.repeat(5000) }).set(owner.auth);
      expect(bigQuery.status).toBe(400);
      expect((await snapshot(owner.auth, board.id)).tasks).toEqual([]);
    });

    it('answers 400 to a plain-text body and 415 to an unsupported content type', async () => {
      const { owner, board, todo } = await setup();
      const text = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', 'text/plain').send(`columnId=${todo.id}&title=x`);
      expectClientError(text, 'text/plain');
      expect(text.status).toBe(400);
      for (const type of ['application/xml', 'application/octet-stream']) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', type).send(`columnId=${todo.id}&title=x`);
        expectClientError(res, type);
        expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      }
      expect((await snapshot(owner.auth, board.id)).tasks).toEqual([]);
    });

    it('refuses prototype-poisoning keys with 400', async () => {
      const { owner, board, todo } = await setup();
      for (const body of [
        `{"columnId":"${todo.id}","title":"x","__proto__":{"isAdmin":true}}`,
        `{"columnId":"${todo.id}","title":"x","constructor":{"prototype":{"isAdmin":true}}}`,
      ]) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', 'application/json').send(body);
        expectClientError(res, body);
        expect(res.status).toBe(400);
      }
    });

    it('answers 400 to NUL characters in text fields and in q, never 500', async () => {
      const { owner, board, todo } = await setup();
      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'target' });
      const cases: [string, () => Test][] = [
        ['create title', () => t.http().post(tasksPath(board.id)).send({ columnId: todo.id, title: 'nul\u0000title' })],
        ['create description', () => t.http().post(tasksPath(board.id)).send({ columnId: todo.id, title: 'ok', description: 'nul\u0000' })],
        ['create label', () => t.http().post(tasksPath(board.id)).send({ columnId: todo.id, title: 'ok', labels: ['\u0000'] })],
        ['patch title', () => t.http().patch(`${tasksPath(board.id)}/${task.id}`).send({ title: '\u0000' })],
        ['list q', () => t.http().get(tasksPath(board.id)).query({ q: 'a\u0000b' })],
      ];
      const outcomes: { label: string; status: number }[] = [];
      for (const [label, send] of cases) {
        const res = await send().set(owner.auth);
        outcomes.push({ label, status: res.status });
      }
      expect(outcomes).toEqual(cases.map(([label]) => ({ label, status: 400 })));
      expect((await snapshot(owner.auth, board.id)).tasks).toEqual([task]);
    });

    it('answers 400 to dueAt strings that are ISO-8601 but not a date-time PostgreSQL can store, never 500', async () => {
      const { owner, board, todo } = await setup();
      const task = await createTask(owner.auth, board.id, { columnId: todo.id, title: 'target' });
      const values = ['2030-W01', '2030-W01-1', '2030', '2030-01', '2030-01-01T10:00:00,5Z', '2030-01-01T10Z'];
      const outcomes: { label: string; status: number; fields: string[] }[] = [];
      for (const dueAt of values) {
        const created = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x', dueAt });
        outcomes.push({ label: `create ${dueAt}`, status: created.status, fields: fieldsOf(created.body) });
        const patched = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ dueAt });
        outcomes.push({ label: `patch ${dueAt}`, status: patched.status, fields: fieldsOf(patched.body) });
      }
      expect(outcomes).toEqual(values.flatMap((v) => [`create ${v}`, `patch ${v}`].map((label) => ({ label, status: 400, fields: ['dueAt'] }))));
      expect((await snapshot(owner.auth, board.id)).tasks).toEqual([task]);
    });
  });
});
