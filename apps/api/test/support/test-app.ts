import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { AuthResponse, BoardSnapshot } from '@tasklane/contracts';
import { createApp } from '../../src/app.factory.js';

/** A running API on a random loopback port, built exactly as main.ts builds it. */
export interface TestApp {
  app: NestFastifyApplication;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** supertest agent bound to `url` */
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startTestApp(): Promise<TestApp> {
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, http: () => request(url), close: () => app.close() };
}

/** Registers a user with a unique email; returns tokens and a ready `Authorization` header. */
export async function registerUser(t: TestApp, name = 'Test User'): Promise<AuthResponse & { auth: { Authorization: string } }> {
  const email = `${randomUUID()}@example.test`;
  const res = await t.http().post('/api/v1/auth/register').send({ email, password: 'correct horse battery', name }).expect(201);
  const body = res.body as AuthResponse;
  return { ...body, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

/** Creates a board owned by `auth`'s user and returns its snapshot. */
export async function createBoard(t: TestApp, auth: { Authorization: string }, body: Record<string, unknown> = { name: 'Board' }): Promise<BoardSnapshot> {
  const res = await t.http().post('/api/v1/boards').set(auth).send(body).expect(201);
  return res.body as BoardSnapshot;
}
