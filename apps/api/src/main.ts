import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createApp } from './app.factory.js';
import type { Env } from './config/env.schema.js';

/** Boots one replica: builds the app and listens on HOST:PORT. Bad configuration exits 1 with the reasons. */
async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  const port = config.getOrThrow('PORT', { infer: true });
  const host = config.getOrThrow('HOST', { infer: true });
  await app.listen(port, host);
  const shown = host === '0.0.0.0' ? 'localhost' : host;
  new Logger('Tasklane').log(`listening on http://${shown}:${port} (REST /api/v1, docs /docs, Socket.IO /socket.io)`);
}

bootstrap().catch((error: unknown) => {
  // Config errors are our own readable list; anything else gets its stack.
  console.error(error instanceof Error && error.message.startsWith('Invalid configuration') ? error.message : error);
  process.exit(1);
});
