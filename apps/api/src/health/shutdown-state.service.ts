import { Server as NetServer } from 'node:net';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { Env } from '../config/env.schema.js';

/**
 * Graceful shutdown, first step: on SIGTERM (or app.close()) `/health/ready` starts answering 503,
 * then the replica keeps serving for SHUTDOWN_GRACE_MS so load balancers that poll readiness stop
 * sending it work. Then it stops accepting connections and, for SHUTDOWN_KEEPALIVE_DRAIN_MS, keeps
 * answering on the connections it has, with `Connection: close` on every answer
 * (`closeConnections`, read by the HTTP layer) so kept-alive connections retire one by one. Nest
 * then closes the HTTP server (idle connections closed, in-flight requests finish) and Socket.IO.
 *
 * Why stop accepting first: nginx (open source) learns that a replica is gone only from a failed
 * attempt. A refused connection is a failure it can safely retry on another replica (nothing was
 * sent) and it takes the replica out for `fail_timeout`, so nginx stops choosing it before its idle
 * connections close. A connection the replica closes while nginx is sending a request on it, or
 * one still in the accept queue when the listening socket closes, is instead reset after the
 * request went out, and nginx answers a POST or PATCH 502 (it re-sends one only when it carries an
 * `Idempotency-Key` its route honours: KEYED_WRITE_ROUTES in libs/cluster/src/nginx-config.ts).
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  shuttingDown = false;
  /** True once kept-alive connections should close after their current answer. */
  closeConnections = false;
  private draining: Promise<void> | null = null;

  constructor(
    private readonly config: ConfigService<Env, true>,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  beforeApplicationShutdown(signal?: string): Promise<void> {
    return this.drain(signal);
  }

  /** Marks the replica not ready and resolves after the grace period and the keep-alive drain; the same promise for every caller. */
  drain(signal?: string): Promise<void> {
    this.draining ??= (async () => {
      this.shuttingDown = true;
      const grace = this.config.getOrThrow('SHUTDOWN_GRACE_MS', { infer: true });
      const keepAliveDrain = this.config.getOrThrow('SHUTDOWN_KEEPALIVE_DRAIN_MS', { infer: true });
      this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}: not ready, closing in ${grace + keepAliveDrain} ms`);
      if (grace > 0) await new Promise((resolve) => setTimeout(resolve, grace));
      this.closeConnections = true;
      this.stopAccepting();
      if (keepAliveDrain > 0) await new Promise((resolve) => setTimeout(resolve, keepAliveDrain));
    })();
    return this.draining;
  }

  /**
   * Closes the listening socket and nothing else. `http.Server#close` would also close every idle
   * kept-alive connection at once (Node.js docs, `server.close()`), the very race this drain avoids,
   * so the listening socket is closed through `net.Server#close`. The HTTP server's own close later
   * (Socket.IO's, then Fastify's) closes the idle connections and, once every connection is gone,
   * reports ERR_SERVER_NOT_RUNNING, which both take as closed. The server's `close` event may now
   * come during the drain, when its last connection ends (engine.io then closes, with no client
   * left); no new connection can arrive by then. Nothing to do when the app never listened
   * (supertest, the worker role) or already stopped. Only the primary listener is closed: with a
   * HOST that resolves to several addresses, Fastify's secondary listeners stay open until the end.
   */
  private stopAccepting(): void {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (server instanceof NetServer && server.listening) NetServer.prototype.close.call(server);
  }
}
