import { describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { TasklaneSocket } from '@tasklane/client';
import { UNAUTHORIZED, type ApiTokenView, type CreatedApiToken, type JoinAck } from '@tasklane/contracts';
import type { DataSource } from 'typeorm';
import { createBoard, outcomesOf, registerUser, tasksPath, type Auth, type TestUser } from '../support/fixtures.js';
import { connectSocket, handshake, whenEnded } from '../support/sockets.js';
import { useTestApp, type TestApp } from '../support/test-app.js';

// The 50-token cap test creates 51 tokens at once: above the per-user write burst (40), which is not
// what this suite is about. Read when the app starts (useTestApp's beforeAll).
process.env.RATE_LIMIT_WRITES_BURST = '1000';

const TOKENS = '/api/v1/users/me/api-tokens';
const bearer = (token: string): Auth => ({ Authorization: `Bearer ${token}` });

async function createToken(t: TestApp, owner: TestUser, body: Record<string, unknown>): Promise<CreatedApiToken> {
  return (await t.http().post(TOKENS).set(owner.auth).send(body).expect(201)).body as CreatedApiToken;
}

describe('personal API tokens (e2e, one replica)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  const db = (): DataSource => t.app.get(getDataSourceToken());

  it('shows the secret once (tl_ + 256 bits), stores only its hash, and lists tokens without secrets', async () => {
    const owner = await registerUser(t);
    const res = await t.http().post(TOKENS).set(owner.auth).send({ name: ' nightly export ', scopes: ['boards:read'] }).expect(201);
    const created = res.body as CreatedApiToken;
    expect(created).toEqual({
      id: expect.any(String),
      name: 'nightly export',
      scopes: ['boards:read'],
      createdAt: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
      token: expect.stringMatching(/^tl_[\w-]{43}$/),
    });
    expect(res.headers.location).toBe(`${TOKENS}/${created.id}`);
    const [row] = (await db().query(`SELECT token_hash FROM api_tokens WHERE id = $1`, [created.id])) as { token_hash: string }[];
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(created.token.slice(3));

    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const writer = await createToken(t, owner, { name: 'ci', scopes: ['boards:write', 'boards:read'], expiresAt });
    expect(writer).toMatchObject({ scopes: ['boards:read', 'boards:write'], expiresAt });
    const list = await t.http().get(TOKENS).set(owner.auth).expect(200);
    expect(list.body.nextCursor).toBeNull();
    expect((list.body.items as ApiTokenView[]).map((i) => i.id)).toEqual([writer.id, created.id]);
    for (const item of list.body.items as Record<string, unknown>[]) expect(Object.keys(item).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'scopes']);
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    // someone else sees none of them
    const stranger = await registerUser(t);
    expect((await t.http().get(TOKENS).set(stranger.auth).expect(200)).body.items).toEqual([]);
  });

  it('authenticates as its owner and records lastUsedAt at most once a minute', async () => {
    const owner = await registerUser(t, 'Scripted');
    const token = await createToken(t, owner, { name: 'reader', scopes: ['boards:read'] });
    const me = await t.http().get('/api/v1/users/me').set(bearer(token.token)).expect(200);
    expect(me.body).toMatchObject({ id: owner.user.id, name: 'Scripted' });
    const first = ((await t.http().get(TOKENS).set(owner.auth).expect(200)).body.items as ApiTokenView[])[0].lastUsedAt;
    expect(first).toEqual(expect.any(String));
    await t.http().get('/api/v1/boards').set(bearer(token.token)).expect(200);
    const second = ((await t.http().get(TOKENS).set(owner.auth).expect(200)).body.items as ApiTokenView[])[0].lastUsedAt;
    expect(second).toBe(first);
    // a minute later (moved back in the database rather than waited for), the next use writes again
    await db().query(`UPDATE api_tokens SET last_used_at = now() - interval '61 seconds' WHERE id = $1`, [token.id]);
    await t.http().get('/api/v1/boards').set(bearer(token.token)).expect(200);
    const third = ((await t.http().get(TOKENS).set(owner.auth).expect(200)).body.items as ApiTokenView[])[0].lastUsedAt;
    expect(Date.parse(third!)).toBeGreaterThan(Date.now() - 10_000);
  });

  it('a read-only token reads but gets 403 on every write; no API token manages tokens, the password or sessions', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const reader = await createToken(t, owner, { name: 'reader', scopes: ['boards:read'] });
    const writer = await createToken(t, owner, { name: 'writer', scopes: ['boards:read', 'boards:write'] });
    const column = board.columns[0];
    const task = (await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: column.id, title: 'x' }).expect(201)).body as { id: string };

    await t.http().get(`/api/v1/boards/${board.id}`).set(bearer(reader.token)).expect(200);
    await t.http().get(tasksPath(board.id)).set(bearer(reader.token)).expect(200);
    const writes = [
      ['POST /boards', () => t.http().post('/api/v1/boards').send({ name: 'b' })],
      ['PATCH /boards/:id', () => t.http().patch(`/api/v1/boards/${board.id}`).send({ name: 'b' })],
      ['DELETE /boards/:id', () => t.http().delete(`/api/v1/boards/${board.id}`)],
      ['POST columns', () => t.http().post(`/api/v1/boards/${board.id}/columns`).send({ name: 'c' })],
      ['POST tasks', () => t.http().post(tasksPath(board.id)).send({ columnId: column.id, title: 't' })],
      ['POST move', () => t.http().post(`${tasksPath(board.id)}/${task.id}/move`).send({ columnId: column.id })],
      ['DELETE task', () => t.http().delete(`${tasksPath(board.id)}/${task.id}`)],
    ] as const;
    const forbidden = (await outcomesOf(bearer(reader.token), writes)).map(({ label, status, code }) => ({ label, status, code }));
    expect(forbidden).toEqual(writes.map(([label]) => ({ label, status: 403, code: 'FORBIDDEN' })));

    const sessionOnly = [
      ['POST api-tokens', () => t.http().post(TOKENS).send({ name: 'more', scopes: ['boards:read'] })],
      ['GET api-tokens', () => t.http().get(TOKENS)],
      ['DELETE api-tokens/:id', () => t.http().delete(`${TOKENS}/${reader.id}`)],
      ['POST change-password', () => t.http().post('/api/v1/auth/change-password').send({ currentPassword: 'x', newPassword: 'y'.repeat(12) })],
      ['POST logout-all', () => t.http().post('/api/v1/auth/logout-all')],
    ] as const;
    for (const token of [reader, writer]) {
      const outcomes = await outcomesOf(bearer(token.token), sessionOnly);
      expect(outcomes).toEqual(sessionOnly.map(([label]) => ({ label, status: 403, code: 'FORBIDDEN' })));
    }
    // a write token writes
    await t.http().post(`/api/v1/boards/${board.id}/columns`).set(bearer(writer.token)).send({ name: 'by script' }).expect(201);
    await t.http().post('/api/v1/boards').set(bearer(writer.token)).send({ name: 'scripted' }).expect(201);
  });

  it('a revoked or expired token gets 401; revoking disconnects the sockets it opened', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const token = await createToken(t, owner, { name: 'socket', scopes: ['boards:read'] });

    const s = await connectSocket(t.url, token.token);
    sockets.push(s);
    expect(((await s.emitWithAck('board:join', { boardId: board.id })) as JoinAck).ok).toBe(true);
    const ended = whenEnded(s);
    await t.http().delete(`${TOKENS}/${token.id}`).set(owner.auth).expect(204);
    await expect(ended).resolves.toMatchObject({ reason: 'io server disconnect', notice: { reason: 'session_revoked' } });
    expect((await t.http().get('/api/v1/boards').set(bearer(token.token)).expect(401)).body.code).toBe('UNAUTHORIZED');
    const refused = await handshake(t.url, token.token);
    sockets.push(refused.socket);
    expect(refused.error?.message).toBe(UNAUTHORIZED);
    expect((await t.http().delete(`${TOKENS}/${token.id}`).set(owner.auth).expect(404)).body.code).toBe('API_TOKEN_NOT_FOUND');
    expect(((await t.http().get(TOKENS).set(owner.auth).expect(200)).body.items as ApiTokenView[]).map((i) => i.id)).not.toContain(token.id);

    const expiring = await createToken(t, owner, { name: 'short', scopes: ['boards:read'], expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    await t.http().get('/api/v1/boards').set(bearer(expiring.token)).expect(200);
    await db().query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    await t.http().get('/api/v1/boards').set(bearer(expiring.token)).expect(401);
    // a token that never existed, and one with the prefix but garbage
    await t.http().get('/api/v1/boards').set(bearer(`tl_${'A'.repeat(43)}`)).expect(401);
  });

  it('validates the body, 404s tokens that are not yours, and caps a user at 50 tokens', async () => {
    const owner = await registerUser(t);
    const bad = [
      { name: 'x', scopes: ['boards:write'] },
      { name: 'x', scopes: ['boards:admin'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['boards:read', 'boards:read'] },
      { name: '', scopes: ['boards:read'] },
      { name: 'x', scopes: ['boards:read'], expiresAt: new Date(Date.now() - 1000).toISOString() },
      { name: 'x', scopes: ['boards:read'], expiresAt: 'tomorrow' },
    ];
    for (const body of bad) expect((await t.http().post(TOKENS).set(owner.auth).send(body).expect(400)).body.code).toBe('VALIDATION_FAILED');

    const other = await registerUser(t);
    const theirs = await createToken(t, other, { name: 'theirs', scopes: ['boards:read'] });
    expect((await t.http().delete(`${TOKENS}/${theirs.id}`).set(owner.auth).expect(404)).body.code).toBe('API_TOKEN_NOT_FOUND');
    expect((await t.http().delete(`${TOKENS}/not-a-uuid`).set(owner.auth).expect(404)).body.code).toBe('API_TOKEN_NOT_FOUND');

    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => createToken(t, owner, { name: `t${i}`, scopes: ['boards:read'] })));
    const over = await t.http().post(TOKENS).set(owner.auth).send({ name: 'one too many', scopes: ['boards:read'] }).expect(409);
    expect(over.body.code).toBe('API_TOKEN_LIMIT_REACHED');
    await t.http().delete(`${TOKENS}/${created[0].id}`).set(owner.auth).expect(204);
    await createToken(t, owner, { name: 'room again', scopes: ['boards:read'] });
  });
});
