// Malformed task requests (non-object and invalid JSON, wrong types, nesting, sizes, content types,
// prototype keys, NUL characters, odd dates) answer 4xx and write nothing, never 500.
import { describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import { createTask, fieldsOf, snapshot, tasksPath } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('tasks (e2e)', () => {
  const t = useTestApp();

  describe('garbage input', () => {
    const expectClientError = (res: { status: number; body: { statusCode?: number; code?: string; requestId?: string } }, label: string) => {
      expect({ label, status: res.status < 500, body: res.body }).toEqual({
        label,
        status: true,
        body: expect.objectContaining({ statusCode: res.status, code: expect.any(String), requestId: expect.any(String) }),
      });
    };

    it('answers 400 to raw JSON bodies that are not objects, and to invalid JSON, never 500', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const raw = ['[]', `[{"columnId":"${todo.id}","title":"x"}]`, 'null', '"a string"', '123', 'true', '{', '{"title":}', '{"title":"x",}', "{'title':'x'}", 'NaN'];
      for (const body of raw) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', 'application/json').send(body);
        expectClientError(res, body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      expect((await snapshot(t, owner.auth, board.id)).tasks).toEqual([]);
    });

    it('answers 400 VALIDATION_FAILED to nulls, arrays and objects in place of scalars, never 500', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'target' });
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
      const snap = await snapshot(t, owner.auth, board.id);
      expect(snap.tasks).toEqual([task]);
      expect(snap.seq).toBe(1);
    });

    it('answers 400 to deeply nested JSON, never 500', async () => {
      const { owner, board, todo } = await tasksBoard(t);
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
      expect((await snapshot(t, owner.auth, board.id)).tasks).toEqual([]);
    });

    it('answers 400 to huge strings and 413 to bodies over the size limit, never 500', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const bigTitle = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x'.repeat(500_000) });
      expect({ status: bigTitle.status, fields: fieldsOf(bigTitle.body) }).toEqual({ status: 400, fields: ['title'] });
      const manyLabels = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x', labels: Array.from({ length: 20_000 }, (_, i) => `l${i}`) });
      expect({ status: manyLabels.status, fields: fieldsOf(manyLabels.body) }).toEqual({ status: 400, fields: ['labels'] });
      const tooLarge = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x', description: 'y'.repeat(2 * 1024 * 1024) });
      expect(tooLarge.status).toBe(413);
      expectClientError(tooLarge, 'over the body limit');
      const bigQuery = await t.http().get(tasksPath(board.id)).query({ q: 'z'.repeat(5000) }).set(owner.auth);
      expect(bigQuery.status).toBe(400);
      expect((await snapshot(t, owner.auth, board.id)).tasks).toEqual([]);
    });

    it('answers 400 to a plain-text body and 415 to an unsupported content type', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const text = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', 'text/plain').send(`columnId=${todo.id}&title=x`);
      expectClientError(text, 'text/plain');
      expect(text.status).toBe(400);
      for (const type of ['application/xml', 'application/octet-stream']) {
        const res = await t.http().post(tasksPath(board.id)).set(owner.auth).set('Content-Type', type).send(`columnId=${todo.id}&title=x`);
        expectClientError(res, type);
        expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      }
      expect((await snapshot(t, owner.auth, board.id)).tasks).toEqual([]);
    });

    it('refuses prototype-poisoning keys with 400', async () => {
      const { owner, board, todo } = await tasksBoard(t);
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
      const { owner, board, todo } = await tasksBoard(t);
      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'target' });
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
      expect((await snapshot(t, owner.auth, board.id)).tasks).toEqual([task]);
    });

    it('answers 400 to dueAt strings that are ISO-8601 but not a date-time PostgreSQL can store, never 500', async () => {
      const { owner, board, todo } = await tasksBoard(t);
      const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'target' });
      const values = ['2030-W01', '2030-W01-1', '2030', '2030-01', '2030-01-01T10:00:00,5Z', '2030-01-01T10Z'];
      const outcomes: { label: string; status: number; fields: string[] }[] = [];
      for (const dueAt of values) {
        const created = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'x', dueAt });
        outcomes.push({ label: `create ${dueAt}`, status: created.status, fields: fieldsOf(created.body) });
        const patched = await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ dueAt });
        outcomes.push({ label: `patch ${dueAt}`, status: patched.status, fields: fieldsOf(patched.body) });
      }
      expect(outcomes).toEqual(values.flatMap((v) => [`create ${v}`, `patch ${v}`].map((label) => ({ label, status: 400, fields: ['dueAt'] }))));
      expect((await snapshot(t, owner.auth, board.id)).tasks).toEqual([task]);
    });
  });
});
