import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { TasklaneSocket } from '@tasklane/client';
import { registerUser } from '../support/fixtures.js';
import { handshake } from '../support/sockets.js';
import { useTestApp } from '../support/test-app.js';

// OWASP API2 (broken authentication): tokens an attacker can make or steal must not open REST or
// Socket.IO. The signing key is the e2e run's JWT_SECRET (global-setup.mjs), so the test can sign
// tokens exactly as the server does and change one thing at a time.
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function jwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: string | null = process.env.JWT_SECRET as string, algorithm = 'sha256'): string {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${key === null ? '' : createHmac(algorithm, key).update(head).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);

describe('API2: forged, expired and misused tokens are refused on REST and Socket.IO', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  afterAll(() => sockets.forEach((s) => s.disconnect()));

  it('accepts the genuine token, and refuses every forged or misused one with 401 / connect_error unauthorized', async () => {
    const user = await registerUser(t);
    const sub = user.user.id;
    const valid = { sub, typ: 'access', iat: now(), exp: now() + 600 };
    const [, genuinePayload, genuineSignature] = user.accessToken.split('.');
    const cases: [string, string][] = [
      ['garbage', 'not.a.jwt'],
      ['signed with another key', jwt({ alg: 'HS256', typ: 'JWT' }, valid, 'another-key-another-key-another-key-0')],
      ['alg none, no signature', jwt({ alg: 'none', typ: 'JWT' }, valid, null)],
      ['alg none, signature kept', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(valid)}.${genuineSignature}`],
      ['HS512 with the right key (algorithm not allowed)', jwt({ alg: 'HS512', typ: 'JWT' }, valid, process.env.JWT_SECRET as string, 'sha512')],
      ['expired', jwt({ alg: 'HS256', typ: 'JWT' }, { ...valid, iat: now() - 1000, exp: now() - 10 })],
      ['not an access token (typ refresh)', jwt({ alg: 'HS256', typ: 'JWT' }, { ...valid, typ: 'refresh' })],
      ['no typ claim', jwt({ alg: 'HS256', typ: 'JWT' }, { sub, iat: now(), exp: now() + 600 })],
      ['payload swapped for another user, signature kept', `${user.accessToken.split('.')[0]}.${b64({ ...JSON.parse(Buffer.from(genuinePayload, 'base64url').toString()), sub: randomUUID() })}.${genuineSignature}`],
      ['the refresh token used as an access token', user.refreshToken as string],
      ['empty', ''],
    ];
    await t.http().get('/api/v1/users/me').set(user.auth).expect(200);
    const genuine = await handshake(t.url, user.accessToken);
    sockets.push(genuine.socket);
    expect(genuine.error).toBeNull();
    for (const [label, token] of cases) {
      const rest = await t.http().get('/api/v1/users/me').set({ Authorization: `Bearer ${token}` });
      expect({ label, status: rest.status, code: rest.body.code }).toEqual({ label, status: 401, code: 'UNAUTHORIZED' });
      const socket = await handshake(t.url, token);
      sockets.push(socket.socket);
      expect({ label, error: socket.error?.message }).toEqual({ label, error: 'unauthorized' });
    }
  });

  it('refuses other authorization schemes and a missing token, with the same 401 body shape', async () => {
    const user = await registerUser(t);
    for (const header of [{}, { Authorization: user.accessToken }, { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, { Authorization: 'Bearer' }]) {
      const res = await t.http().get('/api/v1/boards').set(header).expect(401);
      expect(res.body).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: expect.any(String), requestId: expect.any(String) });
    }
    const anonymous = await handshake(t.url);
    sockets.push(anonymous.socket);
    expect(anonymous.error?.message).toBe('unauthorized');
  });

  it('answers an unknown email and a wrong password identically, and never leaks the password hash', async () => {
    const user = await registerUser(t);
    const wrongPassword = await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: 'not the password at all' }).expect(401);
    const unknownEmail = await t.http().post('/api/v1/auth/login').send({ email: `${randomUUID()}@example.test`, password: 'not the password at all' }).expect(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(unknownEmail.body)).toEqual(strip(wrongPassword.body));
    const me = await t.http().get('/api/v1/users/me').set(user.auth).expect(200);
    expect(JSON.stringify(me.body)).not.toMatch(/argon|hash|password/i);
  });
});
