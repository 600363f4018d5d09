// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Session } from './session.js';

type Call = { url: string; body: unknown; headers: Record<string, string> };
const user = { id: 'u1', email: 'ana@example.com', name: 'Ana', createdAt: '' };
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake server: `oldServer` refuses the `session` field like today's API (400 naming it). */
function fakeServer(oldServer: boolean) {
  const calls: Call[] = [];
  let n = 0;
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, body, headers: init.headers as Record<string, string> });
    const path = url.replace(/^.*\/api\/v1/, '');
    const tokens = () => ({ user, accessToken: `access-${++n}`, expiresIn: 900, ...(oldServer ? { refreshToken: `refresh-${n}` } : {}) });
    if (path === '/auth/login') {
      if (oldServer && 'session' in body) return json(400, { statusCode: 400, code: 'VALIDATION_FAILED', message: 'bad', details: [{ field: 'session', errors: ['property session should not exist'] }], requestId: 'r' });
      return json(200, tokens());
    }
    if (path === '/auth/refresh') {
      if (oldServer && !body.refreshToken) return json(400, { statusCode: 400, code: 'VALIDATION_FAILED', message: 'bad', details: [{ field: 'refreshToken', errors: ['required'] }], requestId: 'r' });
      return json(200, tokens());
    }
    if (path === '/auth/logout') return new Response(null, { status: 204 });
    if (path === '/boards') return (init.headers as Record<string, string>).authorization === `Bearer access-${n}` ? json(200, { items: [], nextCursor: null }) : json(401, { statusCode: 401, code: 'UNAUTHORIZED', message: 'expired', requestId: 'r' });
    return json(404, { statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'no', requestId: 'r' });
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

describe('Session: the cookie session contract, with a fallback for servers without it', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.unstubAllGlobals());

  it('against a cookie-mode server: asks for the cookie, keeps nothing in storage, restores and logs out with {}', async () => {
    const calls = fakeServer(false);
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
  });

  it('against an old server: falls back to the body token, keeps it for reloads, never calls logout', async () => {
    const calls = fakeServer(true);
    const session = new Session('');
    await session.signIn('ana@example.com', 'pw');
    expect(calls.map((c) => (c.body as { session?: string }).session)).toEqual(['cookie', undefined]);
    expect(localStorage.getItem('tasklane.refreshToken')).toBe('refresh-1');

    const reloaded = new Session('');
    await reloaded.restore();
    expect(calls.at(-1)).toMatchObject({ url: '/api/v1/auth/refresh', body: { refreshToken: 'refresh-1' } });
    expect(localStorage.getItem('tasklane.refreshToken')).toBe('refresh-2');
    await reloaded.signOut();
    expect(calls.some((c) => c.url.endsWith('/auth/logout'))).toBe(false);
    expect(localStorage.getItem('tasklane.refreshToken')).toBeNull();
  });

  it('with no session at all, restore ends signed out', async () => {
    fakeServer(true);
    const session = new Session('');
    await session.restore();
    expect(session.state.status).toBe('signed-out');
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    const calls = fakeServer(false);
    const session = new Session('');
    await session.signIn('ana@example.com', 'pw');
    // another tab rotated the token meanwhile: this page's access token is stale
    await fetch('/api/v1/auth/refresh', { method: 'POST', body: '{}', headers: {} });
    await expect(session.rest.listBoards()).resolves.toEqual({ items: [], nextCursor: null });
    expect(calls.map((c) => c.url.replace('/api/v1', ''))).toEqual(['/auth/login', '/auth/refresh', '/boards', '/auth/refresh', '/boards']);
  });
});
