import { describe, expect, it, jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { DataSource, EntityManager } from 'typeorm';
import type { ImportProgressNotice } from '@tasklane/contracts';
import type { BoardsService } from '../boards/boards.service.js';
import type { ChecklistsService } from '../checklists/checklists.service.js';
import type { ColumnsService } from '../columns/columns.service.js';
import type { CommentsService } from '../comments/comments.service.js';
import type { JobName } from '../jobs/job-names.js';
import type { JobDefinition, JobQueue, RunningJob } from '../jobs/job-queue.service.js';
import type { ReminderScheduler } from '../reminders/reminders.service.js';
import type { TasksService } from '../tasks/tasks.service.js';
import type { BoardImportsRepository, ImportRecord } from './board-imports.repository.js';
import { IMPORT_FAILED, TransferService } from './transfer.service.js';

// The imports.run job's progress and outcome with the repository and the other services stubbed;
// the SQL and the sockets are covered by transfer.e2e-spec.ts.
const ID = '00000000-0000-4000-8000-0000000000aa';
const USER = '00000000-0000-4000-8000-0000000000bb';
const TX = {} as EntityManager;
const plan = { source: 'tasklane', name: 'B', description: '', labels: [], columns: [{ name: 'A', tasks: Array.from({ length: 40 }, (_, i) => ({ title: `t${i}`, description: '', labels: [], dueAt: null, archived: false })) }], skipped: { archivedColumns: 0, archivedTasks: 0 } };

/**
 * The service over an in-memory import. `importBoard` runs where the board's statements would, before
 * the transaction's callback; `ended`: the import has ended already (another run, or abandon()).
 */
function setup(importBoard: () => Promise<void>, stored = 0, ended: ImportRecord | null = null) {
  const notices: ImportProgressNotice[] = [];
  let processed = stored;
  const finished: unknown[] = [];
  /** One entry per callback that threw: its transaction would roll back. */
  const transactionFailed: boolean[] = [];
  const imports = {
    queued: async () => ({ userId: USER, plan, total: 40, processed }),
    get: async () => ended,
    progress: async (_id: string, n: number) => (processed = Math.max(processed, n)),
    finish: jest.fn(async (_tx: unknown, _id: string, outcome: { boardId?: string; error?: string }) => {
      if (ended) return null;
      finished.push(outcome);
      const r: Partial<ImportRecord> = { id: ID, userId: USER, status: outcome.boardId ? 'succeeded' : 'failed', processed: outcome.boardId ? 40 : processed, taskCount: 40, boardId: outcome.boardId ?? null, error: outcome.error ?? null };
      return r as ImportRecord;
    }),
  } as unknown as BoardImportsRepository;
  const boards = {
    importBoard: async (_u: string, p: typeof plan, _id: string, after: (tx: EntityManager, b: string, ids: string[][]) => Promise<void>) => {
      await importBoard();
      await after(TX, ID, [p.columns[0].tasks.map((_, i) => `task${i}`)]).catch((error: unknown) => {
        transactionFailed.push(true);
        throw error;
      });
      return ID;
    },
  } as unknown as BoardsService;
  const noop = { insertImported: async () => undefined };
  const config = { getOrThrow: () => 10 } as unknown as ConfigService<never, true>;
  const reminders = { schedule: async () => undefined } as unknown as ReminderScheduler;
  /** What onModuleInit defines, by job name. */
  const defined = new Map<string, JobDefinition<JobName>>();
  const jobs = { define: (d: JobDefinition<JobName>) => defined.set(d.name, d) } as unknown as JobQueue;
  const service = new TransferService(
    {} as DataSource, boards, {} as ColumnsService, {} as TasksService, imports, jobs,
    noop as unknown as ChecklistsService, noop as unknown as CommentsService, reminders, config, { deliver: (_u, n) => notices.push(n) },
  );
  return { service, notices, finished, finish: imports.finish, transactionFailed, defined };
}

describe('TransferService.run (imports.run)', () => {
  it('pushes running counts that never go down (from what an earlier attempt stored), then succeeded', async () => {
    const { service, notices } = setup(async () => undefined, 12);
    await service.run(ID);
    const counts = notices.filter((n) => n.status === 'running').map((n) => n.processed);
    expect(counts[0]).toBe(12);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.length).toBeLessThanOrEqual(21);
    expect(notices.at(-1)).toEqual({ importId: ID, status: 'succeeded', processed: 40, total: 40, boardId: ID });
  });

  it('rethrows an unexpected error for the queue to retry, and records it as failed on the last attempt', async () => {
    const boom = async () => {
      throw new Error('connection reset');
    };
    const retried = setup(boom);
    await expect(retried.service.run(ID)).rejects.toThrow('connection reset');
    expect(retried.finished).toEqual([]);
    const last = setup(boom);
    await expect(last.service.run(ID, true)).resolves.toBeUndefined();
    expect(last.finished).toEqual([{ error: expect.stringMatching(/nothing was imported/) }]);
    expect(last.notices.at(-1)).toMatchObject({ status: 'failed', error: expect.stringMatching(/nothing was imported/) });
  });

  it('takes a unique violation on the boards\' key as "an earlier run made the board"; any other refusal of the data fails the import at once', async () => {
    const violation = (code: string, constraint?: string) => async () => {
      throw Object.assign(new Error('refused by the database'), { driverError: { code, constraint } });
    };
    const made = setup(violation('23505', 'PK_606923b0b068ef262dfdcd18f44'));
    await made.service.run(ID);
    expect(made.finished).toEqual([{ boardId: ID }]);
    // Two labels whose names differ only in case (the index on lower(name)), a value out of range: not retried.
    for (const refused of [violation('23505', 'IDX_labels_board_lower_name'), violation('22008')]) {
      const failed = setup(refused);
      await expect(failed.service.run(ID)).resolves.toBeUndefined();
      expect(failed.finished).toEqual([{ error: IMPORT_FAILED }]);
      expect(failed.notices.at(-1)).toMatchObject({ status: 'failed' });
    }
  });

  it('marks the import succeeded inside the board\'s transaction, and throws there (rolling the board back) when the import has ended meanwhile', async () => {
    const fresh = setup(async () => undefined);
    await fresh.service.run(ID);
    expect(fresh.finish).toHaveBeenCalledWith(TX, ID, { boardId: ID });
    const failed = { id: ID, userId: USER, status: 'failed', processed: 0, taskCount: 40, boardId: null, error: IMPORT_FAILED } as ImportRecord;
    const late = setup(async () => undefined, 0, failed);
    await expect(late.service.run(ID)).resolves.toBeUndefined();
    expect(late.finish).toHaveBeenCalledWith(TX, ID, { boardId: ID });
    expect(late.transactionFailed).toEqual([true]);
    expect(late.notices.filter((n) => n.status !== 'running')).toEqual([]);
  });
});

