import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import type { BoardSnapshot, BoardSummary, Page } from '@tasklane/contracts';
import { addMember, createBoard, fieldsOf, outcomesOf, registerUser, snapshot } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

describe('boards (e2e)', () => {
  const t = useTestApp();

  describe('POST /boards', () => {
    it('creates a board at seq 0 with the default columns To do, Doing, Done and the creator as owner', async () => {
      const owner = await registerUser(t, 'Owner');
      const res = await t.http().post('/api/v1/boards').set(owner.auth).send({ name: '  Roadmap  ', description: 'Q3' }).expect(201);
      const board = res.body as BoardSnapshot;
      expect(board).toMatchObject({ id: expect.any(String), name: 'Roadmap', description: 'Q3', seq: 0, version: 1, role: 'owner', tasks: [] });
      expect(board.columns.map((c) => c.name)).toEqual(['To do', 'Doing', 'Done']);
      for (const column of board.columns) expect(column).toMatchObject({ boardId: board.id, version: 1, position: expect.any(String) });
      const positions = board.columns.map((c) => c.position);
      expect([...positions].sort()).toEqual(positions);
      expect(new Set(positions).size).toBe(3);
      expect(board.members).toEqual([{ userId: owner.user.id, email: owner.user.email, name: 'Owner', role: 'owner', addedAt: expect.any(String) }]);
    });

    it('creates custom columns in the given order, and none for an empty list', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth, { name: 'Custom', columns: ['Backlog', ' Review ', 'Shipped', 'Archive'] });
      expect(board.columns.map((c) => c.name)).toEqual(['Backlog', 'Review', 'Shipped', 'Archive']);
      const positions = board.columns.map((c) => c.position);
      expect([...positions].sort()).toEqual(positions);
      const empty = await createBoard(t, owner.auth, { name: 'Empty', columns: [] });
      expect(empty.columns).toEqual([]);
      expect(empty.description).toBe('');
    });

    it.each([
      ['a missing name', { description: 'x' }, ['name']],
      ['a blank name', { name: '   ' }, ['name']],
      ['a non-string name', { name: 42 }, ['name']],
      ['a name over 200 characters', { name: 'x'.repeat(201) }, ['name']],
      ['columns that are not an array', { name: 'B', columns: 'To do' }, ['columns']],
      ['a blank column name', { name: 'B', columns: ['ok', ' '] }, ['columns']],
      ['a non-string column name', { name: 'B', columns: ['ok', 7] }, ['columns']],
      ['more than 50 columns', { name: 'B', columns: Array.from({ length: 51 }, (_, i) => `c${i}`) }, ['columns']],
      ['a non-string description', { name: 'B', description: ['x'] }, ['description']],
      ['unknown fields', { name: 'B', owner: 'me', seq: 5 }, ['owner', 'seq']],
    ])('rejects %s with 400 VALIDATION_FAILED naming the fields', async (_what, body, fields) => {
      const user = await registerUser(t);
      const res = await t.http().post('/api/v1/boards').set(user.auth).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      expect(fieldsOf(res.body)).toEqual(fields);
    });

    it('rejects NUL characters in text fields with 400, never 500', async () => {
      const user = await registerUser(t);
      const outcomes: { label: string; status: number }[] = [];
      for (const [label, body] of [
        ['name', { name: 'a\u0000b' }],
        ['description', { name: 'ok', description: '\u0000' }],
        ['column name', { name: 'ok', columns: ['To\u0000do'] }],
      ] as const) {
        const res = await t.http().post('/api/v1/boards').set(user.auth).send(body);
        outcomes.push({ label, status: res.status });
      }
      expect(outcomes).toEqual([
        { label: 'name', status: 400 },
        { label: 'description', status: 400 },
        { label: 'column name', status: 400 },
      ]);
      expect((await t.http().get('/api/v1/boards').set(user.auth).expect(200)).body.items).toEqual([]);
    });

    it('rejects invalid JSON with 400 and creates nothing', async () => {
      const user = await registerUser(t);
      const res = await t.http().post('/api/v1/boards').set(user.auth).set('Content-Type', 'application/json').send('{"name": ').expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
      const list = await t.http().get('/api/v1/boards').set(user.auth).expect(200);
      expect(list.body.items).toEqual([]);
    });
  });

  describe('GET /boards', () => {
    it('lists only the boards I am a member of, with my role', async () => {
      const alice = await registerUser(t);
      const bob = await registerUser(t);
      const mine = await createBoard(t, alice.auth, { name: 'Alice board' });
      const shared = await createBoard(t, bob.auth, { name: 'Bob shared' });
      await createBoard(t, bob.auth, { name: 'Bob private' });
      await addMember(t, bob.auth, shared.id, 'viewer', alice);

      const res = await t.http().get('/api/v1/boards').set(alice.auth).expect(200);
      const page = res.body as Page<BoardSummary>;
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((b) => [b.id, b.role])).toEqual([
        [mine.id, 'owner'],
        [shared.id, 'viewer'],
      ]);
      expect(page.items[0]).toEqual({
        id: mine.id,
        name: 'Alice board',
        description: '',
        seq: 0,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        role: 'owner',
      });
    });

    it('does not list deleted boards', async () => {
      const user = await registerUser(t);
      const kept = await createBoard(t, user.auth, { name: 'Kept' });
      const gone = await createBoard(t, user.auth, { name: 'Gone' });
      await t.http().delete(`/api/v1/boards/${gone.id}`).set(user.auth).expect(204);
      const res = await t.http().get('/api/v1/boards').set(user.auth).expect(200);
      expect(res.body.items.map((b: BoardSummary) => b.id)).toEqual([kept.id]);
    });

    it('paginates with limit and cursor, oldest first, with nextCursor null on the last page', async () => {
      const user = await registerUser(t);
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await createBoard(t, user.auth, { name: `Board ${i}` })).id);

      const seen: string[] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = { limit: 2 };
        if (cursor) query.cursor = cursor;
        const res = await t.http().get('/api/v1/boards').query(query).set(user.auth).expect(200);
        const page = res.body as Page<BoardSummary>;
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((b) => b.id));
        cursor = page.nextCursor;
        cursors.push(cursor);
      } while (cursor);
      expect(seen).toEqual(created);
      expect(cursors).toHaveLength(3);
      expect(cursors[2]).toBeNull();

      const exact = await t.http().get('/api/v1/boards').query({ limit: 5 }).set(user.auth).expect(200);
      expect(exact.body.items).toHaveLength(5);
      expect(exact.body.nextCursor).toBeNull();
    });

    it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5']])('rejects limit=%s with 400 VALIDATION_FAILED', async (limit) => {
      const user = await registerUser(t);
      const res = await t.http().get('/api/v1/boards').query({ limit }).set(user.auth).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['limit']);
    });

    it('rejects malformed or forged cursors with 400, never 500', async () => {
      const user = await registerUser(t);
      await createBoard(t, user.auth);
      const forged = [
        'not a cursor',
        Buffer.from('hello').toString('base64url'),
        // passes a "36 hex digits or dashes" shape check but is not a UUID
        Buffer.from('-'.repeat(36)).toString('base64url'),
        Buffer.from('g'.repeat(36)).toString('base64url'),
      ];
      for (const cursor of forged) {
        const res = await t.http().get('/api/v1/boards').query({ cursor }).set(user.auth);
        expect({ cursor, status: res.status, code: res.body.code }).toEqual({ cursor, status: 400, code: 'VALIDATION_FAILED' });
      }
    });

    it('rejects unknown query parameters with 400', async () => {
      const user = await registerUser(t);
      const res = await t.http().get('/api/v1/boards').query({ owner: 'me' }).set(user.auth).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['owner']);
    });
  });

  describe('GET /boards/:boardId', () => {
    it('returns the snapshot shape, with tasks and members, and seq advancing after each write', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth, { name: 'Snap' });
      const first = await snapshot(t, owner.auth, board.id);
      expect(Object.keys(first).sort()).toEqual(
        ['id', 'name', 'description', 'seq', 'version', 'createdAt', 'updatedAt', 'role', 'columns', 'tasks', 'members', 'labels'].sort(),
      );
      expect(first).toMatchObject({ id: board.id, name: 'Snap', description: '', seq: 0, version: 1, role: 'owner' });
      expect(first.columns).toEqual(board.columns);

      const task = await t.http().post(`/api/v1/boards/${board.id}/tasks`).set(owner.auth).send({ columnId: board.columns[0].id, title: 'T' }).expect(201);
      const second = await snapshot(t, owner.auth, board.id);
      expect(second.seq).toBe(1);
      expect(second.tasks).toEqual([task.body]);

      await t.http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ name: 'Snap 2' }).expect(200);
      const third = await snapshot(t, owner.auth, board.id);
      expect(third).toMatchObject({ seq: 2, name: 'Snap 2', version: 2 });
    });

    it('shows the caller their own role', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const viewer = await addMember(t, owner.auth, board.id, 'viewer');
      const snap = await snapshot(t, viewer.auth, board.id);
      expect(snap.role).toBe('viewer');
      expect(snap.members.map((m) => [m.userId, m.role])).toEqual([
        [owner.user.id, 'owner'],
        [viewer.user.id, 'viewer'],
      ]);
    });

    it('answers 404 BOARD_NOT_FOUND for an unknown board id', async () => {
      const user = await registerUser(t);
      const res = await t.http().get(`/api/v1/boards/${randomUUID()}`).set(user.auth).expect(404);
      expect(res.body.code).toBe('BOARD_NOT_FOUND');
    });
  });

  describe('PATCH /boards/:boardId', () => {
    it('lets an editor rename the board; version grows by one per change', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth, { name: 'Before', description: 'old' });
      const editor = await addMember(t, owner.auth, board.id, 'editor');
      const res = await t.http().patch(`/api/v1/boards/${board.id}`).set(editor.auth).send({ name: ' After ' }).expect(200);
      expect(res.body).toMatchObject({ id: board.id, name: 'After', description: 'old', version: 2 });
      const again = await t.http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ description: 'new' }).expect(200);
      expect(again.body).toMatchObject({ name: 'After', description: 'new', version: 3 });
      expect(await snapshot(t, owner.auth, board.id)).toMatchObject({ name: 'After', description: 'new', version: 3 });
    });

    it('forbids viewers with 403 FORBIDDEN and changes nothing', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth, { name: 'Locked' });
      const viewer = await addMember(t, owner.auth, board.id, 'viewer');
      const seqBefore = (await snapshot(t, owner.auth, board.id)).seq;
      const res = await t.http().patch(`/api/v1/boards/${board.id}`).set(viewer.auth).send({ name: 'Hacked' }).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(await snapshot(t, owner.auth, board.id)).toMatchObject({ name: 'Locked', version: 1, seq: seqBefore });
    });

    it('rejects invalid and unknown fields with 400', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const res = await t.http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ name: '', seq: 10, version: 7 }).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'seq', 'version']);
    });
  });

  describe('DELETE /boards/:boardId', () => {
    it('lets the owner delete (204); afterwards every route answers 404', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      await t.http().delete(`/api/v1/boards/${board.id}`).set(owner.auth).expect(204);
      expect((await t.http().get(`/api/v1/boards/${board.id}`).set(owner.auth).expect(404)).body.code).toBe('BOARD_NOT_FOUND');
      await t.http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ name: 'x' }).expect(404);
      await t.http().delete(`/api/v1/boards/${board.id}`).set(owner.auth).expect(404);
      await t.http().get(`/api/v1/boards/${board.id}/tasks`).set(owner.auth).expect(404);
      await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'x' }).expect(404);
    });

    it('forbids editors with 403 and keeps the board', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const editor = await addMember(t, owner.auth, board.id, 'editor');
      const res = await t.http().delete(`/api/v1/boards/${board.id}`).set(editor.auth).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      await snapshot(t, owner.auth, board.id);
    });
  });

  describe('access', () => {
    it('answers 404 BOARD_NOT_FOUND to a non-member on every board-scoped route, and changes nothing', async () => {
      const owner = await registerUser(t);
      const stranger = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const columnId = board.columns[0].id;
      const task = await t.http().post(`/api/v1/boards/${board.id}/tasks`).set(owner.auth).send({ columnId, title: 'secret' }).expect(201);
      const taskId = task.body.id as string;
      const b = `/api/v1/boards/${board.id}`;
      const requests: [string, () => Test][] = [
        ['GET board', () => t.http().get(b)],
        ['PATCH board', () => t.http().patch(b).send({ name: 'x' })],
        ['DELETE board', () => t.http().delete(b)],
        ['GET members', () => t.http().get(`${b}/members`)],
        ['POST invitations', () => t.http().post(`${b}/invitations`).send({ email: stranger.user.email, role: 'owner' })],
        ['GET invitations', () => t.http().get(`${b}/invitations`)],
        ['DELETE invitation', () => t.http().delete(`${b}/invitations/${randomUUID()}`)],
        ['PATCH member', () => t.http().patch(`${b}/members/${owner.user.id}`).send({ role: 'viewer' })],
        ['DELETE member', () => t.http().delete(`${b}/members/${owner.user.id}`)],
        ['DELETE self as member', () => t.http().delete(`${b}/members/${stranger.user.id}`)],
        ['POST columns', () => t.http().post(`${b}/columns`).send({ name: 'x' })],
        ['PATCH column', () => t.http().patch(`${b}/columns/${columnId}`).send({ name: 'x' })],
        ['DELETE column', () => t.http().delete(`${b}/columns/${columnId}`)],
        ['GET tasks', () => t.http().get(`${b}/tasks`)],
        ['POST tasks', () => t.http().post(`${b}/tasks`).send({ columnId, title: 'x' })],
        ['GET task', () => t.http().get(`${b}/tasks/${taskId}`)],
        ['PATCH task', () => t.http().patch(`${b}/tasks/${taskId}`).send({ title: 'x' })],
        ['POST task move', () => t.http().post(`${b}/tasks/${taskId}/move`).send({ columnId })],
        ['DELETE task', () => t.http().delete(`${b}/tasks/${taskId}`)],
        ['GET events', () => t.http().get(`${b}/events`).query({ after: 0 })],
      ];
      expect(await outcomesOf(stranger.auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 404, code: 'BOARD_NOT_FOUND' })));
      const after = await snapshot(t, owner.auth, board.id);
      expect(after.seq).toBe(1);
      expect(after.tasks.map((x) => x.id)).toEqual([taskId]);
      expect(after.members.map((m) => m.userId)).toEqual([owner.user.id]);
    });

    it('answers 404 with the resource code for non-UUID ids', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const b = `/api/v1/boards/${board.id}`;
      const cases: [string, () => Test, string][] = [
        ['word', () => t.http().get('/api/v1/boards/not-a-uuid'), 'BOARD_NOT_FOUND'],
        ['number', () => t.http().get('/api/v1/boards/1'), 'BOARD_NOT_FOUND'],
        ['PATCH word', () => t.http().patch('/api/v1/boards/not-a-uuid').send({ name: 'x' }), 'BOARD_NOT_FOUND'],
        ['truncated uuid', () => t.http().delete(`/api/v1/boards/${board.id.slice(0, -1)}`), 'BOARD_NOT_FOUND'],
        ['sql', () => t.http().get('/api/v1/boards/%27%3B%20drop%20table%20boards/tasks'), 'BOARD_NOT_FOUND'],
        ['task id', () => t.http().get(`${b}/tasks/not-a-uuid`), 'TASK_NOT_FOUND'],
        ['column id', () => t.http().patch(`${b}/columns/zzz`).send({ name: 'x' }), 'COLUMN_NOT_FOUND'],
        ['member id', () => t.http().delete(`${b}/members/123`), 'MEMBER_NOT_FOUND'],
      ];
      expect(await outcomesOf(owner.auth, cases)).toEqual(cases.map(([label, , code]) => ({ label, status: 404, code })));
    });

    it('accepts an upper-case UUID for the board id', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const res = await t.http().get(`/api/v1/boards/${board.id.toUpperCase()}`).set(owner.auth).expect(200);
      expect(res.body.id).toBe(board.id);
    });
  });
});
