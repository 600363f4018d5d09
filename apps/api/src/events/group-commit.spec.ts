import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it, jest } from '@jest/globals';
import type { AnyBoardEvent } from '@tasklane/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from '../errors/app-exception.filter.js';
import { BoardGroupCommit, type StepOutcome, type WriteStep } from './group-commit.js';

// The batching decisions with a scripted query runner: which writes share a transaction, what a
// failing write rolls back, what a failing COMMIT does. The same path against PostgreSQL (real
// savepoints, locks, seqs) is in apps/api/test/group-commit.e2e-spec.ts.
const BOARD = 'b1';
const tx = { name: 'tx' } as unknown as EntityManager;
const event = (seq: number): AnyBoardEvent => ({ boardId: BOARD, seq, type: 'task.deleted', actorId: 'u', occurredAt: new Date(0).toISOString(), data: { id: 't' } });

function setup(options: { maxBatch?: number; commitFails?: boolean; seq?: number | null; lockFails?: boolean; pipeline?: boolean; savepointFails?: 'connection' | 'statement' } = {}) {
  const log: string[] = [];
  const committed: AnyBoardEvent[][] = [];
  // Releases the current runner, as TypeORM does when its connection fails.
  let lose = () => undefined as void;
  let lockGate: Promise<void> = Promise.resolve();
  const dataSource = {
    createQueryRunner: () => {
      let active = false;
      let released = false;
      // As TypeORM does: a runner released (here by a step that "loses" the connection) refuses every query.
      const send = (sql: string) => {
        if (released) throw new Error('Query runner already released. Cannot run queries anymore.');
        log.push(sql);
      };
      lose = () => void (released = true);
      // The node-postgres client behind the runner. Pipelined (DB_PIPELINE), the batch sends its
      // savepoints on it directly: logged when sent, answered 1 ms later (after the step has run),
      // or, with savepointFails, refused: the connection breaks, or the statement fails (the
      // transaction is aborted, the connection lives on).
      const connection = {
        pipeline: options.pipeline ?? false,
        query: (sql: string) => {
          send(sql);
          return new Promise<void>((resolve, reject) =>
            setTimeout(() => {
              if (!options.savepointFails) return resolve(void log.push(`${sql}: answered`));
              if (options.savepointFails === 'statement') return reject(Object.assign(new Error('savepoint refused'), { code: 'XX000' }));
              lose();
              reject(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
            }, 1),
          );
        },
        connection: { stream: { cork: () => log.push('cork'), uncork: () => log.push('uncork') } },
      };
      return {
        manager: tx,
        get isTransactionActive() {
          return active;
        },
        get isReleased() {
          return released;
        },
        connect: async () => connection,
        startTransaction: async () => void ((active = true), log.push('BEGIN')),
        commitTransaction: async () => {
          send('COMMIT');
          active = false;
          if (options.commitFails) throw new Error('could not commit');
        },
        rollbackTransaction: async () => void (send('ROLLBACK'), (active = false)),
        query: async (sql: string) => send(sql),
        release: async () => void (released = true),
      };
    },
  } as unknown as DataSource;
  const lock = jest.fn(async (_tx: EntityManager, boardId: string) => {
    log.push('lock');
    if (boardId !== 'other') await lockGate;
    if (options.lockFails) throw Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    return options.seq === null ? null : { seq: head, webhooks: false };
  });
  // The stream's seq as committed (what the next batch's lock reads).
  let head = options.seq ?? 10;
  const group = new BoardGroupCommit(dataSource, lock, options.maxBatch ?? 32, (events) => {
    committed.push(events);
    head = events.at(-1)?.seq ?? head;
  });
  /** Holds the next batch at its lock until the returned function is called (so writes pile up behind it). */
  const holdLock = () => {
    let release!: () => void;
    lockGate = new Promise((r) => (release = r));
    return () => release();
  };
  /** A step whose connection breaks under it (PostgreSQL restarting): the runner is released, the step fails. */
  const losesConnection = (name: string, error: Error = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })): WriteStep<string> => async () => {
    log.push(`${name}!`);
    lose();
    throw error;
  };
  return { group, log, committed, lock, holdLock, losesConnection };
}

/** A step that appends one event at seq + 1 and names itself in the log. */
const ok = (name: string, log: string[]): WriteStep<string> => async (_tx, seq) => {
  log.push(`${name}@${seq}`);
  return { result: name, event: event(seq + 1) };
};
const failing = (name: string, log: string[]): WriteStep<string> => async () => {
  log.push(`${name}!`);
  throw new Error(`${name} refused`);
};

