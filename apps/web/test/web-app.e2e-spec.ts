import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AxeBuilder } from '@axe-core/playwright';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { BoardStream, TasklaneRestClient } from '@tasklane/client';
import type { Cluster } from '@tasklane/cluster';
import type { BoardRole, BoardSnapshot } from '@tasklane/contracts';
import { column, connection, launchChromium, newUser, openBoard, readBoard, recordStatuses, screenshot, signIn, until, type BoardDom } from './support/browser.js';
import { PASSWORD, registerUser, type TestUser } from './support/users.js';
import { startRunCluster } from '../../api/test/support/run-cluster.js';

/**
 * The web app in real Chromium against 3 built replicas behind real nginx, with the run's
 * PostgreSQL and Redis (e2e global setup). Each user is an isolated browser context; user A and
 * user B browse different replicas (or nginx), so every change B sees crossed Redis.
 */
/** Makes `member` a member of the board the way people join: `owner` invites, `member` accepts. */
async function addMember(owner: TestUser, boardId: string, member: TestUser, role: BoardRole): Promise<void> {
  const invitation = await owner.rest.inviteMember(boardId, member.email, role);
  await member.rest.acceptInvitation(invitation.id);
}

/** The board as GET /boards/:id has it, in the shape readBoard() reads from the page. */
function snapshotDom(s: BoardSnapshot): BoardDom {
  return s.columns.map((c) => ({ name: c.name, tasks: s.tasks.filter((t) => t.columnId === c.id).map((t) => t.title) }));
}

/** Drags `from` (a drag handle) with the mouse and drops it on `to`, near its top edge or its middle. */
async function drag(page: Page, from: Locator, to: Locator, where: 'top' | 'middle'): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('drag: element not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 8, { steps: 4 });
  const y = where === 'top' ? b.y + 4 : b.y + b.height / 2;
  await page.mouse.move(b.x + b.width / 2, y, { steps: 12 });
  await page.mouse.move(b.x + b.width / 2, y + 1, { steps: 2 });
  await page.mouse.up();
}

/** Opens the menu named `menu` and picks `item` from it. */
async function choose(page: Page, menu: string, item: string): Promise<void> {
  await page.getByRole('button', { name: menu, exact: true }).click();
  await page.getByRole('list', { name: menu, exact: true }).getByRole('button', { name: item, exact: true }).click();
}

async function addTask(page: Page, columnName: string, title: string): Promise<void> {
  await page.getByLabel(`New task in ${columnName}`, { exact: true }).fill(title);
  await page.getByLabel(`New task in ${columnName}`, { exact: true }).press('Enter');
}

