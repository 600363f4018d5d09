import { describe, expect, it } from '@jest/globals';
import type { BoardRole, BoardSnapshot, ColumnView, InvitationView, TaskView } from '@tasklane/contracts';

// OWASP API5 (broken function level authorization) and API1 (object level, over REST): a route ×
// actor matrix built from the router's own list of routes (support/routes.ts). Every route needs a
// rule below, so a new route without one fails this suite. Each actor sends the route a valid
// request; the expected answer follows from the rule: a member at or above the required role gets
// 2xx, a member below it 403, a non-member 404 (a board they cannot see does not exist for them), an
// anonymous caller 401. Limits are off: ~150 requests from few users would trip them here.
process.env.RATE_LIMITS = 'off';
const { useTestApp } = await import('../support/test-app.js');
const { addMember, createBoard, registerUser, TEST_PASSWORD } = await import('../support/fixtures.js');
const { routesOf } = await import('../support/routes.js');
type TestUser = Awaited<ReturnType<typeof registerUser>>;

/** `readOnlyToken`: the owner's personal API token with the `boards:read` scope only. */
type Actor = 'owner' | 'editor' | 'viewer' | 'outsider' | 'anonymous' | 'readOnlyToken';
const ACTORS: Actor[] = ['owner', 'editor', 'viewer', 'outsider', 'anonymous', 'readOnlyToken'];
/** Who a route is for: anyone (public), any signed-in user (user), or members with at least that role. */
type Required = 'public' | 'user' | BoardRole;
const RANK: Record<BoardRole, number> = { viewer: 0, editor: 1, owner: 2 };

interface Ctx {
  users: Record<Exclude<Actor, 'anonymous' | 'readOnlyToken'>, TestUser>;
  /** A new user for routes that change the caller's own account, signed in as `actor` would be (session or read-only token). */
  freshCaller(actor: Actor): Promise<{ user: TestUser; auth: Record<string, string> }>;
  /** A new board owned by `owner` with `editor` and `viewer` as members. */
  board(): Promise<BoardSnapshot>;
  column(board: BoardSnapshot): Promise<ColumnView>;
  /** A pending invitation to `email` on `board`, made by its owner. */
  invite(board: BoardSnapshot, email: string): Promise<InvitationView>;
  /** A pending invitation addressed to `actor` (the outsider for anonymous) on a board of someone else. */
  invitationFor(actor: Actor): Promise<InvitationView>;
  task(board: BoardSnapshot): Promise<TaskView>;
}
/**
 * A valid request for the route as `actor` would send it; fresh resources when the request consumes
 * them. `auth` replaces the actor's own credentials (a fresh account for account-changing routes).
 */
type Build = (ctx: Ctx, actor: Actor) => Promise<{ path: string; body?: unknown; auth?: Record<string, string>; /** sent as the multipart file field `file` instead of a JSON body */ multipart?: string }>;
interface Rule {
  required: Required;
  /** Refused (403) to any API token, whatever its scopes: credential and token management. */
  sessionOnly?: boolean;
  build: Build;
}

const b = (board: BoardSnapshot, rest = '') => `/api/v1/boards/${board.id}${rest}`;

