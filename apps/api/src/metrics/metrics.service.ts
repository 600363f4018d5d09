import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Env } from '../config/env.schema.js';

/** Pool counts as node-postgres' Pool reports them (`totalCount`, `idleCount`, `waitingCount`). */
export interface PoolCounts {
  total: number;
  idle: number;
  waiting: number;
}

/** Socket.IO counts of this replica. */
export interface SocketCounts {
  /** Connected sockets. */
  connected: number;
  /** Board rooms (`board:<id>`) with at least one socket on this replica. */
  rooms: number;
}

/** The outbox as the events repository measures it (OutboxStats in board-events.repository.ts). */
export interface OutboxCounts {
  unpublished: number;
  /** Age of the oldest unpublished event, seconds (0 when there is none). */
  oldestAgeSeconds: number;
}

/** One job name's queue as the job queue counts it (JobQueueCounts in jobs/job-queue.service.ts). */
export interface JobCounts {
  name: string;
  queued: number;
  active: number;
  failed: number;
}

/** Buckets of job durations, seconds: 1 ms (a pruning pass with nothing to do) to 10 min (a large import). */
const JOB_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

/**
 * Buckets of the HTTP and SQL histograms, seconds: 1 ms to 10 s, dense where this API lives
 * (writes take 2–20 ms on the benchmark machine, docs/benchmarks.md).
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets of the fan-out delay, seconds: a few ms normally, 5 s and more when the relay re-sends. */
const FANOUT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The replica's Prometheus metrics: one prom-client Registry whose every series carries
 * `replica` = REPLICA_ID (a default label), prom-client's default metrics with the `tasklane_`
 * prefix, and the application metrics of docs/operations.md "Observability" (names fixed: the
 * Grafana dashboard, the alerts and the HPA read them). Other modules record through the small
 * methods below and never import prom-client; gauges whose value lives elsewhere (sockets, the
 * pool, the outbox) are read at scrape time from a source the owning module registers.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status_code'>;
  private readonly socketEvents: Counter<'event'>;
  private readonly socketAcks: Counter<'event' | 'outcome'>;
  private readonly committed: Counter<'type'>;
  private readonly fanout: Histogram;
  private readonly batches: Histogram;
  private readonly relayed: Counter;
  private readonly publishFailures: Counter;
  private readonly reconnects: Counter;
  private readonly queries: Histogram<'statement'>;
  private readonly rejections: Counter<'limit'>;
  private socketSource: (() => SocketCounts) | null = null;
  private poolSource: (() => PoolCounts | null) | null = null;
  private outboxSource: (() => Promise<OutboxCounts>) | null = null;
  private jobsSource: (() => Promise<JobCounts[]>) | null = null;
  private readonly jobDurations: Histogram<'queue' | 'outcome'>;
  private readonly webhookDeliveries: Counter<'outcome'>;

  constructor(config: ConfigService<Env, true>) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ replica: config.getOrThrow('REPLICA_ID', { infer: true }) });
    collectDefaultMetrics({ register: this.registry, prefix: 'tasklane_' });
    this.http = new Histogram({
      name: 'tasklane_http_request_duration_seconds',
      help: 'HTTP requests by method, route template (unmatched for unknown routes) and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const sockets = () => this.socketSource?.() ?? { connected: 0, rooms: 0 };
    new Gauge({ name: 'tasklane_socket_connected', help: 'Connected Socket.IO sockets on this replica', registers, collect() { this.set(sockets().connected); } });
    new Gauge({ name: 'tasklane_socket_rooms', help: 'Board rooms with sockets on this replica', registers, collect() { this.set(sockets().rooms); } });
    this.socketEvents = new Counter({ name: 'tasklane_socket_events_received_total', help: 'Client to server Socket.IO events, refused ones included', labelNames: ['event'], registers });
    this.socketAcks = new Counter({ name: 'tasklane_socket_acks_total', help: 'Socket.IO acknowledgements sent, by event and outcome (ok or the error code)', labelNames: ['event', 'outcome'], registers });
    this.committed = new Counter({ name: 'tasklane_board_events_committed_total', help: 'Board events committed by this replica', labelNames: ['type'], registers });
    this.fanout = new Histogram({
      name: 'tasklane_fanout_delay_seconds',
      help: 'Board event commit to emit on this replica (the committing replica: from its commit; others: from occurredAt)',
      buckets: FANOUT_BUCKETS,
      registers,
    });
    this.batches = new Histogram({
      name: 'tasklane_group_commit_writes',
      help: 'Writes per committed board transaction (group commit: concurrent writes to one board share one COMMIT)',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    // Before the outbox gauges: their query takes a pooled connection while the scrape runs.
    const readPool = () => this.poolSource?.() ?? null;
    new Gauge({
      name: 'tasklane_db_pool_connections',
      help: 'PostgreSQL pool connections: total, idle, and requests waiting for one',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = readPool();
        if (!counts) return;
        this.set({ state: 'total' }, counts.total);
        this.set({ state: 'idle' }, counts.idle);
        this.set({ state: 'waiting' }, counts.waiting);
      },
    });
    const outbox = { unpublished: 0, oldestAgeSeconds: 0 };
    const readOutbox = async () => {
      if (!this.outboxSource) return;
      // A scrape while PostgreSQL is away keeps the last values rather than failing the whole scrape.
      Object.assign(outbox, await this.outboxSource().catch(() => outbox));
    };
    new Gauge({ name: 'tasklane_outbox_unpublished_events', help: 'Board events not yet marked published (capped at 100000)', registers, async collect() { await readOutbox(); this.set(outbox.unpublished); } });
    new Gauge({ name: 'tasklane_outbox_oldest_unpublished_age_seconds', help: 'Age of the oldest unpublished board event', registers, collect() { this.set(outbox.oldestAgeSeconds); } });
    this.relayed = new Counter({ name: 'tasklane_outbox_relayed_total', help: 'Events the outbox relay re-published', registers });
    this.publishFailures = new Counter({ name: 'tasklane_redis_publish_failures_total', help: 'Redis publishes that failed (their events are repaired by the clients catch-up)', registers });
    this.reconnects = new Counter({ name: 'tasklane_redis_reconnects_total', help: 'Reconnection attempts of the Redis connections', registers });
    this.queries = new Histogram({ name: 'tasklane_db_query_duration_seconds', help: 'SQL statements run by the repositories, by a short statement name', labelNames: ['statement'], buckets: LATENCY_BUCKETS, registers });
    this.rejections = new Counter({ name: 'tasklane_rate_limit_rejections_total', help: 'Requests, events and connections refused by a rate limit or cap', labelNames: ['limit'], registers });
    let jobs: JobCounts[] = [];
    const readJobs = async () => {
      if (this.jobsSource) jobs = await this.jobsSource().catch(() => jobs);
    };
    new Gauge({
      name: 'tasklane_jobs_queued',
      help: 'Background jobs waiting (ready, deferred or retrying), by queue (job name); the same in every process (one queue in PostgreSQL)',
      labelNames: ['queue'],
      registers,
      async collect() {
        await readJobs();
        for (const j of jobs) this.set({ queue: j.name }, j.queued);
      },
    });
    new Gauge({ name: 'tasklane_jobs_active', help: 'Background jobs running now, by queue (cluster-wide)', labelNames: ['queue'], registers, collect() { for (const j of jobs) this.set({ queue: j.name }, j.active); } });
    new Gauge({ name: 'tasklane_jobs_failed', help: 'Background jobs failed for good and still retained, by queue (cluster-wide)', labelNames: ['queue'], registers, collect() { for (const j of jobs) this.set({ queue: j.name }, j.failed); } });
    // `queue`, not `job`: Prometheus' own target label is `job`.
    this.jobDurations = new Histogram({ name: 'tasklane_job_duration_seconds', help: 'Background job runs in this process, by queue and outcome (completed, failed)', labelNames: ['queue', 'outcome'], buckets: JOB_BUCKETS, registers });
    this.webhookDeliveries = new Counter({ name: 'tasklane_webhook_attempts_total', help: 'Webhook delivery attempts by this process, by outcome (succeeded, retrying, failed)', labelNames: ['outcome'], registers });
  }

  /** Where the job queue gauges come from (the job queue: pg-boss' queue counts). */
  readJobsFrom(source: () => Promise<JobCounts[]>): void {
    this.jobsSource = source;
  }

  /** One job run in this process. */
  jobRun(job: string, outcome: 'completed' | 'failed', seconds: number): void {
    this.jobDurations.observe({ queue: job, outcome }, seconds);
  }

  /** One webhook delivery attempt. */
  webhookDelivery(outcome: 'succeeded' | 'retrying' | 'failed'): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** The text exposition (Prometheus format 0.0.4) and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** One HTTP request: `route` is the route template, or `unmatched`. */
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.http.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  /** Where the socket gauges come from (the realtime layer). */
  readSocketsFrom(source: () => SocketCounts): void {
    this.socketSource = source;
  }

  /** Where the pool gauges come from (the database layer); null while there is no pool. */
  readPoolFrom(source: () => PoolCounts | null): void {
    this.poolSource = source;
  }

  /** Where the outbox gauges come from (one cheap query per scrape, the events repository). */
  readOutboxFrom(source: () => Promise<OutboxCounts>): void {
    this.outboxSource = source;
  }

  /** A client to server event; `event` must come from a bounded set (unknown names as `other`). */
  socketEvent(event: string): void {
    this.socketEvents.inc({ event });
  }

  /** An acknowledgement: `outcome` is `ok` or the ack's error code. */
  socketAck(event: string, outcome: string): void {
    this.socketAcks.inc({ event, outcome });
  }

  /** One committed board transaction of the group commit, with how many writes it carried. */
  groupCommitted(writes: number): void {
    this.batches.observe(writes);
  }

  /** A board event committed by this replica. */
  eventCommitted(type: string): void {
    this.committed.inc({ type });
  }

  /** Commit (or occurredAt) to emit on this replica, seconds. */
  fanoutDelay(seconds: number): void {
    this.fanout.observe(Math.max(0, seconds));
  }

  /** Events the relay re-published in one pass. */
  outboxRelayed(count: number): void {
    if (count > 0) this.relayed.inc(count);
  }

  redisPublishFailed(): void {
    this.publishFailures.inc();
  }

  redisReconnecting(): void {
    this.reconnects.inc();
  }

  /** One SQL statement's duration, labelled by its short name (see statementLabel in prepared.ts). */
  query(statement: string, seconds: number): void {
    this.queries.observe({ statement }, seconds);
  }

  /** One refusal by the limit named `limit` (register, refresh, reads, writes, login, socket_events, sockets_per_user, rooms_per_socket). */
  rateLimited(limit: string): void {
    this.rejections.inc({ limit });
  }
}
