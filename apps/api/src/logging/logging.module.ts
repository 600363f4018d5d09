import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { LoggerModule, type Params } from 'nestjs-pino';
import { stdTimeFunctions, type DestinationStream } from 'pino';
import type { Env } from '../config/env.schema.js';
import { REDACTION } from './redaction.js';

/** Where app.factory.ts links a raw Node request to its Fastify request (route template, user). */
export const FASTIFY_REQUEST = Symbol('tasklane.fastifyRequest');

/** A raw request as the logger sees it: `id` set by Fastify's middleware bridge (X-Request-Id or a UUID, app.factory.ts). */
type RawRequest = IncomingMessage & { id?: string; [FASTIFY_REQUEST]?: FastifyRequest & { user?: { id: string } } };

/**
 * The request completion line's own fields (besides level, time, replica, requestId, msg): `route`
 * (template, or `unmatched`) and `userId` when the request reached Fastify, then `method`, `status`
 * and `duration` (ms, pino-http's `value.duration`).
 */
function completionFields(req: RawRequest, res: ServerResponse, value: Record<string, unknown>): Record<string, unknown> {
  const request = req[FASTIFY_REQUEST];
  const who = request ? { route: request.routeOptions.url ?? 'unmatched', userId: request.user?.id } : {};
  return { ...who, method: req.method, status: res.statusCode, duration: value.duration };
}

/** pino-pretty when it is installed (a dev dependency) and wanted: NODE_ENV=development on a terminal. */
function prettyTransport(env: Env): { target: string; options: Record<string, unknown> } | undefined {
  if (env.NODE_ENV !== 'development' || !process.stdout.isTTY) return undefined;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return undefined;
  }
  return { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } };
}

/**
 * nestjs-pino's parameters for `env` (exported for the tests; `stream` replaces stdout there): JSON
 * lines at LOG_LEVEL with `time` (ISO), `level` (a name), `replica` (REPLICA_ID) and `msg`; every
 * line written during a request carries its `requestId` (the `X-Request-Id` Fastify assigned);
 * each request ends with one `request completed` line with `method`, `route` (template, or
 * `unmatched`), `status`, `duration` (ms) and, once authenticated, `userId` (5xx at level error,
 * `/metrics` scrapes not logged). Secrets never reach the output (REDACTION: secret keys at any
 * depth, tokens inside text). Pretty output only in development on a terminal.
 */
export function loggerParams(env: Env, stream?: DestinationStream): Params {
  const options: NonNullable<Exclude<Params['pinoHttp'], DestinationStream | unknown[]>> = {
    level: env.LOG_LEVEL,
    base: { replica: env.REPLICA_ID },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: REDACTION.redact,
    hooks: REDACTION.hooks,
    transport: stream ? undefined : prettyTransport(env),
    genReqId: (req: IncomingMessage) => (req as RawRequest).id ?? randomUUID(),
    // Lines during a request and its completion line both come from the `requestId` child logger;
    // the completion line's own fields are its object (below), not bindings: pino-http's
    // `customProps` would make two more child loggers per request (issue 13: CPU per write).
    quietReqLogger: true,
    quietResLogger: true,
    // No `req`/`res` objects in the lines (headers, cookies): the completion line has its own fields.
    serializers: { req: () => undefined, res: () => undefined },
    customAttributeKeys: { reqId: 'requestId', responseTime: 'duration' },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req: IncomingMessage, res: ServerResponse, value: Record<string, unknown>) => completionFields(req as RawRequest, res, value),
    customErrorObject: (req: IncomingMessage, res: ServerResponse, _error: Error, value: Record<string, unknown>) => completionFields(req as RawRequest, res, value),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/metrics' },
  };
  return { pinoHttp: stream ? [options, stream] : options };
}

/**
 * The application's logger: pino through nestjs-pino, installed as Nest's logger by app.factory.ts
 * (`app.useLogger(app.get(Logger))`, after the buffered boot lines). Nest's `Logger` instances
 * everywhere write through it. See loggerParams for the line format.
 */
@Module({
  imports: [LoggerModule.forRootAsync({ inject: [ConfigService], useFactory: (config: ConfigService<Env, true>) => loggerParams(configEnv(config)) })],
})
export class LoggingModule {}

/** The configuration values loggerParams reads. */
function configEnv(config: ConfigService<Env, true>): Env {
  return {
    NODE_ENV: config.getOrThrow('NODE_ENV', { infer: true }),
    LOG_LEVEL: config.getOrThrow('LOG_LEVEL', { infer: true }),
    REPLICA_ID: config.getOrThrow('REPLICA_ID', { infer: true }),
  } as Env;
}