const RULES: Record<string, Rule> = {
  'POST /api/v1/auth/register': { required: 'public', build: async () => ({ path: '/api/v1/auth/register', body: { email: `${crypto.randomUUID()}@example.test`, password: TEST_PASSWORD, name: 'New' } }) },
  'POST /api/v1/auth/login': { required: 'public', build: async (c) => ({ path: '/api/v1/auth/login', body: { email: c.users.outsider.user.email, password: TEST_PASSWORD } }) },
  'POST /api/v1/auth/refresh': { required: 'public', build: async () => ({ path: '/api/v1/auth/refresh', body: { refreshToken: (await registerUserFor()).refreshToken } }) },
  'POST /api/v1/auth/logout': { required: 'public', build: async () => ({ path: '/api/v1/auth/logout', body: { refreshToken: (await registerUserFor()).refreshToken } }) },
  'POST /api/v1/auth/logout-all': { required: 'user', sessionOnly: true, build: async (c, actor) => ({ path: '/api/v1/auth/logout-all', auth: (await c.freshCaller(actor)).auth }) },
  'POST /api/v1/auth/change-password': {
    required: 'user',
    sessionOnly: true,
    build: async (c, actor) => ({ path: '/api/v1/auth/change-password', body: { currentPassword: TEST_PASSWORD, newPassword: 'a quite different passphrase 2026' }, auth: (await c.freshCaller(actor)).auth }),
  },
  'GET /api/v1/users/me/api-tokens': { required: 'user', sessionOnly: true, build: async () => ({ path: '/api/v1/users/me/api-tokens' }) },
  'POST /api/v1/users/me/api-tokens': { required: 'user', sessionOnly: true, build: async () => ({ path: '/api/v1/users/me/api-tokens', body: { name: 'script', scopes: ['boards:read'] } }) },
  'DELETE /api/v1/users/me/api-tokens/{tokenId}': {
    required: 'user',
    sessionOnly: true,
    build: async (c, actor) => {
      const caller = await c.freshCaller(actor);
      const token = await t0.http().post('/api/v1/users/me/api-tokens').set(caller.user.auth).send({ name: 'victim', scopes: ['boards:read'] }).expect(201);
      return { path: `/api/v1/users/me/api-tokens/${(token.body as { id: string }).id}`, auth: caller.auth };
    },
  },
  'GET /api/v1/users/me': { required: 'user', build: async () => ({ path: '/api/v1/users/me' }) },
  'GET /api/v1/boards': { required: 'user', build: async () => ({ path: '/api/v1/boards' }) },
  'POST /api/v1/boards': { required: 'user', build: async () => ({ path: '/api/v1/boards', body: { name: 'Mine' } }) },
  'GET /api/v1/boards/{boardId}': { required: 'viewer', build: async (c) => ({ path: b(await c.board()) }) },
  'PATCH /api/v1/boards/{boardId}': { required: 'editor', build: async (c) => ({ path: b(await c.board()), body: { name: 'Renamed' } }) },
  'DELETE /api/v1/boards/{boardId}': { required: 'owner', build: async (c) => ({ path: b(await c.board()) }) },
  'GET /api/v1/boards/{boardId}/members': { required: 'viewer', build: async (c) => ({ path: b(await c.board(), '/members') }) },
  'POST /api/v1/boards/{boardId}/invitations': { required: 'owner', build: async (c) => ({ path: b(await c.board(), '/invitations'), body: { email: `${crypto.randomUUID()}@example.test`, role: 'viewer' } }) },
  'GET /api/v1/boards/{boardId}/invitations': { required: 'owner', build: async (c) => ({ path: b(await c.board(), '/invitations') }) },
  'DELETE /api/v1/boards/{boardId}/invitations/{invitationId}': {
    required: 'owner',
    build: async (c) => {
      const board = await c.board();
      const invitation = (await c.invite(board, `${crypto.randomUUID()}@example.test`)).id;
      return { path: b(board, `/invitations/${invitation}`) };
    },
  },
  'GET /api/v1/users/me/invitations': { required: 'user', build: async () => ({ path: '/api/v1/users/me/invitations' }) },
  // Only the invitee may answer an invitation (others get 404: invitations.e2e-spec.ts); here each
  // actor answers one addressed to them, on a board they are not on.
  'POST /api/v1/invitations/{invitationId}/accept': { required: 'user', build: async (c, actor) => ({ path: `/api/v1/invitations/${(await c.invitationFor(actor)).id}/accept` }) },
  'POST /api/v1/invitations/{invitationId}/decline': { required: 'user', build: async (c, actor) => ({ path: `/api/v1/invitations/${(await c.invitationFor(actor)).id}/decline` }) },
  'PATCH /api/v1/boards/{boardId}/members/{userId}': { required: 'owner', build: async (c) => ({ path: b(await c.board(), `/members/${c.users.viewer.user.id}`), body: { role: 'editor' } }) },
  'DELETE /api/v1/boards/{boardId}/members/{userId}': {
    required: 'owner',
    // Someone else than the actor (removing oneself is allowed to every member: members.e2e-spec.ts).
    build: async (c, actor) => ({ path: b(await c.board(), `/members/${(actor === 'viewer' ? c.users.editor : c.users.viewer).user.id}`) }),
  },
  'POST /api/v1/boards/{boardId}/columns': { required: 'editor', build: async (c) => ({ path: b(await c.board(), '/columns'), body: { name: 'New column' } }) },
  'PATCH /api/v1/boards/{boardId}/columns/{columnId}': { required: 'editor', build: async (c) => columnPath(c, { name: 'Renamed' }) },
  'DELETE /api/v1/boards/{boardId}/columns/{columnId}': { required: 'editor', build: async (c) => columnPath(c) },
  'GET /api/v1/boards/{boardId}/tasks': { required: 'viewer', build: async (c) => ({ path: b(await c.board(), '/tasks') }) },
  'POST /api/v1/boards/{boardId}/tasks': { required: 'editor', build: async (c) => { const board = await c.board(); return { path: b(board, '/tasks'), body: { columnId: board.columns[0].id, title: 'T' } }; } },
  'GET /api/v1/boards/{boardId}/tasks/{taskId}': { required: 'viewer', build: async (c) => taskPath(c) },
  'PATCH /api/v1/boards/{boardId}/tasks/{taskId}': { required: 'editor', build: async (c) => taskPath(c, '', { title: 'Edited' }) },
  'POST /api/v1/boards/{boardId}/tasks/{taskId}/move': { required: 'editor', build: async (c) => { const board = await c.board(); const task = await c.task(board); return { path: b(board, `/tasks/${task.id}/move`), body: { columnId: board.columns[1].id } }; } },
  'DELETE /api/v1/boards/{boardId}/tasks/{taskId}': { required: 'editor', build: async (c) => taskPath(c) },
  'GET /api/v1/boards/{boardId}/tasks/{taskId}/comments': { required: 'viewer', build: async (c) => taskPath(c, '/comments') },
  'POST /api/v1/boards/{boardId}/tasks/{taskId}/comments': { required: 'editor', build: async (c) => taskPath(c, '/comments', { body: 'Hi @Editor' }) },
  // Editing needs the author: each actor who may write edits their own comment (others try the owner's).
  'PATCH /api/v1/boards/{boardId}/tasks/{taskId}/comments/{commentId}': { required: 'editor', build: async (c, actor) => commentPath(c, actor, { body: 'Edited' }) },
  'DELETE /api/v1/boards/{boardId}/tasks/{taskId}/comments/{commentId}': { required: 'editor', build: async (c, actor) => commentPath(c, actor) },
  'GET /api/v1/boards/{boardId}/tasks/{taskId}/checklist': { required: 'viewer', build: async (c) => taskPath(c, '/checklist') },
  'POST /api/v1/boards/{boardId}/tasks/{taskId}/checklist': { required: 'editor', build: async (c) => taskPath(c, '/checklist', { text: 'Item' }) },
  'PATCH /api/v1/boards/{boardId}/tasks/{taskId}/checklist/{itemId}': { required: 'editor', build: async (c) => itemPath(c, { done: true }) },
  'DELETE /api/v1/boards/{boardId}/tasks/{taskId}/checklist/{itemId}': { required: 'editor', build: async (c) => itemPath(c) },
  'GET /api/v1/boards/{boardId}/labels': { required: 'viewer', build: async (c) => ({ path: b(await c.board(), '/labels') }) },
  'POST /api/v1/boards/{boardId}/labels': { required: 'editor', build: async (c) => ({ path: b(await c.board(), '/labels'), body: { name: 'bug', color: '#e5484d' } }) },
  'PATCH /api/v1/boards/{boardId}/labels/{labelId}': { required: 'editor', build: async (c) => labelPath(c, { color: '#0090ff' }) },
  'DELETE /api/v1/boards/{boardId}/labels/{labelId}': { required: 'editor', build: async (c) => labelPath(c) },
  'GET /api/v1/boards/{boardId}/archive': { required: 'viewer', build: async (c) => ({ path: b(await c.board(), '/archive') }) },
  'POST /api/v1/boards/{boardId}/tasks/{taskId}/archive': { required: 'editor', build: async (c) => taskPath(c, '/archive') },
  'POST /api/v1/boards/{boardId}/tasks/{taskId}/restore': {
    required: 'editor',
    build: async (c) => {
      const board = await c.board();
      const task = await c.task(board);
      await t0.http().post(b(board, `/tasks/${task.id}/archive`)).set(c.users.owner.auth).expect(200);
      return { path: b(board, `/tasks/${task.id}/restore`) };
    },
  },
  'POST /api/v1/boards/{boardId}/columns/{columnId}/archive': { required: 'editor', build: async (c) => columnPath(c).then((p) => ({ path: `${p.path}/archive` })) },
  'POST /api/v1/boards/{boardId}/columns/{columnId}/restore': {
    required: 'editor',
    build: async (c) => {
      const { path } = await columnPath(c);
      await t0.http().post(`${path}/archive`).set(c.users.owner.auth).expect(200);
      return { path: `${path}/restore` };
    },
  },
  'GET /api/v1/boards/{boardId}/events': { required: 'viewer', build: async (c) => ({ path: b(await c.board(), '/events?after=0') }) },
  'GET /api/v1/boards/{boardId}/activity': { required: 'viewer', build: async (c) => ({ path: b(await c.board(), '/activity') }) },
  'GET /api/v1/boards/{boardId}/tasks/{taskId}/activity': { required: 'viewer', build: async (c) => taskPath(c, '/activity') },
  'GET /api/v1/users/me/notifications': { required: 'user', build: async () => ({ path: '/api/v1/users/me/notifications' }) },
  'GET /api/v1/users/me/notifications/unread-count': { required: 'user', build: async () => ({ path: '/api/v1/users/me/notifications/unread-count' }) },
  'POST /api/v1/users/me/notifications/read': { required: 'user', build: async () => ({ path: '/api/v1/users/me/notifications/read', body: { all: true } }) },
  'GET /api/v1/search': { required: 'user', build: async () => ({ path: '/api/v1/search?q=anything' }) },
  // Webhooks: owners only, reads included (a webhook's URL may carry a token). The URL is a dead local port (private
  // addresses are allowed in the e2e environment) and the events are ones these boards never emit.
  'POST /api/v1/boards/{boardId}/webhooks': { required: 'owner', build: async (c) => ({ path: b(await c.board(), '/webhooks'), body: { url: 'http://127.0.0.1:9/hook', events: ['board.deleted'] } }) },
  'GET /api/v1/boards/{boardId}/webhooks': { required: 'owner', build: async (c) => ({ path: b(await c.board(), '/webhooks') }) },
  'GET /api/v1/boards/{boardId}/webhooks/{webhookId}': { required: 'owner', build: async (c) => webhookPath(c) },
  'PATCH /api/v1/boards/{boardId}/webhooks/{webhookId}': { required: 'owner', build: async (c) => webhookPath(c, '', { events: ['column.deleted'] }) },
  'DELETE /api/v1/boards/{boardId}/webhooks/{webhookId}': { required: 'owner', build: async (c) => webhookPath(c) },
  'POST /api/v1/boards/{boardId}/webhooks/{webhookId}/test': { required: 'owner', build: async (c) => webhookPath(c, '/test') },
  'GET /api/v1/boards/{boardId}/webhooks/{webhookId}/deliveries': { required: 'owner', build: async (c) => webhookPath(c, '/deliveries') },
  'POST /api/v1/boards/{boardId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver': {
    required: 'owner',
    build: async (c) => {
      const { path } = await webhookPath(c, '/test');
      const ping = await t0.http().post(path).set(c.users.owner.auth).expect(202);
      return { path: path.replace(/\/test$/, `/deliveries/${(ping.body as { id: string }).id}/redeliver`) };
    },
  },
  // Export: any member; import: any signed-in user (a POST, so not with a read-only token); an import's status: its importer only (here each actor's own).
  'GET /api/v1/boards/{boardId}/export': { required: 'viewer', build: async (c) => ({ path: b(await c.board(), '/export?format=csv') }) },
  'POST /api/v1/boards/import': { required: 'user', build: async () => ({ path: '/api/v1/boards/import', multipart: JSON.stringify({ format: 'tasklane.board', version: 1, board: { name: 'Imported' }, columns: [], tasks: [], members: [] }) }) },
  'GET /api/v1/imports/{importId}': {
    required: 'user',
    build: async (c, actor) => {
      const caller = await c.freshCaller(actor);
      const file = JSON.stringify({ format: 'tasklane.board', version: 1, board: { name: 'Imported' }, columns: [], tasks: [], members: [] });
      const started = await t0.http().post('/api/v1/boards/import').set(caller.user.auth).attach('file', Buffer.from(file), { filename: 'b.json', contentType: 'application/json' }).expect(202);
      return { path: `/api/v1/imports/${(started.body as { id: string }).id}`, auth: caller.auth };
    },
  },
  // Email preferences: the caller's own; the unsubscribe link: public (its token is the secret; an unknown one mutes nothing).
  'GET /api/v1/users/me/preferences': { required: 'user', build: async () => ({ path: '/api/v1/users/me/preferences' }) },
  'PATCH /api/v1/users/me/preferences': { required: 'user', build: async () => ({ path: '/api/v1/users/me/preferences', body: { emails: { commented: true } } }) },
  'GET /api/v1/unsubscribe': { required: 'public', build: async () => ({ path: `/api/v1/unsubscribe?id=${crypto.randomUUID()}&kind=mentioned` }) },
  'GET /health/live': { required: 'public', build: async () => ({ path: '/health/live' }) },
  'GET /health/ready': { required: 'public', build: async () => ({ path: '/health/ready' }) },
};

