import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { BoardSnapshot, TaskView } from '@tasklane/contracts';
import type { OpenApiDocument } from '../support/openapi-validator.js';

// OWASP API4/API8: ~1,000 malformed requests generated from the OpenAPI document's own schemas
// (wrong types, missing and extra fields, huge strings, odd unicode, bad UUIDs, hostile headers)
// across every operation. None may answer 5xx, every answer must be the documented one (the shared
// agent checks each against the document), and the server must stay healthy. Rate limits are off
// here so the generated requests reach validation instead of the limiter (limits have their own
// suite). Seeded: a failure prints the seed and the shrunk request to replay it.
process.env.RATE_LIMITS = 'off';
const { useTestApp } = await import('../support/test-app.js');
const { createBoard, registerUser } = await import('../support/fixtures.js');

const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS_PER_OPERATION ?? 0) || undefined;
const TOTAL_RUNS = 1_000;

type Schema = Record<string, unknown>;
interface Operation {
  method: string;
  template: string;
  pathParams: string[];
  query: Record<string, Schema>;
  headers: Record<string, Schema>;
  body: Schema | null;
  secured: boolean;
}

const document = JSON.parse(readFileSync(process.env.TASKLANE_OPENAPI_FILE as string, 'utf8')) as OpenApiDocument & { paths: Record<string, Record<string, unknown>> };
const deref = (s: unknown): Schema => {
  let node = s as Schema;
  while (node && typeof node.$ref === 'string') node = document.components?.schemas?.[node.$ref.split('/').pop() as string] as Schema;
  return node ?? {};
};

const operations: Operation[] = Object.entries(document.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, raw]) => {
      const op = raw as { parameters?: { name: string; in: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] };
      const params = op.parameters ?? [];
      return {
        method,
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, deref(p.schema)])),
        headers: Object.fromEntries(params.filter((p) => p.in === 'header').map((p) => [p.name, deref(p.schema)])),
        body: op.requestBody ? deref(op.requestBody.content?.['application/json']?.schema) : null,
        secured: (op.security ?? []).length > 0,
      };
    }),
);

/** Strings meant to break parsers, databases and logs. */
const nastyString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'null', 'undefined', '0', '-1', 'NaN', 'true', '{}', '[]', '%00', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '${7*7}', '\\'),
  fc.constantFrom('\ud800', '\udfff', '\u202e\u202d', '\ufeff', '\u0301\u0301\u0301', '🧨'.repeat(50), 'Ｔａｓｋ', 'İstanbul'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);
const badUuid = fc.oneof(fc.constantFrom('00000000-0000-0000-0000-00000000000g', 'not-a-uuid', '{00000000-0000-0000-0000-000000000000}', '00000000000000000000000000000000'), nastyString);
const wrongType = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.constant([]), fc.constant({}), fc.array(fc.string(), { maxLength: 3 }), nastyString);
const deep = fc.integer({ min: 20, max: 200 }).map((n) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { v };
  return v;
});

/** A value that fits `schema` (as far as its type and format say). */
function valid(schema: Schema, ids: () => string): fc.Arbitrary<unknown> {
  const s = deref(schema);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.oneOf)) return fc.oneof(...(s.oneOf as Schema[]).map((o) => valid(o, ids)));
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid') return fc.oneof(fc.constant(null).map(() => ids()), fc.uuid());
      if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'email') return fc.emailAddress();
      return fc.string({ minLength: Number(s.minLength ?? 0), maxLength: Math.min(Number(s.maxLength ?? 30), 30) });
    case 'integer':
      return fc.integer({ min: Number(s.minimum ?? 0), max: Math.min(Number(s.maximum ?? 1000), 1000) });
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid((s.items as Schema) ?? {}, ids), { maxLength: 3 });
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, ids)])), { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return wrongType;
  }
}

/** A value that does not fit `schema`: the wrong type, out of bounds, or hostile. */
function invalid(schema: Schema): fc.Arbitrary<unknown> {
  const s = deref(schema);
  const bounds: fc.Arbitrary<unknown>[] = [];
  if (s.type === 'string' && typeof s.maxLength === 'number') bounds.push(fc.constant('y'.repeat(Number(s.maxLength) + 1)));
  if (s.type === 'integer') bounds.push(fc.constantFrom(-1, 2 ** 31, 2 ** 53, 1.5, '12', '1e3'));
  if (s.format === 'uuid') bounds.push(badUuid);
  if (s.type === 'array') bounds.push(fc.array(wrongType, { minLength: 1, maxLength: 5 }), fc.constant(Array.from({ length: 10_000 }, (_, i) => i)));
  return fc.oneof(wrongType, deep, ...bounds);
}

