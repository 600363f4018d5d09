import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgBoss, type Job, type Queue, type QueueResult, type SendOptions } from 'pg-boss';

/** pg-boss' database port (its `IDatabase`, not exported by name). */
type IDatabase = NonNullable<SendOptions['db']>;
import type { DataSource, EntityManager } from 'typeorm';
import type { Env } from '../config/env.schema.js';
import { Metrics } from '../metrics/metrics.service.js';
import { JOB_NAMES, type JobName, type JobPayloads } from './job-names.js';

/** Schema of pg-boss' tables (created and migrated by pg-boss itself, under its own advisory lock). */
export const JOBS_SCHEMA = 'pgboss';

/**
 * A job as its handler gets it: pg-boss' Job (`retryCount`: retries before this attempt, 0 on the
 * first) and, for a definition with `includeMetadata`, the job row's own `retryLimit` (undefined
 * otherwise).
 */
export type RunningJob<T> = Job<T> & { retryLimit?: number };

/** A job's handler: must be idempotent (a job runs at least once; twice after a crash mid-run). */
export type JobHandler<N extends JobName> = (data: JobPayloads[N], job: RunningJob<JobPayloads[N]>) => Promise<void>;

/**
 * Whether the queue will not retry `job` if this attempt fails: pg-boss retries a failed job while
 * its `retry_count` is below its `retry_limit` (`failJobsBody` in pg-boss 12's plans.js). The limit
 * is the job's own when the handler has it (`includeMetadata`): a job takes its queue's
 * `retry_limit` when it is sent, and the queue keeps the figure it was created with
 * (`createQueue` leaves an existing queue as it is), so it can differ from today's configuration.
 * Without it, `configuredLimit` (JOB_RETRY_LIMIT, or the definition's `queue.retryLimit`).
 */
export function isLastAttempt(job: { retryCount: number; retryLimit?: number }, configuredLimit: number): boolean {
  return job.retryCount >= (job.retryLimit ?? configuredLimit);
}

/** Queue options `syncQueue` keeps in line with the configuration (those pg-boss' updateQueue can change). */
const SYNCED_QUEUE_OPTIONS = ['retryLimit', 'retryDelay', 'retryBackoff', 'retryDelayMax', 'heartbeatSeconds', 'expireInSeconds', 'retentionSeconds', 'deleteAfterSeconds', 'deadLetter'] as const;

/**
 * Creates queue `name` with `options`, or brings an existing one in line with them: pg-boss'
 * createQueue leaves an existing queue as it is, so without this a changed JOB_RETRY_LIMIT or
 * JOB_HEARTBEAT_S, or a dead letter queue added later, never reached a database created before
 * (jobs take their queue's retry, expiry and dead letter settings when they are sent). Compares
 * the stored queue (getQueue) option by option (SYNCED_QUEUE_OPTIONS; the policy cannot change)
 * and updates the ones that differ in one updateQueue. Replicas with different settings would undo
 * each other's at every start: the last one started wins.
 * @returns the names of the options it changed ([] for a new or unchanged queue)
 * @throws pg-boss' errors (database unreachable, a dead letter queue that does not exist)
 */
export async function syncQueue(boss: Pick<PgBoss, 'createQueue' | 'getQueue' | 'updateQueue'>, name: string, options: Omit<Queue, 'name'>): Promise<string[]> {
  await boss.createQueue(name, options);
  const stored = await boss.getQueue(name);
  if (!stored) return [];
  const changes: Record<string, unknown> = {};
  for (const key of SYNCED_QUEUE_OPTIONS) {
    if (options[key] !== undefined && stored[key] !== options[key]) changes[key] = options[key];
  }
  const changed = Object.keys(changes);
  if (changed.length > 0) await boss.updateQueue(name, changes);
  return changed;
}

/** What a feature registers for one job name (in its `onModuleInit`, before the queue starts). */
export interface JobDefinition<N extends JobName> {
  name: N;
  handler: JobHandler<N>;
  /**
   * Queue policy and retry options (pg-boss `createQueue`); retries default to JOB_RETRY_LIMIT with
   * exponential backoff. `deadLetter` names another defined job: pg-boss copies the payload of a job
   * that failed for good (its last attempt threw, timed out or lost its heartbeat) into it, in the
   * statement that fails it; also set on a queue created before. Typed as a JobName, so a typo (or
   * a job that does not exist) is a compile error, not a foreign key error when the queue starts.
   */
  queue?: Omit<Queue, 'name' | 'deadLetter'> & { deadLetter?: JobName };
  /** A cron expression (UTC): the job is scheduled in the database, so the schedule survives restarts; one job per occurrence cluster-wide. */
  cron?: string;
  /** Jobs of this name run in parallel in one process (default JOB_CONCURRENCY). */
  concurrency?: number;
  /**
   * The handler's `job` carries the job row's own `retryLimit` (for `isLastAttempt`): pg-boss then
   * fetches every column of the job instead of the few a handler needs. Default false.
   */
  includeMetadata?: boolean;
}

