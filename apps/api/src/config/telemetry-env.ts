/** What the telemetry preload needs, read before the configuration is loaded (env.schema.ts validates the same variables later). */
export interface TelemetrySettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT; undefined (tracing off) when unset or empty. */
  endpoint: string | undefined;
  /** OTEL_SERVICE_NAME (default tasklane-api). */
  serviceName: string;
  /** REPLICA_ID with the same default as env.schema.ts (`$HOSTNAME:$PORT`), as `service.instance.id`. */
  replicaId: string;
}

/** Reads TelemetrySettings from `env` (default: this process's). */
export function telemetrySettings(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return {
    endpoint: endpoint ? endpoint : undefined,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'tasklane-api',
    replicaId: env.REPLICA_ID?.trim() || `${env.HOSTNAME ?? 'api'}:${env.PORT?.trim() || 3000}`,
  };
}
