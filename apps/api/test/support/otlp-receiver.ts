import { createServer, type Server } from 'node:http';

/** One span as an OTLP/HTTP JSON export carries it, with the `service.instance.id` (replica) of its resource. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  scope: string;
  replica: string;
  attributes: Record<string, unknown>;
}

/** A trace collector for tests: see {@link startOtlpReceiver}. */
export interface OtlpReceiver {
  /** e.g. http://127.0.0.1:41234, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
const plain = (v: OtlpValue | undefined): unknown => v?.stringValue ?? v?.intValue ?? v?.boolValue ?? v?.doubleValue;
const attributesOf = (list: { key: string; value: OtlpValue }[] | undefined): Record<string, unknown> => Object.fromEntries((list ?? []).map((a) => [a.key, plain(a.value)]));

/**
 * A minimal OTLP/HTTP trace receiver on 127.0.0.1 (a free port): accepts the JSON exports of
 * `@opentelemetry/exporter-trace-otlp-http` at POST /v1/traces and keeps every span, for tests
 * that run built replicas with OTEL_EXPORTER_OTLP_ENDPOINT pointing here.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const parsed = JSON.parse(body) as { resourceSpans?: { resource?: { attributes?: { key: string; value: OtlpValue }[] }; scopeSpans?: { scope?: { name?: string }; spans?: Record<string, unknown>[] }[] }[] };
        for (const rs of parsed.resourceSpans ?? []) {
          const replica = String(attributesOf(rs.resource?.attributes)['service.instance.id'] ?? '');
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                traceId: String(s.traceId),
                spanId: String(s.spanId),
                parentSpanId: String(s.parentSpanId ?? ''),
                name: String(s.name),
                kind: Number(s.kind),
                scope: ss.scope?.name ?? '',
                replica,
                attributes: attributesOf(s.attributes as { key: string; value: OtlpValue }[]),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
