import { createHash, randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TasklaneSocket } from '@tasklane/client';
import { UNAUTHORIZED, type AuthResponse } from '@tasklane/contracts';
import { DataSource } from 'typeorm';
import { AuditLog, type AuditEvent } from '../../src/audit/audit-log.service.js';
import { RetentionService } from '../../src/retention/retention.service.js';
import { boardWithMembers, pruneNow, registerUser, TEST_PASSWORD, type TestUser } from '../support/fixtures.js';
import { connectSocket, handshake, stillConnectedAfter, whenEnded } from '../support/sockets.js';
import { useTestApp, type TestApp } from '../support/test-app.js';

/** A second session of `user`: POST /auth/login (body mode). */
async function login(t: TestApp, user: TestUser, password = TEST_PASSWORD): Promise<AuthResponse & { refreshToken: string }> {
  return (await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password }).expect(200)).body as AuthResponse & { refreshToken: string };
}

const refresh = (t: TestApp, refreshToken: string) => t.http().post('/api/v1/auth/refresh').send({ refreshToken });
/** How a refresh token is stored: the hex SHA-256 of the token. */
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

describe('auth sessions: rotation, reuse detection, logout, change-password (e2e, one replica)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  const socket = async (accessToken: string) => {
    const s = await connectSocket(t.url, accessToken);
    sockets.push(s);
    return s;
  };
  let audit: AuditLog;
  /** When the token with this value was revoked (rotated), as stored. */
  const revokedAt = async (token: string): Promise<Date | null> =>
    ((await t.app.get(DataSource).query(`SELECT revoked_at FROM refresh_tokens WHERE token_hash = $1`, [hash(token)])) as { revoked_at: Date | null }[])[0].revoked_at;
  beforeAll(() => {
    audit = t.app.get(AuditLog);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('rotates within the session; a rotated token revokes the whole session, whose newest token and socket then die', async () => {
    const user = await registerUser(t);
    const other = await login(t, user); // another session of the same user: untouched
    const first = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    const second = (await refresh(t, first.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    expect(new Set([user.refreshToken, first.refreshToken, second.refreshToken]).size).toBe(3);
    const s = await socket(second.accessToken);
    const ended = whenEnded(s);
    const record = jest.spyOn(audit, 'record');

    // The first token, already rotated, comes back (stolen copy, or the victim after the thief): reuse.
    const reused = await refresh(t, user.refreshToken).expect(401);
    expect(reused.body.code).toBe('INVALID_REFRESH_TOKEN');
    // The whole family is gone: its newest token too…
    expect((await refresh(t, second.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    // …and its socket was told why, then disconnected (Socket.IO's reason for a server-side disconnect).
    await expect(ended).resolves.toMatchObject({ reason: 'io server disconnect', notice: { reason: 'session_revoked' } });
    // An access token of the revoked session cannot open a new socket.
    const again = await handshake(t.url, second.accessToken);
    sockets.push(again.socket);
    expect(again.error?.message).toBe(UNAUTHORIZED);
    // The user's other session still rotates.
    await refresh(t, other.refreshToken).expect(200);

    const reuse = record.mock.calls.filter(([event]) => event === 'refresh.reuse_detected');
    expect(reuse).toEqual([['refresh.reuse_detected', user.user.id, { ip: '127.0.0.1', requestId: expect.any(String) }, { sessionId: expect.any(String) }]]);
  });

  it('a refresh whose answer was lost can be retried within REFRESH_TOKEN_REUSE_GRACE; the answer it replaced is then a copy', async () => {
    const user = await registerUser(t);
    const record = jest.spyOn(audit, 'record');
    // The first answer is committed but never reaches the client, which sends the same token again.
    const lost = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    const rotatedAt = await revokedAt(user.refreshToken);
    const retried = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    expect(new Set([user.refreshToken, lost.refreshToken, retried.refreshToken]).size).toBe(3);
    // The window runs from the rotation: a retry does not move it.
    expect(rotatedAt).toBeInstanceOf(Date);
    expect(await revokedAt(user.refreshToken)).toEqual(rotatedAt);
    const sid = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
    expect(sid(retried.accessToken)).toBe(sid(user.accessToken));
    // The retry may itself be lost: the same token still works while its newest successor is unused.
    const retriedAgain = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    // The session goes on with the newest answer.
    const next = (await refresh(t, retriedAgain.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    await t.http().get('/api/v1/users/me').set({ Authorization: `Bearer ${next.accessToken}` }).expect(200);
    const s = await socket(next.accessToken);
    const ended = whenEnded(s);
    expect(record.mock.calls.filter(([event]) => event === 'refresh.retried')).toEqual([
      ['refresh.retried', user.user.id, { ip: '127.0.0.1', requestId: expect.any(String) }, { sessionId: sid(user.accessToken) }],
      ['refresh.retried', user.user.id, { ip: '127.0.0.1', requestId: expect.any(String) }, { sessionId: sid(user.accessToken) }],
    ]);
    expect(record.mock.calls.some(([event]) => event === 'refresh.reuse_detected')).toBe(false);

    // Once its successor has been used, the first token is no retry any more: reuse.
    expect((await refresh(t, user.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    await expect(ended).resolves.toMatchObject({ notice: { reason: 'session_revoked' } });
    expect((await refresh(t, next.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('past REFRESH_TOKEN_REUSE_GRACE the rotated token is reuse even while its successor is unused', async () => {
    const user = await registerUser(t);
    const rotated = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    // As if the window (60 s) had passed since the rotation.
    await t.app.get(DataSource).query(`UPDATE refresh_tokens SET revoked_at = revoked_at - interval '61 seconds' WHERE token_hash = $1`, [hash(user.refreshToken)]);
    expect((await refresh(t, user.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh(t, rotated.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('a retry racing the first use of its successor is reuse: the family never has two live tokens', async () => {
    const user = await registerUser(t);
    const rotated = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    const db = t.app.get(DataSource);
    const [{ session_id: sessionId }] = (await db.query(`SELECT session_id FROM refresh_tokens WHERE token_hash = $1`, [hash(rotated.refreshToken)])) as { session_id: string }[];
    // Hold the session row, so that both requests queue behind it: first the successor's use, then a retry of the first token.
    const holder = db.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query(`SELECT id FROM auth_sessions WHERE id = $1 FOR UPDATE`, [sessionId]);
      const waiting = async (n: number) => {
        for (let i = 0; i < 200; i++) {
          const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)) as { count: number }[];
          if (count >= n) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`${n} requests never waited for the session lock`);
      };
      const useSuccessor = refresh(t, rotated.refreshToken).then((r) => r);
      await waiting(1);
      const retryFirst = refresh(t, user.refreshToken).then((r) => r);
      await waiting(2);
      await holder.commitTransaction();
      const [used, retried] = await Promise.all([useSuccessor, retryFirst]);
      // Whichever went first, at most one branch lives: here the use went first, so the retry is reuse.
      expect([used.status, retried.status]).toEqual([200, 401]);
      const [live] = (await db.query(
        `SELECT count(t.id)::int AS tokens, bool_or(s.revoked_at IS NULL) AS session_live
           FROM auth_sessions s LEFT JOIN refresh_tokens t ON t.session_id = s.id AND t.revoked_at IS NULL WHERE s.id = $1`,
        [sessionId],
      )) as { tokens: number; session_live: boolean }[];
      expect(live).toEqual({ tokens: 0, session_live: false });
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('an answer superseded by a retry is a copy when it turns up: the session is revoked', async () => {
    const user = await registerUser(t);
    const lost = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    const retried = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    // Whoever holds the superseded answer (the thief who refreshed first, or a client that got both answers) presents it.
    expect((await refresh(t, lost.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh(t, retried.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh(t, user.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('retention may delete a successor before its predecessor: the link is cleared, and the predecessor is then plain reuse', async () => {
    const user = await registerUser(t);
    const rotated = (await refresh(t, user.refreshToken).expect(200)).body as AuthResponse & { refreshToken: string };
    const db = t.app.get(DataSource);
    // The successor outlives nothing here: past its own expiry, so the next retention pass deletes it.
    await db.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hash(rotated.refreshToken)]);
    await pruneNow(t.app.get(RetentionService));
    const rows = (await db.query(`SELECT token_hash, replaced_by_id FROM refresh_tokens WHERE session_id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1)`, [
      hash(user.refreshToken),
    ])) as { token_hash: string; replaced_by_id: string | null }[];
    expect(rows).toEqual([{ token_hash: hash(user.refreshToken), replaced_by_id: null }]);
    // Within the grace window still, but with no unused successor to supersede: reuse.
    expect((await refresh(t, user.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('access tokens carry the session id (sid) and expire with ACCESS_TOKEN_TTL', async () => {
    const user = await registerUser(t);
    const claims = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: user.user.id, typ: 'access', sid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(user.expiresIn);
    expect(user.expiresIn).toBe(900);
  });

  it('logout ends the session and its socket, and is idempotent', async () => {
    const user = await registerUser(t);
    const s = await socket(user.accessToken);
    const ended = whenEnded(s);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
    await expect(ended).resolves.toMatchObject({ reason: 'io server disconnect', notice: { reason: 'session_revoked' } });
    expect((await refresh(t, user.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    // again, an unknown token, and no token at all: nothing to do, still 204
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: 'unknown-token' }).expect(204);
    await t.http().post('/api/v1/auth/logout').send({}).expect(204);
  });

  it('logout-all revokes every refresh token of the user and disconnects all their sockets; others are untouched', async () => {
    const user = await registerUser(t);
    const second = await login(t, user);
    const bystander = await registerUser(t);
    const [s1, s2, s3] = [await socket(user.accessToken), await socket(second.accessToken), await socket(bystander.accessToken)];
    const ends = [whenEnded(s1), whenEnded(s2)];
    await t.http().post('/api/v1/auth/logout-all').set(user.auth).expect(204);
    for (const end of await Promise.all(ends)) expect(end).toMatchObject({ reason: 'io server disconnect', notice: { reason: 'session_revoked' } });
    await refresh(t, user.refreshToken).expect(401);
    await refresh(t, second.refreshToken).expect(401);
    expect(await stillConnectedAfter(s3, 200)).toBe(true);
    await refresh(t, bystander.refreshToken).expect(200);
    // A new login works as usual.
    await refresh(t, (await login(t, user)).refreshToken).expect(200);
  });

  it('change-password keeps the calling session, ends the others with their sockets, and swaps the password', async () => {
    const user = await registerUser(t);
    const other = await login(t, user);
    const current = await socket(user.accessToken);
    const elsewhere = await socket(other.accessToken);
    const ended = whenEnded(elsewhere);
    const newPassword = `${randomUUID()} new passphrase`;

    const wrong = await t.http().post('/api/v1/auth/change-password').set(user.auth).send({ currentPassword: 'not my password', newPassword }).expect(403);
    expect(wrong.body.code).toBe('INVALID_CURRENT_PASSWORD');
    const weak = await t.http().post('/api/v1/auth/change-password').set(user.auth).send({ currentPassword: TEST_PASSWORD, newPassword: 'password123' }).expect(400);
    expect(weak.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'newPassword', errors: expect.arrayContaining([expect.stringMatching(/too easy to guess/)]) }] });
    await refresh(t, other.refreshToken).expect(200).then((r) => (other.refreshToken = (r.body as { refreshToken: string }).refreshToken));

    await t.http().post('/api/v1/auth/change-password').set(user.auth).send({ currentPassword: TEST_PASSWORD, newPassword }).expect(204);
    await expect(ended).resolves.toMatchObject({ reason: 'io server disconnect', notice: { reason: 'session_revoked' } });
    expect((await refresh(t, other.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect(await stillConnectedAfter(current, 200)).toBe(true);
    await refresh(t, user.refreshToken).expect(200);
    await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: TEST_PASSWORD }).expect(401);
    await login(t, user, newPassword);
  });

  it('refuses weak and common passwords at registration with the reason, counting the email and name as known words', async () => {
    const email = `${randomUUID()}@example.test`;
    for (const password of ['password123', 'qwertyuiop12', `${email.split('@')[0]}`, 'Ada Lovelace 1815']) {
      const res = await t.http().post('/api/v1/auth/register').send({ email, password, name: 'Ada Lovelace' }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'password', errors: expect.arrayContaining([expect.stringMatching(/too easy to guess/)]) }] });
      expect(res.body.details[0].errors.length).toBeGreaterThan(1);
    }
    await t.http().post('/api/v1/auth/register').send({ email, password: TEST_PASSWORD, name: 'Ada Lovelace' }).expect(201);
  });

  it('writes audit lines for login (failed with an email hash, not the email), API token create and revoke, logout, logout-all and password change, with the request\'s ip and id, never a secret', async () => {
    const user = await registerUser(t);
    const lines: object[] = [];
    const log = jest.spyOn((audit as unknown as { logger: { log: (m: object) => void } }).logger, 'log').mockImplementation((m) => void lines.push(m));
    await t.http().post('/api/v1/auth/login').set('X-Request-Id', 'audit-test-1').send({ email: user.user.email, password: 'wrong password!!' }).expect(401);
    const session = await login(t, user);
    const token = await t.http().post('/api/v1/users/me/api-tokens').set(user.auth).send({ name: 'audit test', scopes: ['boards:read'] }).expect(201);
    await t.http().delete(`/api/v1/users/me/api-tokens/${token.body.id}`).set(user.auth).expect(204);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await t.http().post('/api/v1/auth/change-password').set(user.auth).send({ currentPassword: TEST_PASSWORD, newPassword: `${randomUUID()} passphrase` }).expect(204);
    await t.http().post('/api/v1/auth/logout-all').set(user.auth).expect(204);
    log.mockRestore();

    const parsed = lines as ({ event: AuditEvent } & Record<string, unknown>)[];
    expect(parsed.map((p) => p.event)).toEqual(['login.failed', 'login.succeeded', 'api_token.created', 'api_token.revoked', 'session.logged_out', 'password.changed', 'sessions.logged_out_all']);
    for (const p of parsed) {
      expect(Object.keys(p).slice(0, 5)).toEqual(['audit', 'event', 'userId', 'ip', 'requestId']);
      expect(p).toMatchObject({ audit: true, userId: user.user.id, ip: '127.0.0.1', requestId: expect.any(String) });
    }
    expect(parsed[0]).toMatchObject({ requestId: 'audit-test-1', emailHash: expect.stringMatching(/^[0-9a-f]{16}$/), accountExists: true });
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of [user.user.email, session.refreshToken, session.accessToken, token.body.token, TEST_PASSWORD, 'wrong password!!']) expect(text).not.toContain(secret);
  });

  it("writes an audit line for a member's role change with the owner's id and the request's ip and id, and none for a refused one", async () => {
    const { owner, board, members: [member] } = await boardWithMembers(t, { members: ['viewer'] });
    const lines: object[] = [];
    const log = jest.spyOn((audit as unknown as { logger: { log: (m: object) => void } }).logger, 'log').mockImplementation((m) => void lines.push(m));
    const path = `/api/v1/boards/${board.id}/members/${member.user.id}`;
    await t.http().patch(path).set(member.auth).set('X-Request-Id', 'audit-role-0').send({ role: 'owner' }).expect(403);
    await t.http().patch(path).set(owner.auth).set('X-Request-Id', 'audit-role-1').send({ role: 'editor' }).expect(200);
    log.mockRestore();
    expect(lines).toStrictEqual([
      { audit: true, event: 'member.role_changed', userId: owner.user.id, ip: '127.0.0.1', requestId: 'audit-role-1', boardId: board.id, memberId: member.user.id, role: 'editor' },
    ]);
  });
});
