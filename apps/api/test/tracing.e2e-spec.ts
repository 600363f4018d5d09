import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pollUntil, type Cluster } from '@tasklane/cluster';
import { BoardStream } from '@tasklane/client';
import type { AnyBoardEvent } from '@tasklane/contracts';
import { registerClient } from './support/client-fixtures.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { startRunCluster } from './support/run-cluster.js';

/**
 * Tracing, end to end: two BUILT replicas started with the telemetry preload
 * (`node --import dist/apps/api/src/telemetry.js …`, which libs/cluster adds when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set) export OTLP/HTTP to a receiver in this test. Built replicas
 * rather than the app in-process: the instrumentations patch modules as Node loads them, and
 * Jest's own module loader (ESM in vm contexts) bypasses those hooks. One write on replica 0,
 * watched by a socket on replica 1, must give ONE trace: the HTTP span, its pg spans, the
 * `board:event publish` span with the Redis PUBLISH under it, and replica 1's `board:event emit`
 * whose parent is the write's span (the traceparent stored with the event).
 */
describe('tracing (OpenTelemetry, 2 built replicas)', () => {
  let receiver: OtlpReceiver;
  let cluster: Cluster;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    cluster = await startRunCluster({
      replicas: 2,
      nginx: false,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  });

  it('one REST write gives one trace: HTTP → pg → publish → Redis PUBLISH on the writer, emit on the other replica', async () => {
    const [writer, watcher] = cluster.replicaUrls;
    const owner = await registerClient(writer, 'Traced owner');
    const board = await owner.rest.createBoard({ name: 'Traced', columns: ['A'] });
    const events: AnyBoardEvent[] = [];
    const stream = new BoardStream({ baseUrl: watcher, token: owner.auth.accessToken, boardId: board.id, onEvent: (e) => events.push(e) });
    await stream.start();
    try {
      const updated = await owner.rest.updateBoard(board.id, { description: 'traced write' });
      await stream.waitForSeq(1, 10_000);
      const event = events.find((e) => e.seq === 1)!;
      expect(event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const [, traceId, parentOfEvent] = event.traceparent!.split('-');

      const inTrace = (): ReceivedSpan[] => receiver.spans.filter((s) => s.traceId === traceId);
      // Each replica exports its spans in its own batches: the writer's Redis PUBLISH span (ended
      // when Redis answers) may arrive after the other replica's emit span, so wait for both.
      await pollUntil('the emit span of replica-1 and the Redis PUBLISH span of replica-0', async () => {
        const spans = inTrace();
        const emitted = spans.some((s) => s.name === 'board:event emit' && s.replica === 'replica-1');
        const published = spans.some((s) => s.scope === '@opentelemetry/instrumentation-ioredis' && s.name === 'publish' && s.replica === 'replica-0');
        if (!emitted || !published) throw new Error(`${spans.length} spans so far (emit ${emitted}, Redis PUBLISH ${published})`);
      }, 15_000);
      const spans = inTrace();
      const byId = new Map(spans.map((s) => [s.spanId, s]));

      const http = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-http' && s.kind === 2);
      expect(http.map((s) => ({ name: s.name, replica: s.replica, root: s.parentSpanId === '' }))).toEqual([{ name: 'PATCH /api/v1/boards/:boardId', replica: 'replica-0', root: true }]);
      const root = http[0];
      expect(root.attributes['http.route']).toBe('/api/v1/boards/:boardId');
      expect(updated.description).toBe('traced write');
      // The event carries the write's own span: the emit on the other replica hangs under it.
      expect(parentOfEvent).toBe(root.spanId);

      const pg = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-pg' && s.name.startsWith('pg.query'));
      expect(pg.length).toBeGreaterThanOrEqual(4); // BEGIN … the lock, the change, the event, COMMIT
      for (const s of pg) expect({ name: s.name, parent: s.parentSpanId }).toEqual({ name: s.name, parent: root.spanId });

      const publish = spans.filter((s) => s.name === 'board:event publish');
      expect(publish.map((s) => ({ replica: s.replica, parent: s.parentSpanId, seq: s.attributes['tasklane.seq'] }))).toEqual([{ replica: 'replica-0', parent: root.spanId, seq: 1 }]);
      const redis = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-ioredis' && s.name === 'publish');
      expect(redis.map((s) => ({ replica: s.replica, parent: byId.get(s.parentSpanId)?.name }))).toEqual([{ replica: 'replica-0', parent: 'board:event publish' }]);

      const emits = spans.filter((s) => s.name === 'board:event emit');
      expect(emits.map((s) => ({ replica: s.replica, parent: s.parentSpanId, board: s.attributes['tasklane.board_id'] }))).toEqual([{ replica: 'replica-1', parent: root.spanId, board: board.id }]);
    } finally {
      stream.close();
    }
  }, 60_000);
});
