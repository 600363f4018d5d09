import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino, type LoggerOptions } from 'pino';
import type { Env } from '../config/env.schema.js';
import { loggerParams } from './logging.module.js';
import { REDACTED, redactLine, redactText } from './redaction.js';

const API_TOKEN = `tl_${'a1B2c3D4e5'.repeat(4)}xyz`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** A pino logger with the application's own options (loggerParams: redaction, serializers, formatters), writing into `out`. */
function logger(out: string[]) {
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (out.push(chunk.toString()), done()) });
  const params = loggerParams({ NODE_ENV: 'test', LOG_LEVEL: 'info', REPLICA_ID: 'replica-a' } as Env, stream).pinoHttp as [LoggerOptions, unknown];
  return pino(params[0], stream);
}

describe('log redaction', () => {
  it('removes API tokens, bearer credentials and JWTs from text, and leaves other text alone', () => {
    expect(redactText(`token ${API_TOKEN} used`)).toBe(`token ${REDACTED} used`);
    expect(redactText(`Authorization: Bearer ${JWT}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText(`refresh ${JWT}.`)).toBe(`refresh ${REDACTED}.`);
    expect(redactText('board 8c9e… moved, tl_ short')).toBe('board 8c9e… moved, tl_ short');
  });

  it('pino lines carry no password, token, cookie or authorization, at any of the first three levels or in messages and errors', () => {
    const out: string[] = [];
    const log = logger(out);
    log.info({ password: 'p1', body: { currentPassword: 'p2', newPassword: 'p3', refreshToken: 'r1' }, accessToken: 'a1', token: 't1' }, 'login');
    log.info({ request: { headers: { authorization: `Bearer ${JWT}`, cookie: 'tasklane_refresh=r2' } }, response: { headers: { 'set-cookie': 'tasklane_refresh=r3' } } }, 'request');
    log.warn(`could not revoke ${API_TOKEN}`);
    log.error({ err: new Error(`bad token ${JWT}`), detail: `header Bearer ${API_TOKEN}` }, 'failed');
    const text = out.join('');
    for (const secret of ['p1', 'p2', 'p3', 'r1', 'r2', 'r3', 'a1', '"t1"', JWT, API_TOKEN]) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ password: REDACTED, body: { currentPassword: REDACTED, newPassword: REDACTED, refreshToken: REDACTED }, accessToken: REDACTED, token: REDACTED, msg: 'login' });
    expect(lines[1]).toMatchObject({ request: { headers: { authorization: REDACTED, cookie: REDACTED } }, response: { headers: { 'set-cookie': REDACTED } } });
    expect(lines[2].msg).toBe(`could not revoke ${REDACTED}`);
    expect(lines[3]).toMatchObject({ detail: `header Bearer ${REDACTED}`, err: { message: `bad token ${REDACTED}` } });
  });

  it('censors secret keys at any depth: child bindings, arrays, errors (keeping their cause), class instances and clients, without touching the logged objects', () => {
    const out: string[] = [];
    const log = logger(out);
    class Credentials {
      constructor(
        readonly email: string,
        readonly password: string,
      ) {}
    }
    // A client as node-postgres and ioredis keep one: an EventEmitter with its options.
    const client = Object.assign(new EventEmitter(), { options: { host: 'db', password: 'p6' } });
    const body = { email: 'a@example.com', password: 'p4' };
    const sessions = [{ id: 's1', refreshToken: 'r4' }];
    const failure = Object.assign(new Error('refresh failed', { cause: new Error('inner cause') }), { token: 't4' });
    log
      .child({ token: 't5', user: { id: 'u1', password: 'p7' }, requestId: 'req-1' })
      .info({ body, sessions, err: failure, login: new Credentials('b@example.com', 'p5'), client, deep: { a: { b: { c: { token: 't6' } } } } }, 'nested');
    const text = out.join('');
    for (const secret of ['p4', 'p5', 'p6', 'p7', 'r4', 't4', 't5', 't6']) expect({ secret, found: text.includes(`"${secret}"`) }).toEqual({ secret, found: false });
    expect(JSON.parse(out[0])).toMatchObject({
      token: REDACTED,
      user: { id: 'u1', password: REDACTED },
      requestId: 'req-1',
      body: { email: 'a@example.com', password: REDACTED },
      sessions: [{ id: 's1', refreshToken: REDACTED }],
      err: { message: 'refresh failed: inner cause', token: REDACTED, stack: expect.stringContaining('inner cause') },
      login: { email: 'b@example.com', password: REDACTED },
      client: { options: { host: 'db', password: REDACTED } },
      deep: { a: { b: { c: { token: REDACTED } } } },
    });
    // The caller's objects are left as they were.
    expect(body.password).toBe('p4');
    expect(sessions[0].refreshToken).toBe('r4');
    expect((failure as Error & { token: string }).token).toBe('t4');
  });

  it('redactLine leaves a line without an uncensored secret key as it is, and withholds a line it cannot parse', () => {
    const clean = '{"level":"info","msg":"token refreshed","tokens":2,"password":"[REDACTED]"}\n';
    expect(redactLine(clean)).toBe(clean);
    expect(redactLine('{"a":{"password":"x"}}\n')).toBe(`{"a":{"password":"${REDACTED}"}}\n`);
    const withheld = redactLine('{"password":"x", broken\n');
    expect(withheld).not.toContain('"x"');
    expect(JSON.parse(withheld)).toMatchObject({ level: 'error', msg: expect.stringContaining('withheld') });
  });
});
