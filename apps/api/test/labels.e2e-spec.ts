// Board labels: CRUD, names unique per board ignoring case, colors, tasks referring to label ids
// (another board's label refused), deleting a label removes it from tasks in the same write.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { EventsPage, LabelView } from '@tasklane/contracts';
import { addMember, createBoard, createLabel, createTask, fieldsOf, registerUser, snapshot, tasksPath } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('labels (e2e)', () => {
  const t = useTestApp();
  const labelsPath = (boardId: string) => `/api/v1/boards/${boardId}/labels`;

  it('creates, lists by name, renames and recolors labels; the snapshot has them', async () => {
    const { owner, board } = await tasksBoard(t);
    const res = await t.http().post(labelsPath(board.id)).set(owner.auth).send({ name: '  urgent ', color: '#FF0000' }).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), boardId: board.id, name: 'urgent', color: '#ff0000', version: 1 });
    expect(res.headers.location).toBe(`${labelsPath(board.id)}/${res.body.id as string}`);
    await createLabel(t, owner.auth, board.id, 'Bug');
    expect(((await t.http().get(labelsPath(board.id)).set(owner.auth).expect(200)).body as LabelView[]).map((l) => l.name)).toEqual(['Bug', 'urgent']);
    const renamed = await t.http().patch(`${labelsPath(board.id)}/${res.body.id as string}`).set(owner.auth).send({ name: 'Blocker', color: '#00aa00' }).expect(200);
    expect(renamed.body).toMatchObject({ name: 'Blocker', color: '#00aa00', version: 2 });
    expect((await snapshot(t, owner.auth, board.id)).labels.map((l) => l.name)).toEqual(['Blocker', 'Bug']);
  });

  it('refuses a second label of the same name ignoring case (409 LABEL_NAME_TAKEN), also by rename', async () => {
    const { owner, board } = await tasksBoard(t);
    const bug = await createLabel(t, owner.auth, board.id, 'Bug');
    const other = await createLabel(t, owner.auth, board.id, 'Other');
    expect((await t.http().post(labelsPath(board.id)).set(owner.auth).send({ name: 'BUG', color: '#000000' }).expect(409)).body.code).toBe('LABEL_NAME_TAKEN');
    expect((await t.http().patch(`${labelsPath(board.id)}/${other.id}`).set(owner.auth).send({ name: 'bug' }).expect(409)).body.code).toBe('LABEL_NAME_TAKEN');
    await t.http().patch(`${labelsPath(board.id)}/${bug.id}`).set(owner.auth).send({ name: 'BUG' }).expect(200);
    const elsewhere = await createBoard(t, owner.auth, { name: 'Elsewhere' });
    await createLabel(t, owner.auth, elsewhere.id, 'Bug');
  });

  it('lets tasks refer to this board’s labels only, and deleting a label removes it from every task without a version bump', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const bug = await createLabel(t, owner.auth, board.id, 'bug');
    const p1 = await createLabel(t, owner.auth, board.id, 'p1');
    const elsewhere = await createBoard(t, owner.auth, { name: 'Elsewhere' });
    const foreign = await createLabel(t, owner.auth, elsewhere.id, 'bug');
    const bad = await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: todo.id, title: 'X', labelIds: [bug.id, foreign.id] }).expect(400);
    expect(fieldsOf(bad.body)).toEqual(['labelIds']);
    const a = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'A', labelIds: [bug.id, p1.id] });
    const b = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'B', labelIds: [bug.id] });
    expect((await t.http().patch(`${tasksPath(board.id)}/${b.id}`).set(owner.auth).send({ labelIds: [foreign.id] }).expect(400)).body.code).toBe('VALIDATION_FAILED');

    const { lastSeq } = (await t.http().get(`/api/v1/boards/${board.id}/events?after=0`).set(owner.auth).expect(200)).body as EventsPage;
    await t.http().delete(`${labelsPath(board.id)}/${bug.id}`).set(owner.auth).expect(204);
    const snap = await snapshot(t, owner.auth, board.id);
    expect(snap.labels.map((l) => l.id)).toEqual([p1.id]);
    expect(snap.tasks.map((x) => [x.title, x.labelIds, x.version])).toEqual([
      ['A', [p1.id], a.version],
      ['B', [], b.version],
    ]);
    const events = ((await t.http().get(`/api/v1/boards/${board.id}/events?after=${lastSeq}`).set(owner.auth).expect(200)).body as EventsPage).items;
    expect(events.map((e) => [e.type, e.data])).toEqual([['label.deleted', { id: bug.id }]]);
    expect((await t.http().get(`/api/v1/boards/${elsewhere.id}/labels`).set(owner.auth).expect(200)).body).toEqual([foreign]);
  });

  it('applies roles (viewers read, editors write, non-members 404) and answers 404 for another board’s label', async () => {
    const { owner, board } = await tasksBoard(t);
    const viewer = await addMember(t, owner.auth, board.id, 'viewer');
    const editor = await addMember(t, owner.auth, board.id, 'editor');
    const outsider = await registerUser(t);
    const label = await createLabel(t, editor.auth, board.id, 'made by an editor');
    await t.http().get(labelsPath(board.id)).set(viewer.auth).expect(200);
    expect((await t.http().post(labelsPath(board.id)).set(viewer.auth).send({ name: 'v', color: '#000000' }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http().delete(`${labelsPath(board.id)}/${label.id}`).set(viewer.auth).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http().get(labelsPath(board.id)).set(outsider.auth).expect(404)).body.code).toBe('BOARD_NOT_FOUND');
    const elsewhere = await createBoard(t, owner.auth, { name: 'Elsewhere' });
    expect((await t.http().patch(`${labelsPath(elsewhere.id)}/${label.id}`).set(owner.auth).send({ name: 'x' }).expect(404)).body.code).toBe('LABEL_NOT_FOUND');
    expect((await t.http().delete(`${labelsPath(board.id)}/${randomUUID()}`).set(owner.auth).expect(404)).body.code).toBe('LABEL_NOT_FOUND');
    expect((await t.http().delete(`${labelsPath(board.id)}/not-a-uuid`).set(owner.auth).expect(404)).body.code).toBe('LABEL_NOT_FOUND');
  });

  it.each([
    ['an empty name', { name: '', color: '#000000' }],
    ['a name over 50 characters', { name: 'x'.repeat(51), color: '#000000' }],
    ['a color name', { name: 'ok', color: 'red' }],
    ['a short hex color', { name: 'ok', color: '#fff' }],
    ['no color', { name: 'ok' }],
    ['an unknown field', { name: 'ok', color: '#000000', boardId: randomUUID() }],
  ])('answers 400 VALIDATION_FAILED to %s', async (_what, body) => {
    const { owner, board } = await tasksBoard(t);
    expect((await t.http().post(labelsPath(board.id)).set(owner.auth).send(body).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await t.http().get(labelsPath(board.id)).set(owner.auth).expect(200)).body).toEqual([]);
  });
});