describe('TransferService.onModuleInit: the imports.run handler\'s last attempt', () => {
  const boom = async () => {
    throw new Error('connection reset');
  };
  /** Runs the defined imports.run handler (JOB_RETRY_LIMIT 10 in the stub config) for a failing import as attempt `job`; true when it recorded the failure (a last attempt), false when it threw for a retry. */
  const recordedAsLast = async (job: { retryCount: number; retryLimit?: number }): Promise<boolean> => {
    const s = setup(boom);
    s.service.onModuleInit();
    const definition = s.defined.get('imports.run')!;
    expect(definition.includeMetadata).toBe(true);
    const outcome = await definition.handler({ importId: ID }, { id: 'job', name: 'imports.run', data: { importId: ID }, ...job } as RunningJob<{ importId: string }>).then(
      () => true,
      (error: unknown) => (expect(error).toEqual(new Error('connection reset')), false),
    );
    expect(s.finished).toEqual(outcome ? [{ error: IMPORT_FAILED }] : []);
    return outcome;
  };

  it('goes by the job\'s own retryLimit (the one its queue gave it) rather than JOB_RETRY_LIMIT', async () => {
    expect(await recordedAsLast({ retryCount: 2, retryLimit: 2 })).toBe(true);
    expect(await recordedAsLast({ retryCount: 1, retryLimit: 2 })).toBe(false);
    expect(await recordedAsLast({ retryCount: 10, retryLimit: 20 })).toBe(false);
    expect(await recordedAsLast({ retryCount: 0, retryLimit: 0 })).toBe(true);
  });

  it('falls back to JOB_RETRY_LIMIT when the job carries no retryLimit', async () => {
    expect(await recordedAsLast({ retryCount: 9 })).toBe(false);
    expect(await recordedAsLast({ retryCount: 10 })).toBe(true);
  });
});

describe('TransferService.abandon (imports.fail, the dead letter queue of imports.run)', () => {
  it('marks a queued import failed with the generic message and pushes the final notice, like a last attempt that failed', async () => {
    const { service, finished, notices } = setup(async () => undefined, 7);
    await service.abandon(ID);
    expect(finished).toEqual([{ error: IMPORT_FAILED }]);
    expect(notices).toEqual([{ importId: ID, status: 'failed', processed: 7, total: 40, error: IMPORT_FAILED }]);
  });

  it('leaves an import that has ended as it is and sends its final notice again', async () => {
    const succeeded = { id: ID, userId: USER, status: 'succeeded', processed: 40, taskCount: 40, boardId: ID, error: null } as ImportRecord;
    const { service, finished, notices } = setup(async () => undefined, 0, succeeded);
    await service.abandon(ID);
    expect(finished).toEqual([]);
    expect(notices).toEqual([{ importId: ID, status: 'succeeded', processed: 40, total: 40, boardId: ID }]);
  });
});
