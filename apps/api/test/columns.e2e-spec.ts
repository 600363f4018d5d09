import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ColumnView } from '@tasklane/contracts';
import { boardWithMembers, createBoard, createTask, fieldsOf, inPositionOrder, registerUser, snapshot, tasksPath, type Auth } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

describe('columns (e2e)', () => {
  const t = useTestApp();

  /** Creates a column (`POST /boards/:boardId/columns`); 201 or the assertion error. */
  const createColumn = async (auth: Auth, boardId: string, body: Record<string, unknown>): Promise<ColumnView> =>
    (await t.http().post(`/api/v1/boards/${boardId}/columns`).set(auth).send(body).expect(201)).body as ColumnView;

  /** Column names in position order, sorted here by byte order and checked against the snapshot's order. */
  const namesInOrder = async (auth: Auth, boardId: string): Promise<string[]> =>
    inPositionOrder((await snapshot(t, auth, boardId)).columns).map((c) => c.name);

  /** A board whose columns are A, B, C (in that order). */
  const abcBoard = async () => {
    const { owner, board } = await boardWithMembers(t, { board: { name: 'Columns', columns: ['A', 'B', 'C'] } });
    const [a, b, c] = board.columns;
    return { owner, board, a, b, c };
  };

  describe('POST /boards/:boardId/columns', () => {
    it('appends at the end by default and returns the column view', async () => {
      const { owner, board, c } = await abcBoard();
      const d = await createColumn(owner.auth, board.id, { name: '  D  ' });
      expect(d).toEqual({ id: expect.any(String), boardId: board.id, name: 'D', position: expect.any(String), version: 1, archivedAt: null });
      expect(d.position > c.position).toBe(true);
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'B', 'C', 'D']);
    });

    it('puts the column first with afterColumnId null', async () => {
      const { owner, board, a } = await abcBoard();
      const first = await createColumn(owner.auth, board.id, { name: 'First', afterColumnId: null });
      expect(first.position < a.position).toBe(true);
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['First', 'A', 'B', 'C']);
    });

    it('puts the column right after afterColumnId, between it and the next one', async () => {
      const { owner, board, a, b } = await abcBoard();
      const ab = await createColumn(owner.auth, board.id, { name: 'AB', afterColumnId: a.id });
      expect(a.position < ab.position && ab.position < b.position).toBe(true);
      // and again into the now narrower gap
      const aab = await createColumn(owner.auth, board.id, { name: 'A-AB', afterColumnId: a.id });
      expect(a.position < aab.position && aab.position < ab.position).toBe(true);
      const last = await createColumn(owner.auth, board.id, { name: 'after C', afterColumnId: board.columns[2].id });
      expect(last.position > board.columns[2].position).toBe(true);
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'A-AB', 'AB', 'B', 'C', 'after C']);
    });

    it('keeps byte order over many inserts into the same gap', async () => {
      const { owner, board, a } = await abcBoard();
      const expected = ['A'];
      for (let i = 0; i < 12; i++) {
        // always directly after A: each new column goes in front of the previous ones
        await createColumn(owner.auth, board.id, { name: `n${i}`, afterColumnId: a.id });
        expected.splice(1, 0, `n${i}`);
      }
      expect(await namesInOrder(owner.auth, board.id)).toEqual([...expected, 'B', 'C']);
    });

    it('works on a board without columns', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth, { name: 'Empty', columns: [] });
      await createColumn(owner.auth, board.id, { name: 'Only', afterColumnId: null });
      await createColumn(owner.auth, board.id, { name: 'Second' });
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['Only', 'Second']);
    });

    it('answers 404 COLUMN_NOT_FOUND for an unknown afterColumnId, or one from another board, and creates nothing', async () => {
      const { owner, board } = await abcBoard();
      const other = await createBoard(t, owner.auth, { name: 'Other' });
      for (const afterColumnId of [randomUUID(), other.columns[0].id]) {
        const res = await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'X', afterColumnId }).expect(404);
        expect(res.body.code).toBe('COLUMN_NOT_FOUND');
      }
      const snap = await snapshot(t, owner.auth, board.id);
      expect(snap.columns.map((c) => c.name)).toEqual(['A', 'B', 'C']);
      expect(snap.seq).toBe(0);
    });

    it('rejects invalid bodies with 400 naming the fields', async () => {
      const { owner, board } = await abcBoard();
      const cases: [Record<string, unknown>, string[]][] = [
        [{}, ['name']],
        [{ name: '' }, ['name']],
        [{ name: 'x'.repeat(201) }, ['name']],
        [{ name: 5 }, ['name']],
        [{ name: 'ok', afterColumnId: 'not-a-uuid' }, ['afterColumnId']],
        [{ name: 'ok', afterColumnId: 7 }, ['afterColumnId']],
        [{ name: 'ok', position: 'a0' }, ['position']],
      ];
      for (const [body, fields] of cases) {
        const res = await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send(body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
        expect(fieldsOf(res.body)).toEqual(fields);
      }
    });
    it('rejects a NUL character in the name with 400, never 500', async () => {
      const { owner, board, a } = await abcBoard();
      const created = await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'a\u0000b' });
      const renamed = await t.http().patch(`/api/v1/boards/${board.id}/columns/${a.id}`).set(owner.auth).send({ name: '\u0000' });
      expect([created.status, renamed.status]).toEqual([400, 400]);
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'B', 'C']);
    });
  });

  describe('PATCH /boards/:boardId/columns/:columnId', () => {
    it('renames a column in place; version grows by one', async () => {
      const { owner, board, b } = await abcBoard();
      const res = await t.http().patch(`/api/v1/boards/${board.id}/columns/${b.id}`).set(owner.auth).send({ name: ' Bee ' }).expect(200);
      expect(res.body).toEqual({ ...b, name: 'Bee', version: 2 });
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'Bee', 'C']);
    });

    it('moves a column after another, to the front with null, and to the end', async () => {
      const { owner, board, a, b, c } = await abcBoard();
      const moved = await t.http().patch(`/api/v1/boards/${board.id}/columns/${c.id}`).set(owner.auth).send({ afterColumnId: a.id }).expect(200);
      expect(moved.body).toMatchObject({ id: c.id, name: 'C', version: 2 });
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'C', 'B']);

      await t.http().patch(`/api/v1/boards/${board.id}/columns/${b.id}`).set(owner.auth).send({ afterColumnId: null }).expect(200);
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['B', 'A', 'C']);

      await t.http().patch(`/api/v1/boards/${board.id}/columns/${b.id}`).set(owner.auth).send({ afterColumnId: c.id, name: 'B!' }).expect(200);
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'C', 'B!']);
    });

    it('moving a column after its current predecessor keeps the order', async () => {
      const { owner, board, a, b } = await abcBoard();
      await t.http().patch(`/api/v1/boards/${board.id}/columns/${b.id}`).set(owner.auth).send({ afterColumnId: a.id }).expect(200);
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'B', 'C']);
    });

    it('rejects moving a column after itself with 400 INVALID_POSITION', async () => {
      const { owner, board, b } = await abcBoard();
      const res = await t.http().patch(`/api/v1/boards/${board.id}/columns/${b.id}`).set(owner.auth).send({ afterColumnId: b.id }).expect(400);
      expect(res.body.code).toBe('INVALID_POSITION');
    });

    it('answers 404 COLUMN_NOT_FOUND for a column of another board under this board path', async () => {
      const { owner, board } = await abcBoard();
      const other = await createBoard(t, owner.auth, { name: 'Other' });
      const foreign = other.columns[0];
      const res = await t.http().patch(`/api/v1/boards/${board.id}/columns/${foreign.id}`).set(owner.auth).send({ name: 'Stolen' }).expect(404);
      expect(res.body.code).toBe('COLUMN_NOT_FOUND');
      expect((await t.http().delete(`/api/v1/boards/${board.id}/columns/${foreign.id}`).set(owner.auth).expect(404)).body.code).toBe('COLUMN_NOT_FOUND');
      expect((await snapshot(t, owner.auth, other.id)).columns[0]).toEqual(foreign);
    });

    it('answers 404 COLUMN_NOT_FOUND for an unknown column and for an unknown afterColumnId', async () => {
      const { owner, board, a } = await abcBoard();
      expect((await t.http().patch(`/api/v1/boards/${board.id}/columns/${randomUUID()}`).set(owner.auth).send({ name: 'x' }).expect(404)).body.code).toBe(
        'COLUMN_NOT_FOUND',
      );
      const res = await t.http().patch(`/api/v1/boards/${board.id}/columns/${a.id}`).set(owner.auth).send({ afterColumnId: randomUUID() }).expect(404);
      expect(res.body.code).toBe('COLUMN_NOT_FOUND');
      expect(await namesInOrder(owner.auth, board.id)).toEqual(['A', 'B', 'C']);
    });

    it('rejects invalid fields with 400', async () => {
      const { owner, board, a } = await abcBoard();
      const res = await t.http().patch(`/api/v1/boards/${board.id}/columns/${a.id}`).set(owner.auth).send({ name: '  ', afterColumnId: 'x', boardId: randomUUID() }).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['afterColumnId', 'boardId', 'name']);
    });
  });

  describe('DELETE /boards/:boardId/columns/:columnId', () => {
    it('deletes the column and all of its tasks; other columns keep theirs', async () => {
      const { owner, board, a, b } = await abcBoard();
      const tasks = tasksPath(board.id);
      const doomed1 = await createTask(t, owner.auth, board.id, { columnId: a.id, title: 'doomed 1' });
      const doomed2 = await createTask(t, owner.auth, board.id, { columnId: a.id, title: 'doomed 2' });
      const kept = await createTask(t, owner.auth, board.id, { columnId: b.id, title: 'kept' });

      await t.http().delete(`/api/v1/boards/${board.id}/columns/${a.id}`).set(owner.auth).expect(204);

      const snap = await snapshot(t, owner.auth, board.id);
      expect(snap.columns.map((c) => c.name)).toEqual(['B', 'C']);
      expect(snap.tasks.map((task) => task.id)).toEqual([kept.id]);
      expect(snap.tasks.filter((task) => task.columnId === a.id)).toEqual([]);
      for (const gone of [doomed1, doomed2]) {
        expect((await t.http().get(`${tasks}/${gone.id}`).set(owner.auth).expect(404)).body.code).toBe('TASK_NOT_FOUND');
      }
      const list = await t.http().get(tasks).query({ columnId: a.id }).set(owner.auth).expect(200);
      expect(list.body.items).toEqual([]);
    });

    it('answers 404 for an already deleted column', async () => {
      const { owner, board, c } = await abcBoard();
      await t.http().delete(`/api/v1/boards/${board.id}/columns/${c.id}`).set(owner.auth).expect(204);
      const res = await t.http().delete(`/api/v1/boards/${board.id}/columns/${c.id}`).set(owner.auth).expect(404);
      expect(res.body.code).toBe('COLUMN_NOT_FOUND');
    });
  });
});
