import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '../http/current-user.decorator.js';
import { AccessTokenGuard } from './access-token.guard.js';
import type { AuthService } from './auth.service.js';
import { IS_PUBLIC } from './public.decorator.js';
import { SESSION_ONLY } from './session-only.decorator.js';

// Which credential passes where: the scope rule is decided by the HTTP method, so a route added
// later is covered without being marked.
const session: AuthUser = { kind: 'session', id: 'u', sessionId: 's', expiresAt: Date.now() + 60_000 };
const reader: AuthUser = { kind: 'api-token', id: 'u', tokenId: 'r', scopes: ['boards:read'], expiresAt: null };
const writer: AuthUser = { kind: 'api-token', id: 'u', tokenId: 'w', scopes: ['boards:read', 'boards:write'], expiresAt: null };
const byToken: Record<string, AuthUser> = { session: session, 'tl_reader': reader, 'tl_writer': writer };

function run(method: string, token: string | null, meta: { public?: boolean; sessionOnly?: boolean } = {}): Promise<{ ok: true; user?: AuthUser } | { ok: false; code: string }> {
  const handler = () => undefined;
  class Controller {}
  if (meta.public) Reflect.defineMetadata(IS_PUBLIC, true, handler);
  if (meta.sessionOnly) Reflect.defineMetadata(SESSION_ONLY, true, Controller);
  const request: { method: string; headers: Record<string, string>; user?: AuthUser } = { method, headers: token ? { authorization: `Bearer ${token}` } : {} };
  const context = {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  const auth = { authenticate: (t: string) => (t.startsWith('tl_') ? Promise.resolve(byToken[t] ?? null) : (byToken[t] ?? null)) } as unknown as AuthService;
  const guard = new AccessTokenGuard(new Reflector(), auth);
  return Promise.resolve()
    .then(() => guard.canActivate(context))
    .then(
      () => ({ ok: true as const, user: request.user }),
      (error: { code: string }) => ({ ok: false as const, code: error.code }),
    );
}

describe('AccessTokenGuard', () => {
  it('lets public routes through without a token and refuses a missing or unknown one elsewhere', async () => {
    await expect(run('POST', null, { public: true })).resolves.toEqual({ ok: true, user: undefined });
    await expect(run('GET', null)).resolves.toEqual({ ok: false, code: 'UNAUTHORIZED' });
    await expect(run('GET', 'nope')).resolves.toEqual({ ok: false, code: 'UNAUTHORIZED' });
    await expect(run('GET', 'tl_unknown')).resolves.toEqual({ ok: false, code: 'UNAUTHORIZED' });
  });

  it('a login session passes everywhere, session-only routes included', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) await expect(run(method, 'session', { sessionOnly: true })).resolves.toEqual({ ok: true, user: session });
  });

  it('a read-only API token passes GET and HEAD only; any other method is a write (403)', async () => {
    for (const method of ['GET', 'HEAD']) await expect(run(method, 'tl_reader')).resolves.toEqual({ ok: true, user: reader });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) await expect(run(method, 'tl_reader')).resolves.toEqual({ ok: false, code: 'FORBIDDEN' });
  });

  it('a write API token passes every method, but no API token passes a session-only route', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) await expect(run(method, 'tl_writer')).resolves.toEqual({ ok: true, user: writer });
    for (const token of ['tl_reader', 'tl_writer']) {
      for (const method of ['GET', 'POST', 'DELETE']) await expect(run(method, token, { sessionOnly: true })).resolves.toEqual({ ok: false, code: 'FORBIDDEN' });
    }
  });
});
