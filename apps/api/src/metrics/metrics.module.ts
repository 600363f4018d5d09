import { Global, Module } from '@nestjs/common';
import { MetricsHttp } from './metrics-http.service.js';
import { Metrics } from './metrics.service.js';

/**
 * Prometheus metrics: the one Registry (Metrics) and its HTTP side (MetricsHttp: the request
 * histogram and `GET /metrics`). Global, so every feature records through Metrics' methods
 * without importing this module; it imports no feature (sources of gauges are registered by the
 * owning modules), so no import cycle can pass through it.
 */
@Global()
@Module({ providers: [Metrics, MetricsHttp], exports: [Metrics, MetricsHttp] })
export class MetricsModule {}
