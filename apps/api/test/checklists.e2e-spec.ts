// Checklists: order by fractional positions (create at end / between anchors, move), done flag,
// progress on the task in the view and snapshot, events, roles, archived tasks, bad input.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ChecklistItemView, EventsPage } from '@tasklane/contracts';
import { addMember, createTask, registerUser, snapshot, tasksPath } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('checklists (e2e)', () => {
  const t = useTestApp();

  async function setup() {
    const s = await tasksBoard(t);
    const task = await createTask(t, s.owner.auth, s.board.id, { columnId: s.todo.id, title: 'Ship' });
    const path = `${tasksPath(s.board.id)}/${task.id}/checklist`;
    const add = async (text: string, extra: Record<string, unknown> = {}) => (await t.http().post(path).set(s.owner.auth).send({ text, ...extra }).expect(201)).body as ChecklistItemView;
    const texts = async () => ((await t.http().get(path).set(s.owner.auth).expect(200)).body as ChecklistItemView[]).map((i) => i.text);
    const progress = async () => (await snapshot(t, s.owner.auth, s.board.id)).tasks.find((x) => x.id === task.id)?.checklist;
    return { ...s, task, path, add, texts, progress };
  }

  it('adds items at the end or between adjacent anchors, moves them, and keeps progress on the task', async () => {
    const { owner, board, task, path, add, texts, progress } = await setup();
    const a = await add('  A  ');
    expect(a).toEqual({ id: expect.any(String), boardId: board.id, taskId: task.id, text: 'A', done: false, position: expect.any(String), version: 1, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const c = await add('C', { done: true });
    await add('B', { afterItemId: a.id, beforeItemId: c.id });
    const first = await add('0', { beforeItemId: a.id });
    expect(await texts()).toEqual(['0', 'A', 'B', 'C']);
    expect(await progress()).toEqual({ done: 1, total: 4 });

    const moved = (await t.http().patch(`${path}/${first.id}`).set(owner.auth).send({ afterItemId: c.id, done: true }).expect(200)).body as ChecklistItemView;
    expect(moved).toMatchObject({ version: 2, done: true, text: '0' });
    expect(await texts()).toEqual(['A', 'B', 'C', '0']);
    expect(await progress()).toEqual({ done: 2, total: 4 });
    await t.http().patch(`${path}/${c.id}`).set(owner.auth).send({ done: false, text: 'C!' }).expect(200);
    await t.http().delete(`${path}/${a.id}`).set(owner.auth).expect(204);
    expect(await texts()).toEqual(['B', 'C!', '0']);
    expect(await progress()).toEqual({ done: 1, total: 3 });
    expect((await t.http().get(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).expect(200)).body).toMatchObject({ checklist: { done: 1, total: 3 }, version: 1 });
  });

  it('emits checklist.item_created|item_updated|item_deleted with the task’s progress', async () => {
    const { owner, board, path, add } = await setup();
    const { lastSeq: start } = (await t.http().get(`/api/v1/boards/${board.id}/events?after=0`).set(owner.auth).expect(200)).body as EventsPage;
    const item = await add('x');
    const done = (await t.http().patch(`${path}/${item.id}`).set(owner.auth).send({ done: true }).expect(200)).body as ChecklistItemView;
    await t.http().delete(`${path}/${item.id}`).set(owner.auth).expect(204);
    const events = ((await t.http().get(`/api/v1/boards/${board.id}/events?after=${start}`).set(owner.auth).expect(200)).body as EventsPage).items;
    expect(events.map((e) => [e.seq - start, e.type, e.data])).toEqual([
      [1, 'checklist.item_created', { ...item, progress: { done: 0, total: 1 } }],
      [2, 'checklist.item_updated', { ...done, progress: { done: 1, total: 1 } }],
      [3, 'checklist.item_deleted', { id: item.id, taskId: item.taskId, progress: { done: 0, total: 0 } }],
    ]);
  });

  it('lets viewers read and refuses their writes; non-members get 404; anchors of another task are not found', async () => {
    const { owner, board, todo, path, add } = await setup();
    const viewer = await addMember(t, owner.auth, board.id, 'viewer');
    const editor = await addMember(t, owner.auth, board.id, 'editor');
    const outsider = await registerUser(t);
    const item = await add('x');
    await t.http().get(path).set(viewer.auth).expect(200);
    expect((await t.http().post(path).set(viewer.auth).send({ text: 'no' }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http().patch(`${path}/${item.id}`).set(viewer.auth).send({ done: true }).expect(403)).body.code).toBe('FORBIDDEN');
    await t.http().patch(`${path}/${item.id}`).set(editor.auth).send({ done: true }).expect(200);
    await t.http().get(path).set(outsider.auth).expect(404);
    const other = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Other' });
    const foreignItem = (await t.http().post(`${tasksPath(board.id)}/${other.id}/checklist`).set(owner.auth).send({ text: 'elsewhere' }).expect(201)).body as ChecklistItemView;
    expect((await t.http().post(path).set(owner.auth).send({ text: 'y', afterItemId: foreignItem.id }).expect(404)).body.code).toBe('CHECKLIST_ITEM_NOT_FOUND');
    expect((await t.http().patch(`${path}/${foreignItem.id}`).set(owner.auth).send({ done: true }).expect(404)).body.code).toBe('CHECKLIST_ITEM_NOT_FOUND');
    expect((await t.http().delete(`${path}/${randomUUID()}`).set(owner.auth).expect(404)).body.code).toBe('CHECKLIST_ITEM_NOT_FOUND');
    expect((await t.http().post(path).set(owner.auth).send({ text: 'y', afterItemId: item.id, beforeItemId: item.id }).expect(400)).body.code).toBe('INVALID_POSITION');
    expect((await t.http().patch(`${path}/${item.id}`).set(owner.auth).send({ afterItemId: item.id }).expect(400)).body.code).toBe('INVALID_POSITION');
  });

  it('answers 409 TASK_ARCHIVED to writes on an archived task, and still lists its items', async () => {
    const { owner, board, task, path, add } = await setup();
    const item = await add('x');
    await t.http().post(`${tasksPath(board.id)}/${task.id}/archive`).set(owner.auth).expect(200);
    expect((await t.http().post(path).set(owner.auth).send({ text: 'late' }).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect((await t.http().patch(`${path}/${item.id}`).set(owner.auth).send({ done: true }).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect((await t.http().delete(`${path}/${item.id}`).set(owner.auth).expect(409)).body.code).toBe('TASK_ARCHIVED');
    expect((await t.http().get(path).set(owner.auth).expect(200)).body).toHaveLength(1);
  });

  it.each([
    ['an empty text', { text: '' }],
    ['a blank text', { text: '   ' }],
    ['a text over 500 characters', { text: 'x'.repeat(501) }],
    ['a done that is not a boolean', { text: 'ok', done: 'yes' }],
    ['an anchor that is not a UUID', { text: 'ok', afterItemId: 'first' }],
    ['an unknown field', { text: 'ok', position: 'a0' }],
  ])('answers 400 VALIDATION_FAILED to %s and stores nothing', async (_what, body) => {
    const { owner, path, progress } = await setup();
    expect((await t.http().post(path).set(owner.auth).send(body).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect(await progress()).toEqual({ done: 0, total: 0 });
  });
});
