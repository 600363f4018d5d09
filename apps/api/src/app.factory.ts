import { randomUUID } from 'node:crypto';
import type { LogLevel } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { serveAsyncApi } from './asyncapi/asyncapi-page.js';
import type { Env } from './config/env.schema.js';
import { ShutdownState } from './health/shutdown-state.service.js';
import { API_PREFIX, API_PREFIX_OPTIONS } from './http/api-prefix.js';
import { buildOpenApiDocument } from './http/openapi-document.js';
import { RedisIoAdapter } from './realtime/redis-io.adapter.js';
import { serveWebApp } from './web/web-app.js';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** Nest log levels enabled at each LOG_LEVEL (pino-style names). */
const NEST_LEVELS: Record<Env['LOG_LEVEL'], LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Builds the API application (not yet listening): Fastify, `/api/v1` prefix, Swagger at `/docs`
 * (spec at `/docs-json`), Socket.IO with the Redis adapter when REDIS_URL is set, request ids
 * (incoming `X-Request-Id` or a new UUID, echoed back) and shutdown hooks. Configuration is
 * validated once, when AppModule's ConfigModule loads; logs are buffered until its LOG_LEVEL is
 * known. Shared by main.ts and the e2e tests so both run the same app.
 */
export async function createApp(): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { bufferLogs: true });
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  app.useLogger(NEST_LEVELS[config.getOrThrow('LOG_LEVEL', { infer: true })]);
  const fastify = app.getHttpAdapter().getInstance();
  const replica = config.getOrThrow('REPLICA_ID', { infer: true });
  const shutdown = app.get(ShutdownState);
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
    void reply.header('X-Replica', replica);
    if (shutdown.closeConnections) void reply.header('Connection', 'close');
  });

  app.setGlobalPrefix(API_PREFIX, API_PREFIX_OPTIONS);
  app.enableShutdownHooks();
  app.enableCors({ origin: true, credentials: true, exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After'] });
  app.useWebSocketAdapter(new RedisIoAdapter(app));
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  serveAsyncApi(app);
  await serveWebApp(app);
  return app;
}
