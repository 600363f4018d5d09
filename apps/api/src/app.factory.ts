import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { serveAsyncApi } from './asyncapi/asyncapi-page.js';
import { loadEnv, type Env } from './config/env.schema.js';
import { ShutdownState } from './health/shutdown-state.service.js';
import { API_PREFIX, API_PREFIX_OPTIONS, apiPath } from './http/api-prefix.js';
import { isListedOrigin } from './http/cors.js';
import { refuseMultipart } from './http/multipart.js';
import { setEntityTag } from './http/resource-headers.js';
import { FASTIFY_REQUEST } from './logging/logging.module.js';
import { buildOpenApiDocument } from './http/openapi-document.js';
import { RedisIoAdapter } from './realtime/redis-io.adapter.js';
import { recordHttpRoute } from './tracing/trace-context.js';
import { serveWebApp } from './web/web-app.js';

const REQUEST_ID = /^[\w.:-]{1,100}$/;


/**
 * The Content-Security-Policy of every answer, for a same-origin single-page app and the Swagger UI
 * at /docs (which loads its scripts and stylesheet from /docs/ and has inline `<style>` blocks and
 * `style` attributes). 'unsafe-inline' for styles only: inline styles cannot run code, and React
 * sets `style` attributes; scripts stay 'self' only. `ws:`/`wss:` for Socket.IO, `data:` images for
 * the Swagger UI's icons. `frame-ancestors 'none'`: nobody may frame the app (clickjacking).
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** TRUST_PROXY as Fastify takes it: a hop count as the function Fastify itself makes of one (its types lack the number form). */
function fastifyTrustProxy(trust: Env['TRUST_PROXY']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/** Response headers a browser may read on a cross-origin answer (CORS `Access-Control-Expose-Headers`). */
const EXPOSED_HEADERS = ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/**
 * Builds the API application (not yet listening): Fastify, `/api/v1` prefix, Swagger at `/docs`
 * (spec at `/docs-json`), Socket.IO with the Redis adapter when REDIS_URL is set, request ids
 * (incoming `X-Request-Id` or a new UUID, echoed back) and shutdown hooks, and the HTTP hardening:
 * helmet's security headers with CONTENT_SECURITY_POLICY, CORS only for CORS_ORIGINS,
 * `Cache-Control: no-store` on every `/api/v1/auth/*` answer, `X-Replica` only with
 * EXPOSE_REPLICA_HEADER, the client address from `X-Forwarded-For` through TRUST_PROXY.
 * `env` is the validated configuration (default: this process's, validated now); logs are
 * buffered until the pino logger (JSON lines at LOG_LEVEL, logging/logging.module.ts) is set.
 * Metrics (`GET /metrics`, the request histogram) come from MetricsModule's hooks. Shared by main.ts and the e2e tests so both run the same app.
 * @throws Error `Invalid configuration: …` listing every invalid variable (from loadEnv)
 */
export async function createApp(env: Env = loadEnv()): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    trustProxy: fastifyTrustProxy(env.TRUST_PROXY),
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), adapter, { bufferLogs: true });
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  // pino (logging/logging.module.ts) from here on; the lines buffered during boot go to it too.
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  // helmet's security headers, first of all hooks so that an answer refused by a later one (415,
  // CORS preflight) has them too. Its middleware is built once here: @fastify/helmet builds a new
  // one (options parsed again) on every request, 6-33 µs of CPU more per request (issue 13).
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  fastify.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, done as (error?: unknown) => void));
  // The request log line reads the route template and the user from the Fastify request; the
  // request's trace span gets the route template too.
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request.raw as { [FASTIFY_REQUEST]?: unknown })[FASTIFY_REQUEST] = request;
    recordHttpRoute(request.routeOptions.url);
    done();
  });
  const replica = config.getOrThrow('EXPOSE_REPLICA_HEADER', { infer: true }) ? config.getOrThrow('REPLICA_ID', { infer: true }) : null;
  const shutdown = app.get(ShutdownState);
  const authPrefix = `${apiPath('auth')}/`;
  // ETag of a versioned resource (http/resource-headers.ts).
  fastify.addHook('preSerialization', setEntityTag);
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
    if (replica !== null) void reply.header('X-Replica', replica);
    // Tokens must not land in a browser or proxy cache, and neither may their errors.
    if (request.url.startsWith(authPrefix)) void reply.header('Cache-Control', 'no-store');
    if (shutdown.closeConnections) void reply.header('Connection', 'close');
  });
  // The refresh-token cookie of cookie sessions (auth/refresh-cookie.ts).
  await app.register(fastifyCookie);
  // Board imports (transfer/): one file per request, at most IMPORT_MAX_BYTES. The parser is the
  // whole instance's, so every route not marked @AcceptsMultipart() refuses multipart with 415.
  await app.register(fastifyMultipart, { limits: { files: 1, fields: 0, fileSize: config.getOrThrow('IMPORT_MAX_BYTES', { infer: true }), parts: 1 }, throwFileSizeLimit: true });
  fastify.addHook('onRequest', refuseMultipart);

  app.setGlobalPrefix(API_PREFIX, API_PREFIX_OPTIONS);
  app.enableShutdownHooks();
  // Only listed origins get CORS headers; any other (and the default, an empty list) gets none, so a
  // browser lets only the same origin read the answers.
  const origins = config.getOrThrow('CORS_ORIGINS', { infer: true });
  app.enableCors({ origin: (origin, done) => done(null, origin !== undefined && isListedOrigin(origin, origins)), credentials: true, exposedHeaders: EXPOSED_HEADERS });
  app.useWebSocketAdapter(new RedisIoAdapter(app));
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  serveAsyncApi(app);
  await serveWebApp(app);
  return app;
}
