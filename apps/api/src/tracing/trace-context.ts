import { context, propagation, SpanKind, trace, type Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/** Tracer of the application's own spans (the instrumentations name theirs). */
const tracer = () => trace.getTracer('tasklane-api');

/**
 * The W3C `traceparent` of the active span (the request that is writing), to store with its board
 * event so the other replicas can continue the trace; undefined when nothing is traced (no SDK
 * started: the API's no-op propagator injects nothing).
 */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `fn` inside a span `name` that is a child of the active span (producer side: the Redis
 * publish the instrumentation records inside becomes its child). Without an SDK the span is a
 * no-op. The span ends when `fn` returns or throws.
 */
export function inSpan<T>(name: string, attributes: Record<string, string | number>, fn: () => T): T {
  return tracer().startActiveSpan(name, { kind: SpanKind.PRODUCER, attributes }, (span: Span) => {
    try {
      return fn();
    } finally {
      span.end();
    }
  });
}

/**
 * Records a span `name` whose parent is the remote `traceparent` (the write on another replica),
 * so a trace goes REST write → commit → Redis publish → emit on every replica. Nothing without a
 * traceparent or without an SDK.
 */
export function remoteSpan(name: string, traceparent: string | undefined, attributes: Record<string, string | number>): void {
  if (!traceparent) return;
  const parent = propagation.extract(context.active(), { traceparent });
  if (!trace.getSpanContext(parent)) return;
  tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent).end();
}

/**
 * Tells the HTTP instrumentation the request's route template (e.g. `/api/v1/boards/:boardId`), so
 * its server span is named `PATCH /api/v1/boards/:boardId` and gets `http.route`. Nothing when the
 * request is not traced.
 */
export function recordHttpRoute(route: string | undefined): void {
  const metadata = getRPCMetadata(context.active());
  if (route && metadata?.type === RPCType.HTTP) metadata.route = route;
}
