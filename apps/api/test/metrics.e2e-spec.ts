import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pollUntil } from '@tasklane/cluster';
import type { AnyBoardEvent } from '@tasklane/contracts';
import request from 'supertest';
import { createApp } from '../src/app.factory.js';
import { loadEnv } from '../src/config/env.schema.js';
import { MetricsHttp } from '../src/metrics/metrics-http.service.js';
import { createBoard, createTask, registerUser } from './support/fixtures.js';
import { samples, sum } from './support/metrics.js';
import { connectSocket } from './support/sockets.js';
import { useTestApp } from './support/test-app.js';

/**
 * Every metric the dashboards, alerts and HPA read (deploy/observability.spec.ts checks they use
 * only these names; this suite proves the app exposes each of them, with the `replica` label).
 * Histograms appear as their `_bucket`, `_count` and `_sum` series.
 */
const EXPECTED = [
  'tasklane_http_request_duration_seconds_bucket',
  'tasklane_http_request_duration_seconds_count',
  'tasklane_socket_connected',
  'tasklane_socket_rooms',
  'tasklane_socket_events_received_total',
  'tasklane_socket_acks_total',
  'tasklane_board_events_committed_total',
  'tasklane_fanout_delay_seconds_bucket',
  'tasklane_fanout_delay_seconds_count',
  'tasklane_outbox_unpublished_events',
  'tasklane_outbox_oldest_unpublished_age_seconds',
  'tasklane_outbox_relayed_total',
  'tasklane_redis_publish_failures_total',
  'tasklane_redis_reconnects_total',
  'tasklane_db_pool_connections',
  'tasklane_db_query_duration_seconds_bucket',
  'tasklane_db_query_duration_seconds_count',
  'tasklane_rate_limit_rejections_total',
  'tasklane_nodejs_eventloop_lag_seconds',
  'tasklane_nodejs_eventloop_lag_p99_seconds',
  'tasklane_process_cpu_seconds_total',
  'tasklane_process_resident_memory_bytes',
  'tasklane_nodejs_heap_size_used_bytes',
];

