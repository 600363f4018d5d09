import 'reflect-metadata';
import { afterAll, beforeAll } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { assertContract } from './contract.js';

/** A supertest agent: `.get(path)`, `.post(path)`, ... each returning a `Test` to `.set()`, `.send()`, `.expect()`. */
export type HttpAgent = ReturnType<typeof request>;

/**
 * Somewhere REST requests can be sent: a TestApp, or a cluster's load balancer or replica (see
 * `httpTarget`). Every REST request of the e2e suites and of support/fixtures.ts goes through
 * `http()`, so that one place sees every request and response.
 */
export interface HttpTarget {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  /** A fresh supertest agent bound to `url`; paths are absolute (`/api/v1/...`). */
  http: () => HttpAgent;
}

/** A running API on a random loopback port, built exactly as main.ts builds it. */
export interface TestApp extends HttpTarget {
  app: NestFastifyApplication;
  close(): Promise<void>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/**
 * A supertest agent on `url` whose every request is also checked against the OpenAPI document
 * (support/contract.ts): the check runs as the request's first assertion, so a response the
 * contract does not describe fails the test that made it, whatever else it expects.
 */
function contractAgent(url: string): HttpAgent {
  const agent = request(url);
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || !METHODS.has(property) || typeof value !== 'function') return value;
      return (path: string) => (value as (p: string) => ReturnType<HttpAgent['get']>).call(target, path).expect((res) => assertContract(property, path, res));
    },
  });
}

/**
 * The one way to issue REST requests to a server the test did not start with `startTestApp`
 * (e.g. `cluster.lbUrl`). Every response is checked against the OpenAPI document.
 * @param url origin, e.g. http://127.0.0.1:8080 (no trailing slash)
 */
export function httpTarget(url: string): HttpTarget {
  return { url, http: () => contractAgent(url) };
}

/**
 * Boots the app (`createApp`, as main.ts does) and listens on 127.0.0.1 on a random free port.
 * Reads its configuration from the environment when `createApp`'s module is first imported
 * (global-setup.mjs sets it for the e2e project).
 * @throws whatever booting throws (invalid config, PostgreSQL or Redis unreachable)
 */
export async function startTestApp(): Promise<TestApp> {
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const { url, http } = httpTarget(`http://127.0.0.1:${address.port}`);
  return { app, url, http, close: () => app.close() };
}

/**
 * Starts one TestApp for the enclosing `describe` block (in `beforeAll`) and closes it in
 * `afterAll`. Call it at the top of the `describe` callback; the returned object forwards to the
 * running app, so it may only be used inside tests and hooks.
 * @param options.beforeClose runs in the same `afterAll`, before the app closes (e.g. to
 *   disconnect sockets and streams so they do not see the server go away)
 * @throws Error from any member of the result used outside a test or hook (no app yet)
 */
export function useTestApp(options: { beforeClose?: () => void | Promise<void> } = {}): TestApp {
  let started: TestApp | undefined;
  const current = (): TestApp => {
    if (!started) throw new Error('useTestApp(): the app starts in beforeAll; use it only inside tests and hooks');
    return started;
  };
  beforeAll(async () => {
    started = await startTestApp();
  });
  afterAll(async () => {
    await options.beforeClose?.();
    await started?.close();
  });
  return {
    get app() {
      return current().app;
    },
    get url() {
      return current().url;
    },
    http: () => current().http(),
    close: () => current().close(),
  };
}
