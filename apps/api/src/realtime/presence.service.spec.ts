import { describe, expect, it } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { PresenceNotice } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import type { RedisConnections } from '../redis/redis-connections.service.js';
import { parsePresenceMember, PresenceService, presenceMember, presenceNotice } from './presence.service.js';
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
const flush = () => new Promise((r) => setImmediate(r));

describe('PresenceService (no Redis)', () => {
  it('sends the state to a joining socket and an update to the room only when the set changes', async () => {
    const { presence, roomEmits, socket } = setup();
    const a = socket('s1', 'ana');
    await presence.joined(a.s, 'b1');
    expect(a.own).toEqual([{ event: 'presence:state', notice: { boardId: 'b1', users: [{ userId: 'ana' }] } }]);
    expect(roomEmits.map((e) => [e.room, e.event, users(e.notice)])).toEqual([['board:b1', 'presence:update', ['ana']]]);
    // a second socket of the same user changes nothing for the room
    await presence.joined(socket('s2', 'ana').s, 'b1');
    expect(roomEmits).toHaveLength(1);
    const b = socket('s3', 'bruno');
    await presence.joined(b.s, 'b1');
    expect(users(roomEmits[1].notice)).toEqual(['ana', 'bruno']);
    // one of Ana's sockets leaves: she is still there; Bruno disconnects: gone
    await presence.left(a.s, 'b1');
    expect(roomEmits).toHaveLength(2);
    b.disconnect();
    await flush();
    expect(users(roomEmits[2].notice)).toEqual(['ana']);
    expect(users(await presence.read('b1'))).toEqual(['ana']);
    expect(users(await presence.read('other'))).toEqual([]);
  });

  it('encodes entries as <replica>/<boot>|<user> and notices sorted and deduplicated', () => {
    expect(parsePresenceMember(presenceMember('replica-2/ab12', 'u1'))).toEqual({ instance: 'replica-2/ab12', replicaId: 'replica-2', userId: 'u1' });
    expect(parsePresenceMember('garbage')).toBeNull();
    expect(presenceNotice('b', ['z', 'a', 'z'])).toEqual({ boardId: 'b', users: [{ userId: 'a' }, { userId: 'z' }] });
  });
});