/** A request body: valid, then broken in one or more ways (a field wrong, a required one missing, an unknown one, or the whole body replaced). */
function body(schema: Schema, ids: () => string): fc.Arbitrary<unknown> {
  const s = deref(schema);
  const props = Object.keys((s.properties ?? {}) as object);
  const base = valid(s, ids) as fc.Arbitrary<Record<string, unknown>>;
  const mutations: fc.Arbitrary<unknown>[] = [
    fc.oneof(wrongType, deep),
    base.chain((b) => fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), wrongType).map(([k, v]) => ({ ...b, [`x_${k}`]: v }))),
  ];
  if (props.length > 0) {
    mutations.push(
      base.chain((b) => fc.constantFrom(...props).chain((k) => invalid(((s.properties as Record<string, Schema>)[k]) ?? {}).map((v) => ({ ...b, [k]: v })))),
      base.chain((b) => fc.constantFrom(...props).map((k) => Object.fromEntries(Object.entries(b).filter(([key]) => key !== k)))),
      base.map((b) => ({ ...b, __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } })),
    );
  }
  return fc.oneof(...mutations);
}

describe('fuzz: malformed requests generated from the OpenAPI document (OWASP API4, API8)', () => {
  const t = useTestApp();

  it(`answers ${TOTAL_RUNS} malformed requests over every operation without a 5xx, as documented, and stays healthy`, async () => {
    const user = await registerUser(t);
    const board = await createBoard(t, user.auth);
    const task = (await t.http().post(`/api/v1/boards/${board.id}/tasks`).set(user.auth).send({ columnId: board.columns[0].id, title: 'fuzz target' }).expect(201)).body as TaskView;
    const real: Record<string, string> = { boardId: board.id, columnId: board.columns[0].id, taskId: task.id, userId: user.user.id };
    const anyId = () => [board.id, board.columns[1].id, task.id, user.user.id, randomUUID()][Math.floor(Math.random() * 5)];
    const runs = RUNS_PER_OPERATION ?? Math.ceil(TOTAL_RUNS / operations.length);
    const seen: Record<number, number> = {};
    let sent = 0;
    for (const op of operations) {
      const request = fc.record({
        path: fc.record(Object.fromEntries(op.pathParams.map((p) => [p, fc.oneof({ weight: 3, arbitrary: fc.constant(real[p] ?? randomUUID()) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: badUuid.map(String) })]))),
        query: fc.record(Object.fromEntries(Object.entries(op.query).map(([k, v]) => [k, fc.oneof(valid(v, anyId), invalid(v)).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))])), { requiredKeys: [] }),
        extraQuery: fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), nastyString), { nil: undefined }),
        headers: fc.record(Object.fromEntries(Object.entries(op.headers).map(([k]) => [k, nastyString.map((v) => v.replace(/[^\x20-\x7e]/g, '?').slice(0, 300))])), { requiredKeys: [] }),
        body: op.body ? body(op.body, anyId) : fc.constant(undefined),
        contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent((r.path as Record<string, string>)[name]));
          const query = { ...(r.query as Record<string, string>), ...(r.extraQuery ? { [r.extraQuery[0]]: r.extraQuery[1] } : {}) };
          let req = (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[op.method](path).query(query);
          if (op.secured) req = req.set(user.auth);
          for (const [k, v] of Object.entries(r.headers as Record<string, string>)) req = req.set(k, v);
          if (r.body !== undefined) {
            req = req.set('Content-Type', r.contentType);
            req = req.send(r.contentType.startsWith('application/json') ? JSON.stringify(r.body) : String(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)));
          }
          const res = await req;
          sent += 1;
          seen[res.status] = (seen[res.status] ?? 0) + 1;
          expect(res.status).toBeLessThan(500);
        }),
        { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261130), endOnFailure: true },
      );
    }
    console.log(`fuzz: ${sent} requests over ${operations.length} operations; statuses ${JSON.stringify(seen)}`);
    expect(sent).toBeGreaterThanOrEqual(TOTAL_RUNS);
    await t.http().get('/health/ready').expect(200);
    // The seeded board is still whole: the malformed writes changed nothing they were refused for.
    const after = (await t.http().get(`/api/v1/boards/${board.id}`).set(user.auth).expect(200)).body as BoardSnapshot;
    expect(after.id).toBe(board.id);
  }, 300_000);
});
