// Comments on tasks: thread order and pagination, mentions, author/owner rules, events with the
// task's comment count, archived tasks, bad input.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { CommentView, EventsPage, Page, TaskView } from '@tasklane/contracts';
import { createBoard, createTask, registerUser, snapshot, tasksPath } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

describe('comments (e2e)', () => {
  const t = useTestApp();

  /** A board with an owner (Olive), an editor (Eddie Lee), a viewer (Vera) and one task by the owner assigned to the editor. */
  async function setup() {
    const owner = await registerUser(t, 'Olive');
    const editor = await registerUser(t, 'Eddie Lee');
    const viewer = await registerUser(t, 'Vera');
    const board = await createBoard(t, owner.auth, { name: 'Comments' });
    const invite = async (user: typeof editor, role: string) => {
      const inv = await t.http().post(`/api/v1/boards/${board.id}/invitations`).set(owner.auth).send({ email: user.user.email, role }).expect(201);
      await t.http().post(`/api/v1/invitations/${inv.body.id as string}/accept`).set(user.auth).expect(200);
    };
    await invite(editor, 'editor');
    await invite(viewer, 'viewer');
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'Discuss', assigneeIds: [editor.user.id] });
    const path = `${tasksPath(board.id)}/${task.id}/comments`;
    return { owner, editor, viewer, board, task, path };
  }

  it('creates comments with mentions resolved to members, lists them oldest first across pages, and counts them on the task', async () => {
    const { owner, editor, viewer, board, task, path } = await setup();
    const stranger = await registerUser(t, 'Stan');
    const first = await t.http().post(path).set(editor.auth).send({ body: 'Hi @Olive and @vera, not @Stan nor mail olive@example.com' }).expect(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      boardId: board.id,
      taskId: task.id,
      authorId: editor.user.id,
      body: 'Hi @Olive and @vera, not @Stan nor mail olive@example.com',
      mentionIds: [owner.user.id, viewer.user.id],
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(first.headers.location).toBe(`${path}/${first.body.id as string}`);
    expect(first.body.mentionIds).not.toContain(stranger.user.id);
    const longest = await t.http().post(path).set(owner.auth).send({ body: '@Eddie Lee please' }).expect(201);
    expect(longest.body.mentionIds).toEqual([editor.user.id]);
    for (let i = 0; i < 3; i++) await t.http().post(path).set(owner.auth).send({ body: `note ${i}` }).expect(201);

    const page1 = (await t.http().get(`${path}?limit=2`).set(viewer.auth).expect(200)).body as Page<CommentView>;
    expect(page1.items.map((c) => c.body)).toEqual([first.body.body, '@Eddie Lee please']);
    const page2 = (await t.http().get(`${path}?limit=2&cursor=${page1.nextCursor as string}`).set(viewer.auth).expect(200)).body as Page<CommentView>;
    const page3 = (await t.http().get(`${path}?limit=2&cursor=${page2.nextCursor as string}`).set(viewer.auth).expect(200)).body as Page<CommentView>;
    expect([...page2.items, ...page3.items].map((c) => c.body)).toEqual(['note 0', 'note 1', 'note 2']);
    expect(page3.nextCursor).toBeNull();

    expect((await t.http().get(`${tasksPath(board.id)}/${task.id}`).set(viewer.auth).expect(200)).body.commentCount).toBe(5);
    const snap = await snapshot(t, viewer.auth, board.id);
    expect(snap.tasks.find((x) => x.id === task.id)).toMatchObject({ commentCount: 5, version: 1 });
  });

  it('emits comment.created|updated|deleted with the task’s comment count, in seq order', async () => {
    const { owner, editor, board, path } = await setup();
    const { lastSeq: start } = (await t.http().get(`/api/v1/boards/${board.id}/events?after=0`).set(owner.auth).expect(200)).body as EventsPage;
    const c = (await t.http().post(path).set(editor.auth).send({ body: 'one' }).expect(201)).body as CommentView;
    const edited = (await t.http().patch(`${path}/${c.id}`).set(editor.auth).send({ body: 'one, edited @Olive' }).expect(200)).body as CommentView;
    expect(edited).toMatchObject({ version: 2, body: 'one, edited @Olive', mentionIds: [owner.user.id] });
    await t.http().delete(`${path}/${c.id}`).set(editor.auth).expect(204);
    const events = ((await t.http().get(`/api/v1/boards/${board.id}/events?after=${start}`).set(owner.auth).expect(200)).body as EventsPage).items;
    expect(events.map((e) => [e.seq, e.type, e.actorId])).toEqual([
      [start + 1, 'comment.created', editor.user.id],
      [start + 2, 'comment.updated', editor.user.id],
      [start + 3, 'comment.deleted', editor.user.id],
    ]);
    expect(events[0].data).toEqual({ ...c, commentCount: 1 });
    expect(events[1].data).toEqual({ ...edited, commentCount: 1 });
    expect(events[2].data).toEqual({ id: c.id, taskId: c.taskId, commentCount: 0 });
  });

  it('lets only the author edit; the author or an owner delete; viewers only read', async () => {
    const { owner, editor, viewer, path } = await setup();
    const byEditor = (await t.http().post(path).set(editor.auth).send({ body: 'mine' }).expect(201)).body as CommentView;
    const byOwner = (await t.http().post(path).set(owner.auth).send({ body: 'owner’s' }).expect(201)).body as CommentView;
    expect((await t.http().patch(`${path}/${byEditor.id}`).set(owner.auth).send({ body: 'hijack' }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http().patch(`${path}/${byOwner.id}`).set(editor.auth).send({ body: 'hijack' }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http().delete(`${path}/${byOwner.id}`).set(editor.auth).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http().post(path).set(viewer.auth).send({ body: 'can I?' }).expect(403)).body.code).toBe('FORBIDDEN');
    await t.http().delete(`${path}/${byEditor.id}`).set(owner.auth).expect(204);
    await t.http().delete(`${path}/${byOwner.id}`).set(owner.auth).expect(204);
    expect(((await t.http().get(path).set(viewer.auth).expect(200)).body as Page<CommentView>).items).toEqual([]);
  });

  it('answers 404 for non-members, unknown ids and ids of another task or board, and 409 TASK_ARCHIVED on an archived task', async () => {
    const { owner, editor, board, task, path } = await setup();
    const outsider = await registerUser(t);
    await t.http().get(path).set(outsider.auth).expect(404);
    await t.http().post(path).set(outsider.auth).send({ body: 'x' }).expect(404);
    const other = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'Other' });
    const c = (await t.http().post(path).set(editor.auth).send({ body: 'x' }).expect(201)).body as CommentView;
    expect((await t.http().patch(`${tasksPath(board.id)}/${other.id}/comments/${c.id}`).set(editor.auth).send({ body: 'y' }).expect(404)).body.code).toBe('COMMENT_NOT_FOUND');
    expect((await t.http().delete(`${path}/${randomUUID()}`).set(editor.auth).expect(404)).body.code).toBe('COMMENT_NOT_FOUND');
    expect((await t.http().get(`${tasksPath(board.id)}/${randomUUID()}/comments`).set(editor.auth).expect(404)).body.code).toBe('TASK_NOT_FOUND');
    const foreign = await createBoard(t, owner.auth, { name: 'Elsewhere' });
    expect((await t.http().get(`${tasksPath(foreign.id)}/${task.id}/comments`).set(owner.auth).expect(404)).body.code).toBe('TASK_NOT_FOUND');

    await t.http().post(`${tasksPath(board.id)}/${task.id}/archive`).set(owner.auth).expect(200);
    expect((await t.http().post(path).set(editor.auth).send({ body: 'late' }).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect((await t.http().patch(`${path}/${c.id}`).set(editor.auth).send({ body: 'late' }).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect(((await t.http().get(path).set(editor.auth).expect(200)).body as Page<CommentView>).items).toHaveLength(1);
  });

  it.each([
    ['an empty body', { body: '' }],
    ['a blank body', { body: ' \n\t ' }],
    ['a body over 10,000 characters', { body: 'x'.repeat(10_001) }],
    ['a body that is not a string', { body: 42 }],
    ['no body', {}],
    ['an unknown field', { body: 'ok', authorId: randomUUID() }],
  ])('answers 400 VALIDATION_FAILED to %s and stores nothing', async (_what, payload) => {
    const { editor, path, board, task } = await setup();
    const res = await t.http().post(path).set(editor.auth).send(payload).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(((await t.http().get(path).set(editor.auth).expect(200)).body as Page<CommentView>).items).toEqual([]);
    expect(((await snapshot(t, editor.auth, board.id)).tasks.find((x: TaskView) => x.id === task.id) as TaskView).commentCount).toBe(0);
  });

  it('accepts exactly 10,000 characters and answers 400 to a malformed cursor or limit', async () => {
    const { editor, path } = await setup();
    await t.http().post(path).set(editor.auth).send({ body: 'y'.repeat(10_000) }).expect(201);
    expect((await t.http().get(`${path}?cursor=garbage`).set(editor.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await t.http().get(`${path}?limit=0`).set(editor.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await t.http().get(`${path}?limit=101`).set(editor.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('deletes a task’s comments with the task', async () => {
    const { owner, editor, board, task, path } = await setup();
    await t.http().post(path).set(editor.auth).send({ body: 'bye' }).expect(201);
    await t.http().delete(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(204);
    expect((await t.http().get(path).set(owner.auth).expect(404)).body.code).toBe('TASK_NOT_FOUND');
  });
});
