import { describe, expect, it, jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { AnyBoardEvent } from '@tasklane/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardAccessService } from '../board-access/board-access.service.js';
import { AppError } from '../errors/app-error.js';
import { IdempotentReplay, type IdempotencyService } from '../idempotency/idempotency.service.js';
import type { Metrics } from '../metrics/metrics.service.js';
import type { BoardEventsRepository } from './board-events.repository.js';
import { AUTHORIZED_BY_INVITATION, BoardEventsService, joinAck, withinBytes } from './board-events.service.js';
import type { BoardNotifier, NotifiedWrite } from './board-notifier.js';
import type { BoardEventSink } from './event-sink.js';
import type { OutboxRelay } from './outbox.relay.js';

// The write path's decisions with its collaborators stubbed: the order of the steps, what a retry,
// a refusal or a failing change leads to, and when the event is published. The same path against
// PostgreSQL (locks, rollback, seq gaps) is covered by the e2e and fault suites.
const BOARD = '00000000-0000-4000-8000-00000000000b';
const USER = '00000000-0000-4000-8000-00000000000a';
const KEY = { userId: USER, key: 'k1', requestHash: 'h' };
const event = (seq: number): AnyBoardEvent => ({ boardId: BOARD, seq, type: 'task.deleted', actorId: USER, occurredAt: new Date(0).toISOString(), data: { id: 't' } });

function setup(
  options: {
    seq?: number | null;
    role?: 'viewer' | 'editor' | 'owner' | null;
    /** The key already holds this body for the same request: `record` finds the write is a retry. */
    replay?: { body: unknown } | null;
    /** What the read after a failed keyed write finds: the first attempt's body, another request's key (422), or a broken database. */
    prior?: { body: unknown } | 'other request' | 'read fails' | null;
    lastSeq?: number | null;
    page?: AnyBoardEvent[];
    storeFails?: boolean;
    /** What the lock reads: whether the board has an enabled webhook. */
    webhooks?: boolean;
  } = {},
) {
  const steps: string[] = [];
  const tx = { name: 'tx' } as unknown as EntityManager;
  const dataSource = {
    transaction: jest.fn(async (...args: unknown[]) => {
      steps.push('BEGIN');
      const fn = args[args.length - 1] as (tx: EntityManager) => Promise<unknown>;
      try {
        const result = await fn(tx);
        steps.push('COMMIT');
        return result;
      } catch (error) {
        steps.push('ROLLBACK');
        throw error;
      }
    }),
    // The write path's transaction (BoardGroupCommit) runs on a query runner of its own.
    createQueryRunner: () => {
      let active = false;
      return {
        manager: tx,
        get isTransactionActive() {
          return active;
        },
        connect: async () => undefined,
        startTransaction: async () => void ((active = true), steps.push('BEGIN')),
        commitTransaction: async () => void ((active = false), steps.push('COMMIT')),
        rollbackTransaction: async () => void ((active = false), steps.push('ROLLBACK')),
        query: async (sql: string) => void steps.push(sql),
        release: async () => undefined,
      };
    },
  } as unknown as DataSource;
  const events = {
    lock: jest.fn(async () => (steps.push('lock'), options.seq === null ? null : { seq: options.seq ?? 4, webhooks: options.webhooks ?? false })),
    append: jest.fn(async () => (steps.push('append'), { event: event((options.seq ?? 4) + 1), keyRecorded: !options.replay && !options.storeFails })),
    open: jest.fn(async () => void steps.push('open')),
    seqOf: jest.fn(async () => (options.lastSeq === undefined ? 10 : options.lastSeq)),
    pageAfter: jest.fn(async () => (options.lastSeq === null ? null : { lastSeq: options.lastSeq ?? 10, items: options.page ?? [] })),
  } as unknown as BoardEventsRepository;
  const role = options.role === undefined ? 'editor' : options.role;
  const access = {
    requireUnderLock: jest.fn(async (_tx: unknown, _b: string, _u: string, required: string) => {
      steps.push(`require ${required}`);
      if (!role) throw new AppError('BOARD_NOT_FOUND', 'Board not found');
      if (required === 'owner' && role !== 'owner') throw new AppError('FORBIDDEN', 'owner');
      return role;
    }),
  } as unknown as BoardAccessService;
  const idempotency = {
    record: jest.fn(async () => {
      steps.push('record');
      if (options.storeFails) throw new Error('store failed');
      if (options.replay) throw new IdempotentReplay(options.replay.body);
    }),
    // After the event's statement, which recorded the key unless it existed (a retry) or failed.
    recordedOrReplay: jest.fn(async () => {
      steps.push('record');
      if (options.storeFails) throw new Error('store failed');
      if (options.replay) throw new IdempotentReplay(options.replay.body);
    }),
    replayAfterFailure: jest.fn(async () => {
      steps.push('lookup');
      if (options.prior === 'other request') throw new AppError('IDEMPOTENCY_KEY_REUSED', 'reused');
      if (options.prior === 'read fails') throw new Error('connection refused');
      return options.prior ?? null;
    }),
  } as unknown as IdempotencyService;
  const relay = { publishCommitted: jest.fn(() => void steps.push('publish')) } as unknown as OutboxRelay;
  const config = { getOrThrow: () => 1000 } as unknown as ConfigService<never, true>;
  const notifier = {
    record: jest.fn(async (_tx: EntityManager, _write: NotifiedWrite) => {
      steps.push('notify');
      return () => void steps.push('deliver');
    }),
  } satisfies BoardNotifier;
  const metrics = { eventCommitted: jest.fn(), groupCommitted: jest.fn() } as unknown as Metrics;
  const sink = { record: jest.fn(async (_tx: EntityManager, e: AnyBoardEvent) => void steps.push(`webhook sink ${e.seq}`)) } satisfies BoardEventSink;
  const service = new BoardEventsService(dataSource, events, access, idempotency, relay, config, metrics, notifier, sink);
  return { service, steps, events, relay, access, notifier, metrics, sink };
}

const work = (result: unknown = { id: 't' }) =>
  jest.fn(async (ctx: { seq: number }) => ({ result: { ...(result as object), seenSeq: ctx.seq }, event: { type: 'task.deleted' as const, data: { id: 't' } } }));

describe('BoardEventsService.write', () => {
  it('locks the stream, then checks the role, changes, appends, records the key with the response, commits, then publishes', async () => {
    const { service, steps } = setup();
    await service.write(BOARD, USER, 'editor', work(), KEY);
    expect(steps).toEqual(['BEGIN', 'lock', 'require editor', 'append', 'record', 'COMMIT', 'publish']);
  });

  it('hands the event to the webhook sink only when the lock saw an enabled webhook', async () => {
    const without = setup({ webhooks: false });
    await without.service.write(BOARD, USER, 'editor', work());
    expect(without.sink.record).not.toHaveBeenCalled();
    const withHooks = setup({ webhooks: true });
    await withHooks.service.write(BOARD, USER, 'editor', work());
    expect(withHooks.steps).toEqual(['BEGIN', 'lock', 'require editor', 'append', 'webhook sink 5', 'COMMIT', 'publish']);
  });

  it('hands the events of later writes in the same transaction to the webhook sink once a write enabled a webhook', async () => {
    const { service, steps, sink } = setup({ webhooks: false, role: 'owner' });
    // Queued in the same tick: the second joins the first one's batch (group commit).
    await Promise.all([
      service.writeWithoutEvent(BOARD, USER, 'owner', async ({ webhookEnabled }) => (webhookEnabled(), { result: 'created' })),
      service.write(BOARD, USER, 'editor', work()),
    ]);
    expect(steps.filter((s) => s === 'BEGIN' || s === 'COMMIT')).toEqual(['BEGIN', 'COMMIT']);
    expect(sink.record).toHaveBeenCalledTimes(1);
  });

  it('hands the change the seq its event will get and returns the change’s result', async () => {
    const { service, relay, metrics } = setup({ seq: 7 });
    await expect(service.write(BOARD, USER, 'editor', work({ id: 'x' }))).resolves.toEqual({ id: 'x', seenSeq: 8 });
    // With the commit's time, for the fan-out delay metric; and the event is counted once.
    expect(relay.publishCommitted).toHaveBeenCalledWith([expect.objectContaining({ seq: 8 })], expect.any(Number));
    expect(metrics.eventCommitted).toHaveBeenCalledTimes(1);
  });

  it('answers BOARD_NOT_FOUND for an unknown or deleted board without checking anything else', async () => {
    const { service, steps } = setup({ seq: null });
    await expect(service.write(BOARD, USER, 'editor', work())).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
    expect(steps).toEqual(['BEGIN', 'lock', 'ROLLBACK']);
  });

  it('refuses non-members (404) and too-low roles (403) before the change, publishing nothing', async () => {
    for (const [role, code] of [
      [null, 'BOARD_NOT_FOUND'],
      ['editor', 'FORBIDDEN'],
    ] as const) {
      const { service, steps, relay } = setup({ role });
      const change = work();
      await expect(service.write(BOARD, USER, 'owner', change, KEY)).rejects.toMatchObject({ code });
      expect(change).not.toHaveBeenCalled();
      expect(steps).not.toContain('record');
      expect(relay.publishCommitted).not.toHaveBeenCalled();
    }
  });

  it('answers an Idempotency-Key retry with the stored body: its own change and event rolled back, nothing published', async () => {
    const { service, steps, relay } = setup({ replay: { body: { id: 'first' } } });
    await expect(service.write(BOARD, USER, 'editor', work(), KEY)).resolves.toEqual({ id: 'first' });
    expect(steps).toEqual(['BEGIN', 'lock', 'require editor', 'append', 'record', 'ROLLBACK']);
    expect(relay.publishCommitted).not.toHaveBeenCalled();
  });

  const failing = () =>
    jest.fn(async (): Promise<never> => {
      throw new AppError('TASK_NOT_FOUND', 'Task not found');
    });

  it('rolls back and publishes nothing when the change throws; a keyed write then looks its key up once, after the rollback', async () => {
    const { service, steps, events } = setup();
    await expect(service.write(BOARD, USER, 'editor', failing(), KEY)).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    expect(events.append).not.toHaveBeenCalled();
    expect(steps).toEqual(['BEGIN', 'lock', 'require editor', 'ROLLBACK', 'lookup']);
    const unkeyed = setup();
    await expect(unkeyed.service.write(BOARD, USER, 'editor', failing())).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    expect(unkeyed.steps).toEqual(['BEGIN', 'lock', 'require editor', 'ROLLBACK']);
  });

  it('answers the first response when a retry’s change fails because the first attempt committed it (the task it deletes is gone)', async () => {
    const { service, steps, relay } = setup({ prior: { body: { id: 'first' } } });
    await expect(service.write(BOARD, USER, 'editor', failing(), KEY)).resolves.toEqual({ id: 'first' });
    expect(steps).toEqual(['BEGIN', 'lock', 'require editor', 'ROLLBACK', 'lookup']);
    expect(relay.publishCommitted).not.toHaveBeenCalled();
  });

  it('looks the key up after a constraint violation (what the first attempt inserted), but not after an infrastructure failure', async () => {
    const violating = setup({ prior: { body: { id: 'first' } } });
    const unique = jest.fn(async (): Promise<never> => {
      throw Object.assign(new Error('duplicate key value violates unique constraint'), { driverError: { code: '23505' } });
    });
    await expect(violating.service.write(BOARD, USER, 'editor', unique, KEY)).resolves.toEqual({ id: 'first' });
    const broken = setup({ prior: { body: { id: 'first' } } });
    const down = jest.fn(async (): Promise<never> => {
      throw Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' });
    });
    await expect(broken.service.write(BOARD, USER, 'editor', down, KEY)).rejects.toThrow('Connection terminated');
    expect(broken.steps).not.toContain('lookup');
  });

  it('answers 422 for a key of another request even when the change fails, and keeps the change’s own error when the lookup cannot read', async () => {
    await expect(setup({ prior: 'other request' }).service.write(BOARD, USER, 'editor', failing(), KEY)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(setup({ prior: 'read fails' }).service.write(BOARD, USER, 'editor', failing(), KEY)).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
  });

  it('stamps the event with the request’s Idempotency-Key, or null without one', async () => {
    const withKey = setup();
    await withKey.service.write(BOARD, USER, 'editor', work(), KEY);
    expect(withKey.events.append).toHaveBeenCalledWith(expect.anything(), BOARD, expect.objectContaining({ actorId: USER, idempotencyKey: 'k1' }));
    const without = setup();
    await without.service.write(BOARD, USER, 'editor', work());
    expect(without.events.append).toHaveBeenCalledWith(expect.anything(), BOARD, expect.objectContaining({ idempotencyKey: null }));
  });
});

describe('BoardEventsService notifications (BOARD_NOTIFIER)', () => {
  const intents = [{ userId: 'u2', kind: 'assigned' as const, taskId: 't' }];
  const notifying = () => jest.fn(async () => ({ result: { id: 't' }, event: { type: 'task.deleted' as const, data: { id: 't' } }, notify: intents }));

  it('records the intents inside the transaction, after the event, with its seq, and delivers only after COMMIT and the publish', async () => {
    const { service, steps, notifier } = setup({ seq: 7 });
    await service.write(BOARD, USER, 'editor', notifying(), KEY);
    expect(steps).toEqual(['BEGIN', 'lock', 'require editor', 'append', 'record', 'notify', 'COMMIT', 'publish', 'deliver']);
    expect(notifier.record).toHaveBeenCalledWith(expect.anything(), { boardId: BOARD, actorId: USER, seq: 8, intents });
  });

  it('does not call the notifier for a write without intents', async () => {
    const { service, notifier } = setup();
    await service.write(BOARD, USER, 'editor', work(), KEY);
    expect(notifier.record).not.toHaveBeenCalled();
  });

  it('records and delivers nothing when the write fails after its change (recording the key)', async () => {
    const { service, steps, notifier } = setup({ storeFails: true });
    await expect(service.write(BOARD, USER, 'editor', notifying(), KEY)).rejects.toThrow('store failed');
    expect(steps).toEqual(['BEGIN', 'lock', 'require editor', 'append', 'record', 'ROLLBACK']);
    expect(notifier.record).not.toHaveBeenCalled();
  });

  it('records the intents of a write without an event (seq 0) and delivers after COMMIT', async () => {
    const { service, steps, notifier } = setup({ role: 'owner' });
    await expect(service.writeWithoutEvent(BOARD, USER, 'owner', async () => ({ result: 'ok', notify: intents }), KEY)).resolves.toBe('ok');
    expect(steps).toEqual(['BEGIN', 'lock', 'require owner', 'notify', 'record', 'COMMIT', 'deliver']);
    expect(notifier.record).toHaveBeenCalledWith(expect.anything(), { boardId: BOARD, actorId: USER, seq: 0, intents });
  });
});

describe('BoardEventsService.write by an invitee (AUTHORIZED_BY_INVITATION)', () => {
  it('runs the change of a non-member without the role check, under the lock, and appends and publishes its event', async () => {
    const { service, steps, access } = setup({ role: null });
    await expect(service.write(BOARD, USER, AUTHORIZED_BY_INVITATION, work({ id: 'm' }), KEY)).resolves.toEqual({ id: 'm', seenSeq: 5 });
    expect(access.requireUnderLock).not.toHaveBeenCalled();
    expect(steps).toEqual(['BEGIN', 'lock', 'append', 'record', 'COMMIT', 'publish']);
  });

  it('leaves the refusal to the change: when it throws, everything rolls back and nothing is published', async () => {
    const { service, steps, events, relay } = setup({ role: null });
    const refusing = jest.fn(async () => {
      throw new AppError('INVITATION_NOT_FOUND', 'Invitation not found');
    });
    await expect(service.write(BOARD, USER, AUTHORIZED_BY_INVITATION, refusing, KEY)).rejects.toMatchObject({ code: 'INVITATION_NOT_FOUND' });
    expect(events.append).not.toHaveBeenCalled();
    expect(relay.publishCommitted).not.toHaveBeenCalled();
    expect(steps).toEqual(['BEGIN', 'lock', 'ROLLBACK', 'lookup']);
  });

  it('still answers BOARD_NOT_FOUND for a board without a stream, and replays a retry with its change rolled back', async () => {
    const gone = setup({ seq: null, role: null });
    const change = work();
    await expect(gone.service.write(BOARD, USER, AUTHORIZED_BY_INVITATION, change)).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
    expect(change).not.toHaveBeenCalled();
    const retry = setup({ role: null, replay: { body: { id: 'first' } } });
    await expect(retry.service.write(BOARD, USER, AUTHORIZED_BY_INVITATION, change, KEY)).resolves.toEqual({ id: 'first' });
    expect(retry.steps).toEqual(['BEGIN', 'lock', 'append', 'record', 'ROLLBACK']);
    expect(retry.relay.publishCommitted).not.toHaveBeenCalled();
  });

  it('does not weaken ordinary writes: a role is still checked for every BoardRole', async () => {
    const { service, access } = setup({ role: null });
    await expect(service.write(BOARD, USER, 'viewer', work())).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
    expect(access.requireUnderLock).toHaveBeenCalledTimes(1);
  });
});

describe('BoardEventsService.writeWithoutEvent', () => {
  it('locks, checks the role, changes and records the key, with no event, no new seq and no publish', async () => {
    const { service, steps, events, relay } = setup({ seq: 7, role: 'owner' });
    const change = jest.fn(async (ctx: { seq: number }) => ({ result: { invited: true, seenSeq: ctx.seq } }));
    await expect(service.writeWithoutEvent(BOARD, USER, 'owner', change, KEY)).resolves.toEqual({ invited: true, seenSeq: 7 });
    expect(steps).toEqual(['BEGIN', 'lock', 'require owner', 'record', 'COMMIT']);
    expect(events.append).not.toHaveBeenCalled();
    expect(relay.publishCommitted).not.toHaveBeenCalled();
  });

  it('refuses non-members (404) and too-low roles (403) before the change', async () => {
    for (const [role, code] of [
      [null, 'BOARD_NOT_FOUND'],
      ['editor', 'FORBIDDEN'],
    ] as const) {
      const { service, steps } = setup({ role });
      const change = jest.fn(async () => ({ result: null }));
      await expect(service.writeWithoutEvent(BOARD, USER, 'owner', change, KEY)).rejects.toMatchObject({ code });
      expect(change).not.toHaveBeenCalled();
      expect(steps).not.toContain('record');
    }
  });
});

describe('BoardEventsService.create', () => {
  it('runs the change, then opens the stream at seq 0, without lock, role check, event or publish', async () => {
    const { service, steps } = setup();
    const change = jest.fn(async (ctx: { seq: number }) => ({ created: true, seq: ctx.seq }));
    await expect(service.create(BOARD, change, KEY)).resolves.toEqual({ created: true, seq: 0 });
    expect(steps).toEqual(['BEGIN', 'open', 'record', 'COMMIT']);
  });

  it('answers a retried creation with the first response, its own board rolled back', async () => {
    const { service, steps } = setup({ replay: { body: { created: 'first' } } });
    await expect(service.create(BOARD, async () => ({ created: 'again' }), KEY)).resolves.toEqual({ created: 'first' });
    expect(steps).toEqual(['BEGIN', 'open', 'record', 'ROLLBACK']);
  });
});

describe('BoardEventsService.listAfter', () => {
  it('returns the page with the board’s last seq', async () => {
    const { service } = setup({ lastSeq: 3, page: [event(2), event(3)] });
    await expect(service.listAfter(BOARD, 1)).resolves.toEqual({ items: [event(2), event(3)], lastSeq: 3 });
  });

  it('answers EVENTS_EXPIRED when the events right after `after` were pruned, or a hole is in the page', async () => {
    await expect(setup({ lastSeq: 9, page: [] }).service.listAfter(BOARD, 1)).rejects.toMatchObject({ code: 'EVENTS_EXPIRED' });
    await expect(setup({ lastSeq: 9, page: [event(2), event(4)] }).service.listAfter(BOARD, 1)).rejects.toMatchObject({ code: 'EVENTS_EXPIRED' });
  });

  it('answers an empty page for a client already at the last seq, and 404 for an unknown board', async () => {
    await expect(setup({ lastSeq: 5, page: [] }).service.listAfter(BOARD, 5)).resolves.toEqual({ items: [], lastSeq: 5 });
    await expect(setup({ lastSeq: null }).service.listAfter(BOARD, 0)).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
  });
});

describe('withinBytes', () => {
  const event = (seq: number, text: string) => ({ seq, data: { text } });
  const size = (items: unknown[]) => Buffer.byteLength(JSON.stringify(items));

  it('keeps the longest prefix whose JSON array fits, counting UTF-8 bytes', () => {
    const items = [1, 2, 3, 4].map((seq) => event(seq, 'é'.repeat(100)));
    const two = size(items.slice(0, 2));
    expect(withinBytes(items, two).map((e) => e.seq)).toEqual([1, 2]);
    expect(withinBytes(items, two - 1).map((e) => e.seq)).toEqual([1]);
    expect(withinBytes(items, size(items))).toEqual(items);
  });

  it('never returns fewer than one event, and nothing for nothing', () => {
    expect(withinBytes([event(1, 'x'.repeat(5000))], 100).map((e) => e.seq)).toEqual([1]);
    expect(withinBytes([], 100)).toEqual([]);
  });
});

describe('joinAck', () => {
  const window = (lastSeq: number, seqs: number[]) => ({ lastSeq, items: seqs.map((seq) => event(seq)) });

  it('gives the events after afterSeq when the window holds all of them, for readers anywhere in it', () => {
    const w = window(9, [5, 6, 7, 8, 9]);
    expect(joinAck(w, 4, null)).toEqual({ ok: true, seq: 9, events: w.items });
    expect(joinAck(w, 7, null)).toEqual({ ok: true, seq: 9, events: [event(8), event(9)] });
  });

  it('gives the seq alone without afterSeq, no events at the head, resync past it (the reader is ahead of the board), and null without a window', () => {
    const w = window(9, [8, 9]);
    expect(joinAck(w, undefined, null)).toEqual({ ok: true, seq: 9 });
    expect(joinAck(w, 9, null)).toEqual({ ok: true, seq: 9, events: [] });
    expect(joinAck(w, 12, null)).toEqual({ ok: true, seq: 9, resync: true });
    expect(joinAck(undefined, 3, null)).toBeNull();
  });

  it('says resync for a reader before the window (too far behind) and across a pruned hole', () => {
    expect(joinAck(window(9, [5, 6, 7, 8, 9]), 2, null)).toEqual({ ok: true, seq: 9, resync: true });
    expect(joinAck(window(9, []), 2, null)).toEqual({ ok: true, seq: 9, resync: true });
    const holed = window(9, [5, 6, 8, 9]);
    expect(joinAck(holed, 4, null)).toEqual({ ok: true, seq: 9, resync: true });
    expect(joinAck(holed, 7, null)).toEqual({ ok: true, seq: 9, events: [event(8), event(9)] }); // past the hole
  });

  it('says resync when the events do not fit maxBytes, and gives them when they do', () => {
    const w = window(9, [7, 8, 9]);
    const bytes = (n: number) => Buffer.byteLength(JSON.stringify(w.items.slice(-n)));
    expect(joinAck(w, 6, bytes(3))).toEqual({ ok: true, seq: 9, events: w.items });
    expect(joinAck(w, 6, bytes(3) - 1)).toEqual({ ok: true, seq: 9, resync: true });
    expect(joinAck(w, 7, bytes(3) - 1)).toEqual({ ok: true, seq: 9, events: [event(8), event(9)] });
  });
});
