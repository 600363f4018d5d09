import { describe, expect, it, jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { AnyBoardEvent } from '@tasklane/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardEventsRepository, EventKey } from './board-events.repository.js';
import type { EventPublisher } from './event-publisher.js';
import type { Metrics } from '../metrics/metrics.service.js';
import { OutboxRelay } from './outbox.relay.js';

// The relay's decisions with the repository and the publisher stubbed: what gets marked published,
// when a pass does nothing, and that failures never escape.
const BOARD = '00000000-0000-4000-8000-00000000000b';
const event = (seq: number): AnyBoardEvent => ({ boardId: BOARD, seq, type: 'task.deleted', actorId: 'u', occurredAt: new Date(0).toISOString(), data: { id: 't' } });

function setup(options: { reaches?: (e: AnyBoardEvent) => boolean; reachesAll?: boolean; claimed?: AnyBoardEvent[]; markFails?: boolean } = {}) {
  const marked: EventKey[][] = [];
  const tx = {} as EntityManager;
  const events = {
    markPublished: jest.fn(async (keys: readonly EventKey[]) => {
      if (options.markFails) throw new Error('connection refused');
      marked.push(keys.map((k) => ({ boardId: k.boardId, seq: k.seq })));
    }),
    claimUnpublished: jest.fn(async () => options.claimed ?? []),
  } as unknown as BoardEventsRepository;
  const published: { seqs: number[]; resent: boolean }[] = [];
  const publisher: EventPublisher = {
    reachesAllReplicas: options.reachesAll ?? true,
    publish: (list, resent = false) => {
      published.push({ seqs: list.map((e) => e.seq), resent });
      return list.filter(options.reaches ?? (() => true));
    },
  };
  const dataSource = { transaction: async (fn: (tx: EntityManager) => Promise<unknown>) => fn(tx) } as unknown as DataSource;
  const config = { getOrThrow: () => 1000 } as unknown as ConfigService<never, true>;
  const metrics = { outboxRelayed: () => undefined, readOutboxFrom: () => undefined } as unknown as Metrics;
  return { relay: new OutboxRelay(dataSource, events, publisher, config, metrics), marked, published, events };
}

describe('OutboxRelay', () => {
  it('marks published only the committed events that reached every replica, in one batch', async () => {
    const { relay, marked } = setup({ reaches: (e) => e.seq !== 2 });
    relay.publishCommitted([event(1), event(2)]);
    relay.publishCommitted([event(3)]);
    await relay.flushMarks();
    expect(marked).toEqual([
      [
        { boardId: BOARD, seq: 1 },
        { boardId: BOARD, seq: 3 },
      ],
    ]);
    await relay.flushMarks();
    expect(marked).toHaveLength(1); // nothing queued: no statement
  });

  it('leaves events unpublished when marking fails (the relay sends them again), without throwing', async () => {
    const { relay } = setup({ markFails: true });
    relay.publishCommitted([event(1)]);
    await expect(relay.flushMarks()).resolves.toBeUndefined();
  });

  it('re-sends claimed events as resent, marks those that reached every replica, and counts them', async () => {
    const { relay, marked, published } = setup({ claimed: [event(4), event(5)], reaches: (e) => e.seq === 5 });
    await expect(relay.relayOnce()).resolves.toBe(1);
    expect(published).toEqual([{ seqs: [4, 5], resent: true }]);
    expect(marked).toEqual([[{ boardId: BOARD, seq: 5 }]]);
  });

  it('does nothing while a publish would not reach every replica (it would only be marked as if it had)', async () => {
    const { relay, events } = setup({ reachesAll: false, claimed: [event(1)] });
    await expect(relay.relayOnce()).resolves.toBe(0);
    expect(events.claimUnpublished).not.toHaveBeenCalled();
  });

  it('does nothing after shutdown, and never runs two passes at once', async () => {
    let release: () => void = () => {};
    const { relay, events } = setup({ claimed: [event(1)] });
    (events.claimUnpublished as jest.Mock<() => Promise<AnyBoardEvent[]>>).mockImplementationOnce(() => new Promise((r) => (release = () => r([event(1)]))));
    const first = relay.relayOnce();
    await expect(relay.relayOnce()).resolves.toBe(0); // the first still runs
    release();
    await expect(first).resolves.toBe(1);
    await relay.onApplicationShutdown();
    await expect(relay.relayOnce()).resolves.toBe(0);
    expect(events.claimUnpublished).toHaveBeenCalledTimes(1);
  });

  it('reports a failed pass as 0 instead of throwing', async () => {
    const { relay, events } = setup();
    (events.claimUnpublished as jest.Mock<() => Promise<AnyBoardEvent[]>>).mockRejectedValueOnce(new Error('database down'));
    await expect(relay.relayOnce()).resolves.toBe(0);
  });
});
