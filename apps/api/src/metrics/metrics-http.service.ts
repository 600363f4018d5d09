import { createServer, type Server } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Env } from '../config/env.schema.js';
import { Metrics } from './metrics.service.js';

/** Path of the Prometheus exposition, on the API port or on METRICS_PORT. */
export const METRICS_PATH = '/metrics';

/** Route label of requests that matched no route: never the raw URL (unbounded label values). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The HTTP side of the metrics:
 *  - every answer of the API's Fastify instance is observed in `tasklane_http_request_duration_seconds`
 *    (an `onResponse` hook: route template, or `unmatched`; Fastify's own elapsed time);
 *  - `GET /metrics` as a plain Fastify route on the API port (outside Nest: no guard, no rate
 *    limit, not in the OpenAPI document), or, with METRICS_PORT set, on a second small HTTP
 *    listener on HOST:METRICS_PORT only, so the API port (and the Ingress) never serves it.
 */
@Injectable()
export class MetricsHttp implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    private readonly metrics: Metrics,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ConfigService<Env, true>,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // An application context without HTTP (scripts) has nothing to observe.
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      // The metrics endpoint itself is left out: a scrape every 15 s would be most of a quiet replica's traffic.
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      if (route !== METRICS_PATH) this.metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    if (this.config.get('METRICS_PORT', { infer: true }) === undefined) {
      fastify.get(METRICS_PATH, async (_request, reply) => {
        const { contentType, body } = await this.metrics.scrape();
        return reply.header('Content-Type', contentType).header('Cache-Control', 'no-store').send(body);
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get('METRICS_PORT', { infer: true });
    if (port === undefined) return;
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== METRICS_PATH) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      this.metrics.scrape().then(
        ({ contentType, body }) => response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body),
        (error: unknown) => {
          this.logger.error(`scrape failed: ${(error as Error).message}`, (error as Error).stack);
          response.writeHead(500, { 'Content-Type': 'text/plain' }).end('scrape failed\n');
        },
      );
    });
    const host = this.config.getOrThrow('HOST', { infer: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics on http://${host}:${this.port}${METRICS_PATH}`);
  }

  /** The port of the separate metrics listener (METRICS_PORT, or the one the OS chose for 0); null without one. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