describe('web app in Chromium, 3 replicas behind nginx (e2e)', () => {
  let cluster: Cluster;
  let browser: Browser;
  let lb: string;
  let redis: Redis;
  const contexts: BrowserContext[] = [];
  let ana: TestUser;
  let bruno: TestUser;
  let vera: TestUser;
  let boardId: string;

  beforeAll(async () => {
    cluster = await startRunCluster({
      replicas: 3,
      env: { RATE_LIMITS: 'off', EXPOSE_REPLICA_HEADER: 'true' },
    });
    lb = cluster.lbUrl ?? '';
    browser = await launchChromium();
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    [ana, bruno, vera] = await Promise.all([registerUser(lb, 'Ana'), registerUser(lb, 'Bruno'), registerUser(lb, 'Vera')]);
    const board = await ana.rest.createBoard({ name: `Launch ${randomBytes(2).toString('hex')}` });
    boardId = board.id;
    await addMember(ana, boardId, bruno, 'editor');
    await addMember(ana, boardId, vera, 'viewer');
  }, 120_000);

  // Each test's browser users leave when it ends (fewer sockets and renderers on a 2-core machine).
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    redis?.disconnect();
    await cluster?.stop();
  });

  async function userPage(user: TestUser, origin: string, options: { dark?: boolean; phone?: boolean } = {}): Promise<Page> {
    const context = await newUser(browser, options);
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, origin, user.email, PASSWORD);
    return page;
  }

  it('live sync: B (replica-1) sees every change A (replica-0) makes within 1 s, and both end equal to GET /boards/:id', async () => {
    const a = await userPage(ana, cluster.replicaUrls[0]);
    const b = await userPage(bruno, cluster.replicaUrls[1]);
    await openBoard(a, cluster.replicaUrls[0], boardId);
    await openBoard(b, cluster.replicaUrls[1], boardId);
    const lags: Record<string, number> = {};
    const pageErrors: string[] = [];
    a.on('pageerror', (e) => pageErrors.push(e.message));
    a.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));

    /** Runs `action` on A, waits for A to show `expected`, then measures how long B takes to show it too. */
    async function step(name: string, expected: BoardDom, action: () => Promise<void>): Promise<void> {
      await action();
      try {
        await until(() => readBoard(a), expected, 5_000);
      } catch (error) {
        // What the app told the user (a rolled-back change says why), and a picture of it.
        await screenshot(a, `failed-${name.replace(/\W+/g, '-')}`);
        throw new Error(`${name}: ${(error as Error).message}\nalerts on A: ${JSON.stringify(await a.getByRole('alert').allInnerTexts())}\nerrors on A: ${JSON.stringify(pageErrors)}`, { cause: error });
      }
      lags[name] = await until(() => readBoard(b), expected, 1_000);
    }

    await step('add 3 tasks', [
      { name: 'To do', tasks: ['T1', 'T2', 'T3'] },
      { name: 'Doing', tasks: [] },
      { name: 'Done', tasks: [] },
    ], async () => {
      for (const t of ['T1', 'T2', 'T3']) await addTask(a, 'To do', t);
    });
    await step('edit a title inline', [
      { name: 'To do', tasks: ['T1', 'T2 edited', 'T3'] },
      { name: 'Doing', tasks: [] },
      { name: 'Done', tasks: [] },
    ], async () => {
      await choose(a, 'Actions for task T2', 'Edit title');
      await a.getByLabel('Title of T2').fill('T2 edited');
      await a.getByLabel('Title of T2').press('Enter');
    });
    // the change is announced on B with the actor's name
    await b.getByText('Ana edited “T2 edited”').waitFor({ state: 'attached', timeout: 1_000 });

    await step('drag within a column', [
      { name: 'To do', tasks: ['T3', 'T1', 'T2 edited'] },
      { name: 'Doing', tasks: [] },
      { name: 'Done', tasks: [] },
    ], () => drag(a, a.getByRole('button', { name: 'Move task T3' }), a.getByRole('article', { name: 'T1' }), 'top'));
    await step('drag across columns', [
      { name: 'To do', tasks: ['T3', 'T2 edited'] },
      { name: 'Doing', tasks: ['T1'] },
      { name: 'Done', tasks: [] },
    ], () => drag(a, a.getByRole('button', { name: 'Move task T1' }), column(a, 'Doing'), 'middle'));
    await step('add a column', [
      { name: 'To do', tasks: ['T3', 'T2 edited'] },
      { name: 'Doing', tasks: ['T1'] },
      { name: 'Done', tasks: [] },
      { name: 'Review', tasks: [] },
    ], async () => {
      const name = a.getByLabel('New column name');
      await name.fill('Review');
      expect(await name.inputValue()).toBe('Review');
      await a.getByRole('button', { name: 'Add column' }).click();
    });
    await step('rename a column', [
      { name: 'To do', tasks: ['T3', 'T2 edited'] },
      { name: 'Doing', tasks: ['T1'] },
      { name: 'Done', tasks: [] },
      { name: 'QA', tasks: [] },
    ], async () => {
      await choose(a, 'Actions for column Review', 'Rename');
      await a.getByLabel('Name of column Review').fill('QA');
      await a.getByLabel('Name of column Review').press('Enter');
    });
    await step('reorder columns', [
      { name: 'To do', tasks: ['T3', 'T2 edited'] },
      { name: 'Doing', tasks: ['T1'] },
      { name: 'QA', tasks: [] },
      { name: 'Done', tasks: [] },
    ], async () => {
      await choose(a, 'Actions for column QA', 'Move left');
    });
    await step('insert a task between two', [
      { name: 'To do', tasks: ['T3', 'T4', 'T2 edited'] },
      { name: 'Doing', tasks: ['T1'] },
      { name: 'QA', tasks: [] },
      { name: 'Done', tasks: [] },
    ], async () => {
      await choose(a, 'Actions for task T3', 'Add a task below');
      await a.getByLabel('New task after T3').fill('T4');
      await a.getByLabel('New task after T3').press('Enter');
    });
    await step('delete a task', [
      { name: 'To do', tasks: ['T3', 'T4'] },
      { name: 'Doing', tasks: ['T1'] },
      { name: 'QA', tasks: [] },
      { name: 'Done', tasks: [] },
    ], async () => {
      await choose(a, 'Actions for task T2 edited', 'Delete');
    });
    await step('delete a column', [
      { name: 'To do', tasks: ['T3', 'T4'] },
      { name: 'Doing', tasks: ['T1'] },
      { name: 'QA', tasks: [] },
    ], async () => {
      await choose(a, 'Actions for column Done', 'Delete column');
      await a.getByRole('dialog', { name: 'Delete column?' }).getByRole('button', { name: 'Delete column' }).click();
    });

    // The task dialog: description, labels (picked from the board's), an assignee and a due date reach B too.
    const venue = await ana.rest.createLabel(boardId, { name: 'venue', color: '#46a758' });
    const urgent = await ana.rest.createLabel(boardId, { name: 'urgent', color: '#e5484d' });
    await a.getByRole('button', { name: 'T4', exact: true }).click();
    const dialog = a.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByLabel('Description').fill('Chairs for 40');
    await dialog.getByRole('checkbox', { name: 'venue', exact: true }).check();
    await dialog.getByRole('checkbox', { name: 'urgent', exact: true }).check();
    await dialog.getByRole('checkbox', { name: 'Bruno' }).check();
    await dialog.getByLabel('Due date').fill('2030-01-15');
    await dialog.getByRole('checkbox', { name: 'Done', exact: true }).check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    const started = Date.now();
    const card = b.getByRole('article', { name: 'T4' });
    await card.getByText('urgent').waitFor({ timeout: 1_000 });
    await card.getByRole('img', { name: 'Bruno' }).waitFor({ timeout: 1_000 });
    await card.getByRole('img', { name: 'Done', exact: true }).waitFor({ timeout: 1_000 });
    await screenshot(b, 'task-done-card');
    lags['task dialog'] = Date.now() - started;

    const snapshot = await ana.rest.getBoard(boardId);
    const rest = snapshotDom(snapshot);
    expect(await readBoard(a)).toEqual(rest);
    expect(await readBoard(b)).toEqual(rest);
    const t4 = snapshot.tasks.find((t) => t.title === 'T4');
    expect(t4).toMatchObject({ description: 'Chairs for 40', labelIds: [venue.id, urgent.id], assigneeIds: [bruno.id], dueAt: '2030-01-15T23:59:59.000Z' });
    expect(t4?.completedAt).not.toBeNull();
    for (const lag of Object.values(lags)) expect(lag).toBeLessThan(1_000);
    console.log(`live sync lags (ms, B after A showed the change): ${JSON.stringify(lags)}`);
  }, 120_000);

  it('replica loss: B (through nginx) shows reconnecting then live after its replica is killed with -9; nothing lost or doubled; the dead replica\'s viewers leave presence within 30 s', async () => {
    const b = await userPage(bruno, lb);
    await openBoard(b, lb, boardId);
    // Which replica B's socket landed on: its presence entry in Redis names the replica.
    let victim = -1;
    await until(
      async () => {
        const members = await redis.zrange(`tasklane:presence:${boardId}`, 0, -1);
        const mine = members.find((m) => m.endsWith(`|${bruno.id}`));
        victim = mine ? Number(/^replica-(\d+)\//.exec(mine)?.[1] ?? -1) : -1;
        return victim >= 0;
      },
      true,
      10_000,
    );
    const survivor = (victim + 1) % 3;
    // Vera follows the board from a script on the victim replica only: she cannot come back.
    const vStream = new BoardStream({ baseUrl: cluster.replicaUrls[victim], token: (await vera.rest.login(vera.email, PASSWORD)).accessToken, boardId, socketOptions: { reconnection: false } });
    await vStream.start();
    const a = await userPage(ana, cluster.replicaUrls[survivor]);
    await openBoard(a, cluster.replicaUrls[survivor], boardId);
    const viewers = a.getByRole('list', { name: 'Viewing now' });
    await viewers.getByRole('img', { name: 'Vera' }).waitFor({ timeout: 10_000 });
    await viewers.getByRole('img', { name: 'Bruno' }).waitFor({ timeout: 10_000 });
    const statuses = await recordStatuses(b);

    const anaOnSurvivor = new TasklaneRestClient(cluster.replicaUrls[survivor], ana.rest.token);
    const before = await anaOnSurvivor.getBoard(boardId);
    const todo = before.columns.find((c) => c.name === 'To do')!;
    const doing = before.columns.find((c) => c.name === 'Doing')!;
    const killedAt = Date.now();
    await cluster.replicas[victim].kill('SIGKILL');
    // Changes while B is cut off: creates, a move and a delete.
    const created = [];
    for (let i = 1; i <= 6; i++) created.push(await anaOnSurvivor.createTask(boardId, { columnId: todo.id, title: `During outage ${i}` }, { headers: { 'Idempotency-Key': randomBytes(8).toString('hex') } }));
    await anaOnSurvivor.moveTask(boardId, created[0].id, { columnId: doing.id });
    await anaOnSurvivor.deleteTask(boardId, created[1].id);

    const after = snapshotDom(await anaOnSurvivor.getBoard(boardId));
    await until(() => readBoard(b), after, 15_000, 100);
    await connection(b).getByText('Live').waitFor({ timeout: 15_000 });
    const seen = await statuses();
    expect(seen).toContain('reconnecting');
    expect(seen[seen.length - 1]).toBe('live');
    const titles = (await readBoard(b)).flatMap((c) => c.tasks);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles.filter((t) => t.startsWith('During outage'))).toHaveLength(5);

    // Vera's entry (on the dead replica) expires; Bruno, reconnected elsewhere, stays.
    await viewers.getByRole('img', { name: 'Vera' }).waitFor({ state: 'detached', timeout: 30_000 - (Date.now() - killedAt) });
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    await viewers.getByRole('img', { name: 'Bruno' }).waitFor({ timeout: 5_000 });
    vStream.close();
    await cluster.replicas[victim].start();
  }, 120_000);

  it('invitations and sessions: an owner invites by email, the invitee accepts on their board list and appears live; a reload keeps the session, sign-out ends it on the server', async () => {
    const own = await ana.rest.createBoard({ name: `Invite ${randomBytes(2).toString('hex')}` });
    const a = await userPage(ana, cluster.replicaUrls[0]);
    await openBoard(a, cluster.replicaUrls[0], own.id);
    await a.getByRole('button', { name: 'Members (1)' }).click();
    const members = a.getByRole('dialog', { name: 'Members' });
    const form = members.getByRole('form', { name: 'Invite someone' });
    await form.getByLabel('Email').fill(vera.email.toUpperCase());
    await form.getByLabel('Role').selectOption('editor');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await members.getByText(`${vera.email} is invited as editor`, { exact: false }).waitFor();
    await members.getByRole('button', { name: `Revoke the invitation of ${vera.email}` }).waitFor();

    // Vera, on another replica, sees it on her board list and accepts.
    const v = await userPage(vera, cluster.replicaUrls[1]);
    await v.getByRole('button', { name: `Accept the invitation to ${own.name}` }).click();
    await v.getByRole('list', { name: 'Boards' }).getByText(own.name).waitFor();
    // Ana's open dialog shows her as a member, live (member.added), without a reload.
    await a.getByRole('button', { name: 'Members (2)' }).waitFor({ timeout: 5_000 });
    await expect(ana.rest.listMembers(own.id)).resolves.toMatchObject({ items: [{ userId: ana.id }, { userId: vera.id, role: 'editor' }] });

    // The session is the HttpOnly cookie: nothing in storage, a reload signs in again, sign-out ends it.
    expect(await v.evaluate('Object.keys(localStorage).length + Object.keys(sessionStorage).length')).toBe(0);
    const cookies = await v.context().cookies();
    expect(cookies.find((c) => c.name === 'tasklane_refresh')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    await v.reload();
    await v.getByRole('heading', { name: 'Your boards' }).waitFor();
    const refreshCookie = (await v.context().cookies()).find((c) => c.name === 'tasklane_refresh')!.value;
    await v.getByRole('button', { name: 'Sign out' }).click();
    await v.getByRole('form', { name: 'Sign in' }).waitFor();
    await v.reload();
    await v.getByRole('form', { name: 'Sign in' }).waitFor();
    // The server ended that session: its refresh token no longer works, even sent by hand.
    const replay = await fetch(`${cluster.replicaUrls[1]}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: decodeURIComponent(refreshCookie) }) });
    expect(replay.status).toBe(401);
  }, 90_000);

  it('roles and conflicts: a viewer gets no edit controls (and the server refuses anyway); a stale edit shows the conflict and who made it', async () => {
    // A board of its own, so this test does not depend on the ones before it.
    const own = await ana.rest.createBoard({ name: 'Roles' });
    await addMember(ana, own.id, bruno, 'editor');
    await addMember(ana, own.id, vera, 'viewer');
    const task = await ana.rest.createTask(own.id, { columnId: own.columns[0].id, title: 'Check the contract' });
    const v = await userPage(vera, lb);
    await openBoard(v, lb, own.id);
    await v.getByRole('article', { name: 'Check the contract' }).waitFor();
    expect(await v.getByRole('button', { name: /^Move task / }).count()).toBe(0);
    expect(await v.getByRole('button', { name: /^Actions for / }).count()).toBe(0);
    expect(await v.getByRole('form', { name: /^Add a / }).count()).toBe(0);
    expect(await v.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    await v.getByText('Read only').waitFor();
    await expect(vera.rest.createTask(own.id, { columnId: own.columns[0].id, title: 'nope' })).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    await expect(vera.rest.updateTask(own.id, task.id, { title: 'nope' })).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });

    const a = await userPage(ana, cluster.replicaUrls[0]);
    await openBoard(a, cluster.replicaUrls[0], own.id);
    await a.getByRole('button', { name: 'Check the contract', exact: true }).click();
    const dialog = a.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByLabel('Description').fill('Ana’s text');
    await bruno.rest.updateTask(own.id, task.id, { title: 'Check the contract twice' });
    await a.getByRole('article', { name: 'Check the contract twice' }).waitFor({ timeout: 5_000 });
    await dialog.getByRole('button', { name: 'Save' }).click();
    const conflict = a.getByRole('dialog', { name: 'Edit conflict' });
    await conflict.getByText('Bruno changed “Check the contract twice” before your edit was saved').waitFor({ timeout: 5_000 });
    await screenshot(a, 'conflict-light-desktop');
    await conflict.getByRole('button', { name: 'Keep their version' }).click();
    await expect(vera.rest.getTask(own.id, task.id)).resolves.toMatchObject({ title: 'Check the contract twice', description: '', version: 2 });
  }, 60_000);

  it('keyboard: moves a task to another column with the keyboard only (dnd-kit keyboard sensor)', async () => {
    const own = await ana.rest.createBoard({ name: 'Keyboard' });
    await ana.rest.createTask(own.id, { columnId: own.columns[0].id, title: 'Move me' });
    const a = await userPage(ana, lb);
    await openBoard(a, lb, own.id);
    const handle = a.getByRole('button', { name: 'Move task Move me' });
    await handle.focus();
    await a.keyboard.press('Space');
    await a.waitForTimeout(150);
    await a.keyboard.press('ArrowRight');
    await a.waitForTimeout(150);
    await a.keyboard.press('Space');
    await column(a, 'Doing').getByRole('article', { name: 'Move me' }).waitFor({ timeout: 5_000 });
    await until(async () => {
      const s = await ana.rest.getBoard(own.id);
      return s.tasks.find((t) => t.title === 'Move me')?.columnId === s.columns.find((c) => c.name === 'Doing')?.id;
    }, true, 5_000);
    // the handle keeps the focus after a keyboard drop (dnd-kit restores it)
    await expect(handle.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)).resolves.toBe(true);
  }, 60_000);

  it('optimistic changes: a refused move shows at once, then rolls back with a message', async () => {
    const own = await ana.rest.createBoard({ name: 'Rollback' });
    await ana.rest.createTask(own.id, { columnId: own.columns[0].id, title: 'Stay here' });
    const a = await userPage(ana, lb);
    await openBoard(a, lb, own.id);
    // The server refuses the move (as it would for a demoted user), a little later.
    let release: () => void = () => {};
    const answered = new Promise<void>((r) => (release = r));
    await a.route('**/api/v1/boards/*/tasks/*/move', async (route) => {
      await answered;
      await route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ statusCode: 403, code: 'FORBIDDEN', message: 'Forbidden', requestId: 'r' }) });
    });
    await drag(a, a.getByRole('button', { name: 'Move task Stay here' }), column(a, 'Doing'), 'middle');
    await column(a, 'Doing').getByRole('article', { name: 'Stay here' }).waitFor({ timeout: 2_000 });
    release();
    await a.getByRole('alert').getByText('Moving “Stay here” failed and was undone. You do not have permission to change this board.').waitFor({ timeout: 5_000 });
    await column(a, 'To do').getByRole('article', { name: 'Stay here' }).waitFor({ timeout: 2_000 });
    expect(snapshotDom(await ana.rest.getBoard(own.id))).toEqual(await readBoard(a));
  }, 60_000);

  it('boards page: a Create board clicked twice and submitted with Enter creates one board; a refused rename keeps its dialog with the name typed and says why', async () => {
    const carla = await registerUser(lb, 'Carla');
    const c = await userPage(carla, lb);
    // Creates answer half a second late, as on a slow connection.
    let creates = 0;
    await c.route('**/api/v1/boards', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      creates += 1;
      await new Promise((r) => setTimeout(r, 500));
      return route.continue();
    });
    const form = c.getByRole('form', { name: 'Create a board' });
    await form.getByLabel('New board name').fill('Q3 plan');
    await form.getByRole('button', { name: 'Create board' }).click();
    await form.getByLabel('New board name').press('Enter');
    await form.getByRole('button', { name: 'Create board' }).click({ force: true });
    await c.getByRole('link', { name: 'Q3 plan', exact: true }).waitFor({ timeout: 5_000 });
    await c.waitForTimeout(700); // a second create, had one been sent, would have answered by now
    expect(creates).toBe(1);
    expect((await carla.rest.listBoards()).items.filter((b) => b.name === 'Q3 plan')).toHaveLength(1);

    // The rename is refused: the dialog stays with the name as typed, and says why inside it.
    await c.route(/\/api\/v1\/boards\/[0-9a-f-]+$/, (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ statusCode: 403, code: 'FORBIDDEN', message: 'Forbidden', requestId: 'r' }) })
        : route.continue(),
    );
    await c.getByRole('button', { name: 'Actions for board Q3 plan', exact: true }).click();
    await c.getByRole('list', { name: 'Actions for board Q3 plan', exact: true }).getByRole('button', { name: 'Rename', exact: true }).click();
    const dialog = c.getByRole('dialog', { name: 'Rename board' });
    await dialog.getByLabel('Name').fill('Q4 plan');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Renaming the board failed. Forbidden.' }).waitFor({ timeout: 5_000 });
    expect(await dialog.getByLabel('Name').inputValue()).toBe('Q4 plan');
  }, 60_000);

  it('accessibility: axe finds no serious or critical violations on the sign-in, board-list and board pages, light and dark', async () => {
    const problems: string[] = [];
    for (const dark of [false, true]) {
      const context = await newUser(browser, { dark });
      contexts.push(context);
      const page = await context.newPage();
      const check = async (name: string) => {
        const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
          problems.push(`${name}${dark ? ' (dark)' : ''}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      };
      await page.goto(lb);
      await page.getByRole('form', { name: 'Sign in' }).waitFor();
      await check('sign-in');
      await signIn(page, lb, ana.email, PASSWORD);
      await page.getByRole('list', { name: 'Boards' }).waitFor();
      await check('board list');
      await openBoard(page, lb, boardId);
      await check('board');
      await page.getByRole('article').first().getByRole('button', { name: /^(?!Move task|Actions for)/ }).first().click();
      await page.getByRole('dialog', { name: 'Edit task' }).waitFor();
      await check('task dialog');
    }
    expect(problems).toEqual([]);
  }, 90_000);

  it('runs under the Content-Security-Policy the API sends (no inline script, no CDN): no violation, live board', async () => {
    // The API's own header (helmet, CONTENT_SECURITY_POLICY in app.factory.ts) on the app's page.
    const res = await fetch(`${lb}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    const context = await newUser(browser);
    contexts.push(context);
    await context.addInitScript('window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));');
    const page = await context.newPage();
    const served: string[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'document') served.push(r.headers()['content-security-policy'] ?? '');
    });
    await signIn(page, lb, ana.email, PASSWORD);
    await openBoard(page, lb, boardId);
    await addTask(page, 'To do', 'Under CSP');
    await page.getByRole('article', { name: 'Under CSP' }).waitFor();
    await page.getByRole('button', { name: 'Under CSP', exact: true }).click();
    await page.getByRole('dialog', { name: 'Edit task' }).waitFor();
    expect(served.length).toBeGreaterThan(0);
    expect(new Set(served)).toEqual(new Set([csp]));
    expect(await page.evaluate('window.__csp')).toEqual([]);
    await expect(page.evaluate('document.querySelector(\'[aria-label="Connection"]\').dataset.status')).resolves.toBe('live');
  }, 60_000);

  it('screenshots: every page, light and dark, desktop and phone', async () => {
    // A board that looks like real work, with Bruno viewing it too (presence).
    const showcase = await ana.rest.createBoard({ name: 'Product launch', columns: ['To do', 'Doing', 'Review', 'Done'] });
    await addMember(ana, showcase.id, bruno, 'editor');
    const [todo, doing, review, done] = showcase.columns;
    const seed: [typeof todo, string, string[], string[], string | null][] = [
      [todo, 'Write the launch announcement', ['marketing'], [ana.id], '2030-03-02T12:00:00.000Z'],
      [todo, 'Book the venue for the demo day', ['events'], [bruno.id], null],
      [todo, 'Translate the landing page', [], [], null],
      [doing, 'Fix sign-in on Safari 17', ['bug', 'urgent'], [bruno.id], '2030-02-20T12:00:00.000Z'],
      [doing, 'Pricing page copy', ['marketing'], [ana.id, bruno.id], null],
      [review, 'Onboarding email sequence', ['growth'], [ana.id], null],
      [done, 'Beta feedback survey', [], [bruno.id], null],
      [done, 'Press kit', ['marketing'], [], null],
    ];
    const labelIds = new Map<string, string>();
    const colors = ['#e5484d', '#0090ff', '#46a758', '#8e4ec6', '#f76b15'];
    for (const name of [...new Set(seed.flatMap((s) => s[2]))]) labelIds.set(name, (await ana.rest.createLabel(showcase.id, { name, color: colors[labelIds.size % colors.length] })).id);
    for (const [column, title, labels, assigneeIds, dueAt] of seed) {
      await ana.rest.createTask(showcase.id, { columnId: column.id, title, labelIds: labels.map((l) => labelIds.get(l) as string), assigneeIds, dueAt });
    }
    const watcher = await userPage(bruno, lb);
    await openBoard(watcher, lb, showcase.id);
    const written: string[] = [];
    for (const phone of [false, true]) {
      for (const dark of [false, true]) {
        const suffix = `${dark ? 'dark' : 'light'}-${phone ? 'phone' : 'desktop'}`;
        const context = await newUser(browser, { dark, phone });
        contexts.push(context);
        const page = await context.newPage();
        await page.goto(lb);
        await page.getByRole('form', { name: 'Sign in' }).waitFor();
        written.push(await screenshot(page, `sign-in-${suffix}`));
        await signIn(page, lb, ana.email, PASSWORD);
        await page.getByRole('list', { name: 'Boards' }).waitFor();
        written.push(await screenshot(page, `boards-${suffix}`));
        await openBoard(page, lb, showcase.id);
        await page.getByRole('list', { name: 'Viewing now' }).getByRole('img', { name: 'Bruno' }).waitFor();
        written.push(await screenshot(page, `board-${suffix}`));
        await page.getByRole('button', { name: 'Fix sign-in on Safari 17', exact: true }).click();
        await page.getByRole('dialog', { name: 'Edit task' }).waitFor();
        written.push(await screenshot(page, `task-dialog-${suffix}`));
        await page.getByRole('button', { name: 'Close' }).click();
        await page.getByRole('button', { name: /^Members/ }).click();
        await page.getByRole('dialog', { name: 'Members' }).waitFor();
        written.push(await screenshot(page, `members-${suffix}`));
      }
    }
    expect(written).toHaveLength(20);
  }, 120_000);
});

