// Activity: the board's events as readable entries, newest first, paginated by seq; one task's
// entries; roles, board scoping of task ids, bad input.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ActivityEntry, Page } from '@tasklane/contracts';
import { addMember, createTask, registerUser, tasksPath, type Auth } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('activity (e2e)', () => {
  const t = useTestApp();
  const activity = async (auth: Auth, path: string, query = ''): Promise<Page<ActivityEntry>> =>
    (await t.http().get(`${path}/activity${query}`).set(auth).expect(200)).body as Page<ActivityEntry>;

  it('renders the board’s events with actor names, newest first, including the column a task moved from', async () => {
    const { owner, board, todo, done } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor', await registerUser(t, 'Ann'));
    const task = await createTask(t, ann.auth, board.id, { columnId: todo.id, title: 'Write README' });
    await t.http().post(`${tasksPath(board.id)}/${task.id}/move`).set(ann.auth).send({ columnId: done.id }).expect(200);
    await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ title: 'Write the README', assigneeIds: [ann.user.id] }).expect(200);
    await t.http().delete(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(204);

    const page = await activity(owner.auth, `/api/v1/boards/${board.id}`);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((e) => e.text)).toEqual([
      "Owner deleted 'Write the README'",
      "Owner renamed 'Write README' to 'Write the README'; assigned Ann to 'Write the README'",
      "Ann moved 'Write README' from Todo to Done",
      "Ann created 'Write README' in Todo",
      'Ann joined the board as editor',
    ]);
    expect(page.items.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(page.items[2]).toEqual({
      boardId: board.id,
      seq: 3,
      type: 'task.moved',
      actorId: ann.user.id,
      actorName: 'Ann',
      occurredAt: expect.any(String),
      taskId: task.id,
      text: "Ann moved 'Write README' from Todo to Done",
    });
  });

  it('paginates newest first with a cursor, without gaps or repeats', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    for (let i = 1; i <= 5; i++) await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `T${i}` });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<ActivityEntry> = await activity(owner.auth, `/api/v1/boards/${board.id}`, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
  });

  it('lists one task’s entries only, and 404s for a task of another board', async () => {
    const { owner, board, todo, done } = await tasksBoard(t);
    const a = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'A' });
    await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'B' });
    await t.http().post(`${tasksPath(board.id)}/${a.id}/move`).set(owner.auth).send({ columnId: done.id }).expect(200);
    const page = await activity(owner.auth, `${tasksPath(board.id)}/${a.id}`);
    expect(page.items.map((e) => e.text)).toEqual(["Owner moved 'A' from Todo to Done", "Owner created 'A' in Todo"]);

    const other = await tasksBoard(t);
    const foreign = await createTask(t, other.owner.auth, other.board.id, { columnId: other.todo.id, title: 'Foreign' });
    const res = await t.http().get(`${tasksPath(board.id)}/${foreign.id}/activity`).set(owner.auth).expect(404);
    expect(res.body.code).toBe('TASK_NOT_FOUND');
  });

  it('includes a task’s comment and checklist events in its activity, naming the task', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Talk' });
    await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Other' });
    await t.http().post(`${tasksPath(board.id)}/${task.id}/comments`).set(owner.auth).send({ body: 'First!' }).expect(201);
    await t.http().post(`${tasksPath(board.id)}/${task.id}/checklist`).set(owner.auth).send({ text: 'Agenda' }).expect(201);
    const page = await activity(owner.auth, `${tasksPath(board.id)}/${task.id}`);
    expect(page.items.map((e) => [e.text, e.taskId])).toEqual([
      ["Owner added 'Agenda' to the checklist of 'Talk'", task.id],
      ["Owner commented on 'Talk'", task.id],
      ["Owner created 'Talk' in Todo", task.id],
    ]);
  });

  it('lets viewers read, and answers 404 to non-members and 401 to anonymous callers', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const viewer = await addMember(t, owner.auth, board.id, 'viewer');
    const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Seen' });
    expect((await activity(viewer.auth, `/api/v1/boards/${board.id}`)).items[0].text).toBe("Owner created 'Seen' in Todo");
    expect((await activity(viewer.auth, `${tasksPath(board.id)}/${task.id}`)).items).toHaveLength(1);
    const stranger = await registerUser(t);
    for (const path of [`/api/v1/boards/${board.id}/activity`, `${tasksPath(board.id)}/${task.id}/activity`]) {
      expect((await t.http().get(path).set(stranger.auth).expect(404)).body.code).toBe('BOARD_NOT_FOUND');
      await t.http().get(path).expect(401);
    }
  });

  it('answers 400 for a malformed cursor or limit, 404 for malformed ids', async () => {
    const { owner, board } = await tasksBoard(t);
    for (const query of ['?cursor=nope', `?cursor=${Buffer.from('s:-1').toString('base64url')}`, '?limit=0', '?limit=101', '?limit=x', '?extra=1']) {
      const res = await t.http().get(`/api/v1/boards/${board.id}/activity${query}`).set(owner.auth).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await t.http().get(`/api/v1/boards/not-a-uuid/activity`).set(owner.auth).expect(404);
    await t.http().get(`${tasksPath(board.id)}/not-a-uuid/activity`).set(owner.auth).expect(404);
    await t.http().get(`${tasksPath(board.id)}/${randomUUID()}/activity`).set(owner.auth).expect(404);
  });
});
