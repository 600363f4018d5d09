// GET /boards/:boardId/tasks: filters (columnId, assigneeId, q), keyset pagination, query validation.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Page, TaskView } from '@tasklane/contracts';
import { addMember, createBoard, createTask, fieldsOf, registerUser, tasksPath, type Auth } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('tasks (e2e)', () => {
  const t = useTestApp();

  describe('GET /boards/:boardId/tasks pagination under deletes', () => {
    it('does not cut the list short when the last task of a page is deleted before the next page', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth, { name: 'Pages' });
      const path = tasksPath(board.id);
      const ids: string[] = [];
      for (const title of ['one', 'two', 'three']) {
        ids.push((await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title })).id);
      }
      const first = await t.http().get(path).query({ limit: 1 }).set(owner.auth).expect(200);
      expect(first.body.items.map((x: TaskView) => x.id)).toEqual([ids[0]]);
      await t.http().delete(`${path}/${ids[0]}`).set(owner.auth).expect(204);
      const next = await t.http().get(path).query({ limit: 5, cursor: first.body.nextCursor }).set(owner.auth).expect(200);
      expect(next.body.items.map((x: TaskView) => x.id)).toEqual([ids[1], ids[2]]);
      expect(next.body.nextCursor).toBeNull();
    });
  });

  describe('GET /boards/:boardId/tasks', () => {
    /** A board with tasks for the filter tests; returns ids by title. */
    const searchBoard = async () => {
      const s = await tasksBoard(t);
      const editor = await addMember(t, s.owner.auth, s.board.id, 'editor');
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
        const task = await createTask(t, s.owner.auth, s.board.id, spec);
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
      const { owner, board, todo } = await tasksBoard(t);
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `Paged ${i}` })).id);

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
      const { owner, board } = await tasksBoard(t);
      const res = await t.http().get(tasksPath(board.id)).query(query).set(owner.auth).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual([field]);
    });
  });
});
