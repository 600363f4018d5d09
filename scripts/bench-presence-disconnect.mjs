// What a disconnect costs presence's bookkeeping on one replica: `npm run build && node
// scripts/bench-presence-disconnect.mjs [--sockets 20000 --boards 200 --users 100]` (a few seconds).
// A PresenceService from the build without Redis (the local counts only; a stub Socket.IO server
// and stub sockets), --sockets sockets joined round robin over --boards boards, --users distinct
// users per board; then every socket disconnects at once, as when a replica's network drops, and
// the script prints how long the disconnect handlers took, their microtasks included (ms in all,
// µs per socket). In-process, no database, Redis or network: it measures the bookkeeping alone
// (PresenceService's `disconnect` handler), not the Redis commands that follow it.
import { resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { sockets: { type: 'string', default: '20000' }, boards: { type: 'string', default: '200' }, users: { type: 'string', default: '100' } } });
const [sockets, boards, users] = [args.sockets, args.boards, args.users].map(Number);
if (![sockets, boards, users].every((n) => Number.isInteger(n) && n >= 1)) {
  console.error('--sockets, --boards and --users are integers >= 1');
  process.exit(2);
}
const { PresenceService } = await import(`${root}/dist/apps/api/src/realtime/presence.service.js`);
const server = { io: { to: () => ({ emit: () => undefined }) } };
const config = { getOrThrow: (key) => ({ REPLICA_ID: 'bench', PRESENCE_TTL_MS: 20_000, PRESENCE_HEARTBEAT_MS: 5_000 })[key] };
const presence = new PresenceService(server, { pub: null }, config);

const disconnects = [];
for (let i = 0; i < sockets; i++) {
  const listeners = {};
  // Socket i: board i mod B, user ⌊i / B⌋ mod U, so each board has up to U distinct users.
  const socket = { id: `socket-${i}`, connected: true, data: { userId: `user-${Math.floor(i / boards) % users}` }, emit: () => undefined, once: (event, fn) => (listeners[event] = fn) };
  disconnects.push(() => listeners.disconnect?.());
  await presence.joined(socket, `board-${i % boards}`);
}
const started = performance.now();
for (const disconnect of disconnects) disconnect();
// The rest of each handler (the Redis-less `await` in remove, the announcement) runs in the
// microtasks after the loop: wait for them too.
await nextTurn();
const ms = performance.now() - started;
await presence.onApplicationShutdown();
console.log(`${sockets} sockets on ${boards} boards, ${users} users per board: every disconnect handler ran in ${ms.toFixed(1)} ms (${((ms * 1000) / sockets).toFixed(2)} µs per socket)`);
console.log(`(${process.version}; reproduce: npm run build && node scripts/bench-presence-disconnect.mjs --sockets ${sockets} --boards ${boards} --users ${users})`);
