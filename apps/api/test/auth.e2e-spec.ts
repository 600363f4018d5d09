import { describe, expect, it } from '@jest/globals';
import { registerUser } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

describe('auth (e2e)', () => {
  const t = useTestApp();

  it('registers, then returns the user from /users/me', async () => {
    const user = await registerUser(t, 'Ada');
    expect(user.accessToken).toEqual(expect.any(String));
    expect(user.refreshToken).toEqual(expect.any(String));
    const me = await t.http().get('/api/v1/users/me').set(user.auth).expect(200);
    expect(me.body).toEqual({ id: user.user.id, email: user.user.email, name: 'Ada', createdAt: expect.any(String) });
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('rejects a taken email with 409 EMAIL_TAKEN, case-insensitively', async () => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/auth/register').send({ email: user.user.email.toUpperCase(), password: 'another password', name: 'X' }).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN', requestId: expect.any(String) });
  });

  it('rejects short passwords and unknown fields with 400 listing the fields', async () => {
    const res = await t.http().post('/api/v1/auth/register').send({ email: 'not-an-email', password: 'short', name: 'X', admin: true }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['admin', 'email', 'password']);
  });

  it('logs in; unknown email and wrong password get the same 401', async () => {
    const user = await registerUser(t);
    await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: 'correct horse battery' }).expect(200);
    const wrong = await t.http().post('/api/v1/auth/login').send({ email: user.user.email, password: 'wrong password!' }).expect(401);
    const unknown = await t.http().post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'wrong password!' }).expect(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('rotates refresh tokens: a used token is refused once its successor has been used', async () => {
    const user = await registerUser(t);
    const first = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    await t.http().get('/api/v1/users/me').set({ Authorization: `Bearer ${first.body.accessToken}` }).expect(200);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    const again = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
    expect(again.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('requires a valid bearer token on every other route', async () => {
    expect((await t.http().get('/api/v1/users/me').expect(401)).body.code).toBe('UNAUTHORIZED');
    await t.http().get('/api/v1/boards').set({ Authorization: 'Bearer not.a.jwt' }).expect(401);
    const user = await registerUser(t);
    // a refresh token is not an access token
    await t.http().get('/api/v1/boards').set({ Authorization: `Bearer ${user.refreshToken}` }).expect(401);
  });
});
