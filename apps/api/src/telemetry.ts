/**
 * OpenTelemetry preload: `node --import ./dist/apps/api/src/telemetry.js dist/apps/api/src/main.js`.
 * With OTEL_EXPORTER_OTLP_ENDPOINT set it registers import-in-the-middle's loader hook (so ES
 * module imports can be patched) and starts the NodeSDK with the http, pg and ioredis
 * instrumentations (no fastify instrumentation: it patches fastify's default export, and Nest
 * imports the named one; app.factory.ts names the HTTP span after the route template instead,
 * as that instrumentation would), exporting spans over OTLP/HTTP to that endpoint (`service.name` from
 * OTEL_SERVICE_NAME, default tasklane-api; the SDK reads the other OTEL_* variables itself). It
 * must run before the app's modules load: a module imported before the SDK starts is never
 * patched, which is why this is a separate entry and not an import of main.ts. Without the
 * variable it does nothing at all: no SDK, no hook, no cost. npm run start:prod, the Docker image
 * and libs/cluster pass `--import` only when the variable is set.
 */
import { register } from 'node:module';
import { telemetrySettings } from './config/telemetry-env.js';

const settings = telemetrySettings();
if (settings.endpoint) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ NodeSDK, resources }, { OTLPTraceExporter }, { HttpInstrumentation }, { PgInstrumentation }, { IORedisInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    // Which replica recorded a span (REPLICA_ID, as in logs and metrics).
    resource: resources.resourceFromAttributes({ 'service.instance.id': settings.replicaId }),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      // Health probes and scrapes every few seconds would drown the traces that matter.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health\/|metrics)/.test(req.url ?? '') }),
      // Only statements inside a traced request (not the relay's and heartbeat's polling).
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // Only commands inside a traced request or span (no heartbeat noise); never the arguments.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
    ],
  });
  sdk.start();
  // Flush what is buffered once the app has closed (graceful shutdown empties the event loop).
  process.once('beforeExit', () => void sdk.shutdown().catch(() => undefined));
}
