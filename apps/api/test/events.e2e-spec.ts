import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { AnyBoardEvent, BoardSummary, ColumnView, EventsPage, InvitationView, LabelView, MemberView, TaskView } from '@tasklane/contracts';
import { addMember, createBoard, registerUser, snapshot, type Auth } from './support/fixtures.js';
import { useTestApp, type TestApp } from './support/test-app.js';

describe('board events (e2e)', () => {
  const t = useTestApp();

  const eventsPath = (boardId: string) => `/api/v1/boards/${boardId}/events`;

  const page = async (auth: Auth, boardId: string, query: Record<string, number>): Promise<EventsPage> =>
    (await t.http().get(eventsPath(boardId)).query(query).set(auth).expect(200)).body as EventsPage;

  const allEvents = async (auth: Auth, boardId: string): Promise<AnyBoardEvent[]> => {
    const res = await page(auth, boardId, { after: 0 });
    expect(res.items.length).toBe(res.lastSeq);
    return res.items;
  };

  it('starts a new board at seq 0 with no events', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    expect(board.seq).toBe(0);
    expect(await page(owner.auth, board.id, { after: 0 })).toEqual({ items: [], lastSeq: 0 });
  });

  it('records exactly one event per write, of the right type, with seqs 1..n and the entity after the change', async () => {
    const owner = await registerUser(t);
    const editor = await registerUser(t);
    const board = await createBoard(t, owner.auth, { name: 'Events', columns: ['Todo', 'Done'] });
    const [todo, done] = board.columns;
    const b = `/api/v1/boards/${board.id}`;
    /** [type, actor id, expected data] in write order. */
    const expected: [string, string, unknown][] = [];
    const check = async () => {
      const n = expected.length;
      expect((await snapshot(t, owner.auth, board.id)).seq).toBe(n);
    };

    const renamed = (await t.http().patch(b).set(owner.auth).send({ name: 'Events 2', description: 'd' }).expect(200)).body as BoardSummary;
    expected.push(['board.updated', owner.user.id, renamed]);
    await check();

    // An invitation is no event; its acceptance is `member.added`, by the invitee, without the email.
    const invitation = (await t.http().post(`${b}/invitations`).set(owner.auth).send({ email: editor.user.email, role: 'viewer' }).expect(201)).body as InvitationView;
    await check();
    await t.http().post(`/api/v1/invitations/${invitation.id}/accept`).set(editor.auth).expect(200);
    const [member] = (await t.http().get(`${b}/members`).set(owner.auth).expect(200)).body.items.filter((m: MemberView) => m.userId === editor.user.id) as MemberView[];
    const { email: _addedEmail, ...added } = member;
    expected.push(['member.added', editor.user.id, added]);
    await check();

    const promoted = (await t.http().patch(`${b}/members/${editor.user.id}`).set(owner.auth).send({ role: 'editor' }).expect(200)).body as MemberView;
    const { email: _promotedEmail, ...updated } = promoted;
    expected.push(['member.updated', owner.user.id, updated]);
    await check();

    const column = (await t.http().post(`${b}/columns`).set(editor.auth).send({ name: 'Doing', afterColumnId: todo.id }).expect(201)).body as ColumnView;
    expected.push(['column.created', editor.user.id, column]);
    await check();

    const columnRenamed = (await t.http().patch(`${b}/columns/${column.id}`).set(editor.auth).send({ name: 'In progress' }).expect(200)).body as ColumnView;
    expected.push(['column.updated', editor.user.id, columnRenamed]);
    await check();

    const label = (await t.http().post(`${b}/labels`).set(editor.auth).send({ name: 'x', color: '#E5484D' }).expect(201)).body as LabelView;
    expect(label.color).toBe('#e5484d');
    expected.push(['label.created', editor.user.id, label]);
    await check();

    const task = (await t.http().post(`${b}/tasks`).set(editor.auth).send({ columnId: todo.id, title: 'T', labelIds: [label.id], assigneeIds: [owner.user.id] }).expect(201))
      .body as TaskView;
    expected.push(['task.created', editor.user.id, task]);
    await check();

    const taskUpdated = (await t.http().patch(`${b}/tasks/${task.id}`).set(owner.auth).send({ title: 'T2', dueAt: '2030-01-01T00:00:00Z' }).expect(200)).body as TaskView;
    expected.push(['task.updated', owner.user.id, taskUpdated]);
    await check();

    const moved = (await t.http().post(`${b}/tasks/${task.id}/move`).set(owner.auth).send({ columnId: column.id }).expect(200)).body as TaskView;
    expected.push(['task.moved', owner.user.id, moved]);
    await check();

    await t.http().delete(`${b}/tasks/${task.id}`).set(editor.auth).expect(204);
    expected.push(['task.deleted', editor.user.id, { id: task.id }]);
    await check();

    // a column with tasks goes as ONE column.deleted event (its tasks go with it, no task.deleted each)
    const inDone = (await t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: done.id, title: 'in done' }).expect(201)).body as TaskView;
    expected.push(['task.created', owner.user.id, inDone]);
    await t.http().delete(`${b}/columns/${done.id}`).set(owner.auth).expect(204);
    expected.push(['column.deleted', owner.user.id, { id: done.id }]);
    await check();

    // a member leaving on their own: actor is the member, data is their user id
    await t.http().delete(`${b}/members/${editor.user.id}`).set(editor.auth).expect(204);
    expected.push(['member.removed', editor.user.id, { id: editor.user.id }]);
    await check();

    const events = await allEvents(owner.auth, board.id);
    expect(events.map((e) => e.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(events.map((e) => [e.type, e.actorId, e.data])).toEqual(expected);
    for (const event of events) {
      expect(event.boardId).toBe(board.id);
      expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
    }
    const times = events.map((e) => Date.parse(e.occurredAt));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // board.updated carries the board as of its own event: seq is that event's seq, no caller role
    expect(events[0].data).toEqual({ id: board.id, name: 'Events 2', description: 'd', seq: 1, version: 2, createdAt: board.createdAt, updatedAt: expect.any(String) });
  });

  it('records board.deleted as the last event when the board is deleted', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'X' }).expect(201);
    await t.http().delete(`/api/v1/boards/${board.id}`).set(owner.auth).expect(204);
    // the board is gone for REST readers, so read the stream from the database
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ seq: number; type: string; actor_id: string; data: unknown }>(
        'SELECT seq, type, actor_id, data FROM board_events WHERE board_id = $1 ORDER BY seq',
        [board.id],
      );
      expect(rows.map((r) => [r.seq, r.type])).toEqual([
        [1, 'column.created'],
        [2, 'board.deleted'],
      ]);
      expect(rows[1]).toMatchObject({ actor_id: owner.user.id, data: { id: board.id } });
      const seq = await db.query<{ seq: number }>('SELECT seq FROM board_streams WHERE board_id = $1', [board.id]);
      expect(seq.rows[0].seq).toBe(2);
    } finally {
      await db.end();
    }
    expect((await t.http().get(eventsPath(board.id)).query({ after: 0 }).set(owner.auth).expect(404)).body.code).toBe('BOARD_NOT_FOUND');
  });

  it('pages with after and limit, in seq order, with lastSeq the board seq', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    for (let i = 0; i < 7; i++) {
      await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: `C${i}` }).expect(201);
    }
    const seqs = async (query: Record<string, number>) => {
      const p = await page(owner.auth, board.id, query);
      expect(p.lastSeq).toBe(7);
      return p.items.map((e) => e.seq);
    };
    expect(await seqs({ after: 0, limit: 3 })).toEqual([1, 2, 3]);
    expect(await seqs({ after: 3, limit: 3 })).toEqual([4, 5, 6]);
    expect(await seqs({ after: 6, limit: 3 })).toEqual([7]);
    expect(await seqs({ after: 7, limit: 3 })).toEqual([]);
    expect(await seqs({ after: 2 })).toEqual([3, 4, 5, 6, 7]);
    expect(await seqs({ after: 100 })).toEqual([]);

    // walking the pages collects every event once
    const walked: AnyBoardEvent[] = [];
    let after = 0;
    for (;;) {
      const p = await page(owner.auth, board.id, { after, limit: 2 });
      if (!p.items.length) break;
      walked.push(...p.items);
      after = p.items.at(-1)!.seq;
    }
    expect(walked).toEqual(await allEvents(owner.auth, board.id));
    expect(walked.map((e) => (e.data as ColumnView).name)).toEqual(['C0', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
  });

  it('gives concurrent writes distinct, gap-free seqs in commit order', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth, { name: 'Busy', columns: ['Todo'] });
    const columnId = board.columns[0].id;
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => t.http().post(`/api/v1/boards/${board.id}/tasks`).set(owner.auth).send({ columnId, title: `P${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const events = await allEvents(owner.auth, board.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(events.every((e) => e.type === 'task.created')).toBe(true);
    expect(new Set(events.map((e) => (e.data as TaskView).id))).toEqual(new Set(results.map((r) => r.body.id as string)));
    // commit order is seq order, so the positions handed out (each after the previous last) ascend with seq
    const positions = events.map((e) => (e.data as TaskView).position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(15);
    expect((await snapshot(t, owner.auth, board.id)).seq).toBe(15);
  });

  it.each([
    [{}, 'after'],
    [{ after: -1 }, 'after'],
    [{ after: 'abc' }, 'after'],
    [{ after: 1.5 }, 'after'],
    [{ after: 0, limit: 0 }, 'limit'],
    [{ after: 0, limit: 1001 }, 'limit'],
    [{ after: 0, since: 3 }, 'since'],
  ])('rejects the query %j with 400 VALIDATION_FAILED naming %s', async (query, field) => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const res = await t.http().get(eventsPath(board.id)).query(query).set(owner.auth).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
  });

  it('answers an after beyond the seq range with an empty page or a 400, never 500', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    await t.http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ name: 'one' }).expect(200);
    const outcomes: { after: string; ok: boolean }[] = [];
    for (const after of ['2147483647', '2147483648', '99999999999', '1e21', '9007199254740993']) {
      const res = await t.http().get(eventsPath(board.id)).query({ after }).set(owner.auth);
      const emptyPage = res.status === 200 && res.body.items.length === 0 && res.body.lastSeq === 1;
      const rejected = res.status === 400 && res.body.code === 'VALIDATION_FAILED';
      outcomes.push({ after, ok: emptyPage || rejected });
    }
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });

  it('answers 404 BOARD_NOT_FOUND to non-members, unknown boards and non-UUID ids', async () => {
    const owner = await registerUser(t);
    const stranger = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    await t.http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ name: 'secret' }).expect(200);
    for (const id of [board.id, randomUUID(), 'not-a-uuid']) {
      const res = await t.http().get(eventsPath(id)).query({ after: 0 }).set(stranger.auth).expect(404);
      expect(res.body.code).toBe('BOARD_NOT_FOUND');
      expect(res.body).not.toHaveProperty('items');
    }
  });

  it('lets viewers read the stream', async () => {
    const owner = await registerUser(t);
    const viewer = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    await addMember(t, owner.auth, board.id, 'viewer', viewer);
    const p = await page(viewer.auth, board.id, { after: 0 });
    expect(p.lastSeq).toBe(1);
    expect(p.items.map((e) => e.type)).toEqual(['member.added']);
  });

  it('records no event and does not bump seq for failed writes', async () => {
    const owner = await registerUser(t);
    const viewer = await registerUser(t);
    const board = await createBoard(t, owner.auth, { name: 'Strict', columns: ['Todo', 'Done'] });
    const [todo, done] = board.columns;
    const b = `/api/v1/boards/${board.id}`;
    await addMember(t, owner.auth, board.id, 'viewer', viewer);
    const first = (await t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: todo.id, title: 'first' }).expect(201)).body as TaskView;
    const second = (await t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: todo.id, title: 'second' }).expect(201)).body as TaskView;
    const other = await createBoard(t, owner.auth, { name: 'Other' });
    const before = await allEvents(owner.auth, board.id);
    expect(before.map((e) => e.seq)).toEqual([1, 2, 3]);
    // Invitations are not board events: these two change the invitations, not the stream.
    const stranger = await registerUser(t);
    const toViewer = (await t.http().post(`${b}/invitations`).set(owner.auth).send({ email: viewer.user.email, role: 'editor' }).expect(201)).body as InvitationView;
    const toStranger = (await t.http().post(`${b}/invitations`).set(owner.auth).send({ email: stranger.user.email, role: 'viewer' }).expect(201)).body as InvitationView;

    const failures: [string, () => ReturnType<ReturnType<TestApp['http']>['post']>, number][] = [
      ['task in unknown column', () => t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: randomUUID(), title: 'x' }), 404],
      ['task in column of another board', () => t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: other.columns[0].id, title: 'x' }), 404],
      ['anchors in wrong order', () => t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: todo.id, title: 'x', afterTaskId: second.id, beforeTaskId: first.id }), 400],
      ['anchor in another column', () => t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: done.id, title: 'x', afterTaskId: first.id }), 400],
      ['unknown anchor', () => t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: todo.id, title: 'x', afterTaskId: randomUUID() }), 404],
      ['non-member assignee', () => t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: todo.id, title: 'x', assigneeIds: [randomUUID()] }), 400],
      ['invalid body', () => t.http().post(`${b}/tasks`).set(owner.auth).send({ columnId: todo.id, title: '' }), 400],
      ['viewer writes a task', () => t.http().post(`${b}/tasks`).set(viewer.auth).send({ columnId: todo.id, title: 'x' }), 403],
      ['patch unknown task', () => t.http().patch(`${b}/tasks/${randomUUID()}`).set(owner.auth).send({ title: 'x' }), 404],
      ['move onto itself', () => t.http().post(`${b}/tasks/${first.id}/move`).set(owner.auth).send({ columnId: todo.id, afterTaskId: first.id }), 400],
      ['move to unknown column', () => t.http().post(`${b}/tasks/${first.id}/move`).set(owner.auth).send({ columnId: randomUUID() }), 404],
      ['delete unknown task', () => t.http().delete(`${b}/tasks/${randomUUID()}`).set(owner.auth), 404],
      ['column after unknown column', () => t.http().post(`${b}/columns`).set(owner.auth).send({ name: 'x', afterColumnId: randomUUID() }), 404],
      ['column after itself', () => t.http().patch(`${b}/columns/${todo.id}`).set(owner.auth).send({ afterColumnId: todo.id }), 400],
      ['delete unknown column', () => t.http().delete(`${b}/columns/${randomUUID()}`).set(owner.auth), 404],
      ['viewer renames board', () => t.http().patch(b).set(viewer.auth).send({ name: 'x' }), 403],
      ['accept an invitation to someone else', () => t.http().post(`/api/v1/invitations/${toStranger.id}/accept`).set(viewer.auth), 404],
      ['accept an unknown invitation', () => t.http().post(`/api/v1/invitations/${randomUUID()}/accept`).set(owner.auth), 404],
      ['accept as an existing member', () => t.http().post(`/api/v1/invitations/${toViewer.id}/accept`).set(viewer.auth), 409],
      ['demote the last owner', () => t.http().patch(`${b}/members/${owner.user.id}`).set(owner.auth).send({ role: 'editor' }), 409],
      ['remove the last owner', () => t.http().delete(`${b}/members/${owner.user.id}`).set(owner.auth), 409],
      ['viewer removes the owner', () => t.http().delete(`${b}/members/${owner.user.id}`).set(viewer.auth), 403],
      ['re-role a non-member', () => t.http().patch(`${b}/members/${randomUUID()}`).set(owner.auth).send({ role: 'viewer' }), 404],
    ];
    const outcomes: { label: string; status: number }[] = [];
    for (const [label, send] of failures) outcomes.push({ label, status: (await send()).status });
    expect(outcomes).toEqual(failures.map(([label, , status]) => ({ label, status })));

    expect(await allEvents(owner.auth, board.id)).toEqual(before);
    const snap = await snapshot(t, owner.auth, board.id);
    expect(snap.seq).toBe(3);
    expect(snap.tasks.map((task) => task.title)).toEqual(['first', 'second']);

    // the next successful write continues the stream without a gap
    await t.http().patch(b).set(owner.auth).send({ name: 'Strict 2' }).expect(200);
    const after = await page(owner.auth, board.id, { after: 3 });
    expect(after).toMatchObject({ lastSeq: 4, items: [{ seq: 4, type: 'board.updated' }] });
  });
});
