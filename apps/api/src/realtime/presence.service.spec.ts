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

  it('encodes entries as <replica>/<boot>|<user> and notices sorted and deduplicated', () => {
    expect(parsePresenceMember(presenceMember('replica-2/ab12', 'u1'))).toEqual({ instance: 'replica-2/ab12', replicaId: 'replica-2', userId: 'u1' });
    expect(parsePresenceMember('garbage')).toBeNull();
    expect(presenceNotice('b', ['z', 'a', 'z'])).toEqual({ boardId: 'b', users: [{ userId: 'a' }, { userId: 'z' }] });
  });
});
