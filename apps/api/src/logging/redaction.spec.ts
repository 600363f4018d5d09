import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { REDACTED, REDACTION, redactKeys, redactText } from './redaction.js';

const API_TOKEN = `tl_${'a1B2c3D4e5'.repeat(4)}xyz`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** A pino logger with the application's redaction (REDACTION, as loggerParams sets it), writing into `out`. */
function logger(out: string[]) {
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (out.push(chunk.toString()), done()) });
  return pino(REDACTION, stream);
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
    log.info({ req: { headers: { authorization: `Bearer ${JWT}`, cookie: 'tasklane_refresh=r2' } }, res: { headers: { 'set-cookie': 'tasklane_refresh=r3' } } }, 'request');
    log.warn(`could not revoke ${API_TOKEN}`);
    log.error({ err: new Error(`bad token ${JWT}`), detail: `header Bearer ${API_TOKEN}` }, 'failed');
    const text = out.join('');
    for (const secret of ['p1', 'p2', 'p3', 'r1', 'r2', 'r3', 'a1', '"t1"', JWT, API_TOKEN]) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ password: REDACTED, body: { currentPassword: REDACTED, newPassword: REDACTED, refreshToken: REDACTED }, accessToken: REDACTED, token: REDACTED, msg: 'login' });
    expect(lines[1]).toMatchObject({ req: { headers: { authorization: REDACTED, cookie: REDACTED } }, res: { headers: { 'set-cookie': REDACTED } } });
    expect(lines[2].msg).toBe(`could not revoke ${REDACTED}`);
    expect(lines[3]).toMatchObject({ detail: `header Bearer ${REDACTED}`, err: { message: `bad token ${REDACTED}` } });
  });

  it('censors secret keys in child bindings and in arrays, errors and class instances, without touching the logged objects', () => {
    const out: string[] = [];
    const log = logger(out);
    class Credentials {
      constructor(
        readonly email: string,
        readonly password: string,
      ) {}
    }
    const body = { email: 'a@example.com', password: 'p4' };
    const sessions = [{ id: 's1', refreshToken: 'r4' }];
    const failure = Object.assign(new Error('refresh failed'), { token: 't4' });
    log.child({ token: 't5', requestId: 'req-1' }).info({ body, sessions, failure, login: new Credentials('b@example.com', 'p5') }, 'nested');
    const text = out.join('');
    for (const secret of ['p4', 'r4', 't4', 't5', 'p5']) expect({ secret, found: text.includes(`"${secret}"`) }).toEqual({ secret, found: false });
    expect(JSON.parse(out[0])).toMatchObject({
      token: REDACTED,
      requestId: 'req-1',
      body: { email: 'a@example.com', password: REDACTED },
      sessions: [{ id: 's1', refreshToken: REDACTED }],
      failure: { message: 'refresh failed', token: REDACTED },
      login: { email: 'b@example.com', password: REDACTED },
    });
    // The caller's objects are left as they were.
    expect(body.password).toBe('p4');
    expect(sessions[0].refreshToken).toBe('r4');
    expect((failure as Error & { token: string }).token).toBe('t4');
  });

  it('redactKeys returns the same object when there is nothing to censor, and stops two levels down', () => {
    const clean = { a: { b: { c: 1 } }, list: [1, 2] };
    expect(redactKeys(clean)).toBe(clean);
    expect(redactKeys({ a: { b: { password: 'x', c: { password: 'deeper' } } } })).toEqual({ a: { b: { password: REDACTED, c: { password: 'deeper' } } } });
  });
});
