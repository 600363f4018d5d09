import { afterAll, describe, expect, it } from '@jest/globals';
import { BoardStream, jwtExpiresAt, TasklaneRestClient, type TasklaneSocket } from '@tasklane/client';
import type { AuthRefreshAck, AuthResponse } from '@tasklane/contracts';
// fixtures.ts and sockets.ts do not import the app, so they may come before the environment is set.
import { createBoard, registerUser, TEST_PASSWORD } from '../support/fixtures.js';
import { connectSocket, stillConnectedAfter, whenEnded } from '../support/sockets.js';

// Lifetimes short enough to watch them end; set before the app module is imported (config is
// validated at import; below 60 s is allowed only with NODE_ENV=test, which global-setup sets) and
// restored afterwards.
const ACCESS_TTL_S = 3;
const ABSOLUTE_TTL_S = 5;
const saved = { access: process.env.ACCESS_TOKEN_TTL, absolute: process.env.REFRESH_TOKEN_ABSOLUTE_TTL };
process.env.ACCESS_TOKEN_TTL = String(ACCESS_TTL_S);
process.env.REFRESH_TOKEN_ABSOLUTE_TTL = String(ABSOLUTE_TTL_S);

const { useTestApp } = await import('../support/test-app.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until the next whole second has begun, so a token issued now differs from one issued before (JWT times are in seconds). */
const nextSecond = () => sleep(1_050 - (Date.now() % 1000));

describe('token lifetimes: socket expiry, auth:refresh, absolute session lifetime (e2e, short TTLs)', () => {
  const sockets: TasklaneSocket[] = [];
  const streams: BoardStream[] = [];
  const t = useTestApp({
    beforeClose: () => {
      sockets.forEach((s) => s.disconnect());
      streams.forEach((s) => s.close());
    },
  });
  afterAll(() => {
    for (const [k, v] of Object.entries({ ACCESS_TOKEN_TTL: saved.access, REFRESH_TOKEN_ABSOLUTE_TTL: saved.absolute })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const refresh = async (refreshToken: string) => (await t.http().post('/api/v1/auth/refresh').send({ refreshToken }).expect(200)).body as AuthResponse & { refreshToken: string };

  it('sends session:expired {reason: token_expired} and disconnects a socket when its access token expires', async () => {
    // A 3 s token leaves no room for a cold app: warm it up (the first requests also start the
    // job workers), then issue the token at the start of a second (JWT times are whole seconds).
    await registerUser(t);
    await nextSecond();
    const user = await registerUser(t);
    const s = await connectSocket(t.url, user.accessToken);
    sockets.push(s);
    const left = jwtExpiresAt(user.accessToken)! - Date.now();
    const end = await whenEnded(s);
    expect(end).toMatchObject({ reason: 'io server disconnect', notice: { reason: 'token_expired' } });
    expect(end.afterMs).toBeGreaterThan(left - 200);
    expect(end.afterMs).toBeLessThan(left + 2_000); // the expiry timer, with room for a busy event loop
  }, 30_000);

  it('auth:refresh with a new access token of the same user keeps the socket past the old expiry; anything else is refused', async () => {
    const user = await registerUser(t);
    const stranger = await registerUser(t);
    const s = await connectSocket(t.url, user.accessToken);
    sockets.push(s);
    const firstExpiry = jwtExpiresAt(user.accessToken)!;

    const refusals = await Promise.all([
      s.emitWithAck('auth:refresh', { token: stranger.accessToken }),
      s.emitWithAck('auth:refresh', { token: 'garbage' }),
      s.emitWithAck('auth:refresh', {} as never),
    ]);
    expect(refusals.map((a) => (a as AuthRefreshAck).ok === false && (a as { error: { code: string } }).error.code)).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'VALIDATION_FAILED']);

    await nextSecond();
    const renewed = await refresh(user.refreshToken);
    const ack = (await s.emitWithAck('auth:refresh', { token: renewed.accessToken })) as AuthRefreshAck;
    expect(ack).toEqual({ ok: true, expiresAt: new Date(jwtExpiresAt(renewed.accessToken)!).toISOString() });
    expect(Date.parse((ack as { expiresAt: string }).expiresAt)).toBeGreaterThan(firstExpiry);
    expect(await stillConnectedAfter(s, firstExpiry - Date.now() + 500)).toBe(true);
  }, 30_000);

  it('BoardStream sends auth:refresh by itself when its token function has a newer token, and stops with onSessionExpired when it has none', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    // A token issued at the start of a second (see the second stream below), and the token an app's
    // refresh loop gets next, issued in the following second so that it differs. Both come from a
    // fresh login: a token never outlives its session (REFRESH_TOKEN_ABSOLUTE_TTL = 5 s from
    // login), so rotations of the registration's session, when registering and creating the board
    // crossed a second, gave both tokens the same expiry and the socket ended there (CI once saw
    // 'io server disconnect'). Both are fetched before connecting, so no HTTP round trip sits in
    // the window between the stream's renewal and the first token's expiry.
    await nextSecond();
    const session = (await t.http().post('/api/v1/auth/login').send({ email: owner.user.email, password: TEST_PASSWORD }).expect(200)).body as AuthResponse & { refreshToken: string };
    const firstExpiry = jwtExpiresAt(session.accessToken)!;
    await nextSecond();
    const renewed = (await refresh(session.refreshToken)).accessToken;
    expect(jwtExpiresAt(renewed)!).toBeGreaterThan(firstExpiry);
    let current = session.accessToken;
    const errors: unknown[] = [];
    const stream = new BoardStream({ baseUrl: t.url, token: () => current, boardId: board.id, authRefreshLeadMs: 1_500, onError: (e) => errors.push(e) });
    streams.push(stream);
    await stream.start();
    const drops: string[] = [];
    stream.socket.on('disconnect', (reason) => drops.push(reason));
    expect(stream.socket.connected).toBe(true);
    current = renewed; // what an app's refresh loop does; the stream picks it up by itself
    await sleep(firstExpiry - Date.now() + 500);
    // renewed in place: never dropped (a reconnect with the new token would also end connected)
    expect(drops).toEqual([]);
    expect(stream.socket.connected).toBe(true);
    // and events still flow on the renewed socket
    await new TasklaneRestClient(t.url, current).createColumn(board.id, { name: 'after renewal' });
    await stream.waitForSeq(1, 2_000);

    // A token function that never renews: the socket expires and the stream stops and says so.
    const other = await registerUser(t);
    const otherBoard = await createBoard(t, other.auth);
    // A token issued at the start of a second, right before connecting: it must still be valid at
    // the handshake (registering and creating the board can take most of ACCESS_TOKEN_TTL on a busy
    // machine, and a token that expired before the handshake is refused: start() rejects).
    await nextSecond();
    const fresh = (await refresh(other.refreshToken)).accessToken;
    const expired = new Promise<string>((resolve, reject) => {
      const s = new BoardStream({ baseUrl: t.url, token: fresh, boardId: otherBoard.id, onSessionExpired: resolve });
      streams.push(s);
      s.start().catch(reject);
    });
    await expect(expired).resolves.toBe('token_expired');
    expect(errors).toEqual([]);
  }, 30_000);

  it('ends a session at its absolute lifetime from login, whatever the rotations; access tokens never outlive it', async () => {
    const user = await registerUser(t);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: TEST_PASSWORD, session: 'cookie' }).expect(200);
    const started = Date.now();
    let cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    expect(Number(/Max-Age=(\d+)/.exec((login.headers['set-cookie'] as unknown as string[])[0])![1])).toBeLessThanOrEqual(ABSOLUTE_TTL_S);
    let last: AuthResponse | null = null;
    // rotate every second: each rotation works, and its cookie's Max-Age shrinks with the session
    for (let i = 0; i < 3; i++) {
      await sleep(1_000);
      const res = await t.http().post('/api/v1/auth/refresh').set('Cookie', cookie).send({}).expect(200);
      const setCookie = (res.headers['set-cookie'] as unknown as string[])[0];
      cookie = setCookie.split(';')[0];
      expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeLessThanOrEqual(ABSOLUTE_TTL_S - (i + 1));
      last = res.body as AuthResponse;
    }
    const sessionEnd = started + ABSOLUTE_TTL_S * 1000;
    expect(jwtExpiresAt(last!.accessToken)!).toBeLessThanOrEqual(sessionEnd + 1_000);
    await sleep(sessionEnd - Date.now() + 300);
    expect((await t.http().post('/api/v1/auth/refresh').set('Cookie', cookie).send({}).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
  }, 30_000);
});
