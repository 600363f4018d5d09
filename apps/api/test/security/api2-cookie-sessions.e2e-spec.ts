import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { TEST_PASSWORD } from '../support/fixtures.js';
import { useTestApp, type TestApp } from '../support/test-app.js';

const THIRTY_DAYS_S = 30 * 24 * 3600;

/** The Set-Cookie header lines of a response (supertest gives an array, or nothing). */
const setCookies = (res: Response): string[] => (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];

/** The one `tasklane_refresh` Set-Cookie line, split into its value and its attributes (in order, as sent). */
function refreshCookie(res: Response): { value: string; attributes: string[] } {
  const lines = setCookies(res).filter((l) => l.startsWith('tasklane_refresh='));
  expect(lines).toHaveLength(1);
  const [pair, ...attributes] = lines[0].split('; ');
  return { value: pair.slice('tasklane_refresh='.length), attributes };
}

/** `attributes` with Max-Age replaced by `Max-Age=<n>` checked to be within [min, max]. */
function withMaxAge(attributes: string[], min: number, max: number): string[] {
  return attributes.map((a) => {
    if (!a.startsWith('Max-Age=')) return a;
    const n = Number(a.slice('Max-Age='.length));
    expect(n).toBeGreaterThanOrEqual(min);
    expect(n).toBeLessThanOrEqual(max);
    return 'Max-Age=<n>';
  });
}

async function registerWithCookie(t: TestApp, headers: Record<string, string> = {}) {
  const email = `${randomUUID()}@example.test`;
  const res = await t.http().post('/api/v1/auth/register').set(headers).send({ email, password: TEST_PASSWORD, name: 'Cookie', session: 'cookie' }).expect(201);
  return { email, res, cookie: refreshCookie(res) };
}

const withCookie = (value: string) => ({ Cookie: `tasklane_refresh=${value}` });

