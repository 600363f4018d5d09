import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import type { MemberView, Page } from '@tasklane/contracts';
import { boardWithMembers, createBoard, createTask, outcomesOf, registerUser, snapshot, type Auth } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

describe('members (e2e)', () => {
  const t = useTestApp();

  const members = (boardId: string) => `/api/v1/boards/${boardId}/members`;

  /** `GET /boards/:boardId/members` as `auth`'s user: the one page of members (200 or the assertion error). */
  const listMembers = async (auth: Auth, boardId: string): Promise<MemberView[]> => {
    const page = (await t.http().get(members(boardId)).set(auth).expect(200)).body as Page<MemberView>;
    expect(page.nextCursor).toBeNull();
    return page.items;
  };

  /** The board's seq, as `auth`'s user sees it in the snapshot. */
  const seqOf = async (auth: Auth, boardId: string): Promise<number> => (await snapshot(t, auth, boardId)).seq;

  /** A board with an owner, an editor and a viewer. */
  const team = async () => {
    const { owner, board, members: [editor, viewer] } = await boardWithMembers(t, { ownerName: 'Owner', board: { name: 'Team' }, members: ['editor', 'viewer'] });
    return { owner, editor, viewer, board };
  };

  describe('GET /boards/:boardId/members', () => {
    it('lists members in the order they were added, to any member; only owners see emails', async () => {
      const { owner, editor, viewer, board } = await team();
      const list = await listMembers(viewer.auth, board.id);
      expect(list).toEqual([
        { userId: owner.user.id, name: 'Owner', role: 'owner', addedAt: expect.any(String) },
        { userId: editor.user.id, name: 'Test User', role: 'editor', addedAt: expect.any(String) },
        { userId: viewer.user.id, name: 'Test User', role: 'viewer', addedAt: expect.any(String) },
      ]);
      expect(await listMembers(editor.auth, board.id)).toEqual(list);
      const emails = [owner, editor, viewer].map((u) => u.user.email);
      expect(await listMembers(owner.auth, board.id)).toEqual(list.map((m, i) => ({ ...m, email: emails[i] })));
    });
  });

  describe('POST /boards/:boardId/members', () => {
    it('is gone: members join by invitation, and the route answers 404 ROUTE_NOT_FOUND', async () => {
      const { owner, board } = await team();
      const newcomer = await registerUser(t);
      const res = await t.http().post(members(board.id)).set(owner.auth).send({ email: newcomer.user.email, role: 'viewer' }).expect(404);
      expect(res.body.code).toBe('ROUTE_NOT_FOUND');
      expect((await listMembers(owner.auth, board.id)).map((m) => m.userId)).not.toContain(newcomer.user.id);
    });
  });

  describe('PATCH /boards/:boardId/members/:userId', () => {
    it('changes a role; the member then has the new powers', async () => {
      const { owner, viewer, board } = await team();
      const res = await t.http().patch(`${members(board.id)}/${viewer.user.id}`).set(owner.auth).send({ role: 'editor' }).expect(200);
      expect(res.body).toMatchObject({ userId: viewer.user.id, role: 'editor', email: viewer.user.email });
      await t.http().patch(`/api/v1/boards/${board.id}`).set(viewer.auth).send({ name: 'Now I can' }).expect(200);
    });

    it('lets an owner promote another owner, who can then demote the first', async () => {
      const { owner, editor, board } = await team();
      await t.http().patch(`${members(board.id)}/${editor.user.id}`).set(owner.auth).send({ role: 'owner' }).expect(200);
      const res = await t.http().patch(`${members(board.id)}/${owner.user.id}`).set(editor.auth).send({ role: 'viewer' }).expect(200);
      expect(res.body.role).toBe('viewer');
      const roles = Object.fromEntries((await listMembers(editor.auth, board.id)).map((m) => [m.userId, m.role]));
      expect(roles[owner.user.id]).toBe('viewer');
      expect(roles[editor.user.id]).toBe('owner');
    });

    it('answers 409 LAST_OWNER when demoting the only owner', async () => {
      const { owner, board } = await team();
      for (const role of ['editor', 'viewer']) {
        const res = await t.http().patch(`${members(board.id)}/${owner.user.id}`).set(owner.auth).send({ role }).expect(409);
        expect(res.body.code).toBe('LAST_OWNER');
      }
      expect((await listMembers(owner.auth, board.id)).find((m) => m.userId === owner.user.id)?.role).toBe('owner');
    });

    it('forbids non-owners with 403', async () => {
      const { editor, viewer, board } = await team();
      const res = await t.http().patch(`${members(board.id)}/${viewer.user.id}`).set(editor.auth).send({ role: 'editor' }).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      // nor can an editor promote themselves
      await t.http().patch(`${members(board.id)}/${editor.user.id}`).set(editor.auth).send({ role: 'owner' }).expect(403);
    });

    it('answers 404 MEMBER_NOT_FOUND for a user who is not a member', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const outsider = await registerUser(t);
      const res = await t.http().patch(`${members(board.id)}/${outsider.user.id}`).set(owner.auth).send({ role: 'viewer' }).expect(404);
      expect(res.body.code).toBe('MEMBER_NOT_FOUND');
      await t.http().patch(`${members(board.id)}/${randomUUID()}`).set(owner.auth).send({ role: 'viewer' }).expect(404);
    });

    it('rejects an unknown role with 400', async () => {
      const { owner, viewer, board } = await team();
      const res = await t.http().patch(`${members(board.id)}/${viewer.user.id}`).set(owner.auth).send({ role: 'superuser' }).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['role']);
    });
  });

  describe('DELETE /boards/:boardId/members/:userId', () => {
    it('lets the owner remove a member, who then gets 404 on the board', async () => {
      const { owner, editor, board } = await team();
      await t.http().delete(`${members(board.id)}/${editor.user.id}`).set(owner.auth).expect(204);
      expect((await listMembers(owner.auth, board.id)).map((m) => m.userId)).not.toContain(editor.user.id);
      expect((await t.http().get(`/api/v1/boards/${board.id}`).set(editor.auth).expect(404)).body.code).toBe('BOARD_NOT_FOUND');
      const boards = await t.http().get('/api/v1/boards').set(editor.auth).expect(200);
      expect(boards.body.items).toEqual([]);
    });

    it('lets any member remove themselves', async () => {
      const { owner, viewer, editor, board } = await team();
      await t.http().delete(`${members(board.id)}/${viewer.user.id}`).set(viewer.auth).expect(204);
      await t.http().delete(`${members(board.id)}/${editor.user.id}`).set(editor.auth).expect(204);
      expect((await listMembers(owner.auth, board.id)).map((m) => m.userId)).toEqual([owner.user.id]);
    });

    it('forbids non-owners removing someone else with 403', async () => {
      const { editor, viewer, owner, board } = await team();
      expect((await t.http().delete(`${members(board.id)}/${viewer.user.id}`).set(editor.auth).expect(403)).body.code).toBe('FORBIDDEN');
      await t.http().delete(`${members(board.id)}/${owner.user.id}`).set(viewer.auth).expect(403);
      expect(await listMembers(owner.auth, board.id)).toHaveLength(3);
    });

    it('answers 409 LAST_OWNER when the only owner removes themselves', async () => {
      const { owner, board } = await team();
      const res = await t.http().delete(`${members(board.id)}/${owner.user.id}`).set(owner.auth).expect(409);
      expect(res.body.code).toBe('LAST_OWNER');
      expect((await listMembers(owner.auth, board.id)).map((m) => m.userId)).toContain(owner.user.id);
    });

    it('allows an owner to leave once another owner exists', async () => {
      const { owner, editor, board } = await team();
      await t.http().patch(`${members(board.id)}/${editor.user.id}`).set(owner.auth).send({ role: 'owner' }).expect(200);
      await t.http().delete(`${members(board.id)}/${owner.user.id}`).set(owner.auth).expect(204);
      await t.http().get(`/api/v1/boards/${board.id}`).set(owner.auth).expect(404);
    });

    it('answers 404 MEMBER_NOT_FOUND for a non-member user id', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const res = await t.http().delete(`${members(board.id)}/${randomUUID()}`).set(owner.auth).expect(404);
      expect(res.body.code).toBe('MEMBER_NOT_FOUND');
    });
  });

  describe('role rules', () => {
    it('viewers can read everything but get 403 on every task and column write', async () => {
      const { owner, viewer, board } = await team();
      const columnId = board.columns[0].id;
      const task = await createTask(t, owner.auth, board.id, { columnId, title: 'Read me' });
      const b = `/api/v1/boards/${board.id}`;

      await t.http().get(b).set(viewer.auth).expect(200);
      await t.http().get(`${b}/tasks`).set(viewer.auth).expect(200);
      await t.http().get(`${b}/tasks/${task.id}`).set(viewer.auth).expect(200);
      await t.http().get(`${b}/members`).set(viewer.auth).expect(200);
      await t.http().get(`${b}/events`).query({ after: 0 }).set(viewer.auth).expect(200);

      const seqBefore = await seqOf(owner.auth, board.id);
      const writes: [string, () => Test][] = [
        ['create task', () => t.http().post(`${b}/tasks`).send({ columnId, title: 'nope' })],
        ['update task', () => t.http().patch(`${b}/tasks/${task.id}`).send({ title: 'nope' })],
        ['move task', () => t.http().post(`${b}/tasks/${task.id}/move`).send({ columnId: board.columns[1].id })],
        ['delete task', () => t.http().delete(`${b}/tasks/${task.id}`)],
        ['create column', () => t.http().post(`${b}/columns`).send({ name: 'nope' })],
        ['update column', () => t.http().patch(`${b}/columns/${columnId}`).send({ name: 'nope' })],
        ['delete column', () => t.http().delete(`${b}/columns/${columnId}`)],
      ];
      expect(await outcomesOf(viewer.auth, writes)).toEqual(writes.map(([label]) => ({ label, status: 403, code: 'FORBIDDEN' })));
      expect(await seqOf(owner.auth, board.id)).toBe(seqBefore);
    });

    it('editors can write tasks and columns but not manage members or delete the board', async () => {
      const { owner, editor, viewer, board } = await team();
      const b = `/api/v1/boards/${board.id}`;
      const column = await t.http().post(`${b}/columns`).set(editor.auth).send({ name: 'Editor column' }).expect(201);
      const task = await t.http().post(`${b}/tasks`).set(editor.auth).send({ columnId: column.body.id, title: 'Editor task' }).expect(201);
      await t.http().patch(`${b}/tasks/${task.body.id}`).set(editor.auth).send({ title: 'Edited' }).expect(200);
      await t.http().post(`${b}/tasks/${task.body.id}/move`).set(editor.auth).send({ columnId: board.columns[0].id }).expect(200);
      await t.http().delete(`${b}/tasks/${task.body.id}`).set(editor.auth).expect(204);

      const newcomer = await registerUser(t);
      await t.http().post(`${b}/invitations`).set(editor.auth).send({ email: newcomer.user.email, role: 'viewer' }).expect(403);
      await t.http().patch(`${b}/members/${viewer.user.id}`).set(editor.auth).send({ role: 'editor' }).expect(403);
      await t.http().delete(`${b}/members/${viewer.user.id}`).set(editor.auth).expect(403);
      await t.http().delete(b).set(editor.auth).expect(403);
      expect((await listMembers(owner.auth, board.id)).map((m) => [m.userId, m.role])).toEqual([
        [owner.user.id, 'owner'],
        [editor.user.id, 'editor'],
        [viewer.user.id, 'viewer'],
      ]);
    });
  });
});
