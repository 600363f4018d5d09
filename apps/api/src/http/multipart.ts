import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { unsupportedMediaType } from '../errors/common.errors.js';

/** The Fastify route config key that lets a route receive `multipart/*` bodies. */
const MULTIPART = 'multipart';

/**
 * Marks a route as one that reads multipart uploads (`request.file()`, @fastify/multipart, limits
 * from app.factory.ts). Every other route answers a multipart body with 415 (refuseMultipart).
 */
export const AcceptsMultipart = (): MethodDecorator => RouteConfig({ [MULTIPART]: true });

/**
 * `onRequest` hook: a `multipart/*` body sent to a route not marked `@AcceptsMultipart()` is
 * refused with 415 UNSUPPORTED_MEDIA_TYPE (the standard error body, through the exception filter)
 * before anything reads it. @fastify/multipart registers its parser for the whole instance, so
 * without this a JSON route would take such a request with an empty body and answer a misleading
 * 400. Unknown routes keep their 404.
 */
export function refuseMultipart(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const type = request.headers['content-type'];
  const config = request.routeOptions.config as { [MULTIPART]?: boolean } | undefined;
  if (typeof type === 'string' && /^\s*multipart\//i.test(type) && request.routeOptions.url !== undefined && config?.[MULTIPART] !== true) {
    done(unsupportedMediaType('This route reads JSON: send `Content-Type: application/json` (multipart uploads only to POST /api/v1/boards/import)'));
    return;
  }
  done();
}