describe('cookie sessions for browsers (e2e, one replica)', () => {
  const t = useTestApp();

  it('register and login with session "cookie": refresh token only in an HttpOnly, SameSite=Strict cookie scoped to /api/v1/auth', async () => {
    const { email, res, cookie } = await registerWithCookie(t);
    expect(res.body).not.toHaveProperty('refreshToken');
    expect(res.body).toMatchObject({ accessToken: expect.any(String), expiresIn: 900, user: { email } });
    expect(cookie.value).toMatch(/^[\w-]{43}$/);
    expect(withMaxAge(cookie.attributes, THIRTY_DAYS_S - 5, THIRTY_DAYS_S)).toEqual(['Max-Age=<n>', 'Path=/api/v1/auth', 'HttpOnly', 'SameSite=Strict']);

    const login = await t.http().post('/api/v1/auth/login').send({ email, password: TEST_PASSWORD, session: 'cookie' }).expect(200);
    expect(login.body).not.toHaveProperty('refreshToken');
    const second = refreshCookie(login);
    expect(second.value).not.toBe(cookie.value);
    expect(withMaxAge(second.attributes, THIRTY_DAYS_S - 5, THIRTY_DAYS_S)).toEqual(['Max-Age=<n>', 'Path=/api/v1/auth', 'HttpOnly', 'SameSite=Strict']);

    // body mode (the default) sets no cookie
    const plain = await t.http().post('/api/v1/auth/login').send({ email, password: TEST_PASSWORD }).expect(200);
    expect(plain.body.refreshToken).toEqual(expect.any(String));
    expect(setCookies(plain)).toEqual([]);
    await t.http().post('/api/v1/auth/login').send({ email, password: TEST_PASSWORD, session: 'jar' }).expect(400);
  });

  it('marks the cookie Secure when the request came over https (X-Forwarded-Proto from the proxy)', async () => {
    const { cookie } = await registerWithCookie(t, { 'X-Forwarded-Proto': 'https' });
    expect(withMaxAge(cookie.attributes, THIRTY_DAYS_S - 5, THIRTY_DAYS_S)).toEqual(['Max-Age=<n>', 'Path=/api/v1/auth', 'HttpOnly', 'Secure', 'SameSite=Strict']);
  });

  it('refreshes with the cookie alone: a new cookie, no token in the body; once the new one is used, the old cookie is reuse and kills the session', async () => {
    const { cookie } = await registerWithCookie(t);
    const res = await t.http().post('/api/v1/auth/refresh').set(withCookie(cookie.value)).send({}).expect(200);
    expect(res.body).not.toHaveProperty('refreshToken');
    expect(res.body.accessToken).toEqual(expect.any(String));
    const rotated = refreshCookie(res);
    expect(rotated.value).not.toBe(cookie.value);
    expect(withMaxAge(rotated.attributes, THIRTY_DAYS_S - 5, THIRTY_DAYS_S)).toEqual(['Max-Age=<n>', 'Path=/api/v1/auth', 'HttpOnly', 'SameSite=Strict']);
    await t.http().get('/api/v1/users/me').set({ Authorization: `Bearer ${res.body.accessToken}` }).expect(200);
    // the new cookie is used in turn: from now on the first one is reuse, even within the grace window
    const newest = refreshCookie(await t.http().post('/api/v1/auth/refresh').set(withCookie(rotated.value)).send({}).expect(200));

    const reused = await t.http().post('/api/v1/auth/refresh').set(withCookie(cookie.value)).send({}).expect(401);
    expect(reused.body.code).toBe('INVALID_REFRESH_TOKEN');
    // the refused cookie is cleared
    expect(refreshCookie(reused)).toMatchObject({ value: '', attributes: expect.arrayContaining(['Max-Age=0', 'Path=/api/v1/auth']) });
    await t.http().post('/api/v1/auth/refresh').set(withCookie(newest.value)).send({}).expect(401);
  });

  it('uses the cookie only for a JSON request, and answers 401 without any refresh token', async () => {
    const { cookie } = await registerWithCookie(t);
    // No body, no Content-Type: what a cross-site "simple" request could send. The cookie is ignored.
    expect((await t.http().post('/api/v1/auth/refresh').set(withCookie(cookie.value)).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await t.http().post('/api/v1/auth/refresh').send({}).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    // What an HTML form can send: refused one way or another, and the cookie is neither used nor cleared.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await t.http().post('/api/v1/auth/refresh').set(withCookie(cookie.value)).set('Content-Type', type).send('refreshToken=x');
      expect([400, 401, 415]).toContain(res.status);
      expect(res.body).not.toHaveProperty('accessToken');
      expect(setCookies(res)).toEqual([]);
      await t.http().post('/api/v1/auth/logout').set(withCookie(cookie.value)).set('Content-Type', type).send('x');
    }
    // the cookie still works from a proper request
    await t.http().post('/api/v1/auth/refresh').set(withCookie(cookie.value)).send({}).expect(200);
  });

  it('logout with the cookie ends the session and clears the cookie', async () => {
    const { cookie } = await registerWithCookie(t);
    const res = await t.http().post('/api/v1/auth/logout').set(withCookie(cookie.value)).send({}).expect(204);
    const cleared = refreshCookie(res);
    expect(cleared.value).toBe('');
    expect(cleared.attributes).toEqual(['Max-Age=0', 'Path=/api/v1/auth', expect.stringMatching(/^Expires=Thu, 01 Jan 1970 00:00:00 GMT$/), 'HttpOnly', 'SameSite=Strict']);
    await t.http().post('/api/v1/auth/refresh').set(withCookie(cookie.value)).send({}).expect(401);
  });

  it('logout-all clears the cookie of the browser that called it', async () => {
    const { res, cookie } = await registerWithCookie(t);
    const out = await t.http().post('/api/v1/auth/logout-all').set({ Authorization: `Bearer ${res.body.accessToken}` }).set(withCookie(cookie.value)).expect(204);
    expect(refreshCookie(out).value).toBe('');
    await t.http().post('/api/v1/auth/refresh').set(withCookie(cookie.value)).send({}).expect(401);
  });
});
