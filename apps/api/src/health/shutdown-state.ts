import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Tracks graceful shutdown: once SIGTERM (or app.close()) starts it, `/health/ready` answers 503 so
 * load balancers stop sending new work while in-flight requests finish.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  shuttingDown = false;

  beforeApplicationShutdown(signal?: string): void {
    this.shuttingDown = true;
    this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}: not ready, draining`);
  }
}
