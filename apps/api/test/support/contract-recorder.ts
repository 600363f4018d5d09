// Jest setupFilesAfterEnv for the e2e project (opt-in, see jest.contract.config.mjs): checks every
// HTTP response the suites receive, through supertest or fetch, against the OpenAPI document and
// appends one JSON line per response to CONTRACT_REPORT_FILE. The suites are untouched: supertest's
// Test#assert (which every awaited request passes through) and global fetch are wrapped.
// Responses are only collected while the tests run and checked in afterAll, so the timing-sensitive
// suites (faults, multi-replica) see as little extra work as possible.
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, expect } from '@jest/globals';
import supertest from 'supertest';
import { createOperationMatcher, createResponseValidator, type ResponseHeaders } from './openapi-validator.js';

const out = process.env.CONTRACT_REPORT_FILE;
if (!out) throw new Error('contract-recorder: set CONTRACT_REPORT_FILE (see scripts/contract-report.mjs)');
const document = JSON.parse(readFileSync(process.env.CONTRACT_OPENAPI_FILE ?? 'dist/openapi.json', 'utf8'));

interface Seen {
  source: 'supertest' | 'fetch';
  test: string;
  method: string;
  url: string;
  status: number;
  headers: ResponseHeaders;
  body: unknown;
}
const seen: Seen[] = [];
const collect = (response: Omit<Seen, 'test'>) => seen.push({ ...response, test: expect.getState().currentTestName ?? '(beforeAll/afterAll)' });

afterAll(() => {
  const validate = createResponseValidator(document, { undocumentedHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Cache-Control'] });
  const closed = createResponseValidator(document, { forbidUndocumentedProperties: true });
  const match = createOperationMatcher(document);
  const suite = expect.getState().testPath?.replace(/^.*\/apps\//, 'apps/');
  // CORS preflights (OPTIONS) are answered by @fastify/cors for every path, not by an operation.
  const lines = seen.filter((r) => r.method.toLowerCase() !== 'options').map(({ source, test, method, url, status, headers, body }) => {
    try {
      const errors = validate(method, url, status, headers, body);
      const undocumentedFields = closed(method, url, status, headers, body).filter((e) => !errors.includes(e));
      const matched = match(method, url);
      const path = new URL(url, 'http://x').pathname;
      const route = `${method.toUpperCase()} ${typeof matched === 'string' ? path : matched.template}`;
      // Every API response carries X-Request-Id (app.factory.ts's onSend hook); one without it came
      // from a proxy in front (nginx's 502 while a replica restarts), which the document does not cover.
      const fromApi = Object.keys(headers).some((h) => h.toLowerCase() === 'x-request-id');
      return JSON.stringify({ source, suite, test, route, path, status, fromApi, errors, undocumentedFields });
    } catch (e) {
      return JSON.stringify({ recorderError: String(e), suite, test, method, url });
    }
  });
  if (lines.length) appendFileSync(out, `${lines.join('\n')}\n`);
});

type SupertestTest = { method: string; url: string; assert(error: unknown, res: unknown, fn: unknown): unknown };
const Test = (supertest as unknown as { Test: { prototype: SupertestTest } }).Test;
const assert = Test.prototype.assert;
Test.prototype.assert = function (this: SupertestTest, error: unknown, res: unknown, fn: unknown) {
  const r = res as { status: number; headers: ResponseHeaders; body: unknown } | undefined;
  if (r) collect({ source: 'supertest', method: this.method, url: this.url, status: r.status, headers: r.headers, body: r.body });
  return assert.call(this, error, res, fn);
};

const realFetch = globalThis.fetch;
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const res = await realFetch(input, init);
  const request = input instanceof Request ? input : undefined;
  const method = init?.method ?? request?.method ?? 'GET';
  const url = request ? request.url : String(input);
  // Read a copy of the body without holding up the caller, which reads its own.
  void res
    .clone()
    .text()
    .then((text) => {
      let body: unknown = text || undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {}
      collect({ source: 'fetch', method, url, status: res.status, headers: Object.fromEntries(res.headers.entries()), body });
    })
    .catch(() => collect({ source: 'fetch', method, url, status: res.status, headers: Object.fromEntries(res.headers.entries()), body: undefined }));
  return res;
};
