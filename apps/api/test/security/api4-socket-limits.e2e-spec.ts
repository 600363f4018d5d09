import { afterAll, describe, expect, it } from '@jest/globals';
import type { TasklaneSocket } from '@tasklane/client';
import type { AckError, DisconnectNotice, JoinAck, LeaveAck } from '@tasklane/contracts';
// fixtures.ts and sockets.ts do not import the app, so they may come before the environment is set.
import { createBoard, registerUser, TEST_PASSWORD } from '../support/fixtures.js';
import { connectSocket, handshake } from '../support/sockets.js';

// Socket limits at their defaults (20 events/s with a burst of 40 per socket, 20 sockets per user,
// 100 rooms per socket); only the per-user REST write limit is raised, so that the 101 boards the
// rooms test needs are created quickly. Set before the app module is imported, restored afterwards.
const RAISED = { RATE_LIMIT_WRITES: '100000/1s', RATE_LIMIT_WRITES_BURST: '100000' };
const saved = Object.fromEntries(Object.keys(RAISED).map((k) => [k, process.env[k]]));
Object.assign(process.env, RAISED);

const { useTestApp } = await import('../support/test-app.js');

const NIL_BOARD = '00000000-0000-4000-8000-000000000000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('socket limits (e2e, one replica)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const open = async (token: string) => {
    const s = await connectSocket(t.url, token);
    sockets.push(s);
    return s;
  };

  it('answers events over the rate with RATE_LIMITED acks, then disconnects a socket that keeps flooding', async () => {
    const user = await registerUser(t);
    const s = await open(user.accessToken);
    const notices: DisconnectNotice[] = [];
    s.on('disconnect:reason', (n) => notices.push(n));
    const disconnected = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    const acks: LeaveAck[] = [];
    // 300 events at once: far over 20/s with a burst of 40. Acks of events after the disconnect never come.
    for (let i = 0; i < 300; i++) s.emit('board:leave', { boardId: NIL_BOARD }, (ack) => acks.push(ack));
    await expect(disconnected).resolves.toBe('io server disconnect');
    // Accepted events are acknowledged after their (asynchronous) handler; those still running at the
    // disconnect lose their ack. Refusals are acknowledged at once: the socket is cut after exactly
    // three bursts' worth of them.
    const refused = acks.filter((a): a is AckError => !a.ok);
    expect(refused).toHaveLength(120);
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(60);
    for (const a of refused) expect(a.error).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) });
    expect(notices).toEqual([{ reason: 'rate_limited' }]);
  });

  it('forgives a short overflow once the socket slows down: refused, then served again, still connected', async () => {
    const user = await registerUser(t);
    const s = await open(user.accessToken);
    const first = await Promise.all(Array.from({ length: 60 }, () => s.emitWithAck('board:leave', { boardId: NIL_BOARD }) as Promise<LeaveAck>));
    expect(first.filter((a) => a.ok).length).toBeGreaterThanOrEqual(40);
    expect(first.filter((a) => !a.ok).length).toBeGreaterThan(0);
    await sleep(2100);
    // A refilled bucket: a full burst again, and the earlier refusals no longer count toward a disconnect.
    const again = await Promise.all(Array.from({ length: 40 }, () => s.emitWithAck('board:leave', { boardId: NIL_BOARD }) as Promise<LeaveAck>));
    expect(again.every((a) => a.ok)).toBe(true);
    const more = await Promise.all(Array.from({ length: 100 }, () => s.emitWithAck('board:leave', { boardId: NIL_BOARD }) as Promise<LeaveAck>));
    expect(more.filter((a) => !a.ok).length).toBeGreaterThan(0);
    expect(s.connected).toBe(true);
  }, 30_000);

  it('refuses a user’s 21st socket with connect_error too_many_connections, and frees the slot on disconnect', async () => {
    const user = await registerUser(t);
    const mine = await Promise.all(Array.from({ length: 20 }, () => open(user.accessToken)));
    const extra = await handshake(t.url, user.accessToken);
    sockets.push(extra.socket);
    expect(extra.error?.message).toBe('too_many_connections');
    // Another user is not affected.
    await open((await registerUser(t)).accessToken);
    mine[0].disconnect();
    let replacement: Awaited<ReturnType<typeof handshake>> | null = null;
    for (let i = 0; i < 40 && !replacement?.socket.connected; i++) {
      await sleep(50);
      replacement = await handshake(t.url, user.accessToken);
      sockets.push(replacement.socket);
    }
    expect(replacement?.error).toBeNull();
  });

  it('refuses a revoked session as unauthorized although the user is at the socket limit (what a client acts on)', async () => {
    const user = await registerUser(t);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: TEST_PASSWORD }).expect(200);
    const other = login.body as { accessToken: string };
    await Promise.all(Array.from({ length: 20 }, () => open(other.accessToken)));
    // The first session ends; its access token still verifies (signature, exp) until it expires.
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
    const revoked = await handshake(t.url, user.accessToken);
    sockets.push(revoked.socket);
    expect(revoked.error?.message).toBe('unauthorized');
    // A live token of the same user at the limit is still one socket too many.
    const live = await handshake(t.url, other.accessToken);
    sockets.push(live.socket);
    expect(live.error?.message).toBe('too_many_connections');
  });

  it('lets a socket be in 100 board rooms; the 101st join is LIMIT_REACHED until it leaves one', async () => {
    const owner = await registerUser(t);
    const boards = await Promise.all(Array.from({ length: 101 }, (_, i) => createBoard(t, owner.auth, { name: `room ${i}`, columns: [] })));
    const s = await open(owner.accessToken);
    const join = async (boardId: string): Promise<JoinAck> => {
      // Stay under the socket's 20 events per second.
      await sleep(55);
      return (await s.emitWithAck('board:join', { boardId })) as JoinAck;
    };
    for (const board of boards.slice(0, 100)) expect(await join(board.id)).toMatchObject({ ok: true });
    expect(await join(boards[100].id)).toEqual({ ok: false, error: { code: 'LIMIT_REACHED', message: expect.any(String) } });
    // Joining a room it is already in is not one more room.
    expect(await join(boards[5].id)).toMatchObject({ ok: true });
    await sleep(55);
    expect(await s.emitWithAck('board:leave', { boardId: boards[0].id })).toEqual({ ok: true });
    expect(await join(boards[100].id)).toMatchObject({ ok: true, seq: 0 });
  }, 60_000);
});