let registerUserFor: () => Promise<TestUser>;
let t0: import('../support/test-app.js').TestApp;
async function columnPath(c: Ctx, body?: unknown) {
  const board = await c.board();
  const column = await c.column(board);
  return { path: b(board, `/columns/${column.id}`), body };
}
async function webhookPath(c: Ctx, suffix = '', body?: unknown) {
  const board = await c.board();
  const hook = await t0.http().post(b(board, '/webhooks')).set(c.users.owner.auth).send({ url: 'http://127.0.0.1:9/hook', events: ['board.deleted'] }).expect(201);
  return { path: b(board, `/webhooks/${(hook.body as { id: string }).id}${suffix}`), body };
}
/** A comment on a new task, by the actor when the actor may write (the read-only token acts for the owner), else by the owner. */
async function commentPath(c: Ctx, actor: Actor, body?: unknown) {
  const board = await c.board();
  const task = await c.task(board);
  const author = actor === 'editor' ? c.users.editor : c.users.owner;
  const comment = await t0.http().post(b(board, `/tasks/${task.id}/comments`)).set(author.auth).send({ body: 'Mine' }).expect(201);
  return { path: b(board, `/tasks/${task.id}/comments/${(comment.body as { id: string }).id}`), body };
}
async function itemPath(c: Ctx, body?: unknown) {
  const board = await c.board();
  const task = await c.task(board);
  const item = await t0.http().post(b(board, `/tasks/${task.id}/checklist`)).set(c.users.owner.auth).send({ text: 'Item' }).expect(201);
  return { path: b(board, `/tasks/${task.id}/checklist/${(item.body as { id: string }).id}`), body };
}
async function labelPath(c: Ctx, body?: unknown) {
  const board = await c.board();
  const label = await t0.http().post(b(board, '/labels')).set(c.users.owner.auth).send({ name: 'bug', color: '#e5484d' }).expect(201);
  return { path: b(board, `/labels/${(label.body as { id: string }).id}`), body };
}
async function taskPath(c: Ctx, suffix = '', body?: unknown) {
  const board = await c.board();
  const task = await c.task(board);
  return { path: b(board, `/tasks/${task.id}${suffix}`), body };
}

