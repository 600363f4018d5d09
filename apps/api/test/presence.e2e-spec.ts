import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { TasklaneSocket } from '@tasklane/client';
import type { JoinAck, PresenceNotice } from '@tasklane/contracts';
import { PresenceService, presenceKey, presenceMember } from '../src/realtime/presence.service.js';
import { addMember, createBoard, registerUser } from './support/fixtures.js';
import { connectSocket } from './support/sockets.js';
import { useTestApp } from './support/test-app.js';

/** Resolves with the next `event` notice on `socket` that satisfies `match`. @throws after 5 s */
function next(socket: TasklaneSocket, event: 'presence:state' | 'presence:update', match: (n: PresenceNotice) => boolean): Promise<PresenceNotice> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${event} within 5 s`)), 5_000);
    const listener = (n: PresenceNotice) => {
      if (!match(n)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(n);
    };
    socket.on(event, listener);
  });
}
const ids = (n: PresenceNotice) => n.users.map((u) => u.userId);

describe('presence (e2e, one replica with Redis)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });

  it('sends presence:state on join and presence:update to the room as viewers come and go (several sockets count once)', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const viewer = await addMember(t, owner.auth, board.id, 'viewer');
    const a = await connectSocket(t.url, owner.accessToken);
    sockets.push(a);
    const stateA = next(a, 'presence:state', () => true);
    expect(((await a.emitWithAck('board:join', { boardId: board.id })) as JoinAck).ok).toBe(true);
    expect(await stateA).toEqual({ boardId: board.id, users: [{ userId: owner.user.id }] });

    const both = [owner.user.id, viewer.user.id].sort();
    const updateA = next(a, 'presence:update', (n) => n.users.length === 2);
    const b1 = await connectSocket(t.url, viewer.accessToken);
    const b2 = await connectSocket(t.url, viewer.accessToken);
    sockets.push(b1, b2);
    const stateB = next(b1, 'presence:state', () => true);
    await b1.emitWithAck('board:join', { boardId: board.id });
    expect(ids(await updateA)).toEqual(both);
    expect(ids(await stateB)).toEqual(both);
    await b2.emitWithAck('board:join', { boardId: board.id });

    // one of the viewer's two sockets leaves: still viewing; the other disconnects: gone
    const gone = next(a, 'presence:update', (n) => n.users.length === 1);
    await b2.emitWithAck('board:leave', { boardId: board.id });
    await new Promise((r) => setTimeout(r, 200));
    const now = await t.app.get(PresenceService).read(board.id);
    expect(ids(now)).toEqual(both);
    b1.disconnect();
    expect(ids(await gone)).toEqual([owner.user.id]);
  });

  it('drops the entries of a replica that stopped refreshing them (killed) and tells the room', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const other = await addMember(t, owner.auth, board.id, 'editor');
    const a = await connectSocket(t.url, owner.accessToken);
    sockets.push(a);
    await a.emitWithAck('board:join', { boardId: board.id });
    // A dead replica's entry for `other`: its expiry time has passed, nobody refreshes it.
    const redis = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
    await redis.zadd(presenceKey(board.id), Date.now() - 1, presenceMember('replica-dead/0000', other.user.id));
    await redis.zadd(presenceKey(board.id), Date.now() + 60_000, presenceMember('replica-alive/0000', other.user.id + '-x'));
    redis.disconnect();
    const presence = t.app.get(PresenceService);
    expect(ids(await presence.read(board.id))).toEqual([other.user.id + '-x', owner.user.id].sort());
    const update = next(a, 'presence:update', (n) => !n.users.some((u) => u.userId === other.user.id));
    await presence.beat();
    expect(ids(await update)).toEqual([other.user.id + '-x', owner.user.id].sort());
  });
});