describe('BoardGroupCommit', () => {
  it('runs a lone write in one transaction with no savepoint', async () => {
    const { group, log, committed } = setup();
    await expect(group.run(BOARD, ok('a', log))).resolves.toMatchObject({ result: 'a', event: { seq: 11 } });
    expect(log).toEqual(['BEGIN', 'lock', 'a@10', 'COMMIT']);
    expect(committed).toEqual([[expect.objectContaining({ seq: 11 })]]);
    expect(group.pendingBoards).toBe(0);
  });

  it('puts writes that arrive while a batch waits for its lock into that batch, each after a savepoint (one round trip per write), with consecutive seqs', async () => {
    const { group, log, committed, holdLock } = setup();
    const release = holdLock();
    const results = [group.run(BOARD, ok('a', log)), group.run(BOARD, ok('b', log)), group.run(BOARD, ok('c', log))];
    release();
    const outcomes = await Promise.all(results);
    expect(outcomes.map((o) => o.event?.seq)).toEqual([11, 12, 13]);
    expect(log).toEqual([
      'BEGIN', 'lock', 'a@10',
      'SAVEPOINT tl_write', 'b@11',
      'RELEASE SAVEPOINT tl_write; SAVEPOINT tl_write', 'c@12',
      'COMMIT',
    ]);
    // One publish for the batch, in seq order, before any write resolves.
    expect(committed).toEqual([[11, 12, 13].map((seq) => expect.objectContaining({ seq }))]);
  });

  it('on a pipelined connection sends each savepoint without waiting for its answer, in one socket write with the step’s first statement', async () => {
    const { group, log, committed, holdLock } = setup({ pipeline: true });
    const release = holdLock();
    const results = [group.run(BOARD, ok('a', log)), group.run(BOARD, ok('b', log)), group.run(BOARD, ok('c', log))];
    release();
    await expect(Promise.all(results)).resolves.toMatchObject([{ event: { seq: 11 } }, { event: { seq: 12 } }, { event: { seq: 13 } }]);
    // The step runs before the savepoint is answered; the socket stays corked until it has.
    expect(log).toEqual([
      'BEGIN', 'lock', 'a@10',
      'cork', 'SAVEPOINT tl_write', 'b@11', 'uncork', 'SAVEPOINT tl_write: answered',
      'cork', 'RELEASE SAVEPOINT tl_write; SAVEPOINT tl_write', 'c@12', 'uncork', 'RELEASE SAVEPOINT tl_write; SAVEPOINT tl_write: answered',
      'COMMIT',
    ]);
    expect(committed).toEqual([[11, 12, 13].map((seq) => expect.objectContaining({ seq }))]);
  });

  it('on a pipelined connection fails the whole batch when a savepoint fails (the connection broke), even if its step seemed to succeed, and runs the writes not yet taken in a new transaction', async () => {
    const { group, log, committed, holdLock } = setup({ pipeline: true, savepointFails: 'connection' });
    const release = holdLock();
    const writes = [group.run(BOARD, ok('a', log)), group.run(BOARD, ok('b', log))];
    release();
    for (const w of writes) {
      const error = await w.then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ code: '57P01' });
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
    // Nothing of the batch was committed or published.
    expect(log).toEqual(['BEGIN', 'lock', 'a@10', 'cork', 'SAVEPOINT tl_write', 'b@11', 'uncork']);
    expect(committed).toEqual([]);
    const c = group.run(BOARD, ok('c', log));
    await expect(c).resolves.toMatchObject({ event: { seq: 11 } });
    expect(log.slice(-4)).toEqual(['BEGIN', 'lock', 'c@10', 'COMMIT']);
  });

  it('on a pipelined connection fails the whole batch when a savepoint statement fails and the step then fails too (no ROLLBACK TO: the previous write would be undone and dropped)', async () => {
    const { group, log, committed, holdLock } = setup({ pipeline: true, savepointFails: 'statement' });
    const release = holdLock();
    const writes = [group.run(BOARD, ok('a', log)), group.run(BOARD, failing('b', log))];
    release();
    const refused = { status: 'rejected', reason: expect.objectContaining({ message: 'savepoint refused' }) };
    expect(await Promise.allSettled(writes)).toEqual([refused, refused]);
    expect(log).toEqual(['BEGIN', 'lock', 'a@10', 'cork', 'SAVEPOINT tl_write', 'b!', 'uncork', 'ROLLBACK']);
    expect(committed).toEqual([]);
  });

  it('rolls a failing write back to its savepoint alone, and runs the next one in that savepoint: the others commit, and keep consecutive seqs', async () => {
    const { group, log, committed, holdLock } = setup();
    const release = holdLock();
    const a = group.run(BOARD, ok('a', log));
    const b = group.run(BOARD, failing('b', log));
    const c = group.run(BOARD, ok('c', log));
    release();
    // The failed write is rejected only once its batch has ended, so that whoever handles the
    // rejection (an Idempotency-Key lookup) sees what the batch's earlier writes committed.
    await expect(b.catch(() => log.push('b rejected'))).resolves.toBeDefined();
    await expect(Promise.all([a, c])).resolves.toMatchObject([{ event: { seq: 11 } }, { event: { seq: 12 } }]);
    await expect(b).rejects.toThrow('b refused');
    expect(log).toEqual([
      'BEGIN', 'lock', 'a@10',
      'SAVEPOINT tl_write', 'b!', 'ROLLBACK TO SAVEPOINT tl_write',
      'c@11',
      'COMMIT',
      'b rejected',
    ]);
    expect(committed).toHaveLength(1);
  });

  it('rejects a write rolled back to its savepoint with the batch’s error when the COMMIT then fails (its own may have come from a write that did not commit)', async () => {
    const { group, log, holdLock } = setup({ commitFails: true });
    const release = holdLock();
    const a = group.run(BOARD, ok('a', log));
    const b = group.run(BOARD, failing('b', log));
    release();
    await expect(a).rejects.toThrow('could not commit');
    await expect(b).rejects.toThrow('could not commit');
  });

  it('undoes what a failed write changed of the batch’s head (an enabled webhook) with its savepoint', async () => {
    const { group, log, holdLock } = setup();
    const release = holdLock();
    const seen: boolean[] = [];
    const a = group.run(BOARD, ok('a', log));
    const b = group.run(BOARD, async (_tx, _seq, head) => {
      head.webhooks = true;
      throw new Error('b refused');
    });
    const c = group.run(BOARD, async (_tx, seq, head) => (seen.push(head.webhooks), { result: 'c', event: event(seq + 1) }));
    release();
    await expect(Promise.all([a, c])).resolves.toHaveLength(2);
    await expect(b).rejects.toThrow('b refused');
    expect(seen).toEqual([false]);
  });

  it('when the first write of a batch fails, rolls the transaction back and runs the rest in a new one', async () => {
    const { group, log, holdLock } = setup();
    const release = holdLock();
    const a = group.run(BOARD, failing('a', log));
    const b = group.run(BOARD, ok('b', log));
    release();
    await expect(a).rejects.toThrow('a refused');
    await expect(b).resolves.toMatchObject({ event: { seq: 11 } });
    expect(log).toEqual(['BEGIN', 'lock', 'a!', 'ROLLBACK', 'BEGIN', 'lock', 'b@10', 'COMMIT']);
  });

  it('when the first write loses the connection, rejects it with its own error and runs the rest in a new transaction (no ROLLBACK on the dead one)', async () => {
    const { group, log, holdLock, losesConnection } = setup();
    const release = holdLock();
    const a = group.run(BOARD, losesConnection('a'));
    const b = group.run(BOARD, ok('b', log));
    release();
    await expect(a).rejects.toMatchObject({ code: '57P01' });
    await expect(b).resolves.toMatchObject({ event: { seq: 11 } });
    expect(log).toEqual(['BEGIN', 'lock', 'a!', 'BEGIN', 'lock', 'b@10', 'COMMIT']);
  });

  it('when the first write finds its connection lost between two statements (runner released, its next query refused), rejects it with connection_failure (503), not the released runner’s error', async () => {
    const { group, log, holdLock, losesConnection } = setup();
    const release = holdLock();
    const a = group.run(BOARD, losesConnection('a', new Error('Query runner already released. Cannot run queries anymore.')));
    const b = group.run(BOARD, ok('b', log));
    release();
    const error = await a.then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: '08006' });
    expect(isDatabaseUnavailable(error)).toBe(true);
    await expect(b).resolves.toMatchObject({ event: { seq: 11 } });
  });

  it('when a later write loses the connection, rejects the batch’s writes with connection_failure (503), not the released runner’s error, and runs the writes not yet taken in a new transaction', async () => {
    const { group, log, committed, holdLock, losesConnection } = setup();
    const release = holdLock();
    const writes = [group.run(BOARD, ok('a', log)), group.run(BOARD, losesConnection('b'))];
    const c = group.run(BOARD, ok('c', log));
    release();
    for (const w of writes) {
      const error = await w.then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ code: '08006', cause: expect.objectContaining({ message: expect.stringContaining('already released') }) });
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
    await expect(c).resolves.toMatchObject({ event: { seq: 11 } });
    expect(log).toEqual(['BEGIN', 'lock', 'a@10', 'SAVEPOINT tl_write', 'b!', 'BEGIN', 'lock', 'c@10', 'COMMIT']);
    expect(committed).toEqual([[expect.objectContaining({ seq: 11 })]]);
  });

  it('rejects every write of a batch whose COMMIT fails, and publishes none of them', async () => {
    const { group, log, committed, holdLock } = setup({ commitFails: true });
    const release = holdLock();
    const writes = [group.run(BOARD, ok('a', log)), group.run(BOARD, ok('b', log))];
    release();
    for (const w of writes) await expect(w).rejects.toThrow('could not commit');
    expect(committed).toEqual([]);
  });

  it('answers BOARD_NOT_FOUND to every queued write of a board without a stream', async () => {
    const { group, log, holdLock } = setup({ seq: null });
    const release = holdLock();
    const writes = [group.run(BOARD, ok('a', log)), group.run(BOARD, ok('b', log))];
    release();
    for (const w of writes) await expect(w).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
    expect(log).toEqual(['BEGIN', 'lock', 'ROLLBACK']);
  });

  it('rejects every waiting write when the lock fails (lock_timeout), and takes later writes afresh', async () => {
    const { group, log, holdLock } = setup({ lockFails: true });
    const release = holdLock();
    const writes = [group.run(BOARD, ok('a', log)), group.run(BOARD, ok('b', log))];
    release();
    for (const w of writes) await expect(w).rejects.toMatchObject({ code: '55P03' });
    expect(log).toEqual(['BEGIN', 'lock', 'ROLLBACK']);
    expect(group.pendingBoards).toBe(0);
  });

  it('commits at most maxBatch writes per transaction', async () => {
    const { group, log, committed, holdLock } = setup({ maxBatch: 2 });
    const release = holdLock();
    const writes = ['a', 'b', 'c', 'd', 'e'].map((n) => group.run(BOARD, ok(n, log)));
    release();
    const outcomes = await Promise.all(writes);
    expect(outcomes.map((o) => o.event?.seq)).toEqual([11, 12, 13, 14, 15]);
    expect(committed.map((events) => events.length)).toEqual([2, 2, 1]);
    expect(log.filter((l) => l === 'COMMIT')).toHaveLength(3);
  });

  it('keeps boards apart: a held board does not delay another', async () => {
    const { group, log, holdLock } = setup();
    const release = holdLock();
    let heldDone = false;
    const held = group.run('held', ok('h', log)).then(() => (heldDone = true));
    await expect(group.run('other', ok('o', log))).resolves.toMatchObject({ result: 'o' });
    expect(heldDone).toBe(false);
    release();
    await held;
    expect(log.filter((l) => l === 'COMMIT')).toHaveLength(2);
  });

  it('runs each step in the async context of the request that queued it (traces, request ids)', async () => {
    const { group, holdLock } = setup();
    const store = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const step: WriteStep<null> = async (_tx, seq): Promise<StepOutcome<null>> => {
      seen.push(store.getStore());
      return { result: null, event: event(seq + 1) };
    };
    const release = holdLock();
    const writes = ['req-1', 'req-2', 'req-3'].map((id) => store.run(id, () => group.run(BOARD, step)));
    release();
    await Promise.all(writes);
    expect(seen).toEqual(['req-1', 'req-2', 'req-3']);
  });

  it('runs each write’s afterCommit after COMMIT and the publish, in order', async () => {
    const { group, log, holdLock } = setup();
    const release = holdLock();
    const withHook = (name: string): WriteStep<string> => async (_tx, seq) => ({ result: name, event: event(seq + 1), afterCommit: () => void log.push(`after ${name}`) });
    const writes = [group.run(BOARD, withHook('a')), group.run(BOARD, withHook('b'))];
    release();
    await Promise.all(writes);
    expect(log.slice(log.indexOf('COMMIT'))).toEqual(['COMMIT', 'after a', 'after b']);
  });
});
