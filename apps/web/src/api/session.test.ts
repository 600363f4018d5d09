// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { REFRESH_RETRY_MS, Session } from './session.js';

type Call = { url: string; body: unknown; headers: Record<string, string> };
const user = { id: 'u1', email: 'ana@example.com', name: 'Ana', createdAt: '' };
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake API in cookie session mode: no refresh token in any body; 401 for a stale access token. */
function fakeServer(options: { signedIn?: boolean } = {}) {
  const calls: Call[] = [];
  let n = 0;
  let cookie = options.signedIn ?? false;
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, body, headers: init.headers as Record<string, string> });
    const path = url.replace(/^.*\/api\/v1/, '');
    const tokens = () => ({ user, accessToken: `access-${++n}`, expiresIn: 900 });
    if (path === '/auth/login') {
      cookie = body.session === 'cookie';
      return json(200, cookie ? tokens() : { ...tokens(), refreshToken: 'in-the-body' });
    }
    if (path === '/auth/refresh') return cookie ? json(200, tokens()) : json(401, { statusCode: 401, code: 'UNAUTHORIZED', message: 'no session', requestId: 'r' });
    if (path === '/auth/logout') {
      cookie = false;
      return new Response(null, { status: 204 });
    }
    if (path === '/boards') return (init.headers as Record<string, string>).authorization === `Bearer access-${n}` ? json(200, { items: [], nextCursor: null }) : json(401, { statusCode: 401, code: 'UNAUTHORIZED', message: 'expired', requestId: 'r' });
    return json(404, { statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'no', requestId: 'r' });
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

describe('Session: the cookie session contract', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the cookie, keeps nothing in storage, restores from the cookie and logs out with {}', async () => {
    const calls = fakeServer();
    const session = new Session('');
    await session.signIn('ana@example.com', 'pw');
    expect(calls[0].body).toEqual({ email: 'ana@example.com', password: 'pw', session: 'cookie' });
    expect(session.state).toEqual({ status: 'signed-in', user });
    expect(localStorage.length).toBe(0);
    expect(session.token()).toBe('access-1');

    const reloaded = new Session('');
    await reloaded.restore();
    expect(calls.at(-1)).toMatchObject({ url: '/api/v1/auth/refresh', body: {} });
    expect(reloaded.state.status).toBe('signed-in');

    await reloaded.signOut();
    expect(calls.at(-1)).toMatchObject({ url: '/api/v1/auth/logout', body: {} });
    expect(reloaded.state.status).toBe('signed-out');
    expect(reloaded.token()).toBe('');
    const again = new Session('');
    await again.restore();
    expect(again.state.status).toBe('signed-out');
  });

  it('with no session at all, restore ends signed out', async () => {
    fakeServer();
    const session = new Session('');
    await session.restore();
    expect(session.state.status).toBe('signed-out');
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    const calls = fakeServer();
    const session = new Session('');
    await session.signIn('ana@example.com', 'pw');
    // another tab rotated the token meanwhile: this page's access token is stale
    await fetch('/api/v1/auth/refresh', { method: 'POST', body: '{}', headers: {} });
    await expect(session.rest.listBoards()).resolves.toEqual({ items: [], nextCursor: null });
    expect(calls.map((c) => c.url.replace('/api/v1', ''))).toEqual(['/auth/login', '/auth/refresh', '/boards', '/auth/refresh', '/boards']);
  });

  it('keeps the session through failed renewals (503, network, 429), asks nothing more until the next try, and tries again until one succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const calls = fakeServer();
    const session = new Session('');
    await session.signIn('ana@example.com', 'pw');
    const server = globalThis.fetch as unknown as Mock<(url: string, init: RequestInit) => Promise<Response>>;
    const real = server.getMockImplementation()!;
    const failures: (() => Response)[] = [
      () => json(503, { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'busy', requestId: 'r' }),
      () => {
        throw new TypeError('Failed to fetch');
      },
      () => json(429, { statusCode: 429, code: 'RATE_LIMITED', message: 'slow down', requestId: 'r' }),
    ];
    let refreshes = 0;
    server.mockImplementation(async (url: string, init: RequestInit) => {
      if (url.endsWith('/auth/refresh')) {
        refreshes += 1;
        const fail = failures.shift();
        if (fail) return fail();
      }
      return real(url, init);
    });
    try {
      await expect(session.refresh()).resolves.toBe(false); // 503
      expect(session.state.status).toBe('signed-in');
      await expect(session.refresh()).resolves.toBe(false); // asked again before the retry: no request
      expect(refreshes).toBe(1);
      await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS); // the retry meets the network error
      expect(refreshes).toBe(2);
      await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS); // then the rate limit
      expect(refreshes).toBe(3);
      expect(session.state.status).toBe('signed-in');
      expect(session.token()).toBe('access-1');
      await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS); // and the next one succeeds
      expect(session.token()).toBe('access-2');
      expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1); // the failures never reached the fake API
    } finally {
      vi.useRealTimers();
      await session.signOut();
    }
  });
});
