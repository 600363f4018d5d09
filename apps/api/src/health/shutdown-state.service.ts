import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env.schema.js';

/**
 * Graceful shutdown, first step: on SIGTERM (or app.close()) `/health/ready` starts answering 503,
 * then the replica keeps serving for SHUTDOWN_GRACE_MS so load balancers that poll readiness stop
 * sending it work. Nest then closes the HTTP server (in-flight requests finish) and Socket.IO.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  shuttingDown = false;
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
      this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}: not ready${grace ? `, closing in ${grace} ms` : ''}`);
      if (grace > 0) await new Promise((resolve) => setTimeout(resolve, grace));
    })();
    return this.draining;
  }
}