/** Queue counts of one job name, for the metrics. */
export interface JobQueueCounts {
  name: JobName;
  /** Queued and ready, deferred, or retrying. */
  queued: number;
  active: number;
  /** Failed for good and still retained (pg-boss deletes them after their retention). */
  failed: number;
}

/** pg-boss' database port over a TypeORM transaction: its statements run on the write's own connection, inside its transaction. */
function transactionDb(tx: EntityManager): IDatabase {
  return {
    executeSql: async (text, values) => {
      const runner = tx.queryRunner;
      if (!runner) throw new Error('enqueue needs the EntityManager of a transaction');
      const result = await runner.query(text, values, true);
      return { rows: result.records as unknown[] };
    },
  };
}

/**
 * The background job queue: pg-boss on the application's PostgreSQL (its own schema `pgboss`), no
 * Redis. Every process can enqueue; processes with job workers on (the worker role, and the API
 * when JOB_WORKERS=true, the embedded default) also run the handlers, the schedules and pg-boss'
 * supervisor (which fails jobs whose worker stopped sending heartbeats, so they are retried by
 * another worker: a worker killed with -9 loses nothing). See docs/jobs.md.
 *
 * Features register their jobs with `define` in `onModuleInit`; the queue starts on application
 * bootstrap and stops (waiting up to SHUTDOWN_TIMEOUT_MS for running jobs) before the database
 * closes.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly definitions = new Map<JobName, JobDefinition<JobName>>();
  private boss: PgBoss | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
    private readonly metrics: Metrics,
  ) {}

  /** True when this process runs job handlers (worker role, or JOB_WORKERS=true). */
  get runsWorkers(): boolean {
    return this.config.getOrThrow('PROCESS_ROLE', { infer: true }) === 'worker' || this.config.getOrThrow('JOB_WORKERS', { infer: true });
  }

  /**
   * Registers the handler (and queue options, schedule) of job `definition.name`. Call from
   * `onModuleInit`. @throws Error when the name is defined twice or the queue already started
   */
  define<N extends JobName>(definition: JobDefinition<N>): void {
    if (this.boss) throw new Error(`job ${definition.name} defined after the queue started`);
    if (this.definitions.has(definition.name)) throw new Error(`job ${definition.name} defined twice`);
    this.definitions.set(definition.name, definition as unknown as JobDefinition<JobName>);
  }

  async onApplicationBootstrap(): Promise<void> {
    const pool = (this.dataSource.driver as unknown as { master: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } }).master;
    const workers = this.runsWorkers;
    const interval = this.config.getOrThrow('JOB_SUPERVISE_INTERVAL_S', { infer: true });
    const boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      schema: JOBS_SCHEMA,
      migrate: true,
      supervise: workers,
      schedule: workers,
      superviseIntervalSeconds: interval,
      monitorIntervalSeconds: interval,
      cronMonitorIntervalSeconds: Math.min(interval, 45),
      instanceName: `${this.config.getOrThrow('PROCESS_ROLE', { infer: true })}:${this.config.getOrThrow('REPLICA_ID', { infer: true })}`,
    });
    boss.on('error', (error: Error) => this.logger.warn(`pg-boss: ${error.message}`));
    await boss.start();
    this.boss = boss;
    this.metrics.readJobsFrom(() => this.counts());
    const retry = { retryLimit: this.config.getOrThrow('JOB_RETRY_LIMIT', { infer: true }), retryDelay: 1, retryBackoff: true, retryDelayMax: 3600 };
    const heartbeatSeconds = this.config.getOrThrow('JOB_HEARTBEAT_S', { infer: true });
    // A dead letter queue must exist before a queue naming it is created (a foreign key in pgboss.queue).
    const deadLetters = new Set([...this.definitions.values()].map((d) => d.queue?.deadLetter).filter((n) => n !== undefined));
    for (const name of [...JOB_NAMES].sort((a, b) => Number(deadLetters.has(b)) - Number(deadLetters.has(a)))) {
      const definition = this.definitions.get(name);
      const changed = await syncQueue(boss, name, { ...retry, heartbeatSeconds, ...definition?.queue });
      if (changed.length > 0) this.logger.log(`queue ${name}: ${changed.join(', ')} updated to this configuration`);
    }
    if (!workers) return;
    const pollingIntervalSeconds = this.config.getOrThrow('JOB_POLL_INTERVAL_S', { infer: true });
    for (const definition of this.definitions.values()) {
      const localConcurrency = definition.concurrency ?? this.config.getOrThrow('JOB_CONCURRENCY', { infer: true });
      await boss.work<JobPayloads[JobName]>(definition.name, { pollingIntervalSeconds, localConcurrency, batchSize: 1, includeMetadata: definition.includeMetadata ?? false }, async ([job]) => {
        const started = performance.now();
        try {
          await definition.handler(job.data, job);
          this.metrics.jobRun(definition.name, 'completed', (performance.now() - started) / 1000);
        } catch (error) {
          this.metrics.jobRun(definition.name, 'failed', (performance.now() - started) / 1000);
          this.logger.warn(`job ${definition.name} ${job.id} failed (attempt ${job.retryCount + 1}): ${(error as Error).message}`);
          throw error;
        }
      });
      if (definition.cron) await boss.schedule(definition.name, definition.cron, {}, { tz: 'UTC' });
    }
    this.logger.log(`job workers on: ${[...this.definitions.keys()].join(', ')}`);
  }

  /** Stops fetching, waits for running jobs (up to SHUTDOWN_TIMEOUT_MS), then stops; before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, close: false, timeout: this.config.getOrThrow('SHUTDOWN_TIMEOUT_MS', { infer: true }) });
  }

  /**
   * Enqueues job `name` inside the transaction `tx` (its statements run on tx's connection): the
   * job exists if and only if the transaction commits. Returns the job id, or null when the queue's
   * policy kept it out (a singleton already queued: that job will do the work).
   * @throws Error before the queue started, or a database error (which fails the transaction)
   */
  enqueue<N extends JobName>(tx: EntityManager, name: N, data: JobPayloads[N], options: Omit<SendOptions, 'db'> = {}): Promise<string | null> {
    return this.started().send(name, data, { ...options, db: transactionDb(tx) });
  }

  /**
   * Enqueues many jobs of `name` inside the transaction `tx` in one statement (pg-boss `insert`,
   * which applies the queue's options as `send` does): they exist iff the transaction commits.
   * Nothing is sent for an empty list.
   * @throws Error before the queue started, or a database error (which fails the transaction)
   */
  async enqueueMany<N extends JobName>(tx: EntityManager, name: N, jobs: readonly { data: JobPayloads[N]; startAfter?: Date; singletonKey?: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.started().insert(name, [...jobs], { db: transactionDb(tx) });
  }

  /**
   * Enqueues job `name` inside the transaction `tx` unless a job with the same `singletonKey` still
   * waits (created or retrying): then that job is updated to this `data` and `startAfter` instead
   * (pg-boss `upsert`, by the key; index job_i17). One statement when a job waits, two when not.
   * A job that is running or done does not count: a new one is enqueued.
   * @throws Error before the queue started, or a database error (which fails the transaction)
   */
  async enqueueUnlessWaiting<N extends JobName>(tx: EntityManager, name: N, data: JobPayloads[N], options: { singletonKey: string; startAfter?: Date }): Promise<void> {
    await this.started().upsert(name, data, { ...options, db: transactionDb(tx) });
  }

  /** Enqueues job `name` on its own (autocommit). Same result as `enqueue`. */
  send<N extends JobName>(name: N, data: JobPayloads[N], options: Omit<SendOptions, 'db'> = {}): Promise<string | null> {
    return this.started().send(name, data, options);
  }

  /** Counts per job name (pg-boss' cached queue counts; fresh within the monitor interval). */
  async counts(): Promise<JobQueueCounts[]> {
    if (!this.boss) return [];
    const queues: QueueResult[] = await this.boss.getQueues([...JOB_NAMES]);
    return queues.map((q) => ({ name: q.name as JobName, queued: q.queuedCount, active: q.activeCount, failed: q.failedCount }));
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not running');
    return this.boss;
  }
}
