import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { AuthResponse, BoardSnapshot } from '@tasklane/contracts';
// fixtures.ts does not import the app, so it may come before the environment is set.
import { TEST_PASSWORD, type TestUser } from '../support/fixtures.js';
import type { HttpTarget } from '../support/test-app.js';

// The REST rate limits at their production defaults (global-setup.mjs raises RATE_LIMIT_REGISTER
// for the other suites; this one puts it back). TRUST_PROXY=loopback lets each test speak from
// client addresses of its own through `X-Forwarded-For`, as nginx would send them. Set before the
// app module is imported (config is validated at import), restored afterwards.
const saved = { register: process.env.RATE_LIMIT_REGISTER, refresh: process.env.RATE_LIMIT_REFRESH, unsubscribe: process.env.RATE_LIMIT_UNSUBSCRIBE, trust: process.env.TRUST_PROXY };
process.env.RATE_LIMIT_REGISTER = '5/1h';
process.env.RATE_LIMIT_REFRESH = '30/1m';
process.env.RATE_LIMIT_UNSUBSCRIBE = '20/1m';
process.env.TRUST_PROXY = 'loopback';

const { useTestApp } = await import('../support/test-app.js');

/** A client address no other test (or run: the Redis keys have a per-run prefix) uses. */
const address = (): string => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

/** Registers a user from `from` (one of its five registrations per hour). */
async function registerFrom(t: HttpTarget, from: string): Promise<TestUser> {
  const res = await t.http().post('/api/v1/auth/register').set('X-Forwarded-For', from).send({ email: `${randomUUID()}@example.test`, password: TEST_PASSWORD, name: 'Limited' }).expect(201);
  const body = res.body as AuthResponse & { refreshToken: string };
  return { ...body, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

const login = (t: HttpTarget, from: string, email: string, password: string) => t.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email, password });

/** The IETF rate-limit headers of a response, as numbers. */
const limitHeaders = (res: Response) => ({
  limit: Number(res.headers['ratelimit-limit']),
  remaining: Number(res.headers['ratelimit-remaining']),
  reset: Number(res.headers['ratelimit-reset']),
});

/**
 * Asserts the standard 429: error body, `Retry-After` within (0, maxSeconds], RateLimit-* with
 * nothing remaining and `RateLimit-Reset` within maxResetSeconds (a token bucket refills after the
 * first retry is possible).
 */
function expectRateLimited(res: Response, limit: number, maxSeconds: number, maxResetSeconds = maxSeconds): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ statusCode: 429, code: 'RATE_LIMITED', message: expect.any(String), requestId: res.headers['x-request-id'] });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(limitHeaders(res)).toEqual({ limit, remaining: 0, reset: expect.any(Number) });
  expect(limitHeaders(res).reset).toBeLessThanOrEqual(maxResetSeconds);
}

