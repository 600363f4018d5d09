import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { REDACT_PATHS, REDACTED, redactArgs, redactText } from './redaction.js';

const API_TOKEN = `tl_${'a1B2c3D4e5'.repeat(4)}xyz`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** A pino logger configured as loggerParams configures it (redact paths + the logMethod hook), writing into `out`. */
function logger(out: string[]) {
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (out.push(chunk.toString()), done()) });
  return pino(
    {
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactArgs(args) as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
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
});
