// Notifications: the triggers (assigned on create and on update, invited), who is not notified
// (the actor, already-assigned users, members for `invited`), the per-user seq, list / unread /
// afterSeq / cursor, mark read, the board-left rule for names, live delivery to every socket of
// the user, and bad input.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { TasklaneSocket } from '@tasklane/client';
import type { NotificationPage, NotificationView } from '@tasklane/contracts';
import { DataSource } from 'typeorm';
import { RetentionService } from '../src/retention/retention.service.js';
import { addMember, createBoard, createTask, pruneNow, registerUser, tasksPath, type Auth } from './support/fixtures.js';
import { connectSocket, stillConnectedAfter } from './support/sockets.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

const NOTIFICATIONS = '/api/v1/users/me/notifications';

describe('notifications (e2e)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.disconnect());
  });
  const list = async (auth: Auth, query = ''): Promise<NotificationPage> => (await t.http().get(`${NOTIFICATIONS}${query}`).set(auth).expect(200)).body as NotificationPage;
  /** Joining by invitation (addMember) notifies `invited` first: the other notifications. */
  const notInvited = async (auth: Auth, query = ''): Promise<NotificationView[]> => (await list(auth, query)).items.filter((n) => n.kind !== 'invited');

  it('notifies users newly assigned on create and on update, never the actor or those already assigned', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor', await registerUser(t, 'Ann'));
    const bob = await addMember(t, owner.auth, board.id, 'viewer', await registerUser(t, 'Bob'));
    const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Write README', assigneeIds: [ann.user.id, owner.user.id] });
    await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ assigneeIds: [ann.user.id, bob.user.id] }).expect(200);
    await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ title: 'Retitled' }).expect(200);

    const annPage = await list(ann.auth);
    expect(annPage).toMatchObject({ nextCursor: null, unreadCount: 2, lastSeq: 2 });
    expect(annPage.items.map((n) => n.kind)).toEqual(['assigned', 'invited']);
    expect(annPage.items[0]).toEqual({
      id: expect.any(String),
      seq: 2,
      kind: 'assigned',
      boardId: board.id,
      boardName: 'Tasks',
      taskId: task.id,
      taskTitle: 'Retitled',
      commentId: null,
      actorId: owner.user.id,
      actorName: 'Owner',
      createdAt: expect.any(String),
      readAt: null,
    });
    expect((await notInvited(bob.auth)).map((n) => [n.kind, n.taskId])).toEqual([['assigned', task.id]]);
    expect(await list(owner.auth)).toEqual({ items: [], nextCursor: null, unreadCount: 0, lastSeq: 0 });
    // Ann assigning herself: no notification (the actor).
    const own = await createTask(t, ann.auth, board.id, { columnId: todo.id, title: 'Mine', assigneeIds: [ann.user.id] });
    expect(own.assigneeIds).toEqual([ann.user.id]);
    expect((await list(ann.auth)).lastSeq).toBe(2);
  });

  it('records the comments module’s intents: a mention, and a comment on a task I am assigned to (a mention wins)', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor', await registerUser(t, 'Ann'));
    const bob = await addMember(t, owner.auth, board.id, 'editor', await registerUser(t, 'Bob'));
    const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Discuss', assigneeIds: [ann.user.id, bob.user.id] });
    const comment = (await t.http().post(`${tasksPath(board.id)}/${task.id}/comments`).set(owner.auth).send({ body: '@Ann what do you think?' }).expect(201)).body as { id: string };
    const [annLatest] = await notInvited(ann.auth);
    expect(annLatest).toMatchObject({ kind: 'mentioned', taskId: task.id, commentId: comment.id, actorName: 'Owner', taskTitle: 'Discuss' });
    const [bobLatest] = await notInvited(bob.auth);
    expect(bobLatest).toMatchObject({ kind: 'commented', taskId: task.id, commentId: comment.id });
    // The owner, who wrote it and created the task, hears nothing.
    expect((await list(owner.auth)).lastSeq).toBe(0);
  });

  it('notifies an existing account invited to a board, not an email without an account nor a member', async () => {
    const owner = await registerUser(t, 'Olga');
    const board = await createBoard(t, owner.auth, { name: 'Invites' });
    const guest = await registerUser(t, 'Guest');
    await t.http().post(`/api/v1/boards/${board.id}/invitations`).set(owner.auth).send({ email: guest.user.email, role: 'viewer' }).expect(201);
    await t.http().post(`/api/v1/boards/${board.id}/invitations`).set(owner.auth).send({ email: `${randomUUID()}@example.test`, role: 'viewer' }).expect(201);
    const page = await list(guest.auth);
    expect(page.items).toEqual([expect.objectContaining({ kind: 'invited', boardId: board.id, taskId: null, actorName: 'Olga', seq: 1 })]);
    // Not a member yet, but the invitation names its board (as GET /users/me/invitations does).
    expect(page.items[0].boardName).toBe('Invites');
    const member = await addMember(t, owner.auth, board.id, 'editor');
    const before = (await list(member.auth)).lastSeq;
    await t.http().post(`/api/v1/boards/${board.id}/invitations`).set(owner.auth).send({ email: member.user.email, role: 'viewer' }).expect(201);
    expect((await list(member.auth)).lastSeq).toBe(before);
  });

  it('numbers each user’s notifications 1, 2, 3 …, lists newest first with a cursor, and catches up with afterSeq', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor');
    for (let i = 1; i <= 5; i++) await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `T${i}`, assigneeIds: [ann.user.id] });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: NotificationPage = await list(ann.auth, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((n) => n.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1]); // 1: the invitation
    expect((await list(ann.auth, '?afterSeq=4')).items.map((n) => [n.seq, n.taskTitle])).toEqual([
      [6, 'T5'],
      [5, 'T4'],
    ]);
    expect((await list(ann.auth, '?afterSeq=6')).items).toEqual([]);
  });

  it('marks ids or all read, ignores others’ ids, and filters unread', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor');
    const bob = await addMember(t, owner.auth, board.id, 'editor');
    await t.http().post(`${NOTIFICATIONS}/read`).set(ann.auth).send({ all: true }).expect(200);
    await t.http().post(`${NOTIFICATIONS}/read`).set(bob.auth).send({ all: true }).expect(200);
    for (const title of ['A', 'B', 'C']) await createTask(t, owner.auth, board.id, { columnId: todo.id, title, assigneeIds: [ann.user.id, bob.user.id] });
    const [c, b, a] = (await list(ann.auth)).items;
    const bobsC = (await list(bob.auth)).items[0];
    const res = await t.http().post(`${NOTIFICATIONS}/read`).set(ann.auth).send({ ids: [c.id, bobsC.id] }).expect(200);
    expect(res.body).toEqual({ unreadCount: 2 });
    expect((await t.http().get(`${NOTIFICATIONS}/unread-count`).set(bob.auth).expect(200)).body).toEqual({ unreadCount: 3 });
    const unread = await list(ann.auth, '?unread=true');
    expect(unread.items.map((n) => n.id)).toEqual([b.id, a.id]);
    expect(unread.unreadCount).toBe(2);
    expect((await list(ann.auth)).items[0].readAt).toEqual(expect.any(String));
    expect((await t.http().post(`${NOTIFICATIONS}/read`).set(ann.auth).send({ all: true }).expect(200)).body).toEqual({ unreadCount: 0 });
    expect((await list(ann.auth, '?unread=true')).items).toEqual([]);
    expect((await t.http().get(`${NOTIFICATIONS}/unread-count`).set(bob.auth).expect(200)).body).toEqual({ unreadCount: 3 });
  });

  it('hides the board name and task title once the recipient left the board', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor');
    await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Secret plan', assigneeIds: [ann.user.id] });
    await t.http().delete(`/api/v1/boards/${board.id}/members/${ann.user.id}`).set(ann.auth).expect(204);
    expect(await notInvited(ann.auth)).toEqual([expect.objectContaining({ boardName: null, taskTitle: null, kind: 'assigned' })]);
  });

  it('delivers notification:new live to every socket of the user, once each, and to nobody else', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor');
    const bob = await addMember(t, owner.auth, board.id, 'editor');
    const annSockets = [await connectSocket(t.url, ann.accessToken), await connectSocket(t.url, ann.accessToken)];
    const bobSocket = await connectSocket(t.url, bob.accessToken);
    sockets.push(...annSockets, bobSocket);
    const received: NotificationView[][] = annSockets.map(() => []);
    annSockets.forEach((s, i) => s.on('notification:new', (n) => received[i].push(n)));
    const bobReceived: NotificationView[] = [];
    bobSocket.on('notification:new', (n) => bobReceived.push(n));

    const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Live', assigneeIds: [ann.user.id] });
    await expect(stillConnectedAfter(annSockets[0], 500)).resolves.toBe(true);
    const stored = (await list(ann.auth)).items[0];
    for (const r of received) expect(r).toEqual([stored]);
    expect(stored).toMatchObject({ seq: 2, kind: 'assigned', taskId: task.id, taskTitle: 'Live' });
    expect(bobReceived).toEqual([]);
  });

  it('retention drops notifications read over 90 days ago and keeps unread and recently read ones, and seqs go on', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor');
    for (const title of ['Old', 'Recent', 'Unread']) await createTask(t, owner.auth, board.id, { columnId: todo.id, title, assigneeIds: [ann.user.id] });
    const [unread, recent, old, invited] = (await list(ann.auth)).items;
    await t.http().post(`${NOTIFICATIONS}/read`).set(ann.auth).send({ ids: [old.id, recent.id, invited.id] }).expect(200);
    await t.app.get(DataSource).query(`UPDATE notifications SET read_at = now() - interval '91 days' WHERE id = ANY($1::uuid[])`, [[old.id, invited.id]]);
    await pruneNow(t.app.get(RetentionService));
    expect((await list(ann.auth)).items.map((n) => n.id)).toEqual([unread.id, recent.id]);
    await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Next', assigneeIds: [ann.user.id] });
    expect((await list(ann.auth)).items[0].seq).toBe(unread.seq + 1);
  });

  it('answers 400 to bad input and 401 without a token', async () => {
    const user = await registerUser(t);
    for (const query of ['?unread=yes', '?afterSeq=-1', '?afterSeq=x', '?limit=0', '?limit=101', '?cursor=bad', '?other=1']) {
      expect((await t.http().get(`${NOTIFICATIONS}${query}`).set(user.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
    }
    for (const body of [{}, { ids: [] }, { ids: ['nope'] }, { all: false }, { all: 'true' }, { ids: [randomUUID()], all: true }, { ids: Array.from({ length: 101 }, () => randomUUID()) }, { extra: 1, all: true }]) {
      expect((await t.http().post(`${NOTIFICATIONS}/read`).set(user.auth).send(body).expect(400)).body.code).toBe('VALIDATION_FAILED');
    }
    await t.http().get(NOTIFICATIONS).expect(401);
    await t.http().get(`${NOTIFICATIONS}/unread-count`).expect(401);
    await t.http().post(`${NOTIFICATIONS}/read`).send({ all: true }).expect(401);
  });
});
