import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { loadEnv, type Env } from './config/env.schema.js';
import { listenWorkerHttp } from './health/worker-http.js';

/** `--role worker` or `--role=worker` on the command line (else the environment's PROCESS_ROLE, default api). */
function roleArgument(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--role' || a.startsWith('--role='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice('--role='.length) : argv[i + 1];
}

/**
 * Boots one replica: builds the app and listens on HOST:PORT (listen queue LISTEN_BACKLOG). With `--role worker` it boots the same
 * app as a job worker: job handlers, schedules and the supervisor run, and HOST:PORT answers only
 * /health/live, /health/ready and /metrics (health/worker-http.ts). Bad configuration exits 1 with the
 * reasons. On SIGTERM/SIGINT Nest's shutdown hooks drain (readiness 503, in-flight requests finish,
 * sockets close so clients reconnect elsewhere, outbox marks flushed); if that takes longer than
 * SHUTDOWN_TIMEOUT_MS the process exits anyway.
 */
async function bootstrap(): Promise<void> {
  // Validate once, before the app's modules load: a bad configuration then ends with our readable
  // list alone, not inside Nest's bootstrap error handler with its stack trace.
  const role = roleArgument(process.argv.slice(2));
  const env = loadEnv(role === undefined ? {} : { PROCESS_ROLE: role });
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
  const shown = host === '0.0.0.0' ? 'localhost' : host;
  if (env.PROCESS_ROLE === 'worker') {
    await app.init();
    const server = await listenWorkerHttp(app, host, port);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close());
    logger.log(`job worker; health and metrics on http://${shown}:${port}`);
    return;
  }
  await app.listen({ port, host, backlog: config.getOrThrow('LISTEN_BACKLOG', { infer: true }) });
  logger.log(`listening on http://${shown}:${port} (REST /api/v1, docs /docs, Socket.IO /socket.io)`);
}

bootstrap().catch((error: unknown) => {
  // Config errors are our own readable list; anything else gets its stack.
  console.error(error instanceof Error && error.message.startsWith('Invalid configuration') ? error.message : error);
  process.exit(1);
});
