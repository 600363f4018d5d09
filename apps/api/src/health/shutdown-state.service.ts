import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env.schema.js';

/**
 * Graceful shutdown, first step: on SIGTERM (or app.close()) `/health/ready` starts answering 503,
 * then the replica keeps serving for SHUTDOWN_GRACE_MS so load balancers that poll readiness stop
 * sending it work, then for SHUTDOWN_KEEPALIVE_DRAIN_MS with `Connection: close` on every answer
 * (`closeConnections`, read by the HTTP layer) so kept-alive connections retire one by one. Nest
 * then closes the HTTP server (in-flight requests finish) and Socket.IO.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  shuttingDown = false;
  /** True once kept-alive connections should close after their current answer. */
  closeConnections = false;
  private draining: Promise<void> | null = null;

  constructor(private readonly config: ConfigService<Env, true>) {}

  beforeApplicationShutdown(signal?: string): Promise<void> {
    return this.drain(signal);
  }

  /** Marks the replica not ready and resolves after the grace period; the same promise for every caller. */
  drain(signal?: string): Promise<void> {
    this.draining ??= (async () => {
      this.shuttingDown = true;
      const grace = this.config.getOrThrow('SHUTDOWN_GRACE_MS', { infer: true });
      const keepAliveDrain = this.config.getOrThrow('SHUTDOWN_KEEPALIVE_DRAIN_MS', { infer: true });
      this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}: not ready, closing in ${grace + keepAliveDrain} ms`);
      if (grace > 0) await new Promise((resolve) => setTimeout(resolve, grace));
      this.closeConnections = true;
      if (keepAliveDrain > 0) await new Promise((resolve) => setTimeout(resolve, keepAliveDrain));
    })();
    return this.draining;
  }
}
