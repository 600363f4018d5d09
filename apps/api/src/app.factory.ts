import { randomUUID } from 'node:crypto';
import { RequestMethod, type LogLevel } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { loadEnv, type Env } from './config/env.schema.js';
import { RedisIoAdapter } from './realtime/redis-io.adapter.js';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** Nest log levels enabled at each LOG_LEVEL (pino-style names). */
const NEST_LEVELS: Record<string, LogLevel[]> = {
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
 * (incoming `X-Request-Id` or a new UUID, echoed back) and shutdown hooks. Shared by main.ts and
 * the e2e tests so both run the same app.
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
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { logger: NEST_LEVELS[loadEnv().LOG_LEVEL] });
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  const fastify = app.getHttpAdapter().getInstance();
  const replica = config.getOrThrow('REPLICA_ID', { infer: true });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
    void reply.header('X-Replica', replica);
  });

  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.enableShutdownHooks();
  app.enableCors({ origin: true, credentials: true, exposedHeaders: ['ETag', 'X-Request-Id', 'Retry-After'] });

  const io = new RedisIoAdapter(app, config.get('REDIS_URL', { infer: true }));
  await io.connect();
  app.useWebSocketAdapter(io);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tasklane API')
      .setDescription(
        'Boards, columns, tasks and members over REST; live changes over Socket.IO at `/socket.io` ' +
          '(handshake `auth: { token }`, then `board:join`). Every error is `{ statusCode, code, message, details?, requestId }`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
