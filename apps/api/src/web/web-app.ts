import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Env } from '../config/env.schema.js';

/**
 * Paths the web app never answers, not even with its SPA fallback: the API, the docs (Swagger UI,
 * the OpenAPI and AsyncAPI documents), Socket.IO, the health probes and the Prometheus metrics
 * (`/metrics` answers 404 on the API port when METRICS_PORT moves it). An unknown path under them
 * keeps the API's own 404 body.
 */
export const RESERVED_PREFIXES = ['/api', '/docs', '/docs-json', '/socket.io', '/health', '/metrics'] as const;

/** True when `path` (no query) is one of RESERVED_PREFIXES or below one. */
export function isReservedPath(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}-`) || path.startsWith(`${p}?`));
}

/**
 * Serves the built web app (`vite build` output, WEB_APP_DIR, default `dist/apps/web`) at `/`:
 * its files as they are (hashed `/assets/*` cached for a year, `index.html` revalidated each time),
 * and `index.html` for any other GET of a path without a file extension outside
 * RESERVED_PREFIXES, so client-side routes (`/boards/<id>`) survive a reload. Without a build it
 * serves nothing and logs a warning (the API works on its own).
 */
export async function serveWebApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  const root = resolve(config.getOrThrow('WEB_APP_DIR', { infer: true }));
  if (!existsSync(resolve(root, 'index.html'))) {
    new Logger('WebApp').warn(`no web app at ${root} (run \`npm run build\`): serving the API only`);
    return;
  }
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per file found at boot instead of a `/*` route, which would shadow the API's 404s.
    wildcard: false,
    index: 'index.html',
    // Swagger UI registers its own @fastify/static without the reply decorator; this one owns it.
    decorateReply: true,
    setHeaders: (reply, path) => {
      reply.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const fallback = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    if (isReservedPath(path) || extname(path) !== '') return reply.callNotFound();
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html', root);
  };
  fastify.get('/*', fallback);
}