describe('GET /metrics', () => {
  const t = useTestApp();
  // A second replica in this process, with METRICS_PORT: events committed on the first reach its
  // sockets through Redis (the remote fan-out path), and it serves /metrics on its own port only.
  let other: NestFastifyApplication;
  let otherUrl: string;
  let otherMetricsUrl: string;

  beforeAll(async () => {
    other = await createApp({ ...loadEnv(), METRICS_PORT: 0, REPLICA_ID: 'metrics-other' });
    await other.listen(0, '127.0.0.1');
    otherUrl = `http://127.0.0.1:${(other.getHttpServer().address() as { port: number }).port}`;
    otherMetricsUrl = `http://127.0.0.1:${other.get(MetricsHttp).port}`;
  });
  afterAll(async () => {
    await other?.close();
  });

  it('exposes every agreed metric with the replica label, after REST, socket and rate-limited traffic', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth, { name: 'Metrics', columns: ['A'] });
    // A socket on each replica in the board's room: the commit on the first replica is emitted
    // locally (from its commit) and on the second through Redis (from occurredAt).
    const here = await connectSocket(t.url, owner.accessToken);
    const there = await connectSocket(otherUrl, owner.accessToken);
    const flood = await connectSocket(t.url, owner.accessToken);
    try {
      for (const s of [here, there]) await expect(s.emitWithAck('board:join', { boardId: board.id })).resolves.toMatchObject({ ok: true });
      const arrived = new Promise<AnyBoardEvent>((resolve) => there.once('board:event', resolve));
      await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'counted' });
      await expect(arrived).resolves.toMatchObject({ type: 'task.created', seq: 1 });
      await t.http().get('/api/v1/no/such/route').expect(404);
      // Over the socket event limit (burst 40): the rest are refused with RATE_LIMITED acks.
      const acks = await Promise.all(Array.from({ length: 45 }, () => flood.timeout(5000).emitWithAck('board:leave', { boardId: board.id })));
      expect(acks.filter((a) => !a.ok).length).toBeGreaterThan(0);

      const res = await t.http().get('/metrics').expect(200).expect('Content-Type', /^text\/plain; version=0\.0\.4/);
      const all = samples(res.text);
      const replica = process.env.REPLICA_ID ?? all[0].labels.replica;
      for (const name of EXPECTED) {
        expect({ name, withReplica: all.some((s) => s.name === name && s.labels.replica === replica) }).toEqual({ name, withReplica: true });
      }
      expect(all.every((s) => s.labels.replica === replica)).toBe(true);

      // Route templates, never raw URLs; unknown paths under one label.
      const routes = new Set(all.filter((s) => s.name === 'tasklane_http_request_duration_seconds_count').map((s) => `${s.labels.method} ${s.labels.route} ${s.labels.status_code}`));
      expect([...routes]).toEqual(expect.arrayContaining(['POST /api/v1/boards/:boardId/tasks 201', 'POST /api/v1/boards 201', 'GET unmatched 404']));
      expect([...routes].some((r) => r.includes(board.id) || r.includes('/no/such'))).toBe(false);

      expect(sum(all, 'tasklane_board_events_committed_total', { type: 'task.created' })).toBeGreaterThanOrEqual(1);
      expect(sum(all, 'tasklane_socket_connected')).toBeGreaterThanOrEqual(2);
      expect(sum(all, 'tasklane_socket_rooms')).toBeGreaterThanOrEqual(1);
      expect(sum(all, 'tasklane_socket_events_received_total', { event: 'board:leave' })).toBeGreaterThanOrEqual(45);
      expect(sum(all, 'tasklane_socket_acks_total', { event: 'board:join', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(sum(all, 'tasklane_socket_acks_total', { event: 'board:leave', outcome: 'RATE_LIMITED' })).toBeGreaterThanOrEqual(1);
      expect(sum(all, 'tasklane_rate_limit_rejections_total', { limit: 'socket_events' })).toBeGreaterThanOrEqual(1);
      expect(sum(all, 'tasklane_fanout_delay_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(sum(all, 'tasklane_db_query_duration_seconds_count', { statement: 'insert tasks' })).toBeGreaterThanOrEqual(1);
      expect(sum(all, 'tasklane_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
      for (const state of ['total', 'idle', 'waiting']) expect(all.some((s) => s.name === 'tasklane_db_pool_connections' && s.labels.state === state)).toBe(true);
      expect(all.some((s) => s.name === 'tasklane_outbox_oldest_unpublished_age_seconds')).toBe(true);
      // The gauge reads every board of this Jest worker's database: an earlier suite may have left an
      // event unpublished (a write whose answer was 503), which the relay's first pass (1 s after
      // boot) publishes. Until then the gauge shows its age; poll for up to 10 s.
      await pollUntil('the oldest unpublished event under 10 s old', async () => {
        const gauge = samples((await t.http().get('/metrics').expect(200)).text).find((s) => s.name === 'tasklane_outbox_oldest_unpublished_age_seconds')!.value;
        if (!(gauge < 10)) throw new Error(`oldest unpublished: ${gauge} s`);
      }, 10_000);

      // The other replica: /metrics only on METRICS_PORT, its own replica label, and the event
      // that arrived through Redis measured there (from occurredAt).
      await request(otherUrl).get('/metrics').expect(404);
      const scraped = samples((await request(otherMetricsUrl).get('/metrics').expect(200)).text);
      expect(new Set(scraped.map((s) => s.labels.replica))).toEqual(new Set(['metrics-other']));
      expect(sum(scraped, 'tasklane_fanout_delay_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(sum(scraped, 'tasklane_board_events_committed_total')).toBe(0);
      await request(otherMetricsUrl).get('/other').expect(404);
    } finally {
      for (const s of [here, there, flood]) s.disconnect();
    }
  });

  it('is public (no token) and outside the OpenAPI document', async () => {
    await t.http().get('/metrics').expect(200);
    const document = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((p) => p.includes('metrics'))).toEqual([]);
  });
});
