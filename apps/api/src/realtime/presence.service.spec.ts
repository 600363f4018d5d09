import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { PresenceNotice } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import type { RedisConnections } from '../redis/redis-connections.service.js';
import { parsePresenceMember, PRESENCE_ANNOUNCE_WINDOW_MS, PresenceService, presenceMember, presenceNotice } from './presence.service.js';
import type { IoSocket, SocketServer } from './socket-server.js';

// Without Redis (one replica): the local counts are the whole truth. Sockets and the server are stubs.
function setup() {
  const roomEmits: { room: string; event: string; notice: PresenceNotice }[] = [];
  const sockets = { io: { to: (room: string) => ({ emit: (event: string, notice: PresenceNotice) => roomEmits.push({ room, event, notice }) }) } } as unknown as SocketServer;
  const config = { getOrThrow: (k: string) => ({ REPLICA_ID: 'replica-0', PRESENCE_TTL_MS: 20_000, PRESENCE_HEARTBEAT_MS: 5_000 })[k] } as unknown as ConfigService<Env, true>;
  const presence = new PresenceService(sockets, { pub: null } as unknown as RedisConnections, config);
  const socket = (id: string, userId: string) => {
    const listeners: Record<string, () => void> = {};
    const own: { event: string; notice: PresenceNotice }[] = [];
    const s = { id, connected: true, data: { userId }, emit: (event: string, notice: PresenceNotice) => own.push({ event, notice }), once: (e: string, fn: () => void) => (listeners[e] = fn) };
    return { s: s as unknown as IoSocket, own, disconnect: () => listeners.disconnect?.() };
  };
  return { presence, roomEmits, socket };
}
const users = (n: PresenceNotice) => n.users.map((u) => u.userId);

describe('PresenceService (no Redis)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends the state to a joining socket and an update to the room only when the set changes, at most one per window', async () => {
    jest.useFakeTimers();
    const { presence, roomEmits, socket } = setup();
    const a = socket('s1', 'ana');
    await presence.joined(a.s, 'b1');
    expect(a.own).toEqual([{ event: 'presence:state', notice: { boardId: 'b1', users: [{ userId: 'ana' }] } }]);
    // the first change of a quiet board is announced at once
    expect(roomEmits.map((e) => [e.room, e.event, users(e.notice)])).toEqual([['board:b1', 'presence:update', ['ana']]]);
    // a second socket of the same user changes nothing for the room
    await presence.joined(socket('s2', 'ana').s, 'b1');
    await jest.advanceTimersByTimeAsync(PRESENCE_ANNOUNCE_WINDOW_MS);
    expect(roomEmits).toHaveLength(1);
    // Bruno, then Carla join within one window: they get the state at once, the room one update at the window's end
    const b = socket('s3', 'bruno');
    await presence.joined(b.s, 'b1');
    expect(roomEmits).toHaveLength(2);
    expect(users(roomEmits[1].notice)).toEqual(['ana', 'bruno']);
    const c = socket('s4', 'carla');
    await presence.joined(c.s, 'b1');
    expect(users(c.own[0].notice)).toEqual(['ana', 'bruno', 'carla']);
    c.disconnect();
    await jest.advanceTimersByTimeAsync(PRESENCE_ANNOUNCE_WINDOW_MS - 1);
    expect(roomEmits).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(roomEmits.map((e) => users(e.notice))).toEqual([['ana'], ['ana', 'bruno'], ['ana', 'bruno']]);
    // one of Ana's sockets leaves: she is still there; after a quiet window Bruno disconnects: gone, at once
    await presence.left(a.s, 'b1');
    await jest.advanceTimersByTimeAsync(PRESENCE_ANNOUNCE_WINDOW_MS);
    expect(roomEmits).toHaveLength(3);
    b.disconnect();
    await jest.advanceTimersByTimeAsync(0);
    expect(users(roomEmits[3].notice)).toEqual(['ana']);
    expect(users(await presence.read('b1'))).toEqual(['ana']);
    expect(users(await presence.read('other'))).toEqual([]);
    // boards are throttled apart
    await presence.joined(socket('s5', 'ana').s, 'b2');
    expect(roomEmits.map((e) => e.room)).toEqual(['board:b1', 'board:b1', 'board:b1', 'board:b1', 'board:b2']);
  });

  it("a disconnect takes the socket out of exactly the boards it is still in, and hooks the disconnect once", async () => {
    jest.useFakeTimers();
    const { presence, socket } = setup();
    const a = socket('s1', 'ana');
    let hooks = 0;
    const once = a.s.once.bind(a.s);
    (a.s as unknown as { once: typeof once }).once = ((event: string, fn: () => void) => ((hooks += 1), once(event as never, fn as never))) as typeof once;
    for (const board of ['b1', 'b2', 'b3']) await presence.joined(a.s, board);
    await presence.joined(a.s, 'b1'); // a join again changes nothing
    await presence.left(a.s, 'b2');
    await presence.joined(socket('s2', 'bruno').s, 'b2');
    expect(hooks).toBe(1);
    a.disconnect();
    await jest.advanceTimersByTimeAsync(PRESENCE_ANNOUNCE_WINDOW_MS);
    expect(users(await presence.read('b1'))).toEqual([]);
    expect(users(await presence.read('b2'))).toEqual(['bruno']);
    expect(users(await presence.read('b3'))).toEqual([]);
    // the socket's entry went with its disconnect: a later join under the same id is counted and hooked afresh
    await presence.joined(a.s, 'b3');
    expect(users(await presence.read('b3'))).toEqual(['ana']);
    expect(hooks).toBe(2);
  });

  it('encodes entries as <replica>/<boot>|<user> and notices sorted and deduplicated', () => {
    expect(parsePresenceMember(presenceMember('replica-2/ab12', 'u1'))).toEqual({ instance: 'replica-2/ab12', replicaId: 'replica-2', userId: 'u1' });
    expect(parsePresenceMember('garbage')).toBeNull();
    expect(presenceNotice('b', ['z', 'a', 'z'])).toEqual({ boardId: 'b', users: [{ userId: 'a' }, { userId: 'z' }] });
  });
});
