import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { BoardRole, JoinOk } from '@tasklane/contracts';
import { boardNotFound } from '../board-access/board-access.errors.js';
import { RealtimeGateway } from './realtime.gateway.js';
import type { IoSocket } from './socket-server.js';

// The join's order of checks, with stubbed reads (the same rules against PostgreSQL:
// realtime.e2e-spec.ts, "refuses a join when the member is removed between its two membership checks").
const BOARD = '5f0c6d4e-3b1a-4c2d-9e8f-7a6b5c4d3e2f';

/** A deferred read: the test decides when and how it settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

function setup() {
  const checks: ReturnType<typeof deferred<BoardRole | null>>[] = [];
  const catchUps: ReturnType<typeof deferred<JoinOk>>[] = [];
  const rooms = new Set<string>();
  const emitted: string[] = [];
  const socket = {
    id: 's1',
    data: { userId: 'u1' },
    rooms,
    join: async (room: string) => void rooms.add(room),
    leave: async (room: string) => void rooms.delete(room),
    emit: (event: string) => void emitted.push(event),
  } as unknown as IoSocket;
  const access = {
    roleOf: () => {
      checks.push(deferred<BoardRole | null>());
      return checks[checks.length - 1].promise;
    },
  };
  const boardRooms = {
    catchUp: () => {
      catchUps.push(deferred<JoinOk>());
      return catchUps[catchUps.length - 1].promise;
    },
  };
  /** The `joining` count each join's rooms-limit check was given (joins of other boards still running). */
  const joiningSeen: number[] = [];
  const limits = { refuseJoin: (_s: unknown, _r: string, joining = 0) => (joiningSeen.push(joining), null) };
  const presence = { joined: async () => undefined, left: async () => undefined };
  const gateway = new RealtimeGateway(null as never, boardRooms as never, access as never, null as never, null as never, limits as never, presence as never, null as never);
  const join = gateway.join(socket, { boardId: BOARD, afterSeq: 3 });
  /** Lets the gateway run up to its next await on a stubbed read. */
  const settle = () => new Promise((r) => setImmediate(r));
  return { checks, catchUps, rooms, emitted, join, settle, gateway, socket, joiningSeen };
}

describe('RealtimeGateway board:join', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('joins the room only after the first check, then runs the second check and the catch-up side by side', async () => {
    const { checks, catchUps, rooms, emitted, join, settle } = setup();
    await settle();
    expect(checks).toHaveLength(1);
    expect(rooms.size).toBe(0); // not in the room while the first check runs
    checks[0].resolve('editor');
    await settle();
    expect(rooms.has(`board:${BOARD}`)).toBe(true);
    // both asked before either answered
    expect(checks).toHaveLength(2);
    expect(catchUps).toHaveLength(1);
    catchUps[0].resolve({ ok: true, seq: 4, events: [] });
    await settle();
    expect(emitted).toEqual([]); // still waiting for the second check
    checks[1].resolve('editor');
    await expect(join).resolves.toEqual({ ok: true, seq: 4, events: [] });
    expect(emitted).toEqual(['board:seq']);
  });

  it('refuses and leaves the room when the second check finds no membership, whatever the catch-up read', async () => {
    const { checks, catchUps, rooms, emitted, join, settle } = setup();
    await settle();
    checks[0].resolve('editor');
    await settle();
    catchUps[0].resolve({ ok: true, seq: 4, events: [] });
    checks[1].resolve(null);
    await expect(join).resolves.toEqual({ ok: false, error: { code: 'BOARD_NOT_FOUND', message: 'Board not found' } });
    expect(rooms.size).toBe(0);
    expect(emitted).toEqual([]);
  });

  it('leaves the room as soon as the second check fails, without waiting for the catch-up read', async () => {
    for (const outcome of ['not a member', 'read failed'] as const) {
      const { checks, catchUps, rooms, emitted, join, settle } = setup();
      await settle();
      checks[0].resolve('editor');
      await settle();
      if (outcome === 'not a member') checks[1].resolve(null);
      else checks[1].reject(new Error('connection terminated'));
      // The catch-up read is still running (it may queue behind other joins' reads in a storm).
      await expect(join).resolves.toMatchObject({ ok: false, error: { code: outcome === 'not a member' ? 'BOARD_NOT_FOUND' : 'SERVICE_UNAVAILABLE' } });
      expect(rooms.size).toBe(0);
      expect(emitted).toEqual([]);
      catchUps[0].reject(new Error('late')); // settles later: no unhandled rejection
      await settle();
    }
  });

  it('answers BOARD_NOT_FOUND, not SERVICE_UNAVAILABLE, when the catch-up finds the board deleted', async () => {
    const { checks, catchUps, rooms, join, settle } = setup();
    await settle();
    checks[0].resolve('editor');
    await settle();
    checks[1].resolve('editor');
    catchUps[0].reject(boardNotFound());
    await expect(join).resolves.toMatchObject({ ok: false, error: { code: 'BOARD_NOT_FOUND' } });
    expect(rooms.size).toBe(0);
  });

  it('answers SERVICE_UNAVAILABLE and leaves the room when either read fails', async () => {
    for (const failing of ['check', 'catchUp'] as const) {
      const { checks, catchUps, rooms, join, settle } = setup();
      await settle();
      checks[0].resolve('editor');
      await settle();
      if (failing === 'check') {
        checks[1].reject(new Error('connection terminated'));
        catchUps[0].resolve({ ok: true, seq: 4 });
      } else {
        checks[1].resolve('editor');
        catchUps[0].reject(new Error('connection terminated'));
      }
      await expect(join).resolves.toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
      expect(rooms.size).toBe(0);
    }
  });

  it('lets a board:leave sent while the join runs wait for it, so the socket ends out of the room as last asked', async () => {
    const { checks, catchUps, rooms, join, settle, gateway, socket } = setup();
    await settle();
    const left = gateway.leave(socket, { boardId: BOARD });
    checks[0].resolve('editor');
    await settle();
    checks[1].resolve('editor');
    catchUps[0].resolve({ ok: true, seq: 4, events: [] });
    await expect(join).resolves.toEqual({ ok: true, seq: 4, events: [] });
    await expect(left).resolves.toEqual({ ok: true });
    expect(rooms.has(`board:${BOARD}`)).toBe(false);
  });

  it('counts joins of other boards still running against the rooms limit', async () => {
    const { checks, catchUps, settle, gateway, socket, joiningSeen, join } = setup();
    const other = gateway.join(socket, { boardId: '6f0c6d4e-3b1a-4c2d-9e8f-7a6b5c4d3e2f' });
    const again = gateway.join(socket, { boardId: BOARD.toUpperCase() });
    expect(joiningSeen).toEqual([0, 1, 1]); // the rejoin of BOARD does not count BOARD itself
    await settle();
    for (const c of checks) c.resolve(null);
    await Promise.all([join, other, again]);
    expect(catchUps).toEqual([]);
  });
});
