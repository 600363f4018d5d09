import { afterAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import type { TasklaneSocket } from '@tasklane/client';
import { SOCKET_PATH } from '@tasklane/contracts';
// fixtures.ts and sockets.ts do not import the app, so they may come before the environment is set.
import { registerUser, TEST_PASSWORD } from '../support/fixtures.js';
import { connected } from '../support/sockets.js';

// One allowed foreign origin; everything else is as in production (EXPOSE_REPLICA_HEADER unset).
// Set before the app module is imported, restored afterwards.
const ALLOWED = 'https://app.example.test';
const FOREIGN = 'https://evil.example.test';
const saved = process.env.CORS_ORIGINS;
process.env.CORS_ORIGINS = ALLOWED;

const { useTestApp } = await import('../support/test-app.js');

/** The Content-Security-Policy the app promises (app.factory.ts CONTENT_SECURITY_POLICY), in helmet's serialisation. */
const CSP =
  "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;font-src 'self';" +
  "connect-src 'self' ws: wss:;object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'";

describe('HTTP hardening (e2e, one replica)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  afterAll(() => {
    if (saved === undefined) delete process.env.CORS_ORIGINS;
    else process.env.CORS_ORIGINS = saved;
  });

  it('sends the security headers on API answers, errors and health checks, with the exact CSP', async () => {
    const user = await registerUser(t);
    for (const res of [
      await t.http().get('/health/live').expect(200),
      await t.http().get('/api/v1/users/me').set(user.auth).expect(200),
      await t.http().get('/api/v1/nope').expect(404),
      await t.http().get('/api/v1/users/me').expect(401),
      // Refused by an onRequest hook (refuseMultipart) before any route code runs.
      await t.http().post('/api/v1/boards').set(user.auth).set('Content-Type', 'multipart/form-data; boundary=x').send('--x--\r\n').expect(415),
    ]) {
      expect(res.headers).toMatchObject({
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('serves the Swagger UI under that CSP: no inline script, every script and stylesheet from /docs itself', async () => {
    const page = await t.http().get('/docs').redirects(1).expect(200);
    expect(page.headers['content-security-policy']).toBe(CSP);
    const html = page.text;
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    // script-src 'self' allows no inline code: every script must be an empty element with a src.
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src=/);
      expect(body.trim()).toBe('');
    }
    const assets = [...html.matchAll(/(?:src|href)=['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      // Relative to the page the browser is on, /docs.
      const url = new URL(asset, `${t.url}/docs`);
      expect(url.origin).toBe(t.url);
      const res = await t.http().get(url.pathname).buffer(true);
      expect([url.pathname, res.status]).toEqual([url.pathname, 200]);
      expect(res.headers['content-security-policy']).toBe(CSP);
      // No 'unsafe-eval' either: the bundle must not compile code at run time (its one `new Function`
      // is the guarded `return this` global lookup, which browsers with globalThis never reach).
      if (url.pathname.endsWith('.js')) {
        const code = res.text;
        expect(code.length).toBeGreaterThan(100);
        expect(code).not.toMatch(/\beval\(/);
        for (const m of code.matchAll(/new Function\(([^)]*)\)/g)) expect(m[1]).toBe('"return this"');
      }
    }
    // Inline <style> blocks are why style-src carries 'unsafe-inline'.
    expect(html).toMatch(/<style>/);
  });

  it('marks every /api/v1/auth answer no-store, success or error, and no other route', async () => {
    const user = await registerUser(t);
    const answers = [
      await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: TEST_PASSWORD }).expect(200),
      await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: 'wrong password!' }).expect(401),
      await t.http().post('/api/v1/auth/register').send({}).expect(400),
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200),
    ];
    for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
    expect((await t.http().get('/api/v1/users/me').set(user.auth).expect(200)).headers['cache-control']).toBeUndefined();
  });

  it('answers CORS for a listed origin only: preflight and request', async () => {
    const user = await registerUser(t);
    const preflight = (origin: string) =>
      t.http().options('/api/v1/boards').set({ Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key' });
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': ALLOWED, 'access-control-allow-credentials': 'true' });
    expect(allowed.headers['access-control-allow-methods']).toMatch(/POST/);
    const foreign = await preflight(FOREIGN);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-credentials']).toBeUndefined();

    const read = await t.http().get('/api/v1/boards').set(user.auth).set('Origin', ALLOWED).expect(200);
    expect(read.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(read.headers['access-control-expose-headers']).toMatch(/RateLimit-Remaining/);
    const stranger = await t.http().get('/api/v1/boards').set(user.auth).set('Origin', FOREIGN).expect(200);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    // Same origin (no Origin header, or the API's own): no CORS headers needed, none sent.
    expect((await t.http().get('/api/v1/boards').set(user.auth).expect(200)).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('checks the same allowlist at the Socket.IO handshake: listed, own and absent origins connect, a foreign one is refused', async () => {
    const user = await registerUser(t);
    const attempt = async (origin?: string): Promise<Error | null> => {
      const s = io(t.url, {
        path: SOCKET_PATH,
        transports: ['websocket'],
        auth: { token: user.accessToken },
        reconnection: false,
        forceNew: true,
        extraHeaders: origin ? { Origin: origin } : {},
      }) as TasklaneSocket;
      sockets.push(s);
      try {
        await connected(s);
        return null;
      } catch (error) {
        return error as Error;
      } finally {
        s.disconnect();
      }
    };
    expect(await attempt(ALLOWED)).toBeNull();
    expect(await attempt(t.url)).toBeNull();
    expect(await attempt(undefined)).toBeNull();
    expect(await attempt(FOREIGN)).toBeInstanceOf(Error);
    expect(await attempt('http://127.0.0.1:1')).toBeInstanceOf(Error);
  });

  it('does not send X-Replica unless EXPOSE_REPLICA_HEADER is set', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.headers['x-replica']).toBeUndefined();
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});
