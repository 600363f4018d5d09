import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { loadEnv, type Env } from './config/env.schema.js';

/**
 * Boots one replica: builds the app and listens on HOST:PORT. Bad configuration exits 1 with the
 * reasons. On SIGTERM/SIGINT Nest's shutdown hooks drain (readiness 503, in-flight requests finish,
 * sockets close so clients reconnect elsewhere, outbox marks flushed); if that takes longer than
 * SHUTDOWN_TIMEOUT_MS the process exits anyway.
 */
async function bootstrap(): Promise<void> {
  // Validate once, before the app's modules load: a bad configuration then ends with our readable
  // list alone, not inside Nest's bootstrap error handler with its stack trace.
  const env = loadEnv();
  const { createApp } = await import('./app.factory.js');
  const app = await createApp(env);
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  const port = config.getOrThrow('PORT', { infer: true });
  const host = config.getOrThrow('HOST', { infer: true });
  const logger = new Logger('Tasklane');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`graceful shutdown exceeded ${config.getOrThrow('SHUTDOWN_TIMEOUT_MS', { infer: true })} ms: exiting`);
        process.exit(1);
      }, config.getOrThrow('SHUTDOWN_TIMEOUT_MS', { infer: true })).unref();
    });
  }
  await app.listen(port, host);
  const shown = host === '0.0.0.0' ? 'localhost' : host;
  logger.log(`listening on http://${shown}:${port} (REST /api/v1, docs /docs, Socket.IO /socket.io)`);
}

bootstrap().catch((error: unknown) => {
  // Config errors are our own readable list; anything else gets its stack.
  console.error(error instanceof Error && error.message.startsWith('Invalid configuration') ? error.message : error);
  process.exit(1);
});