describe('REST rate limits (e2e, one replica, default limits)', () => {
  const t = useTestApp();
  afterAll(() => {
    for (const [k, v] of Object.entries({ RATE_LIMIT_REGISTER: saved.register, RATE_LIMIT_REFRESH: saved.refresh, RATE_LIMIT_UNSUBSCRIBE: saved.unsubscribe, TRUST_PROXY: saved.trust })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('allows 5 registrations per address per hour, then 429 with Retry-After; other addresses are not affected', async () => {
    const from = address();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await t.http().post('/api/v1/auth/register').set('X-Forwarded-For', from).send({ email: `${randomUUID()}@example.test`, password: TEST_PASSWORD, name: 'R' });
      statuses.push(last.status);
      if (i < 5) expect(limitHeaders(last)).toEqual({ limit: 5, remaining: 4 - i, reset: expect.any(Number) });
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
    expectRateLimited(last!, 5, 3600);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(3500);
    // Even a request the validation pipe would refuse counts and is refused first: the limit is per request.
    await t.http().post('/api/v1/auth/register').set('X-Forwarded-For', from).send({}).expect(429);
    await registerFrom(t, address());
  });

  it('counts only failed logins per address and email: the 11th attempt is 429, even with the right password', async () => {
    const from = address();
    const user = await registerFrom(t, address());
    const email = user.user.email;
    // Successes do not count: nine failures, a success, then the tenth failure is still a 401.
    for (let i = 0; i < 9; i++) await login(t, from, email, 'wrong password!').expect(401);
    const ok = await login(t, from, email, TEST_PASSWORD).expect(200);
    expect(limitHeaders(ok)).toEqual({ limit: 10, remaining: 1, reset: expect.any(Number) });
    expect(ok.headers['cache-control']).toBe('no-store');
    const tenth = await login(t, from, email, 'wrong password!').expect(401);
    expect(limitHeaders(tenth)).toMatchObject({ limit: 10, remaining: 0 });
    const eleventh = await login(t, from, ` ${email.toUpperCase()} `, 'wrong password!');
    expectRateLimited(eleventh, 10, 900);
    const correct = await login(t, from, email, TEST_PASSWORD);
    expectRateLimited(correct, 10, 900);
    // Another address, and another email from this address, are separate windows.
    await login(t, address(), email, TEST_PASSWORD).expect(200);
    await login(t, from, `${randomUUID()}@example.test`, 'wrong password!').expect(401);
  });

  it('refuses failed logins beyond 50 per address across emails', async () => {
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 52; i++) statuses.push((await login(t, from, `${randomUUID()}@example.test`, 'wrong password!')).status);
    expect(statuses).toEqual([...Array(50).fill(401), 429, 429]);
    const user = await registerFrom(t, address());
    expectRateLimited(await login(t, from, user.user.email, TEST_PASSWORD), 50, 900);
  });

  it('allows 30 refreshes per address per minute, then 429 even for a valid refresh token', async () => {
    const from = address();
    const user = await registerFrom(t, address());
    for (let i = 0; i < 30; i++) {
      const res = await t.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', from).send({ refreshToken: `not-a-token-${i}` }).expect(401);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const refused = await t.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', from).send({ refreshToken: user.refreshToken });
    expectRateLimited(refused, 30, 60);
    expect(refused.headers['cache-control']).toBe('no-store');
    await t.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', address()).send({ refreshToken: user.refreshToken }).expect(200);
  });

  it('limits the unsubscribe link on its own: 20 per address per minute, then 429; refreshes from that address are unaffected, and vice versa', async () => {
    const from = address();
    const user = await registerFrom(t, address());
    const unsubscribe = (id = randomUUID()) => t.http().get(`/api/v1/unsubscribe?id=${id}`).set('X-Forwarded-For', from);
    for (let i = 0; i < 20; i++) {
      const res = await unsubscribe().expect(200);
      expect(limitHeaders(res)).toEqual({ limit: 20, remaining: 19 - i, reset: expect.any(Number) });
    }
    expectRateLimited(await unsubscribe(), 20, 60);
    // The refresh window of this address has not been touched: a valid refresh works and has used 1 of 30.
    const refreshed = await t.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', from).send({ refreshToken: user.refreshToken }).expect(200);
    expect(limitHeaders(refreshed)).toEqual({ limit: 30, remaining: 29, reset: expect.any(Number) });
    // And refreshes do not use up the link: another address spends its whole refresh window, then unsubscribes.
    const other = address();
    for (let i = 0; i < 30; i++) await t.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', other).send({ refreshToken: `not-a-token-${i}` }).expect(401);
    await t.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', other).send({ refreshToken: 'x' }).expect(429);
    const link = await t.http().get(`/api/v1/unsubscribe?id=${randomUUID()}`).set('X-Forwarded-For', other).expect(200);
    expect(limitHeaders(link)).toEqual({ limit: 20, remaining: 19, reset: expect.any(Number) });
  });

  it('lets a user write a burst of 40, then answers 429 until the bucket refills at 20 per second; other users write on', async () => {
    const owner = await registerFrom(t, address());
    const other = await registerFrom(t, address());
    const board = (await t.http().post('/api/v1/boards').set(owner.auth).send({ name: 'Burst' }).expect(201)).body as BoardSnapshot;
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 70 }, (_, i) => t.http().post(`/api/v1/boards/${board.id}/tasks`).set(owner.auth).send({ columnId: board.columns[0].id, title: `t${i}` })),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const created = results.filter((r) => r.status === 201);
    const limited = results.filter((r) => r.status === 429);
    expect(created.length + limited.length).toBe(70);
    // The board creation took one token; the bucket then refills at 20/s while the burst runs.
    expect(created.length).toBeGreaterThanOrEqual(39);
    expect(created.length).toBeLessThanOrEqual(39 + Math.ceil(20 * elapsedSeconds) + 1);
    expect(limited.length).toBeGreaterThan(0);
    // One token per 50 ms: a retry within a second; the whole bucket within 2 s.
    for (const r of limited) expectRateLimited(r, 40, 1, 2);
    for (const r of created) expect(limitHeaders(r).limit).toBe(40);
    // The limit is the user's: another user is not held back.
    await t.http().post('/api/v1/boards').set(other.auth).send({ name: 'Mine' }).expect(201);
    await new Promise((r) => setTimeout(r, 1000 * Number(limited[0].headers['retry-after'])));
    await t.http().post(`/api/v1/boards/${board.id}/tasks`).set(owner.auth).send({ columnId: board.columns[0].id, title: 'after the pause' }).expect(201);
  });

  it('allows 100 reads per user per second, then 429 until the window ends', async () => {
    const user = await registerFrom(t, address());
    // 130 reads at once; on a loaded machine they may be served across two one-second windows
    // (up to 100 each, so none refused): then the burst is sent again in a fresh window, up to 3 times.
    let results: Awaited<ReturnType<ReturnType<typeof t.http>['get']>>[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1100));
      results = await Promise.all(Array.from({ length: 130 }, () => t.http().get('/api/v1/users/me').set(user.auth)));
      if (results.some((r) => r.status === 429)) break;
    }
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(130);
    expect(ok.length).toBeGreaterThanOrEqual(100);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) expectRateLimited(r, 100, 1);
    const remaining = ok.map((r) => limitHeaders(r).remaining);
    expect(Math.min(...remaining)).toBe(0);
    expect(ok.every((r) => limitHeaders(r).limit === 100)).toBe(true);
    // Writes have their own budget.
    await t.http().post('/api/v1/boards').set(user.auth).send({ name: 'still writing' }).expect(201);
    await new Promise((r) => setTimeout(r, 1100));
    await t.http().get('/api/v1/users/me').set(user.auth).expect(200);
  });

  it('sends no RateLimit headers on unlimited routes (health) and none on a 401 before the user is known', async () => {
    const live = await t.http().get('/health/live').expect(200);
    expect(live.headers['ratelimit-limit']).toBeUndefined();
    const anonymous = await t.http().get('/api/v1/users/me').expect(401);
    expect(anonymous.headers['ratelimit-limit']).toBeUndefined();
  });
});