/**
 * The status class an actor must get for a rule and method: 'ok' (2xx), or the refusal. A
 * read-only API token acts for the owner but may only read, and never manage credentials.
 */
function expected(rule: Rule, method: string, actor: Actor): 'ok' | 401 | 403 | 404 {
  const { required } = rule;
  if (required === 'public') return 'ok';
  if (actor === 'anonymous') return 401;
  if (actor === 'readOnlyToken' && (rule.sessionOnly || !['GET', 'HEAD'].includes(method))) return 403;
  if (required === 'user') return 'ok';
  if (actor === 'outsider') return 404;
  const role: BoardRole = actor === 'readOnlyToken' ? 'owner' : actor;
  return RANK[role] >= RANK[required] ? 'ok' : 403;
}

describe('API5/API1: route × actor authorization matrix, from the router’s own routes', () => {
  const t = useTestApp();

  it('has a rule for every route the router serves, and no rule for a route that is gone', () => {
    const served = routesOf(t.app).map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !(r in RULES))).toEqual([]);
    expect(Object.keys(RULES).filter((r) => !served.includes(r))).toEqual([]);
  });

  it('answers every route as its rule says, for owner, editor, viewer, non-member, anonymous and a read-only API token', async () => {
    registerUserFor = () => registerUser(t);
    t0 = t;
    const users = { owner: await registerUser(t, 'Owner'), editor: await registerUser(t, 'Editor'), viewer: await registerUser(t, 'Viewer'), outsider: await registerUser(t, 'Outsider') };
    const readOnly = async (user: TestUser) =>
      ({ Authorization: `Bearer ${((await t.http().post('/api/v1/users/me/api-tokens').set(user.auth).send({ name: 'read-only', scopes: ['boards:read'] }).expect(201)).body as { token: string }).token}` });
    const credentials: Record<Actor, Record<string, string> | null> = { ...Object.fromEntries(Object.entries(users).map(([k, u]) => [k, u.auth])), anonymous: null, readOnlyToken: await readOnly(users.owner) } as unknown as Record<Actor, Record<string, string> | null>;
    const ctx: Ctx = {
      users,
      freshCaller: async (actor) => {
        const user = await registerUser(t);
        return { user, auth: actor === 'readOnlyToken' ? await readOnly(user) : actor === 'anonymous' ? {} : user.auth };
      },
      board: async () => {
        const board = await createBoard(t, users.owner.auth);
        await addMember(t, users.owner.auth, board.id, 'editor', users.editor);
        await addMember(t, users.owner.auth, board.id, 'viewer', users.viewer);
        return board;
      },
      invite: async (board, email) => (await t.http().post(b(board, '/invitations')).set(users.owner.auth).send({ email, role: 'viewer' }).expect(201)).body as InvitationView,
      invitationFor: async (actor) => {
        const host = await registerUser(t, 'Host');
        const board = await createBoard(t, host.auth);
        const email = users[actor === 'anonymous' ? 'outsider' : actor === 'readOnlyToken' ? 'owner' : actor].user.email;
        return (await t.http().post(b(board, '/invitations')).set(host.auth).send({ email, role: 'viewer' }).expect(201)).body as InvitationView;
      },
      column: async (board) => (await t.http().post(b(board, '/columns')).set(users.owner.auth).send({ name: 'C' }).expect(201)).body as ColumnView,
      task: async (board) => (await t.http().post(b(board, '/tasks')).set(users.owner.auth).send({ columnId: board.columns[0].id, title: 'T' }).expect(201)).body as TaskView,
    };
    const results: string[] = [];
    const wrong: string[] = [];
    for (const route of routesOf(t.app)) {
      const rule = RULES[`${route.method} ${route.path}`];
      for (const actor of rule.required === 'public' ? (['anonymous'] as Actor[]) : ACTORS) {
        const { path, body, auth, multipart } = await rule.build(ctx, actor);
        let req = (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[route.method.toLowerCase()](path);
        const headers = actor === 'anonymous' ? null : (auth ?? credentials[actor]);
        if (headers) req = req.set(headers);
        const res = await (multipart !== undefined ? req.attach('file', Buffer.from(multipart), { filename: 'board.json', contentType: 'application/json' }) : body === undefined ? req : req.send(body as object));
        const want = expected(rule, route.method, actor);
        const got = res.status >= 200 && res.status < 300 ? 'ok' : res.status;
        results.push(`${route.method} ${route.path} as ${actor}: ${got}`);
        if (got !== want) wrong.push(`${route.method} ${route.path} as ${actor}: expected ${want}, got ${res.status} ${res.body?.code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(results.length).toBeGreaterThan(80);
  }, 240_000);
});
