import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { API_PREFIX, API_PREFIX_OPTIONS } from '../../src/http/api-prefix.js';

/** One REST route as the router serves it: `GET /api/v1/boards/{boardId}` (path parameters in braces). */
export interface Route {
  method: string;
  path: string;
}

const join = (...parts: (string | undefined)[]) => `/${parts.flatMap((p) => (p ?? '').split('/')).filter(Boolean).join('/')}`;

/**
 * Every REST route of the running app, read from the controllers' routing metadata (what Nest hands
 * the router), with the global prefix applied as app.factory.ts applies it. A security test built
 * on this list fails for a route added without a rule.
 */
export function routesOf(app: INestApplication): Route[] {
  const excluded = new Set((API_PREFIX_OPTIONS?.exclude ?? []).map((e) => (typeof e === 'string' ? e : `${RequestMethod[e.method]} ${e.path}`)));
  const routes: Route[] = [];
  const controllers = [...app.get(ModulesContainer).values()].flatMap((module) => [...module.controllers.values()]);
  for (const wrapper of controllers) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
    if (!controller) continue;
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const local = join(base, sub).replace(/:(\w+)/g, '{$1}');
      const verb = RequestMethod[method];
      const prefixed = excluded.has(`${verb} ${local.slice(1).replace(/\{(\w+)\}/g, ':$1')}`) ? local : join(API_PREFIX, local);
      routes.push({ method: verb, path: prefixed });
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
