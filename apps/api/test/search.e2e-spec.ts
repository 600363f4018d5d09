// Search: full-text across the caller's boards only (also right after leaving one), ranking,
// prefix matching, escaped highlighted snippets, filters, keyset pages, bad input.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { SearchPage } from '@tasklane/contracts';
import { addMember, createBoard, createTask, registerUser, tasksPath, type Auth } from './support/fixtures.js';
import { tasksBoard } from './support/task-boards.js';
import { useTestApp } from './support/test-app.js';

describe('search (e2e)', () => {
  const t = useTestApp();
  const search = async (auth: Auth, query: Record<string, string>): Promise<SearchPage> =>
    (await t.http().get(`/api/v1/search?${new URLSearchParams(query).toString()}`).set(auth).expect(200)).body as SearchPage;
  /** A word no other test uses, so results are only this test's tasks. */
  const word = () => `w${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  it('finds tasks across all my boards by title or description, most relevant first, with escaped highlighted snippets', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const other = await createBoard(t, owner.auth, { name: 'Second', columns: ['Inbox'] });
    const w = word();
    const inTitle = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `Deploy ${w} now`, description: `the ${w} rollout` });
    const inDescription = await createTask(t, owner.auth, other.id, { columnId: other.columns[0].id, title: 'Quiet title', description: `if a<b && c>"d" then <script>alert(1)</script> about ${w} & more` });
    await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Unrelated' });

    const page = await search(owner.auth, { q: w });
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((h) => h.taskId)).toEqual([inTitle.id, inDescription.id]);
    expect(page.items[0]).toMatchObject({ boardId: board.id, boardName: 'Tasks', columnId: todo.id, title: `Deploy ${w} now`, assigneeIds: [], dueAt: null });
    expect(page.items[0].rank).toBeGreaterThan(page.items[1].rank);
    expect(page.items[1].boardName).toBe('Second');
    const snippet = page.items[1].snippet;
    expect(snippet).toContain(`about <mark>${w}</mark> &amp; more`);
    // The only markup is <mark>: everything else from the text is escaped.
    expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"]/);
    expect(page.items[0].snippet).toContain(`<mark>${w}</mark>`);
  });

  it('matches the last word as a prefix (search as you type) and honours web-search syntax', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const w = word();
    const a = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `${w} readme`, description: 'draft' });
    const b = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `${w} release notes` });
    expect((await search(owner.auth, { q: `${w} re` })).items.map((h) => h.taskId).sort()).toEqual([a.id, b.id].sort());
    expect((await search(owner.auth, { q: `${w} Rea` })).items.map((h) => h.taskId)).toEqual([a.id]);
    expect((await search(owner.auth, { q: `${w} rea ` })).items).toEqual([]); // a finished word is not a prefix
    expect((await search(owner.auth, { q: `${w} -draft` })).items.map((h) => h.taskId)).toEqual([b.id]);
    expect((await search(owner.auth, { q: `"${w} release"` })).items.map((h) => h.taskId)).toEqual([b.id]);
    expect((await search(owner.auth, { q: w.slice(0, 6) })).items.map((h) => h.taskId).sort()).toEqual([a.id, b.id].sort());
  });

  it('never returns tasks of a board I am not a member of, including one I just left', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'viewer');
    const stranger = await registerUser(t);
    const w = word();
    const task = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `Secret ${w}` });
    expect((await search(ann.auth, { q: w })).items.map((h) => h.taskId)).toEqual([task.id]);
    expect((await search(stranger.auth, { q: w })).items).toEqual([]);
    await t.http().delete(`/api/v1/boards/${board.id}/members/${ann.user.id}`).set(ann.auth).expect(204);
    expect((await search(ann.auth, { q: w })).items).toEqual([]);
    expect((await t.http().get(`/api/v1/search?q=${w}&boardId=${board.id}`).set(ann.auth).expect(404)).body.code).toBe('BOARD_NOT_FOUND');
    // A deleted board is gone from search too.
    await t.http().delete(`/api/v1/boards/${board.id}`).set(owner.auth).expect(204);
    expect((await search(owner.auth, { q: w })).items).toEqual([]);
  });

  it('filters by board, assignee, label, due date and archive state', async () => {
    const { owner, board, todo, done } = await tasksBoard(t);
    const ann = await addMember(t, owner.auth, board.id, 'editor');
    const other = await createBoard(t, owner.auth, { name: 'Other', columns: ['X'] });
    const w = word();
    const day = 86_400_000;
    const label = (await t.http().post(`/api/v1/boards/${board.id}/labels`).set(owner.auth).send({ name: 'bug', color: '#cc0000' }).expect(201)).body as { id: string };
    const overdue = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `${w} late`, dueAt: new Date(Date.now() - day).toISOString(), assigneeIds: [ann.user.id] });
    const soon = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `${w} soon`, dueAt: new Date(Date.now() + 2 * day).toISOString(), labelIds: [label.id] });
    const later = await createTask(t, owner.auth, other.id, { columnId: other.columns[0].id, title: `${w} later`, dueAt: new Date(Date.now() + 30 * day).toISOString() });
    const archived = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `${w} shelved` });
    await t.http().post(`${tasksPath(board.id)}/${archived.id}/archive`).set(owner.auth).expect(200);
    const inArchivedColumn = await createTask(t, owner.auth, board.id, { columnId: done.id, title: `${w} in an archived column` });
    await t.http().post(`/api/v1/boards/${board.id}/columns/${done.id}/archive`).set(owner.auth).expect(200);
    const ids = async (q: Record<string, string>) => (await search(owner.auth, { q: w, ...q })).items.map((h) => h.taskId).sort();
    expect(await ids({})).toEqual([overdue.id, soon.id, later.id].sort());
    expect(await ids({ boardId: other.id })).toEqual([later.id]);
    expect(await ids({ assigneeId: ann.user.id })).toEqual([overdue.id]);
    expect(await ids({ labelId: label.id })).toEqual([soon.id]);
    expect(await ids({ labelId: randomUUID() })).toEqual([]);
    expect(await ids({ due: 'overdue' })).toEqual([overdue.id]);
    expect(await ids({ due: 'week' })).toEqual([soon.id]);
    expect(await ids({ archived: 'false' })).toEqual([overdue.id, soon.id, later.id].sort());
    expect(await ids({ archived: 'true' })).toEqual([archived.id, inArchivedColumn.id].sort());
    // Done tasks are neither overdue nor due this week, but still found; hits carry completedAt.
    for (const task of [overdue, soon]) await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ completed: true }).expect(200);
    expect(await ids({ due: 'overdue' })).toEqual([]);
    expect(await ids({ due: 'week' })).toEqual([]);
    const hits = (await search(owner.auth, { q: w })).items;
    expect(hits.filter((h) => h.completedAt !== null).map((h) => h.taskId).sort()).toEqual([overdue.id, soon.id].sort());
  });

  it('finds a task by a word of its comments, ranked below tasks that have the word themselves, with the comment as snippet', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const w = word();
    const quiet = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: 'Quiet task', description: 'nothing here' });
    const loud = await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `Loud ${w}` });
    await t.http().post(`${tasksPath(board.id)}/${quiet.id}/comments`).set(owner.auth).send({ body: `I think <b>${w}</b> matters & more` }).expect(201);
    const page = await search(owner.auth, { q: w });
    expect(page.items.map((h) => [h.taskId, h.matchedIn])).toEqual([
      [loud.id, 'task'],
      [quiet.id, 'comment'],
    ]);
    expect(page.items[1].snippet).toContain(`<mark>${w}</mark>`);
    expect(page.items[1].snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
    // Prefix matching reaches comments too; a comment of a board I left does not.
    expect((await search(owner.auth, { q: w.slice(0, 7) })).items.map((h) => h.taskId)).toContain(quiet.id);
    const ann = await addMember(t, owner.auth, board.id, 'viewer');
    expect((await search(ann.auth, { q: w })).items.map((h) => h.taskId)).toContain(quiet.id);
    await t.http().delete(`/api/v1/boards/${board.id}/members/${ann.user.id}`).set(ann.auth).expect(204);
    expect((await search(ann.auth, { q: w })).items).toEqual([]);
  });

  it('pages by relevance with a cursor, without repeats or gaps, and sees edits at once', async () => {
    const { owner, board, todo } = await tasksBoard(t);
    const w = word();
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await createTask(t, owner.auth, board.id, { columnId: todo.id, title: `${w} ${'x '.repeat(i)}`, description: i % 2 ? w : '' }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: SearchPage = await search(owner.auth, { q: w, limit: '3', ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((h) => h.taskId));
      cursor = page.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual(created.map((c) => c.id).sort());
    expect(new Set(seen).size).toBe(7);
    const renamed = word();
    await t.http().patch(`${tasksPath(board.id)}/${created[0].id}`).set(owner.auth).send({ title: renamed }).expect(200);
    expect((await search(owner.auth, { q: renamed })).items.map((h) => h.taskId)).toEqual([created[0].id]);
  });

  it('answers 400 to bad input and 401 without a token', async () => {
    const user = await registerUser(t);
    for (const query of ['', 'q=', `q=${'a'.repeat(201)}`, 'q=x&boardId=nope', 'q=x&assigneeId=1', 'q=x&labelId=x', 'q=x&due=month', 'q=x&archived=yes', 'q=x&limit=0', 'q=x&limit=51', 'q=x&cursor=zz', `q=x&cursor=${Buffer.from(`r:-1|${randomUUID()}`).toString('base64url')}`, 'q=x&extra=1']) {
      const res = await t.http().get(`/api/v1/search?${query}`).set(user.auth).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    // Query syntax never fails: operators only, quotes, a lone dash, tsquery characters.
    for (const q of ['!!!', '"', '-', 'a & b | !c', "':* (", 'or', '\u0001']) expect((await search(user.auth, { q })).items).toEqual([]);
    await t.http().get('/api/v1/search?q=x').expect(401);
  });
});
